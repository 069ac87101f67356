//! A profile's `credential_process`, run by ec2tui instead of aws-config: aws-config starts
//! `sh -c COMMAND` and, when its identity cache gives up after 5 s, drops the call without
//! stopping the process, so every attempt left one running (and whatever it started), on
//! after ec2tui exited. Here the process runs in a process group of its own; when it does
//! not answer in [`PROCESS_TIMEOUT`], when its call is dropped and when ec2tui exits, the
//! whole group is killed. Its answer (the JSON of the AWS CLI's contract: `Version` 1,
//! `AccessKeyId`, `SecretAccessKey`, `SessionToken`, `Expiration`) is kept until it expires.
//!
//! Used for the profiles whose chain aws-config would resolve to a `credential_process`:
//! the selected profile's own, or the base of a chain of `role_arn` + `source_profile`
//! (each hop assumed with aws-config's `AssumeRoleProvider`). Any other shape of profile
//! stays with aws-config.

use std::collections::BTreeSet;
use std::process::Stdio;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use aws_config::profile::ProfileSet;
use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider, future};
use tokio::io::AsyncReadExt;

use super::profiles::CredentialsFailure;
use crate::aws::{ApiError, CredentialsCause, clean};

/// How long a credential process may take to answer.
pub const PROCESS_TIMEOUT: Duration = Duration::from_secs(5);

/// Credentials that expire sooner than this are fetched again.
const EXPIRY_MARGIN: Duration = Duration::from_secs(60);

/// What is read of a credential process's output and of its errors (an answer is a few KB).
const OUTPUT_LIMIT: u64 = 64 * 1024;

/// A failure stands this long after its load ended: the next call of the same job (the
/// instances listing asks for the zones first) gets it, instead of another 5 s run.
pub const FAILURE_KEPT: Duration = Duration::from_secs(2);

/// One hop of a role chain: `role_arn` (with its `external_id`, `role_session_name`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RoleHop {
    pub role_arn: String,
    pub external_id: Option<String>,
    pub session_name: Option<String>,
}

/// A profile whose credentials come from a `credential_process`, possibly through roles.
#[derive(Clone, PartialEq, Eq)]
pub(super) struct ProcessChain {
    /// The command, for `sh -c` (its arguments may hold secrets: never shown).
    pub command: String,
    /// The `aws_account_id` of the profile that has the command.
    pub account_id: Option<String>,
    /// The roles to assume with the process's credentials, the first one first.
    pub roles: Vec<RoleHop>,
}

impl std::fmt::Debug for ProcessChain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProcessChain")
            .field("program", &program(&self.command))
            .field("roles", &self.roles)
            .finish()
    }
}

/// The program of a command (its first word), as messages name it.
pub(super) fn program(command: &str) -> String {
    command
        .split_whitespace()
        .next()
        .map(clean)
        .unwrap_or_default()
}

/// The chain aws-config would resolve for `selected` (its `resolve_chain`), if it ends in
/// a `credential_process`: a role profile hops to its `source_profile` (a later profile's
/// static keys come first), a profile without a role is the base, and the base must have
/// nothing that aws-config prefers to a `credential_process` (a `credential_source`, a web
/// identity, SSO, a console session).
pub(super) fn process_chain(set: &ProfileSet, selected: &str) -> Option<ProcessChain> {
    let mut roles = Vec::new();
    let mut name = selected.to_string();
    let mut seen = BTreeSet::new();
    loop {
        let p = set.get_profile(&name)?;
        if !seen.insert(name.clone()) {
            return None;
        }
        if seen.len() > 1 && p.get("aws_access_key_id").is_some() {
            return None;
        }
        let has = |k: &str| p.get(k).is_some();
        let role = p
            .get("role_arn")
            .filter(|_| !has("web_identity_token_file"));
        let base = match role {
            Some(arn) => {
                roles.push(RoleHop {
                    role_arn: arn.to_string(),
                    external_id: p.get("external_id").map(str::to_string),
                    session_name: p.get("role_session_name").map(str::to_string),
                });
                if has("credential_source") {
                    return None;
                }
                match p.get("source_profile") {
                    Some(next) if next == name => true,
                    Some(next) => {
                        name = next.to_string();
                        false
                    }
                    None => return None,
                }
            }
            None => true,
        };
        if !base {
            continue;
        }
        let preferred = [
            "credential_source",
            "web_identity_token_file",
            "sso_start_url",
            "sso_session",
            "login_session",
        ];
        if preferred.iter().any(|k| has(k)) {
            return None;
        }
        let command = p.get("credential_process")?.to_string();
        roles.reverse();
        return Some(ProcessChain {
            command,
            account_id: p.get("aws_account_id").map(str::to_string),
            roles,
        });
    }
}

/// The process groups of credential processes running now.
static RUNNING: Mutex<BTreeSet<i32>> = Mutex::new(BTreeSet::new());

/// Kills every credential process still running, with what it started (ec2tui exits).
pub fn stop_credential_processes() {
    let groups: Vec<i32> = RUNNING
        .lock()
        .map(|mut g| std::mem::take(&mut *g).into_iter().collect())
        .unwrap_or_default();
    for g in groups {
        kill_group(g);
    }
}

fn kill_group(pgid: i32) {
    #[cfg(unix)]
    // SAFETY: a plain system call on a process group this process made and has not reaped
    unsafe {
        libc::killpg(pgid, libc::SIGKILL);
    }
    #[cfg(not(unix))]
    let _ = pgid;
}

/// A running credential process's group: killed when dropped, unless it answered.
struct Group(Option<i32>);

/// Takes a group out of [`RUNNING`]: whether it was there (not killed by
/// [`stop_credential_processes`] meanwhile).
fn unregister(pgid: i32) -> bool {
    RUNNING.lock().map(|mut r| r.remove(&pgid)).unwrap_or(false)
}

impl Group {
    fn new(pid: Option<u32>) -> Self {
        let pgid = pid.and_then(|p| i32::try_from(p).ok());
        if let Some(g) = pgid
            && let Ok(mut r) = RUNNING.lock()
        {
            r.insert(g);
        }
        Self(pgid)
    }
    /// It answered: what it left running is its own business.
    fn forget(&mut self) {
        if let Some(g) = self.0.take() {
            unregister(g);
        }
    }
    /// Kills it and what it started, once.
    fn kill(&mut self) {
        if let Some(g) = self.0.take()
            && unregister(g)
        {
            kill_group(g);
        }
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.kill();
    }
}

/// What the last load left: credentials, or the failure every caller that waited for it gets.
#[derive(Default)]
struct State {
    loads: u64,
    credentials: Option<Credentials>,
    failure: Option<(ApiError, std::time::Instant)>,
}

/// Credentials kept until they expire, loaded once at a time: callers who waited for a load
/// that failed, and calls in the [`FAILURE_KEPT`] after it, get its failure instead of
/// loading again (the SDK's identity cache hands a failed load to the next waiter, which
/// ran the process once more per waiting call).
pub(super) struct Kept {
    inner: SharedCredentialsProvider,
    info: super::profiles::ProfileInfo,
    state: tokio::sync::Mutex<State>,
    /// Loads ended, read without the lock: whether one ended while a caller waited.
    ended: std::sync::atomic::AtomicU64,
}

impl std::fmt::Debug for Kept {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kept").field("inner", &self.inner).finish()
    }
}

impl Kept {
    fn new(inner: SharedCredentialsProvider, info: &super::profiles::ProfileInfo) -> Self {
        Self {
            inner,
            info: info.clone(),
            state: tokio::sync::Mutex::new(State::default()),
            ended: std::sync::atomic::AtomicU64::new(0),
        }
    }

    async fn credentials(&self) -> Result<Credentials, ApiError> {
        use std::sync::atomic::Ordering;
        let before = self.ended.load(Ordering::SeqCst);
        let mut st = self.state.lock().await;
        if let Some(c) = &st.credentials
            && c.expiry()
                .is_none_or(|t| t > SystemTime::now() + EXPIRY_MARGIN)
        {
            return Ok(c.clone());
        }
        if let Some((e, at)) = &st.failure
            && (st.loads != before || at.elapsed() < FAILURE_KEPT)
        {
            // the load this caller waited for (or that just ended) failed: the answer
            return Err(e.clone());
        }
        let result = self.inner.provide_credentials().await.map_err(|e| {
            super::explained(&e)
                .cloned()
                .unwrap_or_else(|| super::profiles::explain(&e, &self.info))
        });
        st.loads += 1;
        self.ended.store(st.loads, Ordering::SeqCst);
        match &result {
            Ok(c) => {
                st.credentials = Some(c.clone());
                st.failure = None;
            }
            Err(e) => {
                st.credentials = None;
                st.failure = Some((e.clone(), std::time::Instant::now()));
            }
        }
        result
    }
}

impl ProvideCredentials for Kept {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(async move {
            self.credentials()
                .await
                .map_err(|e| CredentialsError::provider_error(CredentialsFailure(e)))
        })
    }
}

/// Runs the command, each time it is asked.
pub(super) struct ProcessProvider {
    command: String,
    account_id: Option<String>,
    timeout: Duration,
}

impl std::fmt::Debug for ProcessProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProcessProvider")
            .field("program", &program(&self.command))
            .finish()
    }
}

impl ProcessProvider {
    pub fn new(chain: &ProcessChain, timeout: Duration) -> Self {
        Self {
            command: chain.command.clone(),
            account_id: chain.account_id.clone(),
            timeout,
        }
    }

    async fn run(&self) -> Result<Credentials, ApiError> {
        let program = program(&self.command);
        let failed = |detail: String| ApiError::credentials(CredentialsCause::Process, &detail);
        // as aws-config runs it: through the shell
        #[cfg(unix)]
        let mut cmd = tokio::process::Command::new("sh");
        #[cfg(unix)]
        cmd.arg("-c");
        #[cfg(not(unix))]
        let mut cmd = tokio::process::Command::new("cmd.exe");
        #[cfg(not(unix))]
        cmd.arg("/C");
        cmd.arg(&self.command)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        #[cfg(unix)]
        cmd.process_group(0);
        tracing::debug!(program, "running the credential process");
        let mut child = cmd
            .spawn()
            .map_err(|e| failed(format!("`{program}` could not be started: {e}")))?;
        // declared after the child: dropped first, so the group is killed while its
        // leader is not yet reaped (its id cannot have been given to anyone else)
        let mut group = Group::new(child.id());
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
        let answered = tokio::time::timeout(self.timeout, async {
            // at most OUTPUT_LIMIT of each; the pipe closes after it
            let read_out = async {
                if let Some(s) = stdout {
                    let _ = s.take(OUTPUT_LIMIT).read_to_end(&mut out).await;
                }
            };
            let read_err = async {
                if let Some(s) = stderr {
                    let _ = s.take(OUTPUT_LIMIT).read_to_end(&mut err).await;
                }
            };
            let ((), (), status) = tokio::join!(read_out, read_err, child.wait());
            status
        })
        .await;
        let status = match answered {
            Err(_) => {
                group.kill();
                // where there are no process groups, at least the process itself
                let _ = child.start_kill();
                // reap it (killed: at once)
                let _ = tokio::time::timeout(Duration::from_secs(1), child.wait()).await;
                tracing::warn!(program, "the credential process did not answer: stopped");
                return Err(ApiError::credentials(
                    CredentialsCause::ProcessTimeout(self.timeout.as_secs()),
                    &format!("`{program}` was stopped, with what it started"),
                ));
            }
            Ok(Err(e)) => {
                group.kill();
                return Err(failed(format!("`{program}`: {e}")));
            }
            Ok(Ok(status)) => {
                group.forget();
                status
            }
        };
        if !status.success() {
            let how = match status.code() {
                Some(c) => format!("exited with status {c}"),
                None => {
                    #[cfg(unix)]
                    let signal = std::os::unix::process::ExitStatusExt::signal(&status);
                    #[cfg(not(unix))]
                    let signal: Option<i32> = None;
                    match signal {
                        Some(s) => format!("was killed by signal {s}"),
                        None => "failed".to_string(),
                    }
                }
            };
            let stderr = String::from_utf8_lossy(&err);
            let first = stderr.lines().map(str::trim).find(|l| !l.is_empty());
            let mut detail = format!("`{program}` {how}");
            if let Some(line) = first {
                detail.push_str(": ");
                detail.push_str(&bounded(&clean(line)));
            }
            return Err(failed(detail));
        }
        parse(&String::from_utf8_lossy(&out), self.account_id.as_deref())
            .map_err(|why| failed(format!("`{program}` answered, but {why}")))
    }
}

/// At most 300 characters (on a character boundary).
fn bounded(s: &str) -> String {
    if s.chars().count() > 300 {
        s.chars().take(300).collect::<String>() + "…"
    } else {
        s.to_string()
    }
}

/// The JSON a credential process prints (field names in any case, as aws-config reads them).
pub(super) fn parse(json: &str, account_id: Option<&str>) -> Result<Credentials, String> {
    let v: serde_json::Value =
        serde_json::from_str(json.trim()).map_err(|e| format!("not with JSON ({e})"))?;
    let obj = v.as_object().ok_or("not with a JSON object")?;
    let get = |name: &str| {
        obj.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    };
    let text = |name: &'static str| -> Result<Option<String>, String> {
        match get(name) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("its {name} is not a string")),
        }
    };
    match get("Version").and_then(serde_json::Value::as_i64) {
        Some(1) => {}
        Some(n) => return Err(format!("its Version is {n}, not 1")),
        None => return Err("without a Version".into()),
    }
    let key = text("AccessKeyId")?.ok_or("without an AccessKeyId")?;
    let secret = text("SecretAccessKey")?.ok_or("without a SecretAccessKey")?;
    let expiry = text("Expiration")?
        .map(|e| {
            aws_smithy_types::DateTime::from_str(
                &e,
                aws_smithy_types::date_time::Format::DateTimeWithOffset,
            )
            .ok()
            .and_then(|t| SystemTime::try_from(t).ok())
            .ok_or_else(|| format!("its Expiration {:?} is not an RFC 3339 time", clean(&e)))
        })
        .transpose()?;
    let mut b = Credentials::builder()
        .access_key_id(key)
        .secret_access_key(secret)
        .provider_name("CredentialProcess");
    b.set_session_token(text("SessionToken")?);
    b.set_expiry(expiry);
    let account = text("AccountId")?.or(account_id.map(str::to_string));
    b.set_account_id(account.map(Into::into));
    Ok(b.build())
}

impl ProvideCredentials for ProcessProvider {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(async move {
            self.run()
                .await
                .map_err(|e| CredentialsError::provider_error(CredentialsFailure(e)))
        })
    }
}

/// The provider for a process chain: the environment's keys first (as in aws-config's
/// default chain), then the process, then each role assumed with the last hop's
/// credentials; the process's credentials and the last hop's are each [`Kept`]. The
/// configuration's identity cache must be off (`IdentityCache::no_cache`): this is the cache.
pub(super) async fn provider(
    chain: &ProcessChain,
    info: &super::profiles::ProfileInfo,
    conf: &aws_config::SdkConfig,
) -> SharedCredentialsProvider {
    let process = ProcessProvider::new(chain, PROCESS_TIMEOUT);
    let mut p =
        SharedCredentialsProvider::new(Kept::new(SharedCredentialsProvider::new(process), info));
    for hop in &chain.roles {
        let mut b =
            aws_config::sts::AssumeRoleProvider::builder(hop.role_arn.clone()).configure(conf);
        if let Some(id) = &hop.external_id {
            b = b.external_id(id.clone());
        }
        if let Some(s) = &hop.session_name {
            b = b.session_name(s.clone());
        }
        p = SharedCredentialsProvider::new(b.build_from_provider(p).await);
    }
    let chain = aws_config::meta::credentials::CredentialsProviderChain::first_try(
        "Environment",
        aws_config::environment::EnvironmentVariableCredentialsProvider::new(),
    )
    .or_else("CredentialProcess", p);
    SharedCredentialsProvider::new(Kept::new(SharedCredentialsProvider::new(chain), info))
}
