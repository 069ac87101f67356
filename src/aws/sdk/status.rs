//! `StatusApi` over `DescribeInstanceStatus`, and the conversion of its answers.

use futures::future::BoxFuture;

use super::{SdkEc2, map_err, page_token, s};
use crate::aws::{
    ApiResult, InstanceState, InstanceStatus, Page, ScheduledEvent, StatusApi, clean_status,
};

fn statuses(
    out: &aws_sdk_ec2::operation::describe_instance_status::DescribeInstanceStatusOutput,
) -> Vec<InstanceStatus> {
    out.instance_statuses()
        .iter()
        .map(|st| {
            let summary = |x: Option<&aws_sdk_ec2::types::InstanceStatusSummary>, kind: &str| {
                let status = s(x.and_then(|v| v.status()).map(|v| v.as_str()));
                let details: Vec<(String, String)> = x
                    .map(|v| v.details())
                    .unwrap_or_default()
                    .iter()
                    .map(|d| {
                        (
                            format!("{kind} {}", s(d.name().map(|n| n.as_str()))),
                            s(d.status().map(|n| n.as_str())),
                        )
                    })
                    .collect();
                (status, details)
            };
            let (system_status, mut reach) = summary(st.system_status(), "system");
            let (instance_status, inst_reach) = summary(st.instance_status(), "instance");
            reach.extend(inst_reach);
            let mut out = InstanceStatus {
                id: s(st.instance_id()),
                az: s(st.availability_zone()),
                state: InstanceState::parse(
                    st.instance_state()
                        .and_then(|x| x.name())
                        .map(|n| n.as_str())
                        .unwrap_or(""),
                ),
                system_status,
                instance_status,
                reachability: reach,
                events: st
                    .events()
                    .iter()
                    .map(|e| ScheduledEvent {
                        code: s(e.code().map(|c| c.as_str())),
                        description: s(e.description()),
                        not_before: e.not_before().map(|t| t.secs()),
                        not_after: e.not_after().map(|t| t.secs()),
                        deadline: e.not_before_deadline().map(|t| t.secs()),
                    })
                    .collect(),
            };
            clean_status(&mut out);
            out
        })
        .collect()
}

impl StatusApi for SdkEc2 {
    fn statuses_of(&self, ids: Vec<String>) -> BoxFuture<'_, ApiResult<Vec<InstanceStatus>>> {
        Box::pin(async move {
            let mut all = Vec::new();
            for chunk in ids.chunks(100) {
                let out = self
                    .ec2
                    .describe_instance_status()
                    .include_all_instances(true)
                    .set_instance_ids(Some(chunk.to_vec()))
                    .send()
                    .await
                    .map_err(map_err)?;
                all.extend(statuses(&out));
            }
            Ok(all)
        })
    }

    fn instance_statuses(
        &self,
        next_token: Option<String>,
    ) -> BoxFuture<'_, ApiResult<Page<InstanceStatus>>> {
        Box::pin(async move {
            let out = self
                .ec2
                .describe_instance_status()
                .include_all_instances(true)
                .max_results(1000)
                .set_next_token(next_token)
                .send()
                .await
                .map_err(map_err)?;
            Ok(Page {
                items: statuses(&out),
                next_token: page_token(out.next_token()),
            })
        })
    }
}
