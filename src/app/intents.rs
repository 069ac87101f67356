//! What panes ask of each other and tell each other, in domain words only. A pane publishes
//! without naming a recipient (`Shared::ask`, `Shared::tell`); whichever pane owns the kind
//! reacts (`Pane::on_ask`, `Pane::on_fact`). So no pane module names another: adding a pane
//! that takes part in a flow edits this vocabulary and its own folder, not its neighbours.
//!
//! An [`Ask`] is taken by exactly one pane; one that no pane takes is an error in the log
//! (and the tests walk every ask through the registry). A [`Fact`] is heard by every pane
//! but the one that told it; nobody need react.

use std::collections::HashMap;

use crate::aws::{Instance, InstanceState, Snapshot, Target};

/// Something one pane wants done by the pane that owns its kind.
#[derive(Debug, Clone)]
pub enum Ask {
    /// Open the create-image form for this instance.
    CreateImageOf(Instance),
    /// Open the launch form with this instance's settings ("launch more like this").
    LaunchLike(Instance),
    /// Open the create-template form with this instance's settings.
    CreateTemplateFrom(Instance),
    /// Terminate these instances in their Auto Scaling group: (instance, group name).
    TerminateInGroup(Vec<(Target, String)>),
    /// Open the create-volume form from this snapshot.
    CreateVolumeFrom(Snapshot),
    /// Show and select this instance (its pane takes the focus).
    ShowInstance(String),
    /// List the AMIs once if they were never listed (their snapshots are shown elsewhere).
    ListImages,
    /// List the Auto Scaling groups once if they were never listed (what they use is
    /// needed elsewhere: the templates and launch configurations they use).
    ListGroups,
}

impl Ask {
    /// Its name, for the log: "CreateImageOf".
    pub fn name(&self) -> &'static str {
        match self {
            Self::CreateImageOf(_) => "CreateImageOf",
            Self::LaunchLike(_) => "LaunchLike",
            Self::CreateTemplateFrom(_) => "CreateTemplateFrom",
            Self::TerminateInGroup(_) => "TerminateInGroup",
            Self::CreateVolumeFrom(_) => "CreateVolumeFrom",
            Self::ShowInstance(_) => "ShowInstance",
            Self::ListImages => "ListImages",
            Self::ListGroups => "ListGroups",
        }
    }

    /// One of every ask, for the test that each is taken by a pane of the registry.
    pub fn examples() -> Vec<Ask> {
        let i = Instance {
            id: "i-0123456789abcdef0".into(),
            ..Instance::default()
        };
        let s = Snapshot {
            id: "snap-0123456789abcdef0".into(),
            ..Snapshot::default()
        };
        let all = vec![
            Self::CreateImageOf(i.clone()),
            Self::LaunchLike(i.clone()),
            Self::CreateTemplateFrom(i.clone()),
            Self::TerminateInGroup(vec![(Target::new(i.id.clone(), ""), "g".into())]),
            Self::CreateVolumeFrom(s),
            Self::ShowInstance(i.id),
            Self::ListImages,
            Self::ListGroups,
        ];
        // a new ask must be added above: this match fails to compile without it
        for a in &all {
            match a {
                Self::CreateImageOf(_)
                | Self::LaunchLike(_)
                | Self::CreateTemplateFrom(_)
                | Self::TerminateInGroup(_)
                | Self::CreateVolumeFrom(_)
                | Self::ShowInstance(_)
                | Self::ListImages
                | Self::ListGroups => {}
            }
        }
        all
    }
}

/// Something that happened, for whichever pane cares.
#[derive(Debug, Clone)]
pub enum Fact {
    /// Instances were launched.
    Launched(Vec<Instance>),
    /// These instances are moving: follow them until they settle (in `until`, if known).
    Moving {
        ids: Vec<String>,
        until: Option<InstanceState>,
    },
    /// These instances changed in a way a new description shows (their block devices).
    InstancesChanged(Vec<String>),
    /// Status checks of instances, learned while listing their status: (id, checks).
    Checks(Vec<(String, String)>),
    /// Snapshots were made or deleted; `listed_or_not`: describe them even if that list
    /// was never shown.
    SnapshotsChanged { listed_or_not: bool },
    /// Volumes were made, changed or deleted.
    VolumesChanged,
    /// Launch templates were made, changed or deleted.
    TemplatesChanged,
    /// The launch templates the groups use: template id → group names.
    TemplatesInUse(HashMap<String, Vec<String>>),
    /// Whether the templates are in use cannot be told: why.
    TemplateUsageUnknown(String),
    /// The launch configurations the groups use: configuration name → group names.
    ConfigsInUse(HashMap<String, Vec<String>>),
}
