//! `AccountApi` of the demo region: a fixed identity, a few regions, its zones.

use futures::future::BoxFuture;

use super::{AZS, DEMO_ACCOUNT, DemoRegion};
use crate::aws::{AccountApi, ApiResult, Identity};

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

    fn availability_zones(&self) -> BoxFuture<'_, ApiResult<Vec<String>>> {
        Box::pin(async move { Ok(AZS.iter().map(|s| s.to_string()).collect()) })
    }
}
