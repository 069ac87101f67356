//! Instance calls: start, stop, force stop, reboot, terminate, termination protection
//! (`InstanceCall`), and `RunInstances`.

use futures::future::BoxFuture;

use crate::aws::*;

/// What an instance call does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Start,
    Stop,
    ForceStop,
    Reboot,
    Terminate,
    Protect(bool),
}

impl Verb {
    /// "stop", "turn on termination protection for".
    pub fn verb(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::Stop => "stop",
            Self::ForceStop => "force stop",
            Self::Reboot => "reboot",
            Self::Terminate => "terminate",
            Self::Protect(true) => "turn on termination protection for",
            Self::Protect(false) => "turn off termination protection for",
        }
    }

    /// The confirmation's title: "Stop", "Turn on termination protection".
    pub fn title(self) -> String {
        match self {
            Self::Protect(true) => "Turn on termination protection".into(),
            Self::Protect(false) => "Turn off termination protection".into(),
            v => capitalise(v.verb()),
        }
    }

    /// "stopping", "protection on".
    pub fn doing(self) -> &'static str {
        match self {
            Self::Start => "starting",
            Self::Stop => "stopping",
            Self::ForceStop => "force stopping",
            Self::Reboot => "rebooting",
            Self::Terminate => "terminating",
            Self::Protect(true) => "protection on",
            Self::Protect(false) => "protection off",
        }
    }

    /// Whether an instance in `state` can take it (EC2 refuses the rest with
    /// IncorrectInstanceState; an unknown state is left for EC2 to judge).
    pub fn can_take(self, state: InstanceState) -> bool {
        use InstanceState as S;
        match self {
            Self::Start => matches!(state, S::Stopped | S::Unknown),
            // EC2 does not stop an instance that has not yet been running
            Self::Stop => matches!(state, S::Running | S::Unknown),
            // the way out of a stop that hangs
            Self::ForceStop => matches!(state, S::Running | S::Stopping | S::Unknown),
            Self::Reboot => matches!(state, S::Running | S::Unknown),
            Self::Terminate => !matches!(state, S::Terminated | S::ShuttingDown),
            Self::Protect(_) => !matches!(state, S::Terminated | S::ShuttingDown),
        }
    }

    /// The state the instances should settle in, for following them.
    pub fn settles_in(self) -> Option<InstanceState> {
        match self {
            Self::Start | Self::Reboot => Some(InstanceState::Running),
            Self::Stop | Self::ForceStop => Some(InstanceState::Stopped),
            Self::Terminate => Some(InstanceState::Terminated),
            Self::Protect(_) => None,
        }
    }

    pub fn consequence(self) -> &'static str {
        match self {
            Self::Start => {
                "Instances boot; a stopped instance gets a new public IP unless it has an Elastic IP."
            }
            Self::Stop => "The OS shuts down. Instance-store data is lost; EBS volumes are kept.",
            Self::ForceStop => {
                "FORCE: the OS gets no chance to flush caches or file systems. Instance-store data is lost."
            }
            Self::Reboot => "The OS restarts; the instance keeps its IPs and data.",
            Self::Terminate => {
                "Terminated instances cannot be started again. Volumes marked deleted go with them."
            }
            Self::Protect(true) => {
                "Terminate calls will be refused until protection is turned off."
            }
            Self::Protect(false) => "The instances can then be terminated.",
        }
    }
}

/// One call on one instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceCall {
    pub verb: Verb,
    pub target: Target,
    /// The instance's own region when the list spans regions (`:region all`); empty: the
    /// current one.
    pub region: String,
}

impl InstanceCall {
    pub fn op(verb: Verb, target: Target) -> Op {
        Self::op_in(verb, target, String::new())
    }

    /// The call in the instance's own region (empty: the current one).
    pub fn op_in(verb: Verb, target: Target, region: String) -> Op {
        Op::new(Self {
            verb,
            target,
            region,
        })
    }
}

impl Mutation for InstanceCall {
    fn record(&self) -> Record {
        let t = vec![self.target.id.clone()];
        match self.verb {
            Verb::Start => Record::new("StartInstances", t),
            Verb::Stop => Record::new("StopInstances", t).param("force", false),
            Verb::ForceStop => Record::new("StopInstances", t).param("force", true),
            Verb::Reboot => Record::new("RebootInstances", t),
            Verb::Terminate => Record::new("TerminateInstances", t),
            Verb::Protect(on) => {
                Record::new("ModifyInstanceAttribute", t).param("disableApiTermination", on)
            }
        }
    }
    fn is_destructive(&self) -> bool {
        self.verb == Verb::Terminate
    }
    fn describe(&self) -> String {
        format!("{} {}", self.verb.verb(), self.target.label())
    }
    fn run<'a>(&'a self, api: &'a dyn Ec2Api) -> BoxFuture<'a, ApiResult<Outcome>> {
        let id = self.target.id.clone();
        Box::pin(async move {
            // in a list of every region, the call goes to the instance's own region
            let there = (!self.region.is_empty())
                .then(|| api.in_region(&self.region))
                .flatten();
            let api: &dyn Ec2Api = there.as_deref().unwrap_or(api);
            match self.verb {
                Verb::Start => api.start_instance(id).await,
                Verb::Stop => api.stop_instance(id, false).await,
                Verb::ForceStop => api.stop_instance(id, true).await,
                Verb::Reboot => api.reboot_instance(id).await,
                Verb::Terminate => api.terminate_instance(id).await,
                Verb::Protect(on) => api.set_termination_protection(id, on).await,
            }
            .map(|()| Outcome::Done)
        })
    }
    fn verify<'a>(&'a self, api: &'a dyn Ec2Api) -> Option<BoxFuture<'a, ApiResult<bool>>> {
        use crate::aws::InstanceState::*;
        let made: fn(InstanceState) -> bool = match self.verb {
            Verb::Start => |s| matches!(s, Pending | Running),
            Verb::Stop => |s| matches!(s, Stopping | Stopped),
            Verb::Terminate => |s| matches!(s, ShuttingDown | Terminated),
            // a reboot leaves no trace; a force stop is offered on a stopping instance,
            // whose state says nothing of it; protection is read back by the pane
            Verb::Reboot | Verb::ForceStop | Verb::Protect(_) => return None,
        };
        Some(Box::pin(async move {
            let there = (!self.region.is_empty())
                .then(|| api.in_region(&self.region))
                .flatten();
            let api: &dyn Ec2Api = there.as_deref().unwrap_or(api);
            let found = api.describe_instances(vec![self.target.id.clone()]).await?;
            Ok(found.iter().any(|i| made(i.state)))
        }))
    }
    fn cli(&self, _region: &str) -> Vec<CliLine> {
        let id = self.target.id.as_str();
        let mut args = match self.verb {
            Verb::Start => argv(&["ec2", "start-instances", "--instance-ids", id]),
            Verb::Stop => argv(&["ec2", "stop-instances", "--instance-ids", id]),
            Verb::ForceStop => argv(&["ec2", "stop-instances", "--instance-ids", id, "--force"]),
            Verb::Reboot => argv(&["ec2", "reboot-instances", "--instance-ids", id]),
            Verb::Terminate => argv(&["ec2", "terminate-instances", "--instance-ids", id]),
            Verb::Protect(on) => argv(&[
                "ec2",
                "modify-instance-attribute",
                "--instance-id",
                id,
                if on {
                    "--disable-api-termination"
                } else {
                    "--no-disable-api-termination"
                },
            ]),
        };
        if !self.region.is_empty() {
            args.extend(argv(&["--region", &self.region]));
        }
        vec![args]
    }
}

/// `RunInstances`, as a DryRun or for real.
#[derive(Debug, Clone)]
pub struct RunInstances {
    pub spec: LaunchSpec,
    pub dry_run: bool,
}

impl Mutation for RunInstances {
    fn record(&self) -> Record {
        Record::new("RunInstances", vec![self.spec.image_id.clone()])
            .param("instanceType", &self.spec.instance_type)
            .param("count", self.spec.count)
            .param("dryRun", self.dry_run)
    }
    fn describe(&self) -> String {
        format!(
            "launch {} {} from {}",
            self.spec.count, self.spec.instance_type, self.spec.image_id
        )
    }
    fn run<'a>(&'a self, api: &'a dyn Ec2Api) -> BoxFuture<'a, ApiResult<Outcome>> {
        Box::pin(async move {
            let mut spec = self.spec.clone();
            // `@path` user data is read when the call runs, in the shell, not in the core
            if let Some(path) = spec
                .user_data
                .as_deref()
                .and_then(|u| u.trim().strip_prefix('@'))
            {
                let path = path.trim().to_string();
                match std::fs::read_to_string(&path) {
                    Ok(text) => spec.user_data = Some(text),
                    Err(e) => {
                        return Err(ApiError::other(
                            ErrorKind::Other,
                            format!("cannot read the user data file {path}: {e}"),
                        ));
                    }
                }
            }
            api.run_instances(spec, self.dry_run)
                .await
                .map(Outcome::Launched)
        })
    }
    fn cli(&self, _region: &str) -> Vec<CliLine> {
        let s = &self.spec;
        let mut a = argv(&[
            "ec2",
            "run-instances",
            "--image-id",
            &s.image_id,
            "--instance-type",
            &s.instance_type,
            "--count",
            &s.count.to_string(),
        ]);
        if let Some(k) = &s.key_name {
            a.extend(argv(&["--key-name", k]));
        }
        if !s.security_group_ids.is_empty() {
            a.push("--security-group-ids".into());
            a.extend(s.security_group_ids.iter().map(|g| Word::Arg(g.clone())));
        }
        if let Some(sub) = &s.subnet_id {
            a.extend(argv(&["--subnet-id", sub]));
        }
        if !s.tags.is_empty() {
            a.push("--tag-specifications".into());
            a.push(Word::Arg(tag_specs_json(&["instance"], &s.tags)));
        }
        if let Some(u) = s.user_data.as_deref().filter(|u| !u.is_empty()) {
            // the CLI base64-encodes run-instances user data itself
            let u = match u.trim().strip_prefix('@') {
                Some(path) => format!("file://{}", path.trim()),
                None => u.to_string(),
            };
            a.extend(argv(&["--user-data", &u]));
        }
        a.push(if s.termination_protection {
            "--disable-api-termination".into()
        } else {
            "--enable-api-termination".into()
        });
        if self.dry_run {
            // Ctrl-s checks with a DryRun, then launches the same
            let mut dry = a.clone();
            dry.push("--dry-run".into());
            vec![dry, a]
        } else {
            vec![a]
        }
    }
}
