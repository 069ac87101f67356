//! `ImagesApi` over aws-sdk-ec2, and the conversion of SDK images.

use futures::future::BoxFuture;

use super::{SdkEc2, map_err, page_token, s, tag_spec};
use crate::aws::{
    ApiResult, Image, ImageDevice, ImageScope, ImageSpec, ImagesApi, Page, clean, clean_image,
    parse_time,
};

fn to_image(i: &aws_sdk_ec2::types::Image) -> Image {
    let mut out = Image {
        id: s(i.image_id()),
        name: s(i.name()),
        state: s(i.state().map(|x| x.as_str())),
        architecture: s(i.architecture().map(|x| x.as_str())),
        virtualization: s(i.virtualization_type().map(|x| x.as_str())),
        root_device_type: s(i.root_device_type().map(|x| x.as_str())),
        root_device_name: s(i.root_device_name()),
        created: i.creation_date().and_then(parse_time),
        public: i.public().unwrap_or(false),
        description: s(i.description()),
        owner_id: s(i.owner_id()),
        platform: s(i.platform_details()),
        state_reason: s(i.state_reason().and_then(|r| r.message())),
        devices: i
            .block_device_mappings()
            .iter()
            .map(|b| ImageDevice {
                device: s(b.device_name()),
                snapshot_id: s(b.ebs().and_then(|e| e.snapshot_id())),
                size_gib: b.ebs().and_then(|e| e.volume_size()).unwrap_or(0) as i64,
                volume_type: s(b.ebs().and_then(|e| e.volume_type()).map(|v| v.as_str())),
                delete_on_termination: b
                    .ebs()
                    .and_then(|e| e.delete_on_termination())
                    .unwrap_or(false),
            })
            .collect(),
        tags: i
            .tags()
            .iter()
            .map(|t| (s(t.key()), s(t.value())))
            .collect(),
    };
    clean_image(&mut out);
    out
}

impl ImagesApi for SdkEc2 {
    fn list_images(
        &self,
        scope: ImageScope,
        next_token: Option<String>,
    ) -> BoxFuture<'_, ApiResult<Page<Image>>> {
        Box::pin(async move {
            let mut req = self
                .ec2
                .describe_images()
                .max_results(1000)
                .set_next_token(next_token);
            req = match scope {
                ImageScope::Mine => req.owners("self"),
                ImageScope::Amazon => req.owners("amazon"),
                ImageScope::Shared => req.executable_users("self"),
            };
            let out = req.send().await.map_err(map_err)?;
            Ok(Page {
                items: out.images().iter().map(to_image).collect(),
                next_token: page_token(out.next_token()),
            })
        })
    }

    fn describe_images(
        &self,
        region: Option<String>,
        ids: Vec<String>,
    ) -> BoxFuture<'_, ApiResult<Vec<Image>>> {
        Box::pin(async move {
            let out = self
                .in_region(region)
                .describe_images()
                .set_image_ids(Some(ids))
                .send()
                .await
                .map_err(map_err)?;
            Ok(out.images().iter().map(to_image).collect())
        })
    }

    fn create_image(&self, spec: ImageSpec) -> BoxFuture<'_, ApiResult<String>> {
        Box::pin(async move {
            use aws_sdk_ec2::types::ResourceType;
            let mut req = self
                .ec2
                .create_image()
                .instance_id(spec.instance_id)
                .name(spec.name)
                .no_reboot(spec.no_reboot);
            if !spec.description.is_empty() {
                req = req.description(spec.description);
            }
            if !spec.tags.is_empty() {
                req = req
                    .tag_specifications(tag_spec(ResourceType::Image, &spec.tags))
                    .tag_specifications(tag_spec(ResourceType::Snapshot, &spec.tags));
            }
            let out = req.send().await.map_err(map_err)?;
            Ok(clean(out.image_id().unwrap_or_default()))
        })
    }

    fn deregister_image(&self, id: String) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.ec2
                .deregister_image()
                .image_id(id)
                .send()
                .await
                .map_err(map_err)?;
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
            let source = self.region.clone().unwrap_or_default();
            let out = self
                .in_region(Some(target_region))
                .copy_image()
                .source_region(source)
                .source_image_id(id)
                .name(name)
                .send()
                .await
                .map_err(map_err)?;
            Ok(clean(out.image_id().unwrap_or_default()))
        })
    }
}
