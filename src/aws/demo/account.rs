//! `AccountApi` of the demo region: a fixed identity, a few regions, its zones.

use futures::future::BoxFuture;

use super::{DEMO_ACCOUNT, DemoRegion};
use crate::aws::{AccountApi, ApiResult, Identity, RegionInfo};

/// The demo's regions: two it simulates, and one the demo account has not opted in to (the
/// picker shows it and refuses it with the reason).
pub const DEMO_REGIONS: &[(&str, &str)] = &[
    ("eu-west-1", "opt-in-not-required"),
    ("us-east-1", "opt-in-not-required"),
    ("ap-east-1", "not-opted-in"),
];

/// The demo's profiles: the second one is production in the embedded demo config.
pub const DEMO_PROFILES: &[&str] = &["demo", "demo-prod"];

impl AccountApi for DemoRegion {
    fn identity(&self) -> BoxFuture<'_, ApiResult<Identity>> {
        Box::pin(async move {
            Ok(Identity {
                account: DEMO_ACCOUNT.into(),
                arn: format!("arn:aws:iam::{DEMO_ACCOUNT}:user/demo"),
            })
        })
    }

    fn regions(&self) -> BoxFuture<'_, ApiResult<Vec<String>>> {
        Box::pin(async move {
            Ok([
                "eu-central-1",
                "eu-north-1",
                "eu-west-1",
                "eu-west-2",
                "us-east-1",
                "us-east-2",
                "us-west-2",
                "ap-southeast-2",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect())
        })
    }

    fn regions_opt_in(&self) -> BoxFuture<'_, ApiResult<Vec<RegionInfo>>> {
        Box::pin(async move {
            Ok(DEMO_REGIONS
                .iter()
                .map(|(name, opt_in)| RegionInfo {
                    name: name.to_string(),
                    opt_in: opt_in.to_string(),
                })
                .collect())
        })
    }

    fn in_region(&self, region: &str) -> Option<std::sync::Arc<dyn crate::aws::Ec2Api>> {
        self.region_world(region)
            .map(|w| w as std::sync::Arc<dyn crate::aws::Ec2Api>)
    }

    fn profiles(&self) -> BoxFuture<'_, ApiResult<Vec<String>>> {
        Box::pin(async move { Ok(DEMO_PROFILES.iter().map(|s| s.to_string()).collect()) })
    }

    fn availability_zones(&self) -> BoxFuture<'_, ApiResult<Vec<String>>> {
        Box::pin(async move { Ok(self.azs.iter().map(|s| s.to_string()).collect()) })
    }
}
