//! What the AMIs pane reads: the listing of a scope, pending images followed (here or in
//! another region), the regions to copy to.

use super::*;

impl ImagesPane {
    pub(super) fn poll(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let req = cx.req();
        let Some(by_region) = self.watch.due_grouped(req) else {
            return vec![];
        };
        let job = crate::panes::kit::describe_by_region(
            "DescribeImages",
            by_region,
            |api, region, ids| Box::pin(async move { api.describe_images(region, ids).await }),
            Got::Watched,
        );
        vec![Effect::Fetch { pane: ID, req, job }]
    }

    pub(super) fn on_watched(
        &mut self,
        region: Option<String>,
        list: Vec<Image>,
        cx: &mut Cx,
    ) -> Vec<Effect> {
        let mut fx = Vec::new();
        for img in list {
            let settled = img.is_settled();
            if region.is_none()
                && (self.scope == ImageScope::Mine || self.list.get(&img.id).is_some())
            {
                self.list.upsert(img.clone());
            }
            if !self.watch.observe(&img.id, settled, |_| true) {
                continue;
            }
            let label = Target::new(img.id.clone(), img.name.clone()).label();
            let where_ = region
                .as_ref()
                .map(|r| format!(" in {r}"))
                .unwrap_or_default();
            if img.state == "available" {
                cx.ok(format!("image {label} is available{where_}"));
            } else {
                let why = if img.state_reason.is_empty() {
                    String::new()
                } else {
                    format!(": {}", img.state_reason)
                };
                cx.error(format!("image {label}{where_} is {}{why}", img.state));
            }
            if let Some(p) = self.jobs.iter().position(|j| {
                j.stage
                    == Stage::Waiting {
                        image_id: img.id.clone(),
                    }
            }) {
                let j = self.jobs.remove(p);
                if img.state == "available" || j.restart {
                    cx.info(format!(
                        "image {label} is {}; starting {} again",
                        img.state,
                        j.instance.label()
                    ));
                    fx.extend(cx.call(ID, vec![InstanceCall::op(Verb::Start, j.instance)]));
                }
            }
        }
        fx
    }

    /// The watch gave up on these images: a stop-first job waiting for one of them to start
    /// its instance again will not, and says so.
    fn jobs_lost(&mut self, gone: &[String], cx: &mut Cx) {
        let (lost, kept): (Vec<ImageJob>, Vec<ImageJob>) =
            std::mem::take(&mut self.jobs).into_iter().partition(
                |j| matches!(&j.stage, Stage::Waiting { image_id } if gone.contains(image_id)),
            );
        self.jobs = kept;
        for j in lost {
            cx.error(format!(
                "{} is left stopped: the image {} it waits for can no longer be read, so it is not started again — s starts it",
                j.instance.label(),
                j.spec.name
            ));
        }
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
            Got::Page(result) => {
                for img in result.iter().flat_map(|p| &p.items) {
                    if !img.is_settled() && !self.watch.contains(&img.id) {
                        self.watch.add(img.id.clone(), None);
                    }
                }
                cx.page(&mut self.list, req, result, "AMIs");
            }
            Got::Watched(results) => {
                if !self.watch.accept(req) {
                    return vec![];
                }
                let mut fx = Vec::new();
                let mut seen: Vec<String> = Vec::new();
                let mut all_answered = true;
                let mut failed = None;
                for (region, result) in results {
                    match result {
                        Ok(list) => {
                            seen.extend(list.iter().map(|i| i.id.clone()));
                            fx.extend(self.on_watched(region, list, cx));
                        }
                        Err(e) if e.code.as_deref().is_some_and(|c| c.ends_with(".NotFound")) => {
                            all_answered = false;
                            self.watch.forget_asked();
                        }
                        Err(e) => {
                            all_answered = false;
                            failed = Some(e);
                        }
                    }
                }
                match failed {
                    Some(e) => {
                        if let Some(gone) = self.watch.round_failed("check the image", &e, cx) {
                            self.jobs_lost(&gone, cx);
                        }
                    }
                    None => self.watch.answered(),
                }
                if all_answered {
                    // an image no longer described (deregistered) is no longer followed
                    self.watch.missing(seen.iter().map(String::as_str));
                }
                return fx;
            }
            Got::Regions(Ok(r)) => {
                crate::panes::kit::fill_regions(&r, cx);
                self.regions = Some(r);
            }
            Got::Regions(Err(e)) => {
                return cx.form_error(format!("cannot list regions: {}", e.describe()));
            }
            Got::LikeUserData(opening, id, result) => {
                self.fill_like_user_data(opening, &id, result, cx)
            }
        }
        vec![]
    }

    /// "Launch more like this" carries the instance's user data: it is read as the form
    /// opens (`DescribeInstanceAttribute userData`, as the instance's details read it).
    pub(super) fn fetch_like_user_data(&mut self, id: &str, cx: &mut Cx) -> Vec<Effect> {
        let Some(opening) = cx.form_tag::<LaunchTag>().map(|t| t.form) else {
            return vec![];
        };
        if let Some(form) = cx.form_mut() {
            form.field_mut(F_USER_DATA).help = Some(format!("reading the user data of {id}…"));
        }
        let id = id.to_string();
        let job = Job::once(
            format!("DescribeInstanceAttribute userData {id}"),
            move |api| {
                Box::pin(async move {
                    let r = api.user_data_exact(id.clone()).await;
                    Got::LikeUserData(opening, id, r)
                })
            },
        );
        vec![cx.fetch(ID, job).1]
    }

    /// The instance's user data into the form it was read for, unless the user has typed
    /// some meanwhile; a failure to read it is said where it would go.
    fn fill_like_user_data(
        &mut self,
        opening: u64,
        id: &str,
        result: ApiResult<Option<Vec<u8>>>,
        cx: &mut Cx,
    ) {
        if cx.form_tag::<LaunchTag>().map(|t| t.form) != Some(opening) {
            return;
        }
        // what can be carried as it is: text (not gzip or other bytes) that is not read as
        // a file's name (`@path`); it is shown cleaned and sent exactly
        let result = result.map(|bytes| {
            bytes
                .filter(|b| !b.is_empty())
                .map(|b| match String::from_utf8(b) {
                    Ok(exact) if exact.trim_start().starts_with('@') => {
                        Err("it begins with @, which the form reads as a file's name".to_string())
                    }
                    Ok(exact) => Ok(exact),
                    Err(e) => Err(format!(
                        "it is {} bytes of binary data (gzip?), which the form cannot hold",
                        e.as_bytes().len()
                    )),
                })
        });
        let shown = match &result {
            Ok(Some(Ok(exact))) => Some(crate::aws::clean_multiline(exact)),
            _ => None,
        };
        let Some(form) = cx.form_mut() else {
            return;
        };
        let typed = !form.field(F_USER_DATA).get().is_empty();
        let field = form.field_mut(F_USER_DATA);
        match result {
            Ok(Some(Ok(_))) if typed => {
                field.help = Some(format!("{id} has user data; kept what you typed instead"));
            }
            Ok(Some(Ok(exact))) => {
                let shown = shown.unwrap_or_default();
                field.help = Some(if shown == exact {
                    format!("the user data of {id}")
                } else {
                    // tabs, carriage returns, escapes: not drawn, but sent as they are
                    format!(
                        "the user data of {id} (shown without its control characters; sent exactly as it is unless you change it)"
                    )
                });
                field.value = crate::app::FieldValue::Area(shown.clone());
                self.launcher.carry_user_data(opening, shown, exact);
            }
            Ok(Some(Err(why))) => {
                field.help = Some(format!(
                    "the user data of {id} is not carried: {why}; the new instances get none unless you type it"
                ));
            }
            Ok(_) => field.help = Some(format!("{id} has no user data")),
            Err(e) => {
                field.help = Some(format!(
                    "could not read the user data of {id} ({}): the new instances get none unless you type it",
                    e.describe()
                ))
            }
        }
    }
}
