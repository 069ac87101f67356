//! The launch templates pane's calls: the forms submitted, and the answers of the calls.

use super::*;

impl TemplatesPane {
    pub(super) fn submit(&mut self, tag: &TemplateForm, cx: &mut Cx) -> Vec<Effect> {
        let Some(form) = cx.form().cloned() else {
            return vec![];
        };
        let op = match tag {
            TemplateForm::NewVersion { t } => {
                let source = form.field(F_FROM).get().parse::<i64>().ok();
                let groups: Vec<String> = form
                    .field(F_GROUPS)
                    .get()
                    .split([',', ' '])
                    .map(str::trim)
                    .filter(|g| !g.is_empty())
                    .map(str::to_string)
                    .collect();
                if let Some(bad) = groups.iter().find(|g| !g.starts_with("sg-")) {
                    return cx.form_error(format!("{bad} is not a security group id (sg-…)"));
                }
                let ami = form.field(F_AMI).get().trim().to_string();
                if !ami.is_empty() && !ami.starts_with("ami-") {
                    return cx.form_error(format!("{ami} is not an AMI id (ami-…)"));
                }
                let user_data = form.field(F_USER_DATA).get();
                Op::new(CreateTemplateVersion {
                    template_id: t.id.clone(),
                    template_name: t.name.clone(),
                    source,
                    spec: TemplateSpec {
                        description: form.field(F_DESCRIPTION).get().trim().to_string(),
                        data: TemplateData {
                            image_id: ami,
                            instance_type: form.field(F_TYPE).get().trim().to_string(),
                            key_name: form.field(F_KEY).get().trim().to_string(),
                            security_group_ids: groups,
                            // empty user data is kept empty, not inherited
                            user_data: Some(user_data),
                            instance_tags: vec![],
                        },
                    },
                    make_default: form.field(F_MAKE_DEFAULT).on(),
                })
            }
            TemplateForm::SetDefault { t } => {
                let Ok(version) = form.field(F_VERSION).get().parse::<i64>() else {
                    return cx.form_error("choose a version");
                };
                if version == t.default_version {
                    return cx.form_error(format!("version {version} is the default already"));
                }
                Op::new(SetDefaultVersion {
                    template_id: t.id.clone(),
                    template_name: t.name.clone(),
                    version,
                })
            }
            TemplateForm::PickLaunch { t } => {
                let Ok(n) = form.field(F_VERSION).get().parse::<i64>() else {
                    return cx.form_error("choose a version");
                };
                let Some(v) = self
                    .versions_of(&t.id)
                    .and_then(|vs| vs.iter().find(|v| v.number == n))
                    .cloned()
                else {
                    return cx.form_error("that version is gone: press Esc and Ctrl-r");
                };
                if v.data.image_id.is_empty() {
                    return cx.form_error(format!(
                        "version {} names no AMI: the launch form needs one",
                        v.number
                    ));
                }
                // the AMI's architecture decides the instance types offered
                if let Some(form) = cx.form_mut() {
                    form.info = Some(format!("reading {}…", v.data.image_id));
                }
                let ami = v.data.image_id.clone();
                let what = Box::new((t.clone(), v));
                let job = Job::once(format!("DescribeImages {ami}"), move |api| {
                    Box::pin(
                        async move { Got::Image(what, api.describe_images(None, vec![ami]).await) },
                    )
                });
                return vec![cx.fetch(ID, job).1];
            }
            TemplateForm::Delete { t } => {
                if !cx.capturing() && form.field(F_CONFIRM).get() != "delete" {
                    return cx.form_error(
                        "type delete and press Ctrl-s or Enter to confirm; Esc cancels",
                    );
                }
                let what = form.field(F_DELETE_WHAT).get();
                if let Some(groups) = self.users_of(&t.id) {
                    return cx.form_error(format!(
                        "{} is used by {}: nothing was sent",
                        t.name,
                        groups.join(", ")
                    ));
                }
                if what == WHOLE {
                    Op::new(DeleteTemplate {
                        template_id: t.id.clone(),
                        template_name: t.name.clone(),
                    })
                } else {
                    let Ok(n) = what.parse::<i64>() else {
                        return cx.form_error("choose what to delete");
                    };
                    Op::new(DeleteTemplateVersions {
                        template_id: t.id.clone(),
                        template_name: t.name.clone(),
                        versions: vec![n],
                    })
                }
            }
            TemplateForm::FromInstance { instance } => {
                let name = form.field(F_NAME).get().trim().to_string();
                if name.len() < 3 || name.len() > 128 {
                    return cx.form_error("a template name is 3 to 128 characters");
                }
                if name
                    .chars()
                    .any(|c| !(c.is_ascii_alphanumeric() || "()./_-".contains(c)))
                {
                    return cx
                        .form_error("a template name has letters, digits and ( ) . / _ - only");
                }
                if self
                    .list
                    .ids()
                    .any(|id| self.list.get(id).is_some_and(|t| t.name == name))
                {
                    return cx.form_error(format!("a launch template named {name} exists already"));
                }
                Op::new(CreateTemplateFromInstance {
                    instance: Target::new(instance.id.clone(), instance.name.clone()),
                    name,
                    description: form.field(F_DESCRIPTION).get().trim().to_string(),
                })
            }
        };
        if op.is_destructive() {
            cx.dialog = None;
            cx.info(format!("{}…", op.describe()));
        } else if let Some(form) = cx.form_mut() {
            // the form stays open until EC2 answers: a refusal is shown in it
            form.error = None;
            form.info = Some(format!("{}…", op.describe()));
        }
        cx.call(ID, vec![op])
    }

    pub(super) fn done(
        &mut self,
        _req: u64,
        results: Vec<(Op, ApiResult<Outcome>)>,
        cx: &mut Cx,
    ) -> Vec<Effect> {
        let mut fx = Vec::new();
        for (op, result) in results {
            if let Some(call) = op.get::<RunInstances>() {
                fx.extend(self.launcher.on_done(ID, call, result, cx));
                continue;
            }
            let form_open = cx.form_tag::<TemplateForm>().is_some();
            match &result {
                Err(e) => {
                    let text = cx.with_hint(&e.failed(&op.describe()), e);
                    if form_open {
                        fx.extend(cx.form_error(text.clone()));
                        cx.log(crate::app::Level::Error, &text);
                    } else {
                        cx.error(text);
                    }
                }
                Ok(out) => {
                    if form_open {
                        cx.dialog = None;
                    }
                    if let Some(c) = op.get::<CreateTemplateVersion>() {
                        let n = match out {
                            Outcome::Created(n) => n.parse::<i64>().ok(),
                            _ => None,
                        };
                        cx.ok(format!(
                            "created version {} of launch template {}",
                            n.map(|n| n.to_string()).unwrap_or_else(|| "?".into()),
                            c.template_name
                        ));
                        self.versions.remove(&c.template_id);
                        self.pending_select = Some(c.template_id.clone());
                        if c.make_default
                            && let Some(n) = n
                        {
                            fx.extend(cx.call(
                                ID,
                                vec![Op::new(SetDefaultVersion {
                                    template_id: c.template_id.clone(),
                                    template_name: c.template_name.clone(),
                                    version: n,
                                })],
                            ));
                        }
                    } else {
                        if let Outcome::Created(id) = out {
                            self.pending_select = Some(id.clone());
                        }
                        cx.ok(op.describe());
                        for id in [
                            op.get::<SetDefaultVersion>().map(|s| &s.template_id),
                            op.get::<DeleteTemplateVersions>().map(|s| &s.template_id),
                        ]
                        .into_iter()
                        .flatten()
                        {
                            self.versions.remove(id);
                        }
                    }
                }
            }
        }
        fx.extend(self.refresh(cx));
        // an open details view shows the new versions
        if let Some(Dialog::Details { pane: ID, id, .. }) = &cx.dialog {
            let id = id.clone();
            fx.extend(self.fetch_versions(&id, cx));
        }
        fx
    }
}
