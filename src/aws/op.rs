//! `Op`: every mutating call, of every service, as one type of value. An op knows its
//! journal record, whether it is destructive, how to say what it does, and how to run itself
//! against the port. The core carries ops from a key press through the confirmation to one
//! `Call` effect; the shell runs and journals every op the same way.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use futures::future::BoxFuture;

use super::{ApiResult, Ec2Api, Instance};

/// What a call produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Done,
    /// The id (or path) of what it created.
    Created(String),
    /// Instances it launched.
    Launched(Vec<Instance>),
}

/// One journal record's subject: the API operation, its targets and its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub operation: &'static str,
    pub targets: Vec<String>,
    pub params: Vec<(String, String)>,
}

impl Record {
    pub fn new(operation: &'static str, targets: Vec<String>) -> Self {
        Self {
            operation,
            targets,
            params: Vec::new(),
        }
    }
    pub fn param(mut self, k: &str, v: impl ToString) -> Self {
        self.params.push((k.to_string(), v.to_string()));
        self
    }
}

/// Any value as `Any`, for the trait objects that hand back their concrete type (a pane
/// downcasts its own ops and panes are found by type). Implemented for every type.
pub trait AsAny: Any {
    fn as_any(&self) -> &dyn Any;
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

impl<T: Any> AsAny for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// A mutating call. Each pane defines the calls it makes as types implementing this.
pub trait Mutation: AsAny + fmt::Debug + Send + Sync {
    /// The journal record: operation, targets, parameters.
    fn record(&self) -> Record;
    /// Destructive calls need the typed word, not just `y`.
    fn is_destructive(&self) -> bool {
        false
    }
    /// What it does, for confirmations and the status line: "stop web-1 (i-0123)".
    fn describe(&self) -> String;
    /// Runs the call.
    fn run<'a>(&'a self, api: &'a dyn Ec2Api) -> BoxFuture<'a, ApiResult<Outcome>>;
    /// The AWS CLI command(s) that make the same request(s), each a line of words after
    /// `aws` (`["ec2", "stop-instances", "--instance-ids", "i-1"]`); `region` is the
    /// console's. A command that goes to another region says `--region` itself. Every call
    /// has one (no default): `Ctrl-y` works for every confirmation and form, and the tests
    /// run every line through the real AWS CLI.
    fn cli(&self, region: &str) -> Vec<CliLine>;
    /// Reads back whether the change was made, for when its answer was lost: `Ok(true)`
    /// made, `Ok(false)` not made. None: it cannot be told.
    fn verify<'a>(&'a self, _api: &'a dyn Ec2Api) -> Option<BoxFuture<'a, ApiResult<bool>>> {
        None
    }
}

/// One word of a copied command line: a value, quoted as the shell needs when it is shown,
/// or shell syntax of ec2tui's own (a redirection, a command substitution) written as it is.
/// Shell syntax is a `&'static str`: only the code can make it, so no value (a tag, a name
/// typed in a form, anything from AWS) can ever become shell syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Word {
    Arg(String),
    Shell(&'static str),
    /// Words written together, no space between (`Version="$v"`).
    Join(Vec<Word>),
}

impl Word {
    /// The value of an argument (None: shell syntax).
    pub fn arg(&self) -> Option<&str> {
        match self {
            Self::Arg(a) => Some(a),
            Self::Shell(_) | Self::Join(_) => None,
        }
    }
    /// Whether it is this argument.
    pub fn is(&self, s: &str) -> bool {
        self.arg() == Some(s)
    }
}

impl From<String> for Word {
    fn from(s: String) -> Self {
        Self::Arg(s)
    }
}

impl From<&str> for Word {
    fn from(s: &str) -> Self {
        Self::Arg(s.to_string())
    }
}

/// A copied command line (after `aws`).
pub type CliLine = Vec<Word>;

/// Builds a command line of arguments from string-likes.
pub fn argv<S: AsRef<str>>(parts: &[S]) -> CliLine {
    parts
        .iter()
        .map(|s| Word::Arg(s.as_ref().to_string()))
        .collect()
}

/// A POSIX shell word: as it is when it needs no quoting, else in single quotes.
pub fn quote(a: &str) -> String {
    let plain = !a.is_empty()
        && a.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+%".contains(c));
    if plain {
        a.to_string()
    } else {
        format!("'{}'", a.replace('\'', "'\\''"))
    }
}

/// A command line as the text a user pastes: arguments quoted, shell syntax as it is. A
/// value beginning with a dash is written `--option=value` (the CLI's parser would read
/// `--description -nightly` as an option without its value).
pub fn cli_text(line: &[Word]) -> String {
    let mut out: Vec<String> = Vec::with_capacity(line.len());
    let mut i = 0;
    while i < line.len() {
        if let (Some(opt), Some(v)) = (line[i].arg(), line.get(i + 1).and_then(Word::arg))
            && is_option(opt)
            && v.starts_with('-')
            && !is_option(v)
        {
            out.push(format!("{opt}={}", quote(v)));
            i += 2;
            continue;
        }
        out.push(word_text(&line[i]));
        i += 1;
    }
    out.join(" ")
}

/// `--instance-ids`, `--dry-run`: the shape of an option of the CLI.
fn is_option(a: &str) -> bool {
    a.strip_prefix("--").is_some_and(|o| {
        o.starts_with(|c: char| c.is_ascii_lowercase())
            && o.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    })
}

fn word_text(w: &Word) -> String {
    match w {
        Word::Arg(a) => quote(a),
        Word::Shell(s) => s.to_string(),
        Word::Join(ws) => ws.iter().map(word_text).collect(),
    }
}

/// Tags as the CLI's JSON (`[{"Key":"k","Value":"v"}]`): any character survives it.
pub fn tags_json(tags: &[(String, String)]) -> String {
    let v: Vec<serde_json::Value> = tags
        .iter()
        .map(|(k, v)| serde_json::json!({"Key": k, "Value": v}))
        .collect();
    serde_json::Value::Array(v).to_string()
}

/// `--tag-specifications` JSON for these resource types, each with the same tags.
pub fn tag_specs_json(types: &[&str], tags: &[(String, String)]) -> String {
    let v: Vec<serde_json::Value> = types
        .iter()
        .map(|t| {
            let tags: serde_json::Value =
                serde_json::from_str(&tags_json(tags)).unwrap_or_default();
            serde_json::json!({"ResourceType": t, "Tags": tags})
        })
        .collect();
    serde_json::Value::Array(v).to_string()
}

/// A mutating call as a value: cheap to clone, comparable by what it records.
#[derive(Clone)]
pub struct Op(pub Arc<dyn Mutation>);

impl Op {
    pub fn new(m: impl Mutation) -> Self {
        Self(Arc::new(m))
    }
    pub fn record(&self) -> Record {
        self.0.record()
    }
    pub fn is_destructive(&self) -> bool {
        self.0.is_destructive()
    }
    pub fn describe(&self) -> String {
        self.0.describe()
    }
    pub fn run<'a>(&'a self, api: &'a dyn Ec2Api) -> BoxFuture<'a, ApiResult<Outcome>> {
        self.0.run(api)
    }
    /// The AWS CLI command(s) of the call (see [`Mutation::cli`]).
    pub fn cli(&self, region: &str) -> Vec<CliLine> {
        self.0.cli(region)
    }
    pub fn verify<'a>(&'a self, api: &'a dyn Ec2Api) -> Option<BoxFuture<'a, ApiResult<bool>>> {
        self.0.verify(api)
    }
    /// The concrete call, for the pane that made it.
    pub fn get<T: 'static>(&self) -> Option<&T> {
        // through the trait object, not the Arc (which is `Any` itself)
        let m: &dyn Mutation = &*self.0;
        m.as_any().downcast_ref()
    }
}

impl fmt::Debug for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl PartialEq for Op {
    fn eq(&self, other: &Self) -> bool {
        self.record() == other.record()
    }
}

/// One resource an operation applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub id: String,
    pub name: String,
}

impl Target {
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
        }
    }
    /// "web-1 (i-0123)" or just the id.
    pub fn label(&self) -> String {
        if self.name.is_empty() {
            self.id.clone()
        } else {
            format!("{} ({})", self.name, self.id)
        }
    }
}

/// "Stop" from "stop".
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
