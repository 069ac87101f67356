//! The shared config files as aws-config reads them: the check that a named profile exists
//! (before the UI starts), what the selected profile's credentials come from, and a
//! credentials provider that explains a failure by that source (SSO, `credential_process`,
//! a missing `source_profile`) instead of one generic line.

use std::path::PathBuf;

use aws_config::profile::ProfileSet;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider, future};
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use aws_types::os_shim_internal::{Env, Fs};

use super::{ConnectOptions, cause_line, chain_text};
use crate::aws::{ApiError, CredentialsCause};

/// The config files to read: the options' explicit ones, else aws-config's defaults
/// (`AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/...`).
pub(super) fn files(opts: &ConnectOptions) -> Option<EnvConfigFiles> {
    if opts.config_file.is_none() && opts.credentials_file.is_none() {
        return None;
    }
    let mut b = EnvConfigFiles::builder();
    b = match &opts.config_file {
        Some(p) => b.with_file(EnvConfigFileKind::Config, p),
        None => b.include_default_config_file(true),
    };
    b = match &opts.credentials_file {
        Some(p) => b.with_file(EnvConfigFileKind::Credentials, p),
        None => b.include_default_credentials_file(true),
    };
    Some(b.build())
}

/// Where the selected profile's credentials come from, as far as the files say.
#[derive(Debug, Clone, Default)]
pub(super) struct ProfileInfo {
    /// The selected profile, or one it sources from, signs in through SSO.
    pub sso: bool,
    /// The program of the first `credential_process` on the way (its arguments are left
    /// out, as aws-config leaves them out of its logs: they can hold secrets).
    pub process: Option<String>,
    /// The chain ends in a `credential_process` that ec2tui runs itself.
    pub chain: Option<super::credential_process::ProcessChain>,
}

/// The profile named by `--profile` or `AWS_PROFILE`, if any.
pub(super) fn named_profile(opts: &ConnectOptions) -> Option<String> {
    opts.profile
        .clone()
        .or_else(|| std::env::var("AWS_PROFILE").ok())
        .filter(|p| !p.is_empty())
}

/// The profiles of the config and credentials files (aws-config's parser), sorted.
pub(super) async fn names(opts: &ConnectOptions) -> Result<Vec<String>, String> {
    let files = files(opts).unwrap_or_default();
    let set = aws_config::profile::load(&Fs::real(), &Env::real(), &files, None)
        .await
        .map_err(|e| {
            format!(
                "cannot read the AWS config files: {}",
                crate::aws::clean(&e.to_string())
            )
        })?;
    let mut names: Vec<String> = set.profiles().map(crate::aws::clean).collect();
    names.sort();
    Ok(names)
}

/// Reads the config files with aws-config's own parser. A named profile that is in
/// neither file is an error, in words for the user (the AWS CLI refuses it too).
pub(super) async fn inspect(opts: &ConnectOptions) -> Result<ProfileInfo, String> {
    let named = named_profile(opts);
    let files = files(opts).unwrap_or_default();
    let set = match aws_config::profile::load(&Fs::real(), &Env::real(), &files, None).await {
        Ok(set) => set,
        Err(e) if named.is_some() => {
            return Err(format!(
                "cannot read the AWS config files: {}",
                crate::aws::clean(&e.to_string())
            ));
        }
        Err(e) => {
            // the SDK reports it on the first call, as it would for the AWS CLI
            tracing::warn!("cannot read the AWS config files: {e}");
            return Ok(ProfileInfo::default());
        }
    };
    let selected = named.clone().unwrap_or_else(|| "default".into());
    if let Some(name) = &named
        && set.get_profile(name).is_none()
    {
        let mut names: Vec<&str> = set.profiles().collect();
        names.sort_unstable();
        let listed = if names.is_empty() {
            "no profiles are defined".to_string()
        } else {
            format!("profiles: {}", names.join(", "))
        };
        return Err(format!(
            "profile {name} is not in {} or {} ({listed})",
            shown_path(&opts.config_file, "AWS_CONFIG_FILE", "~/.aws/config"),
            shown_path(
                &opts.credentials_file,
                "AWS_SHARED_CREDENTIALS_FILE",
                "~/.aws/credentials"
            ),
        ));
    }
    Ok(info(&set, &selected))
}

fn shown_path(explicit: &Option<PathBuf>, var: &str, default: &str) -> String {
    explicit
        .as_ref()
        .map(|p| p.display().to_string())
        .or_else(|| std::env::var(var).ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| default.to_string())
}

/// Follows `source_profile` from the selected profile (a loop or a missing profile ends
/// the walk: the SDK reports those itself).
fn info(set: &ProfileSet, selected: &str) -> ProfileInfo {
    let mut out = ProfileInfo::default();
    let mut name = selected.to_string();
    let mut seen = Vec::new();
    while let Some(p) = set.get_profile(&name) {
        if seen.contains(&name) {
            break;
        }
        seen.push(name.clone());
        out.sso |= p.get("sso_start_url").is_some() || p.get("sso_session").is_some();
        if out.process.is_none()
            && let Some(cmd) = p.get("credential_process")
        {
            out.process = cmd.split_whitespace().next().map(crate::aws::clean);
        }
        match p.get("source_profile") {
            Some(next) => name = next.to_string(),
            None => break,
        }
    }
    out.chain = super::credential_process::process_chain(set, selected);
    out
}

/// The default chain's provider, whose failures carry an [`ApiError`] that says what failed
/// and why (found again by `map_err` in the SDK error's source chain).
#[derive(Debug)]
pub(super) struct Explained {
    pub inner: SharedCredentialsProvider,
    pub info: ProfileInfo,
    /// The last failure explained: aws-config hands a profile's set-up error (a missing
    /// `source_profile`) to the first call only and "initialization error already taken"
    /// to every later one, so later calls repeat this instead.
    pub last: std::sync::Mutex<Option<ApiError>>,
}

impl Explained {
    pub fn new(inner: SharedCredentialsProvider, info: ProfileInfo) -> Self {
        Self {
            inner,
            info,
            last: std::sync::Mutex::new(None),
        }
    }
}

/// A credentials failure already in words; the leaf of the SDK error's source chain.
#[derive(Debug)]
pub(super) struct CredentialsFailure(pub ApiError);

impl std::fmt::Display for CredentialsFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for CredentialsFailure {}

impl ProvideCredentials for Explained {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(async move {
            match self.inner.provide_credentials().await {
                // "no credentials anywhere" stays what it is: map_err words it
                Err(e @ CredentialsError::CredentialsNotLoaded(_)) => Err(e),
                // already in words (a credential process ec2tui ran)
                Err(e) if super::explained(&e).is_some() => {
                    let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
                    *last = super::explained(&e).cloned();
                    Err(e)
                }
                Err(e) => {
                    tracing::debug!(
                        "credentials: {}",
                        aws_smithy_types::error::display::DisplayErrorContext(&e)
                    );
                    let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
                    let explained = match last.as_ref() {
                        Some(prev) if chain_text(&e).contains("error already taken") => {
                            prev.clone()
                        }
                        _ => explain(&e, &self.info),
                    };
                    *last = Some(explained.clone());
                    Err(CredentialsError::provider_error(CredentialsFailure(
                        explained,
                    )))
                }
                ok => ok,
            }
        })
    }
}

/// Classifies a credentials failure by what the profile uses and what the SDK said.
pub(super) fn explain(err: &(dyn std::error::Error + 'static), info: &ProfileInfo) -> ApiError {
    let text = chain_text(err);
    let lower = text.to_lowercase();
    let cause = cause_line(err);
    if let Some(program) = info.process.as_deref()
        && lower.contains("external process")
    {
        return ApiError::credentials(
            CredentialsCause::Process,
            &process_detail(program, &text, &cause),
        );
    }
    if let Some((missing, from)) = missing_source_profile(&text) {
        return ApiError::credentials(
            CredentialsCause::SourceProfile(missing),
            &format!("it is referenced from profile {from}"),
        );
    }
    if info.sso || lower.contains("sso") {
        return ApiError::credentials(CredentialsCause::Sso, &cause);
    }
    super::credentials_error(&text, &cause)
}

/// "`sh` exited with status 3: <first line of its stderr>", from aws-config's
/// "Error retrieving credentials: external process exited with code exit status: 3.
/// Stderr: ...".
fn process_detail(program: &str, text: &str, cause: &str) -> String {
    let status = text.split("exit status: ").nth(1).map(|rest| {
        rest.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect::<String>()
    });
    let stderr = text
        .split("Stderr: ")
        .nth(1)
        .and_then(|s| s.lines().map(str::trim).find(|l| !l.is_empty()))
        .map(crate::aws::clean);
    match status.filter(|s| !s.is_empty()) {
        Some(st) => {
            let mut out = format!("`{program}` exited with status {st}");
            if let Some(e) = stderr {
                out.push_str(": ");
                out.push_str(&e);
            }
            out
        }
        None => format!("`{program}`: {cause}"),
    }
}

/// aws-config's "could not find source profile NAME referenced from FROM".
fn missing_source_profile(text: &str) -> Option<(String, String)> {
    let rest = text.split("could not find source profile ").nth(1)?;
    let mut words = rest.split_whitespace();
    let missing = words.next()?.to_string();
    if words.next()? != "referenced" || words.next()? != "from" || rest.contains("the root profile")
    {
        return None;
    }
    let from = words
        .next()?
        .trim_end_matches(|c: char| !c.is_alphanumeric());
    Some((crate::aws::clean(&missing), crate::aws::clean(from)))
}
