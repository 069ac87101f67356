//! Launch templates: the domain types of the `LaunchTemplatesApi` port.

use super::{clean, clean_multiline, clean_pairs, is_control};

/// A launch template (its versions come separately).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LaunchTemplate {
    pub id: String,
    pub name: String,
    pub default_version: i64,
    pub latest_version: i64,
    /// The ARN of who created it.
    pub created_by: String,
    /// Seconds since the epoch.
    pub created: Option<i64>,
    pub tags: Vec<(String, String)>,
}

/// The settings of a template version that ec2tui shows and edits. A new version made from
/// another keeps the rest of its settings (`SourceVersion`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TemplateData {
    pub image_id: String,
    pub instance_type: String,
    pub key_name: String,
    pub security_group_ids: Vec<String>,
    /// Decoded (plain text); the adapters do the base64.
    pub user_data: Option<String>,
    /// The tags given to the instances it launches.
    pub instance_tags: Vec<(String, String)>,
}

/// One version of a launch template.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TemplateVersion {
    pub template_id: String,
    pub template_name: String,
    pub number: i64,
    pub is_default: bool,
    pub description: String,
    pub created_by: String,
    pub created: Option<i64>,
    pub data: TemplateData,
}

/// What a new template, or a new version, is made of.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TemplateSpec {
    pub description: String,
    pub data: TemplateData,
}

fn clean_in_place(s: &mut String) {
    if s.chars().any(is_control) {
        *s = clean(s);
    }
}

/// Cleans every string of a template in place.
pub fn clean_template(t: &mut LaunchTemplate) {
    for s in [&mut t.id, &mut t.name, &mut t.created_by] {
        clean_in_place(s);
    }
    clean_pairs(&mut t.tags);
}

/// Cleans every string of template data in place (user data keeps its lines).
pub fn clean_template_data(d: &mut TemplateData) {
    for s in [&mut d.image_id, &mut d.instance_type, &mut d.key_name] {
        clean_in_place(s);
    }
    for s in &mut d.security_group_ids {
        clean_in_place(s);
    }
    if let Some(u) = &mut d.user_data {
        *u = clean_multiline(u);
    }
    clean_pairs(&mut d.instance_tags);
}

/// Cleans every string of a version in place.
pub fn clean_version(v: &mut TemplateVersion) {
    for s in [
        &mut v.template_id,
        &mut v.template_name,
        &mut v.description,
        &mut v.created_by,
    ] {
        clean_in_place(s);
    }
    clean_template_data(&mut v.data);
}
