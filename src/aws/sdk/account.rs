//! `AccountApi` over STS and EC2's region and zone catalogue.

use futures::future::BoxFuture;

use super::{SdkEc2, map_err};
use crate::aws::{AccountApi, ApiResult, Identity, clean};

impl AccountApi for SdkEc2 {
    fn identity(&self) -> BoxFuture<'_, ApiResult<Identity>> {
        Box::pin(async move {
            let out = self
                .sts
                .get_caller_identity()
                .send()
                .await
                .map_err(map_err)?;
            Ok(Identity {
                account: clean(out.account().unwrap_or("?")),
                arn: clean(out.arn().unwrap_or("")),
            })
        })
    }

    fn regions(&self) -> BoxFuture<'_, ApiResult<Vec<String>>> {
        Box::pin(async move {
            let out = self.ec2.describe_regions().send().await.map_err(map_err)?;
            let mut v: Vec<String> = out
                .regions()
                .iter()
                .filter_map(|r| r.region_name())
                .map(clean)
                .collect();
            v.sort();
            Ok(v)
        })
    }

    fn availability_zones(&self) -> BoxFuture<'_, ApiResult<Vec<String>>> {
        Box::pin(async move {
            let out = self
                .ec2
                .describe_availability_zones()
                .send()
                .await
                .map_err(map_err)?;
            let mut v: Vec<String> = out
                .availability_zones()
                .iter()
                .filter_map(|z| z.zone_name())
                .map(clean)
                .collect();
            v.sort();
            Ok(v)
        })
    }
}
