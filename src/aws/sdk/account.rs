//! `AccountApi` over STS and EC2's region and zone catalogue.

use futures::future::BoxFuture;

use super::{SdkEc2, map_err};
use crate::aws::{AccountApi, ApiError, ApiResult, ErrorKind, Identity, RegionInfo, clean};

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

    fn regions_opt_in(&self) -> BoxFuture<'_, ApiResult<Vec<RegionInfo>>> {
        Box::pin(async move {
            let out = self
                .ec2
                .describe_regions()
                .all_regions(true)
                .send()
                .await
                .map_err(map_err)?;
            let mut v: Vec<RegionInfo> = out
                .regions()
                .iter()
                .filter_map(|r| {
                    Some(RegionInfo {
                        name: clean(r.region_name()?),
                        opt_in: clean(r.opt_in_status().unwrap_or("opt-in-not-required")),
                    })
                })
                .collect();
            v.sort_by(|a, b| a.name.cmp(&b.name));
            Ok(v)
        })
    }

    fn in_region(&self, region: &str) -> Option<std::sync::Arc<dyn crate::aws::Ec2Api>> {
        Some(std::sync::Arc::new(self.for_region(region)))
    }

    fn profiles(&self) -> BoxFuture<'_, ApiResult<Vec<String>>> {
        Box::pin(async move {
            super::profiles::names(&self.opts)
                .await
                .map_err(|e| ApiError::other(ErrorKind::Other, e))
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
