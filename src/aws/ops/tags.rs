//! `CreateTags` / `DeleteTags` on any taggable resource.

use futures::future::BoxFuture;

use crate::aws::*;

/// `CreateTags` on several resources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateTags {
    /// (API id, row id)
    pub targets: Vec<(String, String)>,
    /// What they are, for messages: "web-1" or "3 instances".
    pub label: String,
    pub tags: Vec<(String, String)>,
}

/// `DeleteTags` on several resources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteTags {
    /// (API id, row id)
    pub targets: Vec<(String, String)>,
    /// What they are, for messages: "web-1" or "3 instances".
    pub label: String,
    pub keys: Vec<String>,
}

fn ids(t: &[(String, String)]) -> Vec<String> {
    t.iter().map(|(id, _)| id.clone()).collect()
}

impl Mutation for CreateTags {
    fn record(&self) -> Record {
        let mut r = Record::new("CreateTags", ids(&self.targets));
        for (k, v) in &self.tags {
            r = r.param(&format!("tag:{k}"), v);
        }
        r
    }
    fn describe(&self) -> String {
        let t: Vec<String> = self.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("tag {}: {}", self.label, t.join(", "))
    }
    fn run<'a>(&'a self, api: &'a dyn Ec2Api) -> BoxFuture<'a, ApiResult<Outcome>> {
        Box::pin(async move {
            api.create_tags(ids(&self.targets), self.tags.clone())
                .await
                .map(|()| Outcome::Done)
        })
    }
    fn cli(&self, _region: &str) -> Vec<CliLine> {
        let mut a = argv(&["ec2", "create-tags", "--resources"]);
        a.extend(ids(&self.targets).into_iter().map(Word::Arg));
        a.extend(argv(&["--tags", &tags_json(&self.tags)]));
        vec![a]
    }
}

impl Mutation for DeleteTags {
    fn record(&self) -> Record {
        Record::new("DeleteTags", ids(&self.targets)).param("keys", self.keys.join(","))
    }
    fn describe(&self) -> String {
        format!("remove tags {} from {}", self.keys.join(", "), self.label)
    }
    fn run<'a>(&'a self, api: &'a dyn Ec2Api) -> BoxFuture<'a, ApiResult<Outcome>> {
        Box::pin(async move {
            api.delete_tags(ids(&self.targets), self.keys.clone())
                .await
                .map(|()| Outcome::Done)
        })
    }
    fn cli(&self, _region: &str) -> Vec<CliLine> {
        let mut a = argv(&["ec2", "delete-tags", "--resources"]);
        a.extend(ids(&self.targets).into_iter().map(Word::Arg));
        let keys: Vec<serde_json::Value> = self
            .keys
            .iter()
            .map(|k| serde_json::json!({ "Key": k }))
            .collect();
        a.extend(argv(&[
            "--tags",
            &serde_json::Value::Array(keys).to_string(),
        ]));
        vec![a]
    }
}
