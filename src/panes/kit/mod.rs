//! What the panes share that is not a pane: the launch form (`launch`), connecting to an
//! instance (`connect`), and the helpers below. Panes may use the kit and the vocabulary in
//! `app::intents`; no pane module names another pane's module.

pub mod connect;
pub mod launch;

use std::collections::BTreeMap;
use std::sync::Arc;

use futures::future::BoxFuture;

use crate::app::{Cx, Dialog, Job, Opt, Tone};
use crate::aws::{ApiResult, Ec2Api, InstanceState};

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

/// Keeps line `line` of the open details view on screen (a list chosen inside the details:
/// a group's members, a security group's rules).
pub fn scroll_details_to(line: usize, cx: &mut Cx) {
    let line = line.min(u16::MAX as usize) as u16;
    let visible = cx.size.1.saturating_sub(8).max(3);
    if let Some(Dialog::Details { scroll, .. }) = &mut cx.dialog {
        if line < *scroll {
            *scroll = line;
        } else if line >= *scroll + visible {
            *scroll = line + 1 - visible;
        }
    }
}

/// The tone of an instance state, wherever an instance's state is shown.
pub fn state_tone(s: InstanceState) -> Tone {
    match s {
        InstanceState::Running => Tone::Good,
        InstanceState::Pending | InstanceState::Stopping | InstanceState::ShuttingDown => {
            Tone::Warn
        }
        InstanceState::Stopped => Tone::Bad,
        InstanceState::Terminated | InstanceState::Unknown => Tone::Muted,
    }
}
