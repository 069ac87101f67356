//! What the launch templates pane reads: a template's versions, and what the fetches hand back.

use super::*;

impl TemplatesPane {
    pub(super) fn fetch_versions(&mut self, id: &str, cx: &mut Cx) -> Vec<Effect> {
        let tid = id.to_string();
        let job = Job::once(format!("DescribeLaunchTemplateVersions {id}"), move |api| {
            Box::pin(async move {
                let r = api.template_versions(tid.clone()).await;
                Got::Versions(tid, r)
            })
        });
        let (req, fx) = cx.fetch(ID, job);
        self.versions.insert(id.to_string(), (req, Fetch::Loading));
        vec![fx]
    }

    pub(super) fn loaded(
        &mut self,
        req: u64,
        data: Box<dyn Any + Send>,
        cx: &mut Cx,
    ) -> Vec<Effect> {
        let data = match data.downcast::<OptionsLoaded>() {
            Ok(o) => {
                self.launcher.on_options(o.0, cx);
                return vec![];
            }
            Err(d) => d,
        };
        let Ok(got) = data.downcast::<Got>() else {
            return vec![];
        };
        match *got {
            Got::Page(page) => {
                cx.page(&mut self.list, req, page, "launch templates");
                if let Some(id) = self.pending_select.clone()
                    && self.list.get(&id).is_some()
                {
                    let h = cx.table_rows();
                    self.list.select_id(&id, h);
                    self.pending_select = None;
                }
                vec![]
            }
            Got::Image(what, images) => {
                let (t, v) = *what;
                // still the form that asked
                let asking = matches!(cx.form_tag::<TemplateForm>(), Some(TemplateForm::PickLaunch { t: x }) if x.id == t.id);
                if !asking {
                    return vec![];
                }
                let arch = match images {
                    Ok(imgs) => imgs
                        .into_iter()
                        .find(|i| i.id == v.data.image_id)
                        .map(|i| i.architecture)
                        .unwrap_or_default(),
                    // an AMI that cannot be read: every type is offered, EC2 checks
                    Err(_) => String::new(),
                };
                self.open_launch(&t, &v, arch, cx)
            }
            Got::Versions(id, result) => {
                if self.versions.get(&id).map(|(r, _)| *r) != Some(req) {
                    return vec![]; // an older request's answer
                }
                let fetch = match result {
                    Ok(v) => Fetch::Ready(v),
                    Err(e) => {
                        let text = e.describe();
                        if self.waiting.as_ref().is_some_and(|(w, _)| *w == id) {
                            self.waiting = None;
                            cx.error_with_hint("cannot read the template's versions", &e);
                        }
                        Fetch::Failed(text)
                    }
                };
                let ready = matches!(fetch, Fetch::Ready(_));
                self.versions.insert(id.clone(), (req, fetch));
                if ready
                    && let Some((w, want)) = self.waiting.clone()
                    && w == id
                {
                    self.waiting = None;
                    if cx.dialog.is_none()
                        && let Some(t) = self.list.get(&id).cloned()
                    {
                        cx.info("");
                        return self.open(want, &t, cx);
                    }
                }
                vec![]
            }
        }
    }
}
