//! `StorageApi` over aws-sdk-ec2 (EBS volumes and snapshots), and the conversions of SDK
//! volumes and snapshots.

use futures::future::BoxFuture;

use super::{SdkEc2, map_err, page_token, s, tag_spec};
use crate::aws::{
    ApiResult, Attachment, Page, Snapshot, StorageApi, Volume, VolumeSpec, clean, clean_snapshot,
    clean_volume,
};

fn to_volume(v: &aws_sdk_ec2::types::Volume) -> Volume {
    let mut out = Volume {
        id: s(v.volume_id()),
        name: String::new(),
        size_gib: v.size().unwrap_or(0),
        volume_type: s(v.volume_type().map(|x| x.as_str())),
        iops: v.iops(),
        state: s(v.state().map(|x| x.as_str())),
        az: s(v.availability_zone()),
        attachments: v
            .attachments()
            .iter()
            .map(|a| Attachment {
                instance_id: s(a.instance_id()),
                device: s(a.device()),
                state: s(a.state().map(|x| x.as_str())),
                delete_on_termination: a.delete_on_termination().unwrap_or(false),
            })
            .collect(),
        encrypted: v.encrypted().unwrap_or(false),
        created: v.create_time().map(|t| t.secs()),
        snapshot_id: s(v.snapshot_id()),
        tags: v
            .tags()
            .iter()
            .map(|t| (s(t.key()), s(t.value())))
            .collect(),
        attached_name: String::new(),
    };
    clean_volume(&mut out);
    out
}

fn to_snapshot(x: &aws_sdk_ec2::types::Snapshot) -> Snapshot {
    let mut out = Snapshot {
        id: s(x.snapshot_id()),
        name: String::new(),
        description: s(x.description()),
        volume_id: s(x.volume_id()),
        size_gib: x.volume_size().unwrap_or(0),
        state: s(x.state().map(|v| v.as_str())),
        progress: s(x.progress()),
        started: x.start_time().map(|t| t.secs()),
        encrypted: x.encrypted().unwrap_or(false),
        owner_id: s(x.owner_id()),
        tags: x
            .tags()
            .iter()
            .map(|t| (s(t.key()), s(t.value())))
            .collect(),
    };
    clean_snapshot(&mut out);
    out
}

impl StorageApi for SdkEc2 {
    fn list_volumes(&self, next_token: Option<String>) -> BoxFuture<'_, ApiResult<Page<Volume>>> {
        Box::pin(async move {
            let out = self
                .ec2
                .describe_volumes()
                .max_results(500)
                .set_next_token(next_token)
                .send()
                .await
                .map_err(map_err)?;
            Ok(Page {
                items: out.volumes().iter().map(to_volume).collect(),
                next_token: page_token(out.next_token()),
            })
        })
    }

    fn describe_volumes(&self, ids: Vec<String>) -> BoxFuture<'_, ApiResult<Vec<Volume>>> {
        Box::pin(async move {
            let out = self
                .ec2
                .describe_volumes()
                .set_volume_ids(Some(ids))
                .send()
                .await
                .map_err(map_err)?;
            Ok(out.volumes().iter().map(to_volume).collect())
        })
    }

    fn create_volume(&self, spec: VolumeSpec) -> BoxFuture<'_, ApiResult<String>> {
        Box::pin(async move {
            use aws_sdk_ec2::types::{ResourceType, VolumeType};
            let mut req = self
                .ec2
                .create_volume()
                .availability_zone(spec.az)
                .size(spec.size_gib)
                .volume_type(VolumeType::from(spec.volume_type.as_str()))
                .set_iops(spec.iops)
                .set_snapshot_id(spec.snapshot_id)
                .encrypted(spec.encrypted);
            if !spec.tags.is_empty() {
                req = req.tag_specifications(tag_spec(ResourceType::Volume, &spec.tags));
            }
            let out = req.send().await.map_err(map_err)?;
            Ok(clean(out.volume_id().unwrap_or_default()))
        })
    }

    fn attach_volume(
        &self,
        volume_id: String,
        instance_id: String,
        device: String,
    ) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.ec2
                .attach_volume()
                .volume_id(volume_id)
                .instance_id(instance_id)
                .device(device)
                .send()
                .await
                .map_err(map_err)?;
            Ok(())
        })
    }

    fn detach_volume(
        &self,
        volume_id: String,
        instance_id: String,
        force: bool,
    ) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.ec2
                .detach_volume()
                .volume_id(volume_id)
                .instance_id(instance_id)
                .force(force)
                .send()
                .await
                .map_err(map_err)?;
            Ok(())
        })
    }

    fn delete_volume(&self, id: String) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.ec2
                .delete_volume()
                .volume_id(id)
                .send()
                .await
                .map_err(map_err)?;
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
            let mut req = self
                .ec2
                .create_snapshot()
                .volume_id(volume_id)
                .description(description);
            if !tags.is_empty() {
                req = req.tag_specifications(tag_spec(
                    aws_sdk_ec2::types::ResourceType::Snapshot,
                    &tags,
                ));
            }
            let out = req.send().await.map_err(map_err)?;
            Ok(clean(out.snapshot_id().unwrap_or_default()))
        })
    }

    fn list_snapshots(
        &self,
        owner_id: String,
        next_token: Option<String>,
    ) -> BoxFuture<'_, ApiResult<Page<Snapshot>>> {
        Box::pin(async move {
            let out = self
                .ec2
                .describe_snapshots()
                .filters(
                    aws_sdk_ec2::types::Filter::builder()
                        .name("owner-id")
                        .values(owner_id)
                        .build(),
                )
                .max_results(1000)
                .set_next_token(next_token)
                .send()
                .await
                .map_err(map_err)?;
            Ok(Page {
                items: out.snapshots().iter().map(to_snapshot).collect(),
                next_token: page_token(out.next_token()),
            })
        })
    }

    fn describe_snapshots(
        &self,
        region: Option<String>,
        ids: Vec<String>,
    ) -> BoxFuture<'_, ApiResult<Vec<Snapshot>>> {
        Box::pin(async move {
            let out = self
                .in_region(region)
                .describe_snapshots()
                .set_snapshot_ids(Some(ids))
                .send()
                .await
                .map_err(map_err)?;
            Ok(out.snapshots().iter().map(to_snapshot).collect())
        })
    }

    fn copy_snapshot(
        &self,
        id: String,
        description: String,
        target_region: String,
    ) -> BoxFuture<'_, ApiResult<String>> {
        Box::pin(async move {
            let source = self.region.clone().unwrap_or_default();
            let out = self
                .in_region(Some(target_region))
                .copy_snapshot()
                .source_region(source)
                .source_snapshot_id(id)
                .description(description)
                .send()
                .await
                .map_err(map_err)?;
            Ok(clean(out.snapshot_id().unwrap_or_default()))
        })
    }

    fn delete_snapshot(&self, id: String) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.ec2
                .delete_snapshot()
                .snapshot_id(id)
                .send()
                .await
                .map_err(map_err)?;
            Ok(())
        })
    }
}
