//! Copying to the clipboard (`y`, `Y`): what can be copied of a row, and the text copied.
//! The shell writes it as OSC 52; only cleaned strings get there.

/// What `Y` offers to copy of the selected (or marked) rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyWhat {
    Id,
    Name,
    PrivateIp,
    PublicIp,
    Arn,
    Json,
}

/// The `Y` menu, in order: what, its label.
pub const MENU: &[(CopyWhat, &str)] = &[
    (CopyWhat::Id, "id"),
    (CopyWhat::Name, "name"),
    (CopyWhat::PrivateIp, "private IP"),
    (CopyWhat::PublicIp, "public IP"),
    (CopyWhat::Arn, "ARN"),
    (CopyWhat::Json, "the row as JSON"),
];

impl CopyWhat {
    pub fn label(self) -> &'static str {
        MENU.iter()
            .find(|(w, _)| *w == self)
            .map_or("?", |(_, l)| l)
    }
}

/// The text to copy: each value cleaned of control characters (and escape sequences), one
/// value a line.
pub fn clip_text(values: &[String]) -> String {
    values
        .iter()
        .map(|v| crate::aws::clean(v))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The status line after a copy: what was copied, and that the terminal must allow OSC 52.
pub fn copied_status(what: CopyWhat, values: &[String]) -> String {
    let shown = match values {
        [one] if one.chars().count() <= 60 && what != CopyWhat::Json => crate::aws::clean(one),
        [_] => format!("the {}", what.label()),
        many => format!("{} values ({})", many.len(), what.label()),
    };
    format!(
        "copied {shown} to the clipboard (OSC 52: the terminal must allow it; in tmux, set-clipboard on)"
    )
}
