//! Help (`?`) and the footer's hints, from the keymap and the panes' specs.

use super::*;

impl AppState {
    /// The help of the focused pane: its keys (from the keymap that handles them), then
    /// the keys of dialogs and forms.
    pub fn help(&self) -> Vec<Line> {
        let km = &self.s.keymap;
        let mut out: Vec<Line> = vec![vec![(self.focused().spec().title.into(), Tone::Heading)]];
        for (keys, action) in km.help(&self.scopes()) {
            let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
            let disabled = self.s.ctx.read_only && km.is_mutating(action);
            let (text, tone) = if disabled {
                (
                    format!("{} (read-only: disabled)", km.describe(action)),
                    Tone::Muted,
                )
            } else {
                (km.describe(action).to_string(), Tone::Normal)
            };
            out.push(vec![
                (format!("  {:<18}", keys.join(" ")), Tone::Accent),
                (text, tone),
            ]);
        }
        out.push(Vec::new());
        out.push(vec![("Panes (: commands)".into(), Tone::Heading)]);
        for p in &self.panes {
            let spec = p.spec();
            // its number, its command and its shortest alias
            let mut keys: Vec<String> = spec.number.map(|n| n.to_string()).into_iter().collect();
            keys.extend(spec.commands.first().map(|c| format!(":{c}")));
            if let Some(short) = spec
                .commands
                .iter()
                .skip(1)
                .filter(|c| c.len() <= 4)
                .min_by_key(|c| c.len())
            {
                keys.push(format!(":{short}"));
            }
            let keys = keys.join(" ");
            let sep = if keys.len() >= 18 { " " } else { "" };
            let keys = format!("{keys:<18}");
            out.push(vec![
                (format!("  {keys}{sep}"), Tone::Accent),
                (spec.focus.to_string(), Tone::Normal),
            ]);
        }
        out.push(vec![
            (format!("  {:<18}", ":export PATH"), Tone::Accent),
            (
                "the pane to .csv or .json (:export! overwrites)".to_string(),
                Tone::Normal,
            ),
        ]);
        out.push(Vec::new());
        out.push(vec![("Filter (/)".into(), Tone::Heading)]);
        for (k, d) in [
            (
                "prod running",
                "rows with both words (every term must match)",
            ),
            ("!stopped", "rows without the word"),
            (
                "Environment=prod",
                "rows with the tag Environment = prod, exactly",
            ),
        ] {
            out.push(vec![
                (format!("  {k:<18}"), Tone::Accent),
                (d.to_string(), Tone::Normal),
            ]);
        }
        out.push(Vec::new());
        out.push(vec![("Dialogs and forms".into(), Tone::Heading)]);
        for (k, d) in [
            ("y Enter", "confirm"),
            ("n Esc", "cancel"),
            ("Tab Shift-Tab", "next / previous field"),
            ("Ctrl-s", "submit from any field"),
            ("Ctrl-y", "copy the equivalent aws CLI command(s)"),
        ] {
            out.push(vec![
                (format!("  {k:<18}"), Tone::Accent),
                (d.to_string(), Tone::Normal),
            ]);
        }
        if self.s.ctx.read_only {
            out.push(Vec::new());
            out.push(vec![(
                "READ-ONLY: actions are disabled.".into(),
                Tone::Warn,
            )]);
        }
        out
    }

    /// The footer hints of the focused pane: (key, label) of each action it names.
    pub fn footer(&self) -> Vec<(Key, &'static str)> {
        let km = &self.s.keymap;
        let scopes = self.scopes();
        let spec = self.focused().spec();
        spec.footer
            .iter()
            .filter_map(|name| km.named(spec.id, name))
            .filter(|a| !(self.s.ctx.read_only && km.is_mutating(*a)))
            .filter_map(|a| km.key_for(&scopes, a).map(|k| (k, km.label(a))))
            .collect()
    }
}
