//! `StorageApi` of the demo region: the fleet's disks, a spare volume per zone, snapshots
//! that take a while to complete.

use std::time::Instant;

use futures::future::BoxFuture;

use super::{
    DEMO_ACCOUNT, DEMO_EPOCH, DemoInstance, DemoRegion, DemoSnapshot, DemoVolume, Inner,
    begin_volume, now_epoch,
};
use crate::aws::{
    ApiError, ApiResult, Attachment, BlockDevice, InstanceState, Page, Snapshot, StorageApi,
    Volume, VolumeSpec, clean_snapshot, clean_volume,
};

/// The seed volumes: the disks of every instance, and a spare one in each zone.
pub(super) fn demo_volumes(fleet: &[DemoInstance], azs: &[&str]) -> Vec<DemoVolume> {
    let mut volumes: Vec<DemoVolume> = fleet
        .iter()
        .flat_map(|d| {
            d.inst.block_devices.iter().map(move |b| Volume {
                id: b.volume_id.clone(),
                name: format!(
                    "{}{}",
                    d.inst.name,
                    if b.device == "/dev/xvda" {
                        "-root"
                    } else {
                        "-data"
                    }
                ),
                size_gib: if b.device == "/dev/xvda" { 8 } else { 100 },
                volume_type: "gp3".into(),
                iops: Some(3000),
                state: "in-use".into(),
                az: d.inst.az.clone(),
                attachments: vec![Attachment {
                    instance_id: d.inst.id.clone(),
                    device: b.device.clone(),
                    state: "attached".into(),
                    delete_on_termination: b.delete_on_termination,
                }],
                encrypted: true,
                created: d.inst.launch_time,
                snapshot_id: String::new(),
                attached_name: String::new(),
                tags: vec![(
                    "Name".into(),
                    format!(
                        "{}{}",
                        d.inst.name,
                        if b.device == "/dev/xvda" {
                            "-root"
                        } else {
                            "-data"
                        }
                    ),
                )],
            })
        })
        .map(|vol| DemoVolume { vol, next: None })
        .collect();
    for (i, az) in azs.iter().enumerate() {
        volumes.push(DemoVolume {
            vol: Volume {
                id: format!("vol-0spare{i:012}"),
                name: format!("spare-{}", &az[az.len() - 1..]),
                size_gib: 50 * (i as i32 + 1),
                volume_type: if i == 2 { "io2".into() } else { "gp3".into() },
                iops: Some(if i == 2 { 5000 } else { 3000 }),
                state: "available".into(),
                az: az.to_string(),
                encrypted: i != 1,
                created: Some(DEMO_EPOCH - 86_400 * (i as i64 + 2)),
                tags: vec![("Name".into(), format!("spare-{}", &az[az.len() - 1..]))],
                ..Default::default()
            },
            next: None,
        });
    }
    volumes
}

/// The seed snapshots: the roots of the two golden images, each made by CreateImage from an
/// instance of the seed fleet.
pub(super) fn demo_snapshots(here: &str) -> Vec<DemoSnapshot> {
    let snap = |id: &str, name: &str, from: (&str, &str), ami: &str, days_ago: i64| DemoSnapshot {
        snap: Snapshot {
            id: id.into(),
            name: name.into(),
            description: format!("Created by CreateImage({}) for {ami}", from.0),
            volume_id: from.1.into(),
            size_gib: 8,
            state: "completed".into(),
            progress: "100%".into(),
            started: Some(DEMO_EPOCH - days_ago * 86_400),
            encrypted: true,
            owner_id: DEMO_ACCOUNT.into(),
            tags: vec![("Name".into(), name.into())],
        },
        started: Instant::now(),
        region: here.into(),
    };
    vec![
        // from web-dev-39's root volume
        snap(
            "snap-0aa11bb22cc33dd44",
            "golden-web-root",
            ("i-007c3c1188e50e6b1", "vol-0000000000000049b"),
            "ami-0f9e8d7c6b5a49382",
            33,
        ),
        // from api-prod-41's root volume
        snap(
            "snap-0bb22cc33dd44ee55",
            "golden-arm-root",
            ("i-00b8ab04fbe3a3634", "vol-000000000000004d9"),
            "ami-0a1b2c3d4e5f60718",
            21,
        ),
    ]
}

impl DemoRegion {
    fn volume<'a>(inner: &'a mut Inner, id: &str) -> ApiResult<&'a mut DemoVolume> {
        inner
            .volumes
            .iter_mut()
            .find(|v| v.vol.id == id)
            .ok_or_else(|| {
                ApiError::service(
                    "InvalidVolume.NotFound",
                    format!("The volume '{id}' does not exist."),
                )
            })
    }

    /// State and progress of a snapshot just started: done at once when transitions are off.
    pub(super) fn new_snapshot_state(&self) -> (String, String) {
        if self.transition.is_zero() {
            ("completed".into(), "100%".into())
        } else {
            ("pending".into(), "0%".into())
        }
    }

    /// Brings the progress of pending snapshots up to now: they complete in three transitions.
    fn settle_snapshots(&self, inner: &mut Inner) {
        let total = self.transition * 3;
        for s in &mut inner.snaps {
            if s.snap.state != "pending" {
                continue;
            }
            let done = total.is_zero() || s.started.elapsed() >= total;
            if done {
                s.snap.state = "completed".into();
                s.snap.progress = "100%".into();
            } else {
                let pct = (s.started.elapsed().as_secs_f64() / total.as_secs_f64() * 100.0) as u32;
                s.snap.progress = format!("{pct}%");
            }
        }
    }
}

impl StorageApi for DemoRegion {
    fn list_volumes(&self, next_token: Option<String>) -> BoxFuture<'_, ApiResult<Page<Volume>>> {
        Box::pin(async move {
            self.delay().await;
            let start: usize = match next_token.as_deref() {
                None => 0,
                Some(t) => t.parse().map_err(|_| {
                    ApiError::service("InvalidParameterValue", "The token is not valid")
                })?,
            };
            let inner = self.lock();
            let end = (start + self.page_size).min(inner.volumes.len());
            Ok(Page {
                items: inner.volumes[start.min(end)..end]
                    .iter()
                    .map(|v| v.vol.clone())
                    .collect(),
                next_token: (end < inner.volumes.len()).then(|| end.to_string()),
            })
        })
    }

    fn describe_volumes(&self, ids: Vec<String>) -> BoxFuture<'_, ApiResult<Vec<Volume>>> {
        Box::pin(async move {
            self.delay().await;
            let mut inner = self.lock();
            let mut out = Vec::new();
            for id in ids {
                out.push(Self::volume(&mut inner, &id)?.vol.clone());
            }
            Ok(out)
        })
    }

    fn create_volume(&self, spec: VolumeSpec) -> BoxFuture<'_, ApiResult<String>> {
        Box::pin(async move {
            self.delay().await;
            let mut inner = self.lock();
            if !self.azs.contains(&spec.az.as_str()) {
                return Err(ApiError::service(
                    "InvalidParameterValue",
                    format!("Invalid availability zone: [{}]", spec.az),
                ));
            }
            let id = Self::fresh_id(&mut inner, "vol");
            let mut vol = Volume {
                id: id.clone(),
                size_gib: spec.size_gib,
                volume_type: spec.volume_type,
                iops: spec.iops.or(Some(3000)),
                state: "creating".into(),
                az: spec.az,
                encrypted: spec.encrypted,
                created: Some(now_epoch()),
                snapshot_id: spec.snapshot_id.unwrap_or_default(),
                tags: spec.tags,
                ..Default::default()
            };
            clean_volume(&mut vol);
            let mut d = DemoVolume { vol, next: None };
            begin_volume(
                &mut d,
                Instant::now(),
                self.transition,
                "creating",
                "available",
            );
            inner.volumes.push(d);
            inner.volumes_moving = true;
            Ok(id)
        })
    }

    fn attach_volume(
        &self,
        volume_id: String,
        instance_id: String,
        device: String,
    ) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.delay().await;
            let mut inner = self.lock();
            let Some(&i) = inner.index.get(&instance_id) else {
                return Err(ApiError::service(
                    "InvalidInstanceID.NotFound",
                    format!("The instance ID '{instance_id}' does not exist"),
                ));
            };
            let inst = &inner.fleet[i].inst;
            if !matches!(inst.state, InstanceState::Running | InstanceState::Stopped) {
                return Err(ApiError::service(
                    "IncorrectState",
                    format!("Instance '{instance_id}' is not 'running' or 'stopped'."),
                ));
            }
            let inst_az = inst.az.clone();
            if inner.fleet[i]
                .inst
                .block_devices
                .iter()
                .any(|b| b.device == device)
            {
                return Err(ApiError::service(
                    "InvalidParameterValue",
                    format!(
                        "Invalid value '{device}' for unixDevice. Attachment point {device} is already in use"
                    ),
                ));
            }
            let v = Self::volume(&mut inner, &volume_id)?;
            if v.vol.state != "available" {
                return Err(ApiError::service(
                    "VolumeInUse",
                    format!("{volume_id} is already attached to an instance"),
                ));
            }
            if v.vol.az != inst_az {
                return Err(ApiError::service(
                    "InvalidVolume.ZoneMismatch",
                    format!(
                        "The volume '{volume_id}' is not in the same availability zone as instance '{instance_id}'"
                    ),
                ));
            }
            v.vol.attachments = vec![Attachment {
                instance_id: instance_id.clone(),
                device: device.clone(),
                state: "attached".into(),
                delete_on_termination: false,
            }];
            v.vol.state = "in-use".into();
            v.next = None;
            inner.fleet[i].inst.block_devices.push(BlockDevice {
                device,
                volume_id,
                delete_on_termination: false,
            });
            Ok(())
        })
    }

    fn detach_volume(
        &self,
        volume_id: String,
        instance_id: String,
        _force: bool,
    ) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.delay().await;
            let mut inner = self.lock();
            let t = self.transition;
            let v = Self::volume(&mut inner, &volume_id)?;
            if !v
                .vol
                .attachments
                .iter()
                .any(|a| a.instance_id == instance_id)
            {
                return Err(ApiError::service(
                    "IncorrectState",
                    format!("Volume '{volume_id}' is in the 'available' state."),
                ));
            }
            v.vol.attachments.clear();
            begin_volume(v, Instant::now(), t, "in-use", "available");
            inner.volumes_moving = true;
            if let Some(&i) = inner.index.get(&instance_id) {
                inner.fleet[i]
                    .inst
                    .block_devices
                    .retain(|b| b.volume_id != volume_id);
            }
            Ok(())
        })
    }

    fn delete_volume(&self, id: String) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.delay().await;
            let mut inner = self.lock();
            let v = Self::volume(&mut inner, &id)?;
            if !v.vol.attachments.is_empty() {
                return Err(ApiError::service(
                    "VolumeInUse",
                    format!(
                        "Volume {id} is currently attached to {}",
                        v.vol.attachments[0].instance_id
                    ),
                ));
            }
            inner.volumes.retain(|v| v.vol.id != id);
            Ok(())
        })
    }

    fn create_snapshot(
        &self,
        volume_id: String,
        description: String,
        tags: Vec<(String, String)>,
    ) -> BoxFuture<'_, ApiResult<String>> {
        Box::pin(async move {
            self.delay().await;
            let mut inner = self.lock();
            let (size, encrypted) = {
                let v = Self::volume(&mut inner, &volume_id)?;
                (v.vol.size_gib, v.vol.encrypted)
            };
            let id = Self::fresh_id(&mut inner, "snap");
            let (state, progress) = self.new_snapshot_state();
            let mut snap = Snapshot {
                id: id.clone(),
                description,
                volume_id,
                size_gib: size,
                state,
                progress,
                started: Some(now_epoch()),
                encrypted,
                owner_id: DEMO_ACCOUNT.into(),
                tags,
                ..Default::default()
            };
            clean_snapshot(&mut snap);
            inner.snaps.push(DemoSnapshot {
                snap,
                started: Instant::now(),
                region: self.region.into(),
            });
            Ok(id)
        })
    }

    fn list_snapshots(
        &self,
        owner_id: String,
        _next_token: Option<String>,
    ) -> BoxFuture<'_, ApiResult<Page<Snapshot>>> {
        Box::pin(async move {
            self.delay().await;
            let mut inner = self.lock();
            self.settle_snapshots(&mut inner);
            Ok(Page {
                items: inner
                    .snaps
                    .iter()
                    .filter(|s| s.snap.owner_id == owner_id && s.region == self.region)
                    .map(|s| s.snap.clone())
                    .collect(),
                next_token: None,
            })
        })
    }

    fn describe_snapshots(
        &self,
        region: Option<String>,
        ids: Vec<String>,
    ) -> BoxFuture<'_, ApiResult<Vec<Snapshot>>> {
        Box::pin(async move {
            self.delay().await;
            let region = region.unwrap_or_else(|| self.region.to_string());
            let mut inner = self.lock();
            self.settle_snapshots(&mut inner);
            ids.iter()
                .map(|id| {
                    inner
                        .snaps
                        .iter()
                        .find(|s| &s.snap.id == id && s.region == region)
                        .map(|s| s.snap.clone())
                        .ok_or_else(|| {
                            ApiError::service(
                                "InvalidSnapshot.NotFound",
                                format!("The snapshot '{id}' does not exist."),
                            )
                        })
                })
                .collect()
        })
    }

    fn copy_snapshot(
        &self,
        id: String,
        description: String,
        target_region: String,
    ) -> BoxFuture<'_, ApiResult<String>> {
        Box::pin(async move {
            self.delay().await;
            let mut inner = self.lock();
            let Some(src) = inner
                .snaps
                .iter()
                .find(|s| s.snap.id == id && s.region == self.region)
                .map(|s| s.snap.clone())
            else {
                return Err(ApiError::service(
                    "InvalidSnapshot.NotFound",
                    format!("The snapshot '{id}' does not exist."),
                ));
            };
            let new_id = Self::fresh_id(&mut inner, "snap");
            let (state, progress) = self.new_snapshot_state();
            let mut snap = Snapshot {
                id: new_id.clone(),
                // EC2's own when none is given
                description: if description.is_empty() {
                    format!("[Copied {id} from {}]", self.region)
                } else {
                    description
                },
                state,
                progress,
                started: Some(now_epoch()),
                ..src
            };
            clean_snapshot(&mut snap);
            inner.snaps.push(DemoSnapshot {
                snap,
                started: Instant::now(),
                region: target_region,
            });
            Ok(new_id)
        })
    }

    fn delete_snapshot(&self, id: String) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.delay().await;
            let mut inner = self.lock();
            if !inner
                .snaps
                .iter()
                .any(|s| s.snap.id == id && s.region == self.region)
            {
                return Err(ApiError::service(
                    "InvalidSnapshot.NotFound",
                    format!("The snapshot '{id}' does not exist."),
                ));
            }
            if let Some(ami) = inner
                .images
                .iter()
                .find(|d| d.region == self.region && d.img.snapshot_ids().contains(&id))
            {
                return Err(ApiError::service(
                    "InvalidSnapshot.InUse",
                    format!("The snapshot {id} is currently in use by {}", ami.img.id),
                ));
            }
            inner
                .snaps
                .retain(|s| !(s.snap.id == id && s.region == self.region));
            Ok(())
        })
    }
}
