//! `TagsApi` over aws-sdk-ec2.

use aws_sdk_ec2::types::Tag;
use futures::future::BoxFuture;

use super::{SdkEc2, map_err};
use crate::aws::{ApiResult, TagsApi};

impl TagsApi for SdkEc2 {
    fn create_tags(
        &self,
        ids: Vec<String>,
        tags: Vec<(String, String)>,
    ) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            let tags = tags
                .into_iter()
                .map(|(k, v)| Tag::builder().key(k).value(v).build())
                .collect();
            self.ec2
                .create_tags()
                .set_resources(Some(ids))
                .set_tags(Some(tags))
                .send()
                .await
                .map_err(map_err)?;
            Ok(())
        })
    }

    fn delete_tags(&self, ids: Vec<String>, keys: Vec<String>) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            let tags = keys
                .into_iter()
                .map(|k| Tag::builder().key(k).build())
                .collect();
            self.ec2
                .delete_tags()
                .set_resources(Some(ids))
                .set_tags(Some(tags))
                .send()
                .await
                .map_err(map_err)?;
            Ok(())
        })
    }
}
