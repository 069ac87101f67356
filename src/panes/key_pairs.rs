//! The key pairs pane: name, id, type, fingerprint, created. `n` creates a key pair and writes
//! its private key once to a file of your choice (default `~/.ssh/<name>.pem`, mode 0600,
//! never over an existing file: the file is reserved, and proven to take a key, before the
//! call, and a key that still cannot be saved takes its new key pair with it); `i` imports a
//! public key from a file; `Ctrl-d` deletes one with the typed word, naming the instances
//! launched with it.

use std::any::Any;
use std::cmp::Ordering;

use crate::app::clip::CopyWhat;
use crate::app::{
    ActionSpec, Collection, Column, Cx, DetailsView, Effect, Field, Form, FormEvent, FormTag, Job,
    Opt, Pane, PaneSpec, Resource, Shared, TableOps, Tone, age,
};
use crate::aws::Instance;
use crate::aws::ops::*;
use crate::aws::{ApiResult, InstanceState, KeyPair, Op, Outcome, fmt_time};

pub const ID: &str = "key_pairs";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Name,
    Id,
    Type,
    Fingerprint,
    Created,
}

const COLUMNS: &[(Col, Column)] = &[
    (Col::Name, Column::new("Name", 24, 10)),
    (Col::Id, Column::new("Key pair ID", 21, 12)),
    (Col::Type, Column::new("Type", 8, 4)),
    (Col::Fingerprint, Column::new("Fingerprint", 60, 16)),
    (Col::Created, Column::new("Created", 8, 7)),
];

impl Resource for KeyPair {
    type Col = Col;

    /// Key pairs are named uniquely per region, and called by name: the name is the id.
    #[allow(clippy::misnamed_getters)]
    fn id(&self) -> &str {
        &self.name
    }
    fn columns() -> &'static [(Col, Column)] {
        COLUMNS
    }
    fn cell(&self, col: Col, now: i64) -> (String, Tone) {
        let dash = |s: &str| {
            if s.is_empty() {
                ("-".to_string(), Tone::Muted)
            } else {
                (s.to_string(), Tone::Normal)
            }
        };
        match col {
            Col::Name => (self.name.clone(), Tone::Normal),
            Col::Id => dash(&self.id),
            Col::Type => dash(&self.key_type),
            Col::Fingerprint => (self.fingerprint.clone(), Tone::Muted),
            Col::Created => (age(self.created, now), Tone::Normal),
        }
    }
    fn compare(&self, other: &Self, col: Col) -> Ordering {
        match col {
            Col::Name => crate::app::cmp_ci(&self.name, &other.name),
            Col::Created => self.created.cmp(&other.created),
            c => self.cell(c, 0).0.cmp(&other.cell(c, 0).0),
        }
    }
    fn tags(&self) -> &[(String, String)] {
        &self.tags
    }
    fn taggable() -> bool {
        true
    }
    fn tag_id(&self) -> &str {
        &self.id
    }
    fn set_tags(&mut self, tags: Vec<(String, String)>) {
        self.tags = tags;
    }
    fn value(&self, what: CopyWhat) -> Option<String> {
        (what == CopyWhat::Name).then(|| self.name.clone())
    }
    fn arn_resource(&self) -> Option<(String, bool)> {
        (!self.id.is_empty()).then(|| (format!("key-pair/{}", self.id), true))
    }
    fn to_json(&self, _now: i64) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    fn filter_text(&self) -> String {
        let mut s = format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}",
            self.name, self.id, self.key_type, self.fingerprint
        );
        for (k, v) in &self.tags {
            s.push_str(&format!("\u{1f}{k}={v}"));
        }
        s.to_lowercase()
    }
}

/// `base-YYYYMMDD-HHMMSS` (UTC): a proposed key pair name.
pub fn default_key_name(base: &str, now: i64) -> String {
    let t = fmt_time(now); // "2026-11-22 10:04 UTC"
    format!(
        "{base}-{}{}{}-{}{}{:02}",
        &t[0..4],
        &t[5..7],
        &t[8..10],
        &t[11..13],
        &t[14..16],
        now.rem_euclid(60)
    )
}

/// EC2's rule for key pair names: 1 to 255 ASCII characters.
pub fn valid_key_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("the key pair needs a name".into());
    }
    if name.len() > 255 || !name.is_ascii() || name.chars().any(|c| c.is_ascii_control()) {
        return Err("a key pair name is 1 to 255 printable ASCII characters".into());
    }
    Ok(())
}

pub const F_NAME: &str = "Name";
pub const F_TYPE: &str = "Type";
pub const F_PRIVATE: &str = "Save the private key to";
pub const F_PUBLIC: &str = "Public key file";
pub const F_CONFIRM: &str = "Type delete to confirm";

const TYPES: [(&str, &str); 2] = [
    ("rsa", "rsa: works everywhere, Windows included"),
    (
        "ed25519",
        "ed25519: shorter and faster; Linux and macOS instances only",
    ),
];

#[derive(Debug, Clone)]
enum KeyForm {
    Create,
    Import,
    Delete { name: String },
}

struct Got(ApiResult<Vec<KeyPair>>);

const ACTIONS: &[ActionSpec] = &[
    ActionSpec::new(
        "create_key_pair",
        "create a key pair (the private key is saved once)",
        "new",
    )
    .mutating(),
    ActionSpec::new(
        "import_key_pair",
        "import a public key from a file",
        "import",
    )
    .mutating(),
    ActionSpec::new("delete_key_pair", "delete the key pair", "delete").mutating(),
];

pub static SPEC: PaneSpec = PaneSpec {
    id: ID,
    title: "Key pairs pane",
    focus: "key pairs pane",
    one: "key pair",
    commands: &["keypairs", "keypair", "kp", "keys"],
    number: None,
    actions: ACTIONS,
    footer: &[
        "details",
        "filter",
        "create_key_pair",
        "import_key_pair",
        "delete_key_pair",
        "pane_instances",
        "refresh",
        "help",
        "quit",
    ],
};

pub struct KeyPairsPane {
    pub list: Collection<KeyPair>,
    /// The key pair to select once the list that holds it arrives.
    pending_select: Option<String>,
    /// The private key's file was edited by hand: it no longer follows the name.
    path_edited: bool,
}

impl Default for KeyPairsPane {
    fn default() -> Self {
        let mut list = Collection::default();
        list.set_sort(Col::Name, false);
        Self {
            list,
            pending_select: None,
            path_edited: false,
        }
    }
}

/// Labels of the instances (not terminated) launched with a key.
fn users_of(key: &str, cx: &Cx) -> Vec<String> {
    let mut out: Vec<String> = cx
        .rows::<Instance>()
        .filter(|i| i.key_name == key && i.state != InstanceState::Terminated)
        .map(|i| {
            let label = if i.name.is_empty() {
                i.id.clone()
            } else {
                format!("{} ({})", i.name, i.id)
            };
            format!("{label}  {}", i.state)
        })
        .collect();
    out.sort();
    out
}

impl KeyPairsPane {
    fn propose_create(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let types: Vec<Opt> = TYPES.iter().map(|(v, l)| Opt::new(*v, *l)).collect();
        // a workable default: Ctrl-s right away creates a key pair of its own
        let name = default_key_name("ec2tui", cx.now);
        let mut form = Form::new(
            "Create a key pair",
            vec![
                Field::text(F_NAME, &name),
                Field::choice(F_TYPE, types, Some(0)),
                Field::text(F_PRIVATE, &format!("~/.ssh/{name}.pem"))
                    .with_help("mode 0600; an existing file is never overwritten"),
            ],
        );
        self.path_edited = false;
        form.intro
            .push("EC2 hands out the private key once: ec2tui writes it to the file".into());
        form.intro
            .push("below (mode 0600), and never over an existing file.".into());
        cx.open_form(ID, form, FormTag::new(KeyForm::Create));
        vec![]
    }

    fn propose_import(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let mut form = Form::new(
            "Import a public key",
            vec![
                Field::text(F_NAME, &default_key_name("imported", cx.now)),
                Field::text(F_PUBLIC, "~/.ssh/id_ed25519.pub"),
            ],
        );
        form.intro.push(
            "The public key of a pair you already have (ssh-ed25519 or ssh-rsa); the private key stays with you."
                .into(),
        );
        cx.open_form(ID, form, FormTag::new(KeyForm::Import));
        vec![]
    }

    fn propose_delete(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.list.refresh_view();
        let Some(k) = self.list.selected().cloned() else {
            cx.error("no key pair selected to delete");
            return vec![];
        };
        let users = users_of(&k.name, cx);
        let mut form = Form::new(
            format!("Delete key pair {}", k.name),
            vec![Field::text(F_CONFIRM, "")],
        );
        form.danger = true;
        form.intro.push(format!(
            "Delete key pair {} ({}, {}).",
            k.name,
            if k.key_type.is_empty() {
                "?"
            } else {
                &k.key_type
            },
            if k.id.is_empty() { "-" } else { &k.id }
        ));
        if users.is_empty() {
            form.intro
                .push("No listed instance was launched with it.".into());
        } else {
            form.intro.push(format!(
                "Launched with it: {} instance{} (they keep the key; new launches cannot use it):",
                users.len(),
                if users.len() == 1 { "" } else { "s" }
            ));
            for u in users.iter().take(12) {
                form.intro.push(format!("  {u}"));
            }
            if users.len() > 12 {
                form.intro.push(format!("  and {} more", users.len() - 12));
            }
        }
        form.intro
            .push("Your copy of the private key is not touched.".into());
        cx.open_form(ID, form, FormTag::new(KeyForm::Delete { name: k.name }));
        vec![]
    }

    fn submit(&mut self, tag: &KeyForm, cx: &mut Cx) -> Vec<Effect> {
        let Some(form) = cx.form().cloned() else {
            return vec![];
        };
        let op = match tag {
            KeyForm::Create => {
                let name = form.field(F_NAME).get().trim().to_string();
                if let Err(e) = valid_key_name(&name) {
                    return cx.form_error(e);
                }
                if self.list.get(&name).is_some() {
                    return cx.form_error(format!("a key pair named {name} exists already"));
                }
                let path = form.field(F_PRIVATE).get().trim().to_string();
                if path.is_empty() {
                    return cx.form_error("choose a file for the private key");
                }
                Op::new(CreateKeyPair {
                    name,
                    key_type: form.field(F_TYPE).get(),
                    path,
                })
            }
            KeyForm::Import => {
                let name = form.field(F_NAME).get().trim().to_string();
                if let Err(e) = valid_key_name(&name) {
                    return cx.form_error(e);
                }
                if self.list.get(&name).is_some() {
                    return cx.form_error(format!("a key pair named {name} exists already"));
                }
                let path = form.field(F_PUBLIC).get().trim().to_string();
                if path.is_empty() {
                    return cx.form_error("choose the public key file");
                }
                Op::new(ImportKeyPair { name, path })
            }
            KeyForm::Delete { name } => {
                if !cx.capturing() && form.field(F_CONFIRM).get() != "delete" {
                    return cx.form_error(
                        "type delete and press Ctrl-s or Enter to confirm; Esc cancels",
                    );
                }
                Op::new(DeleteKeyPair { name: name.clone() })
            }
        };
        if matches!(tag, KeyForm::Delete { .. }) {
            cx.dialog = None;
            cx.info(format!("{}…", op.describe()));
        } else if let Some(form) = cx.form_mut() {
            // the form stays open until EC2 answers: a refusal is shown in it
            form.error = None;
            form.info = Some(format!("{}…", op.describe()));
        }
        cx.call(ID, vec![op])
    }

    /// The private key's file follows the name as it is typed, unless it was edited.
    fn name_changed(&self, cx: &mut Cx) {
        if self.path_edited {
            return;
        }
        let Some(form) = cx.form_mut() else {
            return;
        };
        let name = form.field(F_NAME).get();
        form.field_mut(F_PRIVATE).value = crate::app::FieldValue::Text(tui_input::Input::new(
            format!("~/.ssh/{}.pem", name.trim()),
        ));
    }
}

impl Pane for KeyPairsPane {
    fn spec(&self) -> &'static PaneSpec {
        &SPEC
    }
    fn table(&self) -> &dyn TableOps {
        &self.list
    }
    fn table_mut(&mut self) -> &mut dyn TableOps {
        &mut self.list
    }
    fn heading(&self, _s: &Shared) -> String {
        "Key pairs".into()
    }
    fn noun(&self) -> &'static str {
        "key pairs"
    }
    fn empty(&self, s: &Shared) -> String {
        format!(
            "No key pairs in {}. Press n to create one, i to import a public key.",
            s.ctx.region
        )
    }

    fn refresh(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let job = Job::once("DescribeKeyPairs", |api| {
            Box::pin(async move { Got(api.list_key_pairs().await) })
        });
        cx.list(ID, &mut self.list, job)
    }

    fn on_action(&mut self, name: &'static str, cx: &mut Cx) -> Vec<Effect> {
        match name {
            "create_key_pair" => self.propose_create(cx),
            "import_key_pair" => self.propose_import(cx),
            "delete_key_pair" => self.propose_delete(cx),
            _ => vec![],
        }
    }

    fn on_details(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.list.refresh_view();
        match self.list.selected_id() {
            Some(id) => {
                cx.dialog = Some(crate::app::Dialog::Details {
                    pane: ID,
                    id: id.to_string(),
                    scroll: 0,
                })
            }
            None => cx.error("no key pair selected"),
        }
        vec![]
    }

    fn details(&self, id: &str, s: &Shared) -> Option<DetailsView> {
        let k = self.list.get(id)?;
        let mut d = DetailsView::build(format!("key pair {}", k.name), 14);
        d.kv("Name", k.name.clone())
            .kv("Key pair ID", k.id.clone())
            .kv("Type", k.key_type.clone())
            .kv("Fingerprint", k.fingerprint.clone())
            .kv(
                "Created",
                k.created
                    .map(|t| format!("{} ({} ago)", fmt_time(t), age(Some(t), s.now)))
                    .unwrap_or_default(),
            )
            .blank()
            .heading(format!("Tags ({})", k.tags.len()));
        for (key, v) in &k.tags {
            d.text(format!("  {key} = {v}"));
        }
        Some(d.done())
    }

    fn on_form(&mut self, tag: &FormTag, ev: FormEvent, cx: &mut Cx) -> Vec<Effect> {
        let Some(t) = tag.get::<KeyForm>() else {
            return vec![];
        };
        match ev {
            FormEvent::Submit => self.submit(t, cx),
            FormEvent::Changed(F_NAME) if matches!(t, KeyForm::Create) => {
                self.name_changed(cx);
                vec![]
            }
            FormEvent::Changed(F_PRIVATE) => {
                self.path_edited = true;
                vec![]
            }
            FormEvent::Changed(_) => vec![],
        }
    }

    fn on_loaded(&mut self, req: u64, data: Box<dyn Any + Send>, cx: &mut Cx) -> Vec<Effect> {
        let Ok(got) = data.downcast::<Got>() else {
            return vec![];
        };
        let page = got.0.map(|items| crate::aws::Page {
            items,
            next_token: None,
        });
        cx.page(&mut self.list, req, page, "key pairs");
        if let Some(name) = self.pending_select.clone()
            && self.list.get(&name).is_some()
        {
            let h = cx.table_rows();
            self.list.select_id(&name, h);
            self.pending_select = None;
        }
        vec![]
    }

    fn on_done(
        &mut self,
        _req: u64,
        results: Vec<(Op, ApiResult<Outcome>)>,
        cx: &mut Cx,
    ) -> Vec<Effect> {
        let form_open = cx.form_tag::<KeyForm>().is_some();
        for (op, result) in results {
            if form_open {
                match &result {
                    Err(e) => {
                        let text = cx.with_hint(&e.failed(&op.describe()), e);
                        return cx.form_error(text);
                    }
                    Ok(_) => cx.dialog = None,
                }
            }
            match (&result, op.get::<CreateKeyPair>()) {
                (Ok(Outcome::Created(path)), Some(c)) => {
                    cx.ok(format!(
                        "created key pair {}; its private key is in {path} (mode 0600): EC2 will not show it again",
                        c.name
                    ));
                    self.pending_select = Some(c.name.clone());
                }
                (Ok(_), _) => {
                    cx.ok(op.describe());
                    if let Some(i) = op.get::<ImportKeyPair>() {
                        self.pending_select = Some(i.name.clone());
                    }
                }
                (Err(e), _) => cx.call_failed(&op.describe(), e),
            }
        }
        self.list.set_filter("");
        cx.input.reset();
        self.refresh(cx)
    }
}
