//! The EBS volumes pane: create (per-type size and IOPS checked before any call), attach
//! (only to instances in the volume's AZ, at the next free device), detach (force warned),
//! snapshot, delete (typed word; an attached volume is refused before any call, naming its
//! instance); volumes in transition followed until they settle.

use std::any::Any;
use std::cmp::Ordering;

use tui_input::Input;

use crate::app::clip::CopyWhat;
use crate::app::{
    ActionSpec, Collection, Column, Cx, DetailsView, Effect, Field, FieldValue, Form, FormEvent,
    FormTag, Job, Opt, Pane, PaneSpec, Resource, Shared, TableOps, Tone, Watch, age, lower,
};
use crate::app::{Ask, Fact};
use crate::aws::Instance;
use crate::aws::ops::*;
use crate::aws::{
    ApiResult, InstanceState, Mutation, Op, Outcome, Page, Snapshot, Volume, VolumeSpec,
};

mod actions;
mod details;
mod fetch;
mod forms;
mod rows;
pub use forms::*;
pub use rows::*;

pub const ID: &str = "volumes";

pub const F_SIZE: &str = "Size (GiB)";
pub const F_VTYPE: &str = "Type";
pub const F_IOPS: &str = "IOPS (io1/io2)";
pub const F_AZ: &str = "Availability zone";
pub const F_SOURCE: &str = "Source snapshot";
pub const F_ENCRYPTED: &str = "Encrypted";
pub const F_VNAME: &str = "Name";
pub const F_INSTANCE: &str = "Instance";
pub const F_DEVICE: &str = "Device";
pub const F_FORCE: &str = "Force detach";
pub const F_SDESC: &str = "Description";
pub const F_STAGS: &str = "Copy the volume's tags";

/// What this pane's fetches hand back.
enum Got {
    Page(ApiResult<Page<Volume>>),
    Watched(ApiResult<Vec<Volume>>),
    Zones(ApiResult<Vec<String>>),
}

/// The tags of this pane's forms.
#[derive(Debug, Clone)]
enum VolumeForm {
    Create,
    Attach {
        volume: String,
    },
    Detach {
        volume: String,
        instance: String,
    },
    Snapshot {
        volume: String,
        tags: Vec<(String, String)>,
    },
    Delete {
        volume: String,
    },
}

const ACTIONS: &[ActionSpec] = &[
    ActionSpec::new("create_volume", "create a volume", "new").mutating(),
    ActionSpec::new(
        "attach",
        "attach the volume to an instance in its AZ",
        "attach",
    )
    .mutating(),
    ActionSpec::new("detach", "detach the volume", "detach").mutating(),
    ActionSpec::new("snapshot_volume", "snapshot the volume", "snapshot").mutating(),
    ActionSpec::new("delete_volume", "delete the volume", "delete").mutating(),
];

pub static SPEC: PaneSpec = PaneSpec {
    id: ID,
    title: "Volumes pane",
    focus: "EBS volumes pane",
    one: "volume",
    commands: &["volumes", "volume", "vol", "ebs"],
    number: Some('3'),
    actions: ACTIONS,
    footer: &[
        "details",
        "filter",
        "create_volume",
        "attach",
        "detach",
        "snapshot_volume",
        "delete_volume",
        "pane_snapshots",
        "help",
        "quit",
    ],
};

#[derive(Default)]
pub struct VolumesPane {
    pub list: Collection<Volume>,
    zones: Option<Vec<String>>,
    watch: Watch<()>,
    /// A created volume to select once the list that holds it arrives.
    pending_select: Option<String>,
}

impl VolumesPane {
    fn instance_label(id: &str, cx: &Cx) -> String {
        match cx.find::<Instance>(id) {
            Some(i) if !i.name.is_empty() => format!("{} ({id})", i.name),
            _ => id.to_string(),
        }
    }

    fn selected(&mut self) -> Option<Volume> {
        self.list.refresh_view();
        self.list.selected().cloned()
    }
}

impl Pane for VolumesPane {
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
        "Volumes".into()
    }
    fn noun(&self) -> &'static str {
        "volumes"
    }
    fn empty(&self, s: &Shared) -> String {
        format!("No EBS volumes in {}. Press n to create one.", s.ctx.region)
    }
    fn watching(&self) -> usize {
        self.watch.len()
    }

    fn refresh(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let job = Job::pages(
            "DescribeVolumes",
            |api, token| Box::pin(async move { api.list_volumes(token).await }),
            Got::Page,
        );
        cx.list(ID, &mut self.list, job)
    }

    fn on_action(&mut self, name: &'static str, cx: &mut Cx) -> Vec<Effect> {
        match name {
            "create_volume" => self.propose_create(None, cx),
            "attach" => self.propose_attach(cx),
            "detach" => self.propose_detach(cx),
            "snapshot_volume" => self.propose_snapshot(cx),
            "delete_volume" => self.propose_delete(cx),
            _ => vec![],
        }
    }

    fn details(&self, id: &str, _s: &Shared) -> Option<DetailsView> {
        self.details_view(id, _s)
    }

    fn on_form(&mut self, tag: &FormTag, ev: FormEvent, cx: &mut Cx) -> Vec<Effect> {
        let Some(t) = tag.get::<VolumeForm>() else {
            return vec![];
        };
        match ev {
            FormEvent::Submit => self.submit(t, cx),
            FormEvent::Changed(F_INSTANCE) => {
                if let Some(mut form) = cx.form().cloned() {
                    propose_device(&mut form, cx);
                    if let Some(f) = cx.form_mut() {
                        *f = form;
                    }
                }
                vec![]
            }
            FormEvent::Changed(_) => vec![],
        }
    }

    fn on_loaded(&mut self, req: u64, data: Box<dyn Any + Send>, cx: &mut Cx) -> Vec<Effect> {
        self.loaded(req, data, cx)
    }

    fn on_done(
        &mut self,
        _req: u64,
        results: Vec<(Op, ApiResult<Outcome>)>,
        cx: &mut Cx,
    ) -> Vec<Effect> {
        self.done(_req, results, cx)
    }

    fn on_watch_due(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let req = cx.req();
        let Some(items) = self.watch.due(req) else {
            return vec![];
        };
        let ids: Vec<String> = items.into_iter().map(|(id, _)| id).collect();
        let job = Job::once(format!("DescribeVolumes {}", ids.join(",")), move |api| {
            Box::pin(async move { Got::Watched(api.describe_volumes(ids).await) })
        });
        vec![Effect::Fetch { pane: ID, req, job }]
    }

    fn on_ask(&mut self, ask: &Ask, cx: &mut Cx) -> Option<Vec<Effect>> {
        match ask {
            Ask::CreateVolumeFrom(s) => Some(self.propose_create(Some(s.clone()), cx)),
            _ => None,
        }
    }

    fn on_fact(&mut self, fact: &Fact, cx: &mut Cx) -> Vec<Effect> {
        match fact {
            Fact::VolumesChanged => self.refresh(cx),
            _ => vec![],
        }
    }
}
