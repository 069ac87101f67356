//! AMI calls: create (also after a stop), deregister, copy to another region.

use futures::future::BoxFuture;

use crate::aws::*;

/// `CreateImage`.
#[derive(Debug, Clone)]
pub struct CreateImage(pub ImageSpec);

impl Mutation for CreateImage {
    fn record(&self) -> Record {
        Record::new("CreateImage", vec![self.0.instance_id.clone()])
            .param("name", &self.0.name)
            .param("noReboot", self.0.no_reboot)
    }
    fn describe(&self) -> String {
        format!("create image {} of {}", self.0.name, self.0.instance_id)
    }
    fn run<'a>(&'a self, api: &'a dyn Ec2Api) -> BoxFuture<'a, ApiResult<Outcome>> {
        Box::pin(async move { api.create_image(self.0.clone()).await.map(Outcome::Created) })
    }
    fn cli(&self, _region: &str) -> Vec<CliLine> {
        let s = &self.0;
        let mut a = argv(&[
            "ec2",
            "create-image",
            "--instance-id",
            &s.instance_id,
            "--name",
            &s.name,
        ]);
        if !s.description.is_empty() {
            a.extend(argv(&["--description", &s.description]));
        }
        a.push(
            if s.no_reboot {
                "--no-reboot"
            } else {
                "--reboot"
            }
            .into(),
        );
        if !s.tags.is_empty() {
            a.push("--tag-specifications".into());
            a.push(Word::Arg(tag_specs_json(&["image", "snapshot"], &s.tags)));
        }
        vec![a]
    }
}

/// `CreateImage` of an instance stopped just before, as Ctrl-y copies it: the same call,
/// whose commands wait for the stop to finish first (`aws ec2 wait instance-stopped`), as
/// ec2tui itself does before it asks for the image; with `restart` ("Start again when
/// available"), then wait for the image and start the instance again, as ec2tui does.
#[derive(Debug, Clone)]
pub struct CreateImageAfterStop {
    pub create: CreateImage,
    pub restart: bool,
}

impl Mutation for CreateImageAfterStop {
    fn record(&self) -> Record {
        self.create.record()
    }
    fn describe(&self) -> String {
        self.create.describe()
    }
    fn run<'a>(&'a self, api: &'a dyn Ec2Api) -> BoxFuture<'a, ApiResult<Outcome>> {
        self.create.run(api)
    }
    fn cli(&self, region: &str) -> Vec<CliLine> {
        let spec = &self.create.0;
        let wait = argv(&[
            "ec2",
            "wait",
            "instance-stopped",
            "--instance-ids",
            &spec.instance_id,
        ]);
        let mut lines: Vec<CliLine> = std::iter::once(wait)
            .chain(self.create.cli(region))
            .collect();
        if self.restart {
            // the image's id is what create-image printed; an AMI's name is unique in the
            // account and region, so it finds the same image
            let mut available = argv(&["ec2", "wait", "image-available", "--image-ids"]);
            available.push(Word::Shell("\"$("));
            available.extend(argv(&[
                "ec2",
                "describe-images",
                "--owners",
                "self",
                "--filters",
                &serde_json::json!([{"Name": "name", "Values": [spec.name]}]).to_string(),
                "--query",
                "Images[0].ImageId",
                "--output",
                "text",
            ]));
            available.push(Word::Shell(")\""));
            lines.push(available);
            lines.push(argv(&[
                "ec2",
                "start-instances",
                "--instance-ids",
                &spec.instance_id,
            ]));
        }
        lines
    }
}

/// `DeregisterImage`; `snapshots` are deleted after it, if any.
#[derive(Debug, Clone)]
pub struct DeregisterImage {
    pub image: Target,
    pub snapshots: Vec<String>,
}

impl Mutation for DeregisterImage {
    fn record(&self) -> Record {
        Record::new("DeregisterImage", vec![self.image.id.clone()])
    }
    fn is_destructive(&self) -> bool {
        true
    }
    fn describe(&self) -> String {
        format!("deregister {}", self.image.label())
    }
    fn run<'a>(&'a self, api: &'a dyn Ec2Api) -> BoxFuture<'a, ApiResult<Outcome>> {
        Box::pin(async move {
            api.deregister_image(self.image.id.clone())
                .await
                .map(|()| Outcome::Done)
        })
    }
    fn cli(&self, _region: &str) -> Vec<CliLine> {
        // then its snapshots, one call each, as ec2tui deletes them once it is deregistered
        std::iter::once(argv(&[
            "ec2",
            "deregister-image",
            "--image-id",
            &self.image.id,
        ]))
        .chain(
            self.snapshots
                .iter()
                .map(|s| argv(&["ec2", "delete-snapshot", "--snapshot-id", s])),
        )
        .collect()
    }
}

/// `CopyImage` to another region.
#[derive(Debug, Clone)]
pub struct CopyImage {
    pub image: Target,
    pub name: String,
    pub region: String,
}

impl Mutation for CopyImage {
    fn record(&self) -> Record {
        Record::new("CopyImage", vec![self.image.id.clone()])
            .param("name", &self.name)
            .param("targetRegion", &self.region)
    }
    fn describe(&self) -> String {
        format!("copy {} to {}", self.image.label(), self.region)
    }
    fn run<'a>(&'a self, api: &'a dyn Ec2Api) -> BoxFuture<'a, ApiResult<Outcome>> {
        Box::pin(async move {
            api.copy_image(
                self.image.id.clone(),
                self.name.clone(),
                self.region.clone(),
            )
            .await
            .map(Outcome::Created)
        })
    }
    fn cli(&self, region: &str) -> Vec<CliLine> {
        vec![argv(&[
            "ec2",
            "copy-image",
            "--source-image-id",
            &self.image.id,
            "--source-region",
            region,
            "--name",
            &self.name,
            "--region",
            &self.region,
        ])]
    }
}
