//! Connecting to an instance (the instances pane's `c` and `C`): the commands, built as
//! argument vectors (never a shell line), from `config.toml`'s `[connect]` or the defaults.
//!
//! ```toml
//! [connect]
//! ssh_user = "admin"        # instead of the user guessed from the AMI
//! ssm = ["aws", "ssm", "start-session", "--target", "{id}", "--region", "{region}", "--profile", "{profile}"]
//! ssh = ["ssh", "-o", "ConnectTimeout=15", "{identity}", "{user}@{address}"]
//! ```
//!
//! Placeholders: `{id}`, `{region}`, `{profile}`, `{user}`, `{address}`, `{key_file}`; an
//! argument that is exactly `{identity}` becomes `-i KEY_FILE`, or nothing without a key file.

use serde::Deserialize;

use crate::app::Exec;
use crate::aws::{Image, Instance};

/// `[connect]` of `config.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Connect {
    /// The SSH user for every instance, instead of the one guessed from its AMI.
    pub ssh_user: Option<String>,
    /// The SSM command (`c`).
    pub ssm: Option<Vec<String>>,
    /// The SSH command (`C`).
    pub ssh: Option<Vec<String>>,
}

pub fn default_ssm() -> Vec<String> {
    [
        "aws",
        "ssm",
        "start-session",
        "--target",
        "{id}",
        "--region",
        "{region}",
        "--profile",
        "{profile}",
    ]
    .map(String::from)
    .to_vec()
}

/// The SSH command by default: `ConnectTimeout` bounds the TCP connect and the handshake
/// (an address nobody answers on, or a server that never sends its banner, used to hold `C`
/// for minutes); a configured `ssh` command is used as written.
pub fn default_ssh() -> Vec<String> {
    [
        "ssh",
        "-o",
        "ConnectTimeout=15",
        "{identity}",
        "{user}@{address}",
    ]
    .map(String::from)
    .to_vec()
}

/// The login user of an AMI's usual images, from its platform and name (ec2-user when
/// nothing says otherwise, as on Amazon Linux, RHEL and SUSE).
pub fn user_for(platform: &str, image: Option<&Image>) -> &'static str {
    let name = image
        .map(|i| format!("{} {}", i.name, i.description).to_ascii_lowercase())
        .unwrap_or_default();
    let platform = platform.to_ascii_lowercase();
    if platform.contains("windows") || name.contains("windows") {
        "Administrator"
    } else if name.contains("ubuntu") {
        "ubuntu"
    } else if name.contains("debian") {
        "admin"
    } else if name.contains("centos") {
        "centos"
    } else if name.contains("fedora") {
        "fedora"
    } else if name.contains("bitnami") {
        "bitnami"
    } else if name.contains("rocky") {
        "rocky"
    } else {
        "ec2-user"
    }
}

/// Fills a command template; `{identity}` alone becomes `-i FILE` or nothing. Every value
/// that goes into the command is checked by its shape first (a template may hand it to a
/// shell, as an SSH `ProxyCommand` does): one that fails is refused, with the reason.
pub fn fill(
    template: &[String],
    vars: &[(&str, &str)],
    key_file: Option<&str>,
) -> Result<Vec<String>, String> {
    for (k, v) in vars {
        if template.iter().any(|a| a.contains(&format!("{{{k}}}"))) {
            check(k, v)?;
        }
    }
    // (`{identity}` is an argument of its own, after -i: only `{key_file}` inside an
    // argument could be read by a shell)
    if let Some(f) = key_file
        && template.iter().any(|a| a.contains("{key_file}"))
    {
        check("key_file", f)?;
    }
    let mut out = Vec::new();
    for arg in template {
        if arg == "{identity}" {
            if let Some(k) = key_file {
                out.push("-i".into());
                out.push(k.to_string());
            }
            continue;
        }
        // one pass over the template: a value is never searched for placeholders itself
        let mut a = String::new();
        let mut rest = arg.as_str();
        while let Some(open) = rest.find('{') {
            a.push_str(&rest[..open]);
            let after = &rest[open..];
            let hit = after.find('}').and_then(|close| {
                let name = &after[1..close];
                let value = match name {
                    "key_file" => Some(key_file.unwrap_or("")),
                    _ => vars.iter().find(|(k, _)| *k == name).map(|(_, v)| *v),
                };
                value.map(|v| (v, close))
            });
            match hit {
                Some((v, close)) => {
                    a.push_str(v);
                    rest = &after[close + 1..];
                }
                None => {
                    a.push('{');
                    rest = &after[1..];
                }
            }
        }
        a.push_str(rest);
        out.push(a);
    }
    Ok(out)
}

/// Whether `value` has the shape of what it stands for (`what` is its placeholder): the
/// reason it is refused, if not. Strict on purpose: only characters no shell or option
/// parser gives a meaning to.
pub fn check(what: &str, value: &str) -> Result<(), String> {
    let word = |v: &str, extra: &str| {
        !v.starts_with('-')
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || extra.contains(c))
    };
    let (ok, shape) = match what {
        "id" => (
            value.strip_prefix("i-").is_some_and(|h| {
                (8..=17).contains(&h.len())
                    && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
            }),
            "an instance id is i- and 8 to 17 hexadecimal digits",
        ),
        "region" => (
            value.starts_with(|c: char| c.is_ascii_lowercase())
                && value
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "a region is lower-case letters, digits and -",
        ),
        "profile" => (
            word(value, "._@+-"),
            "a profile name is letters, digits and . _ @ + - (not first)",
        ),
        "user" => (
            !value.is_empty()
                && value.len() <= 32
                && value.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && word(value, "._-"),
            "a user name is letters, digits and . _ -, starting with a letter",
        ),
        "address" => (
            value.parse::<std::net::IpAddr>().is_ok() || is_dns_name(value),
            "an address is an IP address or a DNS name",
        ),
        "key_file" => (
            !value.is_empty() && word(value, "._/@+-~"),
            "a key file's path is letters, digits and . _ / @ + - ~",
        ),
        _ => (word(value, "._-"), "letters, digits and . _ -"),
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "refused {{{what}}} {value:?}: {shape}; nothing was run"
        ))
    }
}

fn is_dns_name(v: &str) -> bool {
    !v.is_empty()
        && v.len() <= 253
        && v.split('.').all(|l| {
            (1..=63).contains(&l.len())
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// Why an instance cannot be connected to now, if it cannot.
pub fn refusal(i: &Instance) -> Option<String> {
    use crate::aws::InstanceState::*;
    match i.state {
        Running => None,
        Stopped | Stopping => Some(format!(
            "{} is {}: start it first (s); nothing was run",
            i.id, i.state
        )),
        s => Some(format!(
            "{} is {s}: only a running instance can be connected to; nothing was run",
            i.id
        )),
    }
}

fn exec(argv: Vec<String>, requires: Vec<String>, what: String) -> Result<Exec, String> {
    let mut it = argv.into_iter();
    let Some(program) = it.next().filter(|p| !p.is_empty()) else {
        return Err("the connect command in config.toml is empty".into());
    };
    Ok(Exec {
        program,
        args: it.collect(),
        requires,
        what,
    })
}

/// `c`: an SSM session.
pub fn ssm(cfg: &Connect, i: &Instance, region: &str, profile: &str) -> Result<Exec, String> {
    let template = cfg.ssm.clone().unwrap_or_else(default_ssm);
    let custom = cfg.ssm.is_some();
    let mut argv = fill(
        &template,
        &[("id", &i.id), ("region", region), ("profile", profile)],
        None,
    )?;
    if !custom && profile.is_empty() {
        argv.truncate(argv.len() - 2); // no --profile
    }
    // the AWS CLI needs the Session Manager plugin to open a session
    let requires = if argv.first().is_some_and(|p| p == "aws") {
        vec!["session-manager-plugin".to_string()]
    } else {
        Vec::new()
    };
    exec(argv, requires, format!("SSM session on {}", i.id))
}

/// `C`: SSH to the public address, else the private one.
pub fn ssh(
    cfg: &Connect,
    i: &Instance,
    image: Option<&Image>,
    key_file: Option<&str>,
) -> Result<Exec, String> {
    let address = if i.public_ip.is_empty() {
        &i.private_ip
    } else {
        &i.public_ip
    };
    if address.is_empty() {
        return Err(format!(
            "{} has no IP address to SSH to; nothing was run",
            i.id
        ));
    }
    let user = cfg
        .ssh_user
        .clone()
        .unwrap_or_else(|| user_for(&i.platform, image).to_string());
    let template = cfg.ssh.clone().unwrap_or_else(default_ssh);
    let argv = fill(
        &template,
        &[("id", &i.id), ("user", &user), ("address", address)],
        key_file,
    )?;
    exec(argv, Vec::new(), format!("SSH to {user}@{address}"))
}
