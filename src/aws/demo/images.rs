//! `ImagesApi` of the demo region: a few AMIs of each scope; new images and copies stay
//! pending for a while.

use std::time::Instant;

use futures::future::BoxFuture;

use super::{DEMO_ACCOUNT, DEMO_EPOCH, DemoImage, DemoRegion, DemoSnapshot, Inner, now_epoch};
use crate::aws::{
    ApiError, ApiResult, Image, ImageDevice, ImageScope, ImageSpec, ImagesApi, InstanceState, Page,
    Snapshot, clean_image, clean_snapshot,
};

pub(super) fn demo_images(here: &str) -> Vec<DemoImage> {
    let img = |id: &str,
               name: &str,
               arch: &str,
               scope: ImageScope,
               days_ago: i64,
               desc: &str,
               snap: &str| DemoImage {
        img: Image {
            id: id.into(),
            name: name.into(),
            state: "available".into(),
            architecture: arch.into(),
            virtualization: "hvm".into(),
            root_device_type: "ebs".into(),
            root_device_name: "/dev/xvda".into(),
            created: Some(DEMO_EPOCH - days_ago * 86_400),
            public: scope == ImageScope::Amazon,
            description: desc.into(),
            owner_id: if scope == ImageScope::Mine {
                DEMO_ACCOUNT.into()
            } else if scope == ImageScope::Amazon {
                "137112412989".into()
            } else {
                "111122223333".into()
            },
            platform: "Linux/UNIX".into(),
            state_reason: String::new(),
            devices: vec![ImageDevice {
                device: "/dev/xvda".into(),
                snapshot_id: snap.into(),
                size_gib: 8,
                volume_type: "gp3".into(),
                delete_on_termination: true,
            }],
            tags: if scope == ImageScope::Mine {
                vec![("Team".into(), "platform".into())]
            } else {
                vec![]
            },
        },
        scope,
        region: here.into(),
        ready_at: None,
    };
    vec![
        img(
            "ami-0f9e8d7c6b5a49382",
            "golden-web-20261020-0930",
            "x86_64",
            ImageScope::Mine,
            33,
            "Apache on AL2023",
            "snap-0aa11bb22cc33dd44",
        ),
        img(
            "ami-0a1b2c3d4e5f60718",
            "golden-arm-20261101-1200",
            "arm64",
            ImageScope::Mine,
            21,
            "Graviton base",
            "snap-0bb22cc33dd44ee55",
        ),
        img(
            "ami-0c0ffee0c0ffee001",
            "al2023-ami-2023.9.20261105.0-kernel-6.1-x86_64",
            "x86_64",
            ImageScope::Amazon,
            17,
            "Amazon Linux 2023 AMI",
            "snap-0amz0000000000001",
        ),
        img(
            "ami-0c0ffee0c0ffee002",
            "al2023-ami-2023.9.20261105.0-kernel-6.1-arm64",
            "arm64",
            ImageScope::Amazon,
            17,
            "Amazon Linux 2023 AMI",
            "snap-0amz0000000000002",
        ),
        img(
            "ami-0c0ffee0c0ffee003",
            "al2023-ami-2023.8.20260901.0-kernel-6.1-x86_64",
            "x86_64",
            ImageScope::Amazon,
            82,
            "Amazon Linux 2023 AMI",
            "snap-0amz0000000000003",
        ),
        img(
            "ami-0bada55bada550001",
            "partner-hardened-base-2026.10",
            "x86_64",
            ImageScope::Shared,
            40,
            "Shared by the security team",
            "snap-0shr0000000000001",
        ),
    ]
}

impl DemoRegion {
    fn settle_images(inner: &mut Inner, now: Instant) {
        for d in &mut inner.images {
            if let Some(at) = d.ready_at
                && now >= at
            {
                d.img.state = "available".into();
                d.ready_at = None;
            }
        }
    }
}

impl ImagesApi for DemoRegion {
    fn list_images(
        &self,
        scope: ImageScope,
        next_token: Option<String>,
    ) -> BoxFuture<'_, ApiResult<Page<Image>>> {
        Box::pin(async move {
            self.delay().await;
            let _ = next_token;
            let mut inner = self.lock();
            Self::settle_images(&mut inner, Instant::now());
            let items = inner
                .images
                .iter()
                .filter(|d| d.scope == scope && d.region == self.region)
                .map(|d| d.img.clone())
                .collect();
            Ok(Page {
                items,
                next_token: None,
            })
        })
    }

    fn describe_images(
        &self,
        region: Option<String>,
        ids: Vec<String>,
    ) -> BoxFuture<'_, ApiResult<Vec<Image>>> {
        Box::pin(async move {
            self.delay().await;
            let region = region.unwrap_or_else(|| self.region.to_string());
            let mut inner = self.lock();
            Self::settle_images(&mut inner, Instant::now());
            let mut out = Vec::new();
            for id in &ids {
                match inner
                    .images
                    .iter()
                    .find(|d| &d.img.id == id && d.region == region)
                {
                    Some(d) => out.push(d.img.clone()),
                    None => {
                        return Err(ApiError::service(
                            "InvalidAMIID.NotFound",
                            format!("The image id '[{id}]' does not exist"),
                        ));
                    }
                }
            }
            Ok(out)
        })
    }

    fn create_image(&self, spec: ImageSpec) -> BoxFuture<'_, ApiResult<String>> {
        Box::pin(async move {
            self.delay().await;
            let mut inner = self.lock();
            let now = Instant::now();
            if let Some(d) = inner.images.iter().find(|d| {
                d.scope == ImageScope::Mine && d.region == self.region && d.img.name == spec.name
            }) {
                return Err(ApiError::service(
                    "InvalidAMIName.Duplicate",
                    format!(
                        "AMI name {} is already in use by AMI {}",
                        spec.name, d.img.id
                    ),
                ));
            }
            let Some(&i) = inner.index.get(&spec.instance_id) else {
                return Err(ApiError::service(
                    "InvalidInstanceID.NotFound",
                    format!("The instance ID '{}' does not exist", spec.instance_id),
                ));
            };
            let (arch, root, devices) = {
                let d = &inner.fleet[i];
                if !matches!(
                    d.inst.state,
                    InstanceState::Running | InstanceState::Stopped
                ) {
                    return Err(Self::wrong_state(d, "imaged"));
                }
                (
                    d.inst.architecture.clone(),
                    d.inst.root_device_name.clone(),
                    d.inst.block_devices.clone(),
                )
            };
            let id = Self::fresh_id(&mut inner, "ami");
            // a snapshot of every EBS volume, pending as CreateSnapshot's are; the image is
            // pending as long as they are
            let (state, progress) = self.new_snapshot_state();
            let mut devs = Vec::new();
            for b in devices {
                let (size, volume_type, encrypted) = inner
                    .volumes
                    .iter()
                    .find(|v| v.vol.id == b.volume_id)
                    .map_or((8, "gp3".to_string(), false), |v| {
                        (v.vol.size_gib, v.vol.volume_type.clone(), v.vol.encrypted)
                    });
                let snap_id = Self::fresh_id(&mut inner, "snap");
                let mut snap = Snapshot {
                    id: snap_id.clone(),
                    description: format!("Created by CreateImage({}) for {id}", spec.instance_id),
                    volume_id: b.volume_id.clone(),
                    size_gib: size,
                    state: state.clone(),
                    progress: progress.clone(),
                    started: Some(now_epoch()),
                    encrypted,
                    owner_id: DEMO_ACCOUNT.into(),
                    tags: spec.tags.clone(),
                    ..Default::default()
                };
                clean_snapshot(&mut snap);
                inner.snaps.push(DemoSnapshot {
                    snap,
                    started: now,
                    region: self.region.into(),
                });
                devs.push(ImageDevice {
                    device: b.device,
                    snapshot_id: snap_id,
                    size_gib: size.into(),
                    volume_type,
                    delete_on_termination: b.delete_on_termination,
                });
            }
            let pending = self.transition * 3;
            let mut img = Image {
                id: id.clone(),
                name: spec.name,
                state: if pending.is_zero() {
                    "available".into()
                } else {
                    "pending".into()
                },
                architecture: arch,
                virtualization: "hvm".into(),
                root_device_type: "ebs".into(),
                root_device_name: root,
                created: Some(now_epoch()),
                public: false,
                description: spec.description,
                owner_id: DEMO_ACCOUNT.into(),
                platform: "Linux/UNIX".into(),
                state_reason: String::new(),
                devices: devs,
                tags: spec.tags,
            };
            clean_image(&mut img);
            inner.images.push(DemoImage {
                img,
                scope: ImageScope::Mine,
                region: self.region.into(),
                ready_at: (!pending.is_zero()).then(|| now + pending),
            });
            Ok(id)
        })
    }

    fn deregister_image(&self, id: String) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.delay().await;
            let mut inner = self.lock();
            let before = inner.images.len();
            inner.images.retain(|d| {
                !(d.img.id == id && d.region == self.region && d.scope == ImageScope::Mine)
            });
            if inner.images.len() == before {
                return Err(ApiError::service(
                    "InvalidAMIID.Unavailable",
                    format!("The image '{id}' is not yours or does not exist"),
                ));
            }
            Ok(())
        })
    }

    fn copy_image(
        &self,
        id: String,
        name: String,
        target_region: String,
    ) -> BoxFuture<'_, ApiResult<String>> {
        Box::pin(async move {
            self.delay().await;
            let mut inner = self.lock();
            let Some(src) = inner
                .images
                .iter()
                .find(|d| d.img.id == id && d.region == self.region)
            else {
                return Err(ApiError::service(
                    "InvalidAMIID.NotFound",
                    format!("The image id '[{id}]' does not exist"),
                ));
            };
            let mut img = src.img.clone();
            let new_id = Self::fresh_id(&mut inner, "ami");
            img.id = new_id.clone();
            img.name = name;
            // the copy is yours, private, and has its own snapshots in the target region
            img.owner_id = DEMO_ACCOUNT.into();
            img.public = false;
            let (state, progress) = self.new_snapshot_state();
            for dev in &mut img.devices {
                if dev.snapshot_id.is_empty() {
                    continue;
                }
                let source = inner
                    .snaps
                    .iter()
                    .find(|s| s.snap.id == dev.snapshot_id && s.region == self.region)
                    .map(|s| s.snap.clone());
                let snap_id = Self::fresh_id(&mut inner, "snap");
                let mut snap = Snapshot {
                    id: snap_id.clone(),
                    description: format!(
                        "Copied for DestinationAmi {new_id} from SourceAmi {id} for SourceSnapshot {}",
                        dev.snapshot_id
                    ),
                    volume_id: source
                        .as_ref()
                        .map(|s| s.volume_id.clone())
                        .unwrap_or_default(),
                    size_gib: i32::try_from(dev.size_gib).unwrap_or(8),
                    state: state.clone(),
                    progress: progress.clone(),
                    started: Some(now_epoch()),
                    encrypted: source.as_ref().is_some_and(|s| s.encrypted),
                    owner_id: DEMO_ACCOUNT.into(),
                    ..Default::default()
                };
                clean_snapshot(&mut snap);
                inner.snaps.push(DemoSnapshot {
                    snap,
                    started: Instant::now(),
                    region: target_region.clone(),
                });
                dev.snapshot_id = snap_id;
            }
            let pending = self.transition * 4;
            img.state = if pending.is_zero() {
                "available".into()
            } else {
                "pending".into()
            };
            inner.images.push(DemoImage {
                img,
                scope: ImageScope::Mine,
                region: target_region,
                ready_at: (!pending.is_zero()).then(|| Instant::now() + pending),
            });
            Ok(new_id)
        })
    }
}
