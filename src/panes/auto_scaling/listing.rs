//! What the Auto Scaling pane reads: the groups, their templates, one group's extra (activities, refreshes), and who uses which template and launch configuration.

use super::*;

impl AutoScalingPane {
    pub(super) fn resolved(&self, g: &AutoScalingGroup) -> Option<i64> {
        let t = g.template.as_ref()?;
        let tpl = self
            .templates
            .get(&t.id)
            .or_else(|| self.templates.values().find(|x| x.name == t.name))?;
        match t.version.as_str() {
            "$Latest" | "" => Some(tpl.latest_version),
            "$Default" => Some(tpl.default_version),
            n => n.parse().ok(),
        }
    }

    pub(super) fn row(&self, g: AutoScalingGroup) -> GroupRow {
        let resolved = self.resolved(&g);
        let old = g
            .members
            .iter()
            .filter(|m| !m.leaving() && is_old(&g, m, resolved))
            .map(|m| m.instance_id.clone())
            .collect();
        let prev = self.list.get(&g.name);
        let progress = self
            .rollouts
            .get(&g.name)
            .map(Rollout::progress)
            .unwrap_or_default();
        GroupRow {
            refresh: prev.and_then(|p| p.refresh.clone()),
            g,
            old,
            progress,
        }
    }

    pub(super) fn rebuild_rows(&mut self) {
        let rows: Vec<GroupRow> = self
            .list
            .ids()
            .filter_map(|id| self.list.get(id))
            .map(|r| self.row(r.g.clone()))
            .collect();
        for r in rows {
            self.list.upsert(r);
        }
    }

    /// Who uses which template and launch configuration, for the panes that delete them.
    pub(super) fn tell_usage(&self, cx: &mut Cx) {
        let mut by_template: HashMap<String, Vec<String>> = HashMap::new();
        let mut by_config: HashMap<String, Vec<String>> = HashMap::new();
        for id in self.list.ids() {
            let Some(r) = self.list.get(id) else { continue };
            if let Some(t) = &r.g.template {
                by_template
                    .entry(t.id.clone())
                    .or_default()
                    .push(r.g.name.clone());
            }
            if !r.g.launch_configuration.is_empty() {
                by_config
                    .entry(r.g.launch_configuration.clone())
                    .or_default()
                    .push(r.g.name.clone());
            }
        }
        cx.tell(Fact::TemplatesInUse(by_template));
        cx.tell(Fact::ConfigsInUse(by_config));
    }

    pub(super) fn selected(&mut self, cx: &mut Cx) -> Option<GroupRow> {
        self.list.refresh_view();
        let r = self.list.selected().cloned();
        if r.is_none() {
            cx.error("no Auto Scaling group selected");
        }
        r
    }

    pub(super) fn fetch_templates(&mut self, cx: &mut Cx) -> Effect {
        let job = Job::once("DescribeLaunchTemplates", |api| {
            Box::pin(async move {
                let mut all = Vec::new();
                let mut token = None;
                loop {
                    match api.list_launch_templates(token.take()).await {
                        Ok(p) => {
                            all.extend(p.items);
                            match p.next_token {
                                Some(t) => token = Some(t),
                                None => break Got::Templates(Ok(all)),
                            }
                        }
                        Err(e) => break Got::Templates(Err(e)),
                    }
                }
            })
        });
        cx.fetch(ID, job).1
    }

    pub(super) fn fetch_extra(&mut self, group: &str, cx: &mut Cx) -> Vec<Effect> {
        let name = group.to_string();
        let job = Job::once(
            format!("DescribeScalingActivities, DescribeInstanceRefreshes {group}"),
            move |api| {
                Box::pin(async move {
                    let (a, r) =
                        futures::join!(api.activities(name.clone()), api.refreshes(name.clone()));
                    Got::Extra(name, a, r)
                })
            },
        );
        let (req, fx) = cx.fetch(ID, job);
        let e = self.extra.entry(group.to_string()).or_default();
        e.req = req;
        e.activities.get_or_insert(Fetch::Loading);
        e.refreshes.get_or_insert(Fetch::Loading);
        vec![fx]
    }

    pub(super) fn follow(&mut self, group: &str) {
        self.watch.add(group, ());
    }
}

impl AutoScalingPane {
    /// Members of the group in the details' order.
    pub(super) fn members_sorted(&self, id: &str) -> Vec<String> {
        let mut v: Vec<String> = self
            .list
            .get(id)
            .map(|r| r.g.members.iter().map(|m| m.instance_id.clone()).collect())
            .unwrap_or_default();
        v.sort();
        v
    }

    /// The members of `g` that came or went since the group was last seen (those of a group
    /// not seen before only when `new_group_too`): the instances pane describes them again.
    pub(super) fn members_changed(&self, g: &AutoScalingGroup, new_group_too: bool) -> Vec<String> {
        let Some(row) = self.list.get(&g.name) else {
            return if new_group_too {
                g.members.iter().map(|m| m.instance_id.clone()).collect()
            } else {
                vec![]
            };
        };
        let before = &row.g.members;
        let came = g
            .members
            .iter()
            .filter(|m| !before.iter().any(|b| b.instance_id == m.instance_id));
        let went = before
            .iter()
            .filter(|b| !g.members.iter().any(|m| m.instance_id == b.instance_id));
        came.chain(went).map(|m| m.instance_id.clone()).collect()
    }

    /// Applies groups described again (a watch round, or a listing page).
    pub(super) fn apply_groups(
        &mut self,
        groups: Vec<AutoScalingGroup>,
        cx: &mut Cx,
    ) -> Vec<Effect> {
        let mut fx = Vec::new();
        let mut reload = Vec::new();
        for g in groups {
            reload.extend(self.members_changed(&g, true));
            fx.extend(self.rollout_observe(&g, cx));
            let row = self.row(g);
            if row.moving()
                || self
                    .rollouts
                    .get(&row.g.name)
                    .is_some_and(Rollout::is_active)
            {
                self.follow(&row.g.name);
            }
            self.list.upsert(row);
        }
        if !reload.is_empty() {
            // the instances pane learns of the members that came and went
            cx.tell(Fact::InstancesChanged(reload));
        }
        fx
    }
}
