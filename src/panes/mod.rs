//! One module per kind of resource: its rows and typed columns, what it fetches and follows,
//! the actions it offers and the forms they open, the calls it makes, its details and help.
//! The registry below is the one list of panes: the core, the keymap, the command line, the
//! number keys, help and footer all come from it.

pub mod auto_scaling;
pub mod connect;
pub mod events;
pub mod images;
pub mod instances;
pub mod journal;
pub mod key_pairs;
pub mod launch;
pub mod launch_configs;
pub mod messages;
pub mod rollout;
pub mod security_groups;
pub mod snapshots;
pub mod templates;
pub mod volumes;

use std::collections::BTreeMap;
use std::sync::Arc;

use futures::future::BoxFuture;

use crate::app::{AppState, Context, Cx, Job, Keymap, Opt, Pane, PaneKeys};
use crate::aws::{ApiResult, Ec2Api};

/// The answers of one watch round over several regions (None: ours), region by region.
pub type ByRegion<T> = Vec<(Option<String>, ApiResult<Vec<T>>)>;

/// Describes ids in a region (None: ours).
pub type DescribeIn<T> =
    fn(Arc<dyn Ec2Api>, Option<String>, Vec<String>) -> BoxFuture<'static, ApiResult<Vec<T>>>;

/// One watch round as one job: the ids of each region described in that region, one
/// region after the other (images and snapshots followed here and in copy targets).
pub fn describe_by_region<T: Send + 'static, G: Send + 'static>(
    operation: &str,
    by_region: BTreeMap<Option<String>, Vec<String>>,
    describe: DescribeIn<T>,
    wrap: fn(ByRegion<T>) -> G,
) -> Job {
    let ids: Vec<&str> = by_region.values().flatten().map(String::as_str).collect();
    let what = format!("{operation} {}", ids.join(","));
    Job::once(what, move |api| {
        Box::pin(async move {
            let mut out = Vec::new();
            for (region, ids) in by_region {
                let r = describe(api.clone(), region.clone(), ids).await;
                out.push((region, r));
            }
            wrap(out)
        })
    })
}

/// Every pane, in the order of their number keys. Adding a pane is one line here (plus its
/// module, its keymap section and its port).
pub fn registry() -> Vec<Box<dyn Pane>> {
    vec![
        Box::new(instances::InstancesPane::default()),
        Box::new(images::ImagesPane::default()),
        Box::new(volumes::VolumesPane::default()),
        Box::new(snapshots::SnapshotsPane::default()),
        Box::new(events::EventsPane::default()),
        Box::new(journal::JournalPane::default()),
        Box::new(key_pairs::KeyPairsPane::default()),
        Box::new(messages::MessagesPane::default()),
        Box::new(security_groups::SecurityGroupsPane::default()),
        Box::new(templates::TemplatesPane::default()),
        Box::new(auto_scaling::AutoScalingPane::default()),
        Box::new(launch_configs::LaunchConfigsPane::default()),
    ]
}

/// What the keymap needs to know of the panes.
pub fn keys() -> Vec<PaneKeys> {
    registry()
        .iter()
        .map(|p| {
            let s = p.spec();
            PaneKeys {
                id: s.id,
                focus: s.focus,
                number: s.number,
                actions: s.actions,
            }
        })
        .collect()
}

/// The default keymap (the embedded `assets/keymap.toml`) over the registry's panes.
pub fn default_keymap() -> Keymap {
    let mut km = Keymap::new(keys());
    km.merge(crate::app::keys::DEFAULT_KEYMAP)
        .expect("the embedded keymap parses");
    km
}

/// The state of the app over every registered pane.
pub fn app(ctx: Context, keymap: Keymap) -> AppState {
    AppState::new(ctx, keymap, registry())
}

/// The label of the region field of the copy forms.
pub const F_REGION: &str = "Target region";
/// The label of the typed-word field of the delete forms.
pub const F_DELETE: &str = "Type delete to confirm";

/// Fills an open copy form's region list with every region but ours.
pub fn fill_regions(regions: &[String], cx: &mut Cx) {
    let ours = cx.ctx.region.clone();
    let Some(form) = cx.form_mut() else {
        return;
    };
    if form.index_of(F_REGION).is_none() {
        return;
    }
    let opts: Vec<Opt> = regions
        .iter()
        .filter(|r| **r != ours)
        .map(|r| Opt::new(r, r))
        .collect();
    let sel = (!opts.is_empty()).then_some(0);
    form.field_mut(F_REGION).set_options(opts, sel);
}
