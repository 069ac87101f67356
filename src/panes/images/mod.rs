//! The AMIs pane and the golden-image loop: images in three scopes (mine, Amazon's newest
//! first, shared with me); create an image of an instance (stop first, reboot, no reboot),
//! launch from an AMI or more like an instance, deregister (optionally with its snapshots),
//! copy to another region; pending images followed until they settle, here or there.

use std::any::Any;
use std::cmp::Ordering;

use super::kit::launch::{F_USER_DATA, LaunchTag, Launcher, OptionsLoaded, user_tags};
use crate::app::clip::CopyWhat;
use crate::app::{
    ActionSpec, Collection, Column, Confirm, ConfirmView, Cx, DetailsView, Dialog, Effect, Field,
    Form, FormEvent, FormTag, Job, Opt, Pane, PaneSpec, Resource, Shared, TableOps, Target, Tone,
    Watch, age,
};
use crate::app::{Ask, Fact};
use crate::aws::ops::*;
use crate::aws::{
    ApiResult, Image, ImageConsistency, ImageScope, ImageSpec, Instance, InstanceState, Op,
    Outcome, Page, fmt_time,
};

mod actions;
mod details;
mod fetch;
mod forms;
mod rows;
pub use forms::*;
pub use rows::*;

pub const ID: &str = "amis";

// Field labels: the forms' fields are looked up by them.
pub const F_NAME: &str = "Name";
pub const F_DESCRIPTION: &str = "Description";
pub const F_CONSISTENCY: &str = "Consistency";
pub const F_RESTART: &str = "Start again when available";
pub const F_COPY_TAGS: &str = "Copy tags to AMI + snapshots";
pub const F_DELETE_SNAPSHOTS: &str = "Also delete its snapshots";
pub const F_CONFIRM: &str = "Type deregister to confirm";
pub use super::kit::F_REGION;

/// The stop of a stop-first image was confirmed (its job is in flight from then on).
struct StopFirstSent(String);

/// A create-image run that spans several calls (stop, wait, create, wait, start).
#[derive(Debug, Clone)]
struct ImageJob {
    instance: Target,
    spec: ImageSpec,
    /// ec2tui stops the instance first (else a plain CreateImage).
    stop_first: bool,
    restart: bool,
    stage: Stage,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Stage {
    /// The stop is waiting for its confirmation.
    Confirming,
    Stopping,
    Creating,
    Waiting {
        image_id: String,
    },
}

/// The tags of this pane's forms.
#[derive(Debug, Clone)]
struct CreateImageTag {
    instance: Target,
    running: bool,
    tags: Vec<(String, String)>,
}
#[derive(Debug, Clone)]
struct DeregisterTag {
    image: Target,
    snapshots: Vec<String>,
}
#[derive(Debug, Clone)]
struct CopyTag {
    image: Target,
}

/// What this pane's fetches hand back.
enum Got {
    Page(ApiResult<Page<Image>>),
    /// Images followed, by region (None: ours).
    Watched(Vec<(Option<String>, ApiResult<Vec<Image>>)>),
    Regions(ApiResult<Vec<String>>),
    /// The user data of the instance a "launch more like" form was opened for: (the form's
    /// opening, the instance, its user data).
    LikeUserData(u64, String, ApiResult<Option<Vec<u8>>>),
}

const ACTIONS: &[ActionSpec] = &[
    ActionSpec::new(
        "cycle_scope",
        "cycle scope: mine, Amazon's, shared with me",
        "scope",
    ),
    ActionSpec::new("launch", "launch instances from this AMI", "launch").mutating(),
    ActionSpec::new("deregister", "deregister the AMI", "deregister").mutating(),
    ActionSpec::new("copy_image", "copy the AMI to another region", "copy").mutating(),
];

pub static SPEC: PaneSpec = PaneSpec {
    id: ID,
    title: "AMIs pane",
    focus: "AMIs pane",
    one: "image",
    commands: &["amis", "ami", "images", "image"],
    number: Some('2'),
    actions: ACTIONS,
    footer: &[
        "details",
        "filter",
        "cycle_scope",
        "launch",
        "copy_image",
        "deregister",
        "pane_instances",
        "refresh",
        "help",
        "quit",
    ],
};

pub struct ImagesPane {
    pub list: Collection<Image>,
    pub scope: ImageScope,
    /// Pending images followed until they settle: id -> region (None: ours).
    watch: Watch<Option<String>>,
    jobs: Vec<ImageJob>,
    launcher: Launcher,
    regions: Option<Vec<String>>,
    /// A deregistration whose snapshots are being deleted.
    deregistering: Option<Target>,
}

impl Default for ImagesPane {
    fn default() -> Self {
        Self {
            list: Self::new_list(None),
            scope: ImageScope::Mine,
            watch: Watch::default(),
            jobs: Vec::new(),
            launcher: Launcher::default(),
            regions: None,
            deregistering: None,
        }
    }
}

impl ImagesPane {
    /// The launch form's options, once loaded.
    pub fn launch_options(&self) -> Option<&super::kit::launch::LaunchOptions> {
        self.launcher.options.as_ref()
    }

    fn new_list(keep: Option<(&Collection<Image>, ImageScope)>) -> Collection<Image> {
        let mut list = Collection::default();
        match keep {
            Some((old, scope)) => {
                let (col, desc) = if scope == ImageScope::Amazon {
                    (Col::Created, true)
                } else {
                    old.sort_by()
                };
                list.set_sort(col, desc);
                list.set_filter(old.filter());
            }
            None => list.set_sort(Col::Created, true),
        }
        list
    }

    fn selected(&mut self) -> Option<Image> {
        self.list.refresh_view();
        self.list.selected().cloned()
    }

    fn cycle_scope(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.scope = self.scope.next();
        self.list = Self::new_list(Some((&self.list, self.scope)));
        cx.info(format!("AMIs: {}", self.scope.label()));
        self.refresh(cx)
    }
}

impl Pane for ImagesPane {
    fn in_flight(&self) -> Vec<crate::app::InFlight> {
        self.jobs
            .iter()
            .filter_map(|j| {
                let who = j.instance.label();
                let name = &j.spec.name;
                let again = if j.restart { ", not started again" } else { "" };
                let left = match &j.stage {
                    // a plain CreateImage: EC2 makes the image whether ec2tui stays or not
                    _ if !j.stop_first => return None,
                    Stage::Confirming => return None,
                    Stage::Waiting { .. } if !j.restart => return None,
                    Stage::Stopping => format!(
                        "{who} being stopped for image {name}: no image is made, it is left stopped{again} — s starts it"
                    ),
                    Stage::Creating => format!(
                        "{who} stopped for image {name}, CreateImage sent and not yet answered: it is left stopped{again} — s starts it"
                    ),
                    Stage::Waiting { image_id } => format!(
                        "{who} stopped for image {name} ({image_id}, still being made): not started again — s starts it"
                    ),
                };
                Some(crate::app::InFlight {
                    targets: vec![j.instance.id.clone()],
                    left,
                })
            })
            .collect()
    }

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
        format!("AMIs: {}", self.scope.label())
    }
    fn noun(&self) -> &'static str {
        "AMIs"
    }
    fn empty(&self, s: &Shared) -> String {
        format!(
            "No AMIs ({}) in {}. Press o for another scope.",
            self.scope.label(),
            s.ctx.region
        )
    }
    fn watching(&self) -> usize {
        self.watch.len()
    }

    fn refresh(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let scope = self.scope;
        let job = Job::pages(
            format!("DescribeImages ({})", scope.label()),
            move |api, token| Box::pin(async move { api.list_images(scope, token).await }),
            Got::Page,
        );
        cx.list(ID, &mut self.list, job)
    }

    fn on_action(&mut self, name: &'static str, cx: &mut Cx) -> Vec<Effect> {
        match name {
            "cycle_scope" => self.cycle_scope(cx),
            "launch" => self.propose_launch(cx),
            "deregister" => self.propose_deregister(cx),
            "copy_image" => self.propose_copy(cx),
            _ => vec![],
        }
    }

    fn details(&self, id: &str, s: &Shared) -> Option<DetailsView> {
        self.details_view(id, s)
    }

    fn confirm_body(&self, c: &Confirm, _s: &Shared) -> ConfirmView {
        self.confirm_view(c, _s)
    }

    fn on_form(&mut self, tag: &FormTag, ev: FormEvent, cx: &mut Cx) -> Vec<Effect> {
        match ev {
            FormEvent::Submit => self.submit(tag, cx),
            FormEvent::Changed(label) => {
                if tag.get::<LaunchTag>().is_some() {
                    self.launcher.on_changed(label, cx);
                } else if label == F_CONSISTENCY {
                    let running = tag.get::<CreateImageTag>().is_some_and(|t| t.running);
                    if let Some(form) = cx.form_mut() {
                        describe_consistency(form, running);
                    }
                }
                vec![]
            }
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
        self.poll(cx)
    }

    fn on_message(&mut self, msg: Box<dyn Any + Send>, _cx: &mut Cx) -> Vec<Effect> {
        match msg.downcast::<crate::app::Confirmed>() {
            Ok(c) => {
                if let Some(StopFirstSent(id)) = c.0.downcast_ref() {
                    for j in &mut self.jobs {
                        if &j.instance.id == id && j.stage == Stage::Confirming {
                            j.stage = Stage::Stopping;
                        }
                    }
                }
                vec![]
            }
            Err(_) => vec![],
        }
    }

    fn on_ask(&mut self, ask: &Ask, cx: &mut Cx) -> Option<Vec<Effect>> {
        match ask {
            Ask::CreateImageOf(i) => Some(self.propose_create_image(i.clone(), cx)),
            Ask::ListImages => Some(
                if self.list.load == crate::app::Load::Idle && self.scope == ImageScope::Mine {
                    self.refresh(cx)
                } else {
                    vec![]
                },
            ),
            Ask::LaunchLike(i) => {
                let title = format!(
                    "Launch more like {}",
                    Target::new(i.id.clone(), i.name.clone()).label()
                );
                let (image, arch) = (i.image_id.clone(), i.architecture.clone());
                let mut fx = self
                    .launcher
                    .open(ID, title, image, arch, Some(i.clone()), cx);
                fx.extend(self.fetch_like_user_data(&i.id, cx));
                Some(fx)
            }
            _ => None,
        }
    }

    fn after_event(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.create_when_stopped(cx)
    }
}
