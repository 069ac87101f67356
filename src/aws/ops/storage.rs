//! EBS calls: volumes (create, attach, detach, snapshot, delete, modify) and snapshots
//! (delete, copy to another region).

use futures::future::BoxFuture;

use crate::aws::*;

/// A call on volumes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VolumeCall {
    Create(VolumeSpec),
    Attach {
        volume: String,
        instance: String,
        device: String,
    },
    Detach {
        volume: String,
        instance: String,
        force: bool,
    },
    Delete(String),
    Snapshot {
        volume: String,
        description: String,
        tags: Vec<(String, String)>,
    },
}

impl Mutation for VolumeCall {
    fn record(&self) -> Record {
        match self {
            Self::Create(s) => Record::new("CreateVolume", vec![])
                .param("availabilityZone", &s.az)
                .param("size", s.size_gib)
                .param("volumeType", &s.volume_type)
                .param("snapshotId", s.snapshot_id.clone().unwrap_or_default()),
            Self::Attach {
                volume,
                instance,
                device,
            } => Record::new("AttachVolume", vec![volume.clone(), instance.clone()])
                .param("device", device),
            Self::Detach {
                volume,
                instance,
                force,
            } => Record::new("DetachVolume", vec![volume.clone(), instance.clone()])
                .param("force", force),
            Self::Delete(v) => Record::new("DeleteVolume", vec![v.clone()]),
            Self::Snapshot {
                volume,
                description,
                ..
            } => Record::new("CreateSnapshot", vec![volume.clone()])
                .param("description", description),
        }
    }
    fn is_destructive(&self) -> bool {
        matches!(self, Self::Delete(_))
    }
    fn describe(&self) -> String {
        match self {
            Self::Create(s) => format!(
                "create a {} GiB {} volume in {}",
                s.size_gib, s.volume_type, s.az
            ),
            Self::Attach {
                volume,
                instance,
                device,
            } => format!("attach {volume} to {instance} at {device}"),
            Self::Detach {
                volume,
                instance,
                force,
            } => format!(
                "{}detach {volume} from {instance}",
                if *force { "force " } else { "" }
            ),
            Self::Delete(v) => format!("delete {v}"),
            Self::Snapshot { volume, .. } => format!("snapshot {volume}"),
        }
    }
    fn run<'a>(&'a self, api: &'a dyn Ec2Api) -> BoxFuture<'a, ApiResult<Outcome>> {
        Box::pin(async move {
            match self.clone() {
                Self::Create(spec) => api.create_volume(spec).await.map(Outcome::Created),
                Self::Attach {
                    volume,
                    instance,
                    device,
                } => api
                    .attach_volume(volume, instance, device)
                    .await
                    .map(|()| Outcome::Done),
                Self::Detach {
                    volume,
                    instance,
                    force,
                } => api
                    .detach_volume(volume, instance, force)
                    .await
                    .map(|()| Outcome::Done),
                Self::Delete(v) => api.delete_volume(v).await.map(|()| Outcome::Done),
                Self::Snapshot {
                    volume,
                    description,
                    tags,
                } => api
                    .create_snapshot(volume, description, tags)
                    .await
                    .map(Outcome::Created),
            }
        })
    }
    fn cli(&self, _region: &str) -> Vec<CliLine> {
        vec![match self {
            Self::Create(s) => {
                let mut a = argv(&[
                    "ec2",
                    "create-volume",
                    "--availability-zone",
                    &s.az,
                    "--size",
                    &s.size_gib.to_string(),
                    "--volume-type",
                    &s.volume_type,
                ]);
                if let Some(i) = s.iops {
                    a.extend(argv(&["--iops", &i.to_string()]));
                }
                if let Some(snap) = &s.snapshot_id {
                    a.extend(argv(&["--snapshot-id", snap]));
                }
                if s.encrypted {
                    a.push("--encrypted".into());
                }
                if !s.tags.is_empty() {
                    a.push("--tag-specifications".into());
                    a.push(Word::Arg(tag_specs_json(&["volume"], &s.tags)));
                }
                a
            }
            Self::Attach {
                volume,
                instance,
                device,
            } => argv(&[
                "ec2",
                "attach-volume",
                "--volume-id",
                volume,
                "--instance-id",
                instance,
                "--device",
                device,
            ]),
            Self::Detach {
                volume,
                instance,
                force,
            } => {
                let mut a = argv(&[
                    "ec2",
                    "detach-volume",
                    "--volume-id",
                    volume,
                    "--instance-id",
                    instance,
                ]);
                if *force {
                    a.push("--force".into());
                }
                a
            }
            Self::Delete(v) => argv(&["ec2", "delete-volume", "--volume-id", v]),
            Self::Snapshot {
                volume,
                description,
                tags,
            } => {
                let mut a = argv(&["ec2", "create-snapshot", "--volume-id", volume]);
                if !description.is_empty() {
                    a.extend(argv(&["--description", description]));
                }
                if !tags.is_empty() {
                    a.push("--tag-specifications".into());
                    a.push(Word::Arg(tag_specs_json(&["snapshot"], tags)));
                }
                a
            }
        }]
    }
}

/// `DeleteSnapshot` (also after deregistering an AMI).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteSnapshot {
    pub id: String,
}

impl Mutation for DeleteSnapshot {
    fn record(&self) -> Record {
        Record::new("DeleteSnapshot", vec![self.id.clone()])
    }
    fn is_destructive(&self) -> bool {
        true
    }
    fn describe(&self) -> String {
        format!("delete {}", self.id)
    }
    fn run<'a>(&'a self, api: &'a dyn Ec2Api) -> BoxFuture<'a, ApiResult<Outcome>> {
        Box::pin(async move {
            api.delete_snapshot(self.id.clone())
                .await
                .map(|()| Outcome::Done)
        })
    }
    fn cli(&self, _region: &str) -> Vec<CliLine> {
        vec![argv(&["ec2", "delete-snapshot", "--snapshot-id", &self.id])]
    }
}

/// `CopySnapshot` to another region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopySnapshot {
    pub snapshot: String,
    pub region: String,
    pub description: String,
}

impl Mutation for CopySnapshot {
    fn record(&self) -> Record {
        Record::new("CopySnapshot", vec![self.snapshot.clone()]).param("targetRegion", &self.region)
    }
    fn describe(&self) -> String {
        format!("copy {} to {}", self.snapshot, self.region)
    }
    fn run<'a>(&'a self, api: &'a dyn Ec2Api) -> BoxFuture<'a, ApiResult<Outcome>> {
        Box::pin(async move {
            api.copy_snapshot(
                self.snapshot.clone(),
                self.description.clone(),
                self.region.clone(),
            )
            .await
            .map(Outcome::Created)
        })
    }
    fn cli(&self, region: &str) -> Vec<CliLine> {
        let mut a = argv(&[
            "ec2",
            "copy-snapshot",
            "--source-snapshot-id",
            &self.snapshot,
            "--source-region",
            region,
        ]);
        if !self.description.is_empty() {
            a.extend(argv(&["--description", &self.description]));
        }
        a.extend(argv(&["--region", &self.region]));
        vec![a]
    }
}
