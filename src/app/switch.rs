//! Switching region and profile (`:region`, `:profile`): the pickers, the switch itself
//! (the shell makes the new clients; the old ones stay until that succeeded), and what
//! follows — every pane afresh, results from before the switch dropped, the safety of the
//! new profile and region.

use std::any::Any;

use super::{ApiEvent, AppState, Dialog, Effect, Job};
use crate::aws::{ApiResult, RegionInfo};

/// The id fetches of the core itself (the pickers' lists) are delivered to.
pub const CORE: &str = ":app";

/// What a picker picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickKind {
    Region,
    Profile,
}

impl PickKind {
    pub fn noun(self) -> &'static str {
        match self {
            Self::Region => "region",
            Self::Profile => "profile",
        }
    }
}

/// One choice: its name, and why it cannot be picked (a region not opted in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub name: String,
    pub refusal: Option<String>,
}

/// The `:region` / `:profile` picker.
#[derive(Debug, Clone, PartialEq)]
pub struct Picker {
    pub kind: PickKind,
    /// `None` while the list loads.
    pub choices: Option<Vec<Choice>>,
    pub cursor: usize,
    /// The current one (marked in the list).
    pub current: String,
    pub note: Option<String>,
}

/// The lists the pickers fetch.
enum Listed {
    Regions(ApiResult<Vec<RegionInfo>>),
    Profiles(ApiResult<Vec<String>>),
}

/// `:region all`: the instances pane lists every enabled region (other panes stay in the
/// current region).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllRegionsView;

/// A switch asked of the shell: new clients for this profile in this region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub profile: String,
    pub region: String,
}

impl AppState {
    /// `:region NAME` switches; `:region` alone opens the picker. Likewise `:profile`.
    pub(super) fn switch_command(&mut self, kind: PickKind, arg: &str) -> Vec<Effect> {
        if kind == PickKind::Region && arg == "all" {
            self.s.ctx.all_regions = true;
            let mut fx = Vec::new();
            let n = self.panes.len();
            for i in 0..n {
                fx.extend(self.with(i, |p, cx| p.on_message(Box::new(AllRegionsView), cx)));
            }
            return fx;
        }
        if !arg.is_empty() {
            return match kind {
                PickKind::Region => self.switch_to(self.s.ctx.profile.clone(), arg.to_string()),
                PickKind::Profile => self.switch_to(arg.to_string(), self.s.ctx.region.clone()),
            };
        }
        let current = match kind {
            PickKind::Region => self.s.ctx.region.clone(),
            PickKind::Profile => self.s.ctx.profile.clone(),
        };
        self.s.dialog = Some(Dialog::Pick(Picker {
            kind,
            choices: None,
            cursor: 0,
            current,
            note: None,
        }));
        let job = match kind {
            PickKind::Region => Job::once("DescribeRegions", |api| {
                Box::pin(async move { Listed::Regions(api.regions_opt_in().await) })
            }),
            PickKind::Profile => Job::once("profiles", |api| {
                Box::pin(async move { Listed::Profiles(api.profiles().await) })
            }),
        };
        let (_, fx) = self.s.fetch(CORE, job);
        vec![fx]
    }

    /// A picker's list arrived.
    pub(super) fn on_core_loaded(&mut self, data: Box<dyn Any + Send>) {
        let Ok(listed) = data.downcast::<Listed>() else {
            return;
        };
        let Some(Dialog::Pick(p)) = &mut self.s.dialog else {
            return;
        };
        let choices = match *listed {
            Listed::Regions(Ok(rs)) if p.kind == PickKind::Region => rs
                .into_iter()
                .map(|r| Choice {
                    refusal: r.refusal(),
                    name: r.name,
                })
                .collect(),
            Listed::Profiles(Ok(ps)) if p.kind == PickKind::Profile => ps
                .into_iter()
                .map(|name| Choice {
                    name,
                    refusal: None,
                })
                .collect(),
            Listed::Regions(Err(e)) | Listed::Profiles(Err(e)) => {
                p.choices = Some(Vec::new());
                p.note = Some(format!(
                    "cannot list the {}s: {} — type :{} NAME instead",
                    p.kind.noun(),
                    e.describe(),
                    p.kind.noun()
                ));
                return;
            }
            _ => return,
        };
        let choices: Vec<Choice> = choices;
        p.cursor = choices
            .iter()
            .position(|c| c.name == p.current)
            .unwrap_or(0);
        p.choices = Some(choices);
    }

    /// A key in the picker.
    pub(super) fn on_picker_key(&mut self, k: super::Key) -> Vec<Effect> {
        use super::KeyCode;
        let Some(Dialog::Pick(p)) = &mut self.s.dialog else {
            return vec![];
        };
        let n = p.choices.as_ref().map_or(0, Vec::len);
        match k.code {
            KeyCode::Esc | KeyCode::Char('q') => {
                self.s.dialog = None;
                vec![]
            }
            KeyCode::Down | KeyCode::Char('j') if n > 0 => {
                p.cursor = (p.cursor + 1).min(n - 1);
                vec![]
            }
            KeyCode::Up | KeyCode::Char('k') => {
                p.cursor = p.cursor.saturating_sub(1);
                vec![]
            }
            KeyCode::Enter if n > 0 => {
                let c = p.choices.as_ref().unwrap()[p.cursor.min(n - 1)].clone();
                if let Some(why) = c.refusal {
                    p.note = Some(why);
                    return vec![];
                }
                let kind = p.kind;
                self.s.dialog = None;
                match kind {
                    PickKind::Region => self.switch_to(self.s.ctx.profile.clone(), c.name),
                    PickKind::Profile => self.switch_to(c.name, self.s.ctx.region.clone()),
                }
            }
            _ => vec![],
        }
    }

    /// Asks the shell for clients of `profile` in `region`; until they exist, everything
    /// stays as it is (and usable).
    fn switch_to(&mut self, profile: String, region: String) -> Vec<Effect> {
        let (profile, region) = (crate::aws::clean(&profile), crate::aws::clean(&region));
        if profile == self.s.ctx.profile && region == self.s.ctx.region {
            self.s
                .info(format!("already on profile {profile} in {region}"));
            return vec![];
        }
        self.s
            .info(format!("switching to profile {profile} in {region}…"));
        vec![Effect::Connect(Target { profile, region })]
    }

    /// The shell made the new clients (or could not).
    pub(super) fn on_connected(
        &mut self,
        to: Target,
        result: Result<Option<String>, String>,
    ) -> Vec<Effect> {
        let account = match result {
            Ok(account) => account,
            Err(e) => {
                self.s.error(format!(
                    "cannot switch to profile {} in {}: {e} — still on profile {} in {}",
                    to.profile, to.region, self.s.ctx.profile, self.s.ctx.region
                ));
                return vec![];
            }
        };
        let changed_profile = to.profile != self.s.ctx.profile;
        self.s.ctx.profile = to.profile;
        self.s.ctx.region = to.region;
        self.s.ctx.all_regions = false;
        self.s.apply_safety();
        // nothing from before the switch is shown under the new name
        self.s.forget_before_now();
        // who the new credentials belong to: known when the shell checked them, else asked
        // by `start` (the header says "…" until then)
        self.s.ctx.account = account;
        if let Some(make) = &self.factory {
            let focused = self.panes[self.focus].spec().id;
            self.panes = make();
            self.focus = self
                .panes
                .iter()
                .position(|p| p.spec().id == focused)
                .unwrap_or(0);
            self.s.focused = self.panes[self.focus].spec().id;
        }
        self.s.dialog = None;
        self.s.ok(format!(
            "{} {}",
            if changed_profile {
                "now on profile"
            } else {
                "now in region"
            },
            if changed_profile {
                format!("{} in {}", self.s.ctx.profile, self.s.ctx.region)
            } else {
                self.s.ctx.region.clone()
            }
        ));
        self.start()
    }

    /// Whether an API result belongs to before the last switch (dropped).
    pub(super) fn stale(&self, a: &ApiEvent) -> bool {
        match a {
            ApiEvent::Loaded { req, .. } | ApiEvent::Done { req, .. } => *req < self.s.epoch,
            _ => false,
        }
    }
}
