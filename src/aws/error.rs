//! [`ApiError`]: a failed call in plain words, its kind, and the hint it gives.

use super::text::clean;

/// What kind of failure, so the UI can give the right hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// No credentials, expired credentials or an expired SSO token.
    Credentials,
    /// The endpoint could not be reached, or did not answer in time.
    Network,
    /// AWS (or the emulator) answered with an error.
    Service,
    /// Anything else, including malformed answers.
    Other,
    /// A change whose answer was lost (a timeout, a dropped connection, a server error after
    /// a retry): it may or may not have been made, and reading it back did not tell.
    Unknown,
}

/// An error from the EC2 API, already in plain words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct ApiError {
    pub kind: ErrorKind,
    /// The AWS error code, e.g. `IncorrectInstanceState`.
    pub code: Option<String>,
    pub message: String,
    pub request_id: Option<String>,
}

impl ApiError {
    pub fn service(code: &str, message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Service,
            code: Some(code.to_string()),
            message: clean(&message.into()),
            request_id: None,
        }
    }

    pub fn other(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            code: None,
            message: clean(&message.into()),
            request_id: None,
        }
    }

    /// How a call that ended in this error is said: "stop web-1 (i-…) refused: …", or, where
    /// the outcome is unknown, that.
    pub fn failed(&self, what: &str) -> String {
        match self.kind {
            ErrorKind::Unknown => format!("the outcome of {what} is unknown: {}", self.describe()),
            _ => format!("{what} refused: {}", self.describe()),
        }
    }

    /// Whether the call that ended in this error may have been carried out all the same:
    /// its answer was lost or it failed on the server's side, or an earlier attempt of it
    /// (`attempts` were sent) may have been made before the answer that came.
    pub fn may_have_happened(&self, attempts: u32) -> bool {
        let code = self.code.as_deref().unwrap_or("");
        let server = matches!(
            code,
            "InternalError" | "InternalFailure" | "ServiceUnavailable" | "Unavailable"
        ) || self.message.contains("status code 5")
            || self.message.contains("HTTP 5");
        // refused before anything was sent: no connection could be made at all
        let unsent = attempts <= 1
            && [
                "Connection refused",
                "dns error",
                "failed to lookup address",
            ]
            .iter()
            .any(|w| self.message.contains(w));
        match self.kind {
            ErrorKind::Network => !unsent,
            ErrorKind::Unknown => true,
            ErrorKind::Service | ErrorKind::Other => server || attempts > 1,
            ErrorKind::Credentials => false,
        }
    }

    /// One line: the message, then the code in brackets.
    pub fn describe(&self) -> String {
        match &self.code {
            Some(code) => format!("{} [{}]", self.message, code),
            None => self.message.clone(),
        }
    }

    /// Credentials that could not be loaded: what failed, then the first line of the
    /// SDK's cause (`detail`). [`ApiError::hint`] reads the cause back from the message.
    pub fn credentials(cause: CredentialsCause, detail: &str) -> Self {
        let head = match &cause {
            CredentialsCause::Sso => {
                let d = detail.to_lowercase();
                if ["expired", "token", "unauthorized", "401", "invalid"]
                    .iter()
                    .any(|w| d.contains(w))
                {
                    "the SSO session has expired or is invalid".to_string()
                } else {
                    "the SSO sign-in failed".to_string()
                }
            }
            CredentialsCause::Process => "credential_process failed".to_string(),
            CredentialsCause::ProcessTimeout(secs) => {
                format!("the credential process did not answer in {secs} s")
            }
            CredentialsCause::SourceProfile(name) => {
                format!("source_profile {name} is not in the config files")
            }
            CredentialsCause::Missing => {
                return Self::other(
                    ErrorKind::Credentials,
                    "no AWS credentials found (environment, profile files, SSO and instance metadata were tried)",
                );
            }
            CredentialsCause::Expired => "the AWS credentials have expired".to_string(),
            CredentialsCause::Other => "the AWS credentials could not be loaded".to_string(),
        };
        let message = if detail.trim().is_empty() {
            head
        } else {
            format!("{head}: {detail}")
        };
        Self::other(ErrorKind::Credentials, message)
    }

    /// What the user can do about it, if we know.
    pub fn hint(&self, profile: &str) -> Option<String> {
        let code = self.code.as_deref().unwrap_or("");
        let lower = self.message.to_lowercase();
        match self.kind {
            ErrorKind::Credentials => {
                if lower.starts_with("the credential process did not answer") {
                    Some(format!(
                        "run the credential_process command of profile {profile} by hand: it may be waiting for input (a prompt, an MFA code, a browser sign-in)"
                    ))
                } else if lower.starts_with("credential_process failed") {
                    Some(format!(
                        "run the credential_process command of profile {profile} by hand to see why it fails"
                    ))
                } else if let Some(name) = self
                    .message
                    .strip_prefix("source_profile ")
                    .and_then(|rest| rest.split_whitespace().next())
                {
                    Some(format!(
                        "add a [profile {name}] section to ~/.aws/config, or change the source_profile that names it"
                    ))
                } else if lower.starts_with("the sso ") {
                    Some(format!("run: aws sso login --profile {profile}"))
                } else {
                    Some("set credentials: AWS_PROFILE / --profile, or aws configure".to_string())
                }
            }
            ErrorKind::Network => {
                Some("check the network or --endpoint-url; retrying on the next refresh".into())
            }
            ErrorKind::Service => match code {
                "UnauthorizedOperation" | "AccessDenied" | "AccessDeniedException" => {
                    Some("your IAM policy does not allow this".into())
                }
                "AuthFailure" | "ExpiredToken" | "RequestExpired" | "InvalidClientTokenId" => Some(
                    format!("refresh credentials (aws sso login --profile {profile})"),
                ),
                "OperationNotPermitted" => {
                    Some("termination protection is on: press p to turn it off first".into())
                }
                "IncorrectInstanceState" => Some("wait for the instance to settle".into()),
                "Throttling" | "ThrottlingException" | "RequestLimitExceeded" => {
                    Some("AWS is throttling this account; retried on the next refresh".into())
                }
                _ => None,
            },
            ErrorKind::Other => None,
            ErrorKind::Unknown => Some("Ctrl-r shows what is there now".into()),
        }
    }
}

/// Why credentials could not be loaded: decides the message's head and its hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialsCause {
    /// An SSO profile: no token, an expired one, or the portal refused it.
    Sso,
    /// The profile's `credential_process` failed.
    Process,
    /// The profile's `credential_process` did not answer in this many seconds (stopped).
    ProcessTimeout(u64),
    /// A role profile's `source_profile` names a profile that does not exist.
    SourceProfile(String),
    /// No provider of the chain had any.
    Missing,
    Expired,
    Other,
}

pub type ApiResult<T> = Result<T, ApiError>;
