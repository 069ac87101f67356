//! What the volumes pane reads: the listing, volumes in transition followed until they settle,
//! the availability zones; what the fetches hand back.

use super::*;

impl VolumesPane {
    pub(super) fn with_attached_name(mut v: Volume, cx: &Cx) -> Volume {
        if let Some(a) = v.attachments.first() {
            v.attached_name = cx
                .find::<Instance>(&a.instance_id)
                .map(|i| i.name.clone())
                .unwrap_or_default();
        }
        v
    }

    /// Follows the volumes that are in transition.
    pub(super) fn follow_moving(&mut self, vols: &[Volume]) {
        for v in vols.iter().filter(|v| in_transition(v)) {
            if !self.watch.contains(&v.id) {
                self.watch.add(v.id.clone(), ());
            }
        }
    }

    pub(super) fn loaded(
        &mut self,
        req: u64,
        data: Box<dyn Any + Send>,
        cx: &mut Cx,
    ) -> Vec<Effect> {
        let Ok(got) = data.downcast::<Got>() else {
            return vec![];
        };
        match *got {
            Got::Page(result) => {
                let result = result.map(|mut p| {
                    p.items = std::mem::take(&mut p.items)
                        .into_iter()
                        .map(|v| Self::with_attached_name(v, cx))
                        .collect();
                    self.follow_moving(&p.items);
                    p
                });
                cx.page(&mut self.list, req, result, "volumes");
            }
            Got::Watched(result) => {
                if !self.watch.accept(req) {
                    return vec![];
                }
                match result {
                    Ok(list) => {
                        self.watch.answered();
                        let seen: Vec<String> = list.iter().map(|v| v.id.clone()).collect();
                        for v in list {
                            let v = Self::with_attached_name(v, cx);
                            self.watch.observe(&v.id, !in_transition(&v), |_| true);
                            self.list.upsert(v);
                        }
                        // a deleted volume is not described any more: it leaves the table
                        for id in self.watch.missing(seen.iter().map(String::as_str)) {
                            self.list.remove(&id);
                        }
                    }
                    Err(e) if e.code.as_deref().is_some_and(|c| c.ends_with(".NotFound")) => {
                        // EC2 refuses the whole describe when one volume is gone
                        self.watch.forget_asked();
                        return self.refresh(cx);
                    }
                    Err(e) => {
                        self.watch.round_failed("check volumes", &e, cx);
                    }
                }
            }
            Got::Zones(Ok(z)) => {
                self.zones = Some(z);
                self.fill_zones(cx);
            }
            Got::Zones(Err(e)) => {
                return cx.form_error(format!("cannot list availability zones: {}", e.describe()));
            }
        }
        if let Some(id) = self.pending_select.clone()
            && self.list.get(&id).is_some()
        {
            let h = cx.table_rows();
            self.list.select_id(&id, h);
            self.pending_select = None;
        }
        vec![]
    }
}
