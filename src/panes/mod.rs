//! One module per kind of resource: its rows and typed columns, what it fetches and follows,
//! the actions it offers and the forms they open, the calls it makes, its details and help.
//! The registry below is the one list of panes: the core, the keymap, the command line, the
//! number keys, help and footer all come from it.

pub mod auto_scaling;
pub mod events;
pub mod images;
pub mod instances;
pub mod journal;
pub mod key_pairs;
pub mod kit;
pub mod launch_configs;
pub mod messages;

pub mod security_groups;
pub mod snapshots;
pub mod templates;
pub mod volumes;

use crate::app::{AppState, Context, Keymap, Pane, PaneKeys};

/// Every pane, in the order of their number keys. Adding a pane is one line here (plus its
/// module, its keymap section and its port).
pub fn registry() -> Vec<Box<dyn Pane>> {
    registry_with(&Settings::default())
}

/// What the user's configuration gives the panes (`config.toml`), handed to them as they are
/// made: the registry is the one place that knows which pane takes which setting.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// `[connect]`: how `c` / `C` reach an instance.
    pub connect: kit::connect::Connect,
}

/// Every pane, made with these settings.
pub fn registry_with(settings: &Settings) -> Vec<Box<dyn Pane>> {
    vec![
        Box::new(instances::InstancesPane::with_connect(
            settings.connect.clone(),
        )),
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

/// The state of the app over every registered pane, made with these settings, again with
/// them on every switch of region or profile.
pub fn app_with(ctx: Context, keymap: Keymap, settings: Settings) -> AppState {
    let mut app = AppState::new(ctx, keymap, registry_with(&settings));
    app.set_factory(Box::new(move || registry_with(&settings)));
    app
}
