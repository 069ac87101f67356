//! The ports, one trait per resource family. Both the SDK adapter and the demo region
//! implement every one; [`Ec2Api`] is all of them at once. The shell runs these calls in
//! spawned tasks and never awaits them in the event loop.
//!
//! Every method returns a boxed future, so the traits are dyn-compatible: `Arc<dyn Ec2Api>`
//! is a port like any adapter. A new family is one more trait here and one more supertrait
//! on the [`Ec2Api`] line.

use futures::future::BoxFuture;

use super::{
    ApiResult, AutoScalingGroup, Identity, Image, ImageScope, ImageSpec, Instance, InstanceRefresh,
    InstanceStatus, InstanceTypeInfo, KeyPair, LaunchConfiguration, LaunchSpec, LaunchTemplate,
    NewKeyPair, Page, RegionInfo, ScalingActivity, SecurityGroup, Snapshot, Subnet, TemplateData,
    TemplateSpec, TemplateVersion, Volume, VolumeSpec,
};

/// Who is calling, and where: STS and the region/zone catalogue.
pub trait AccountApi: Send + Sync {
    fn identity(&self) -> BoxFuture<'_, ApiResult<Identity>>;
    fn regions(&self) -> BoxFuture<'_, ApiResult<Vec<String>>>;
    fn availability_zones(&self) -> BoxFuture<'_, ApiResult<Vec<String>>>;
    /// Every region of the partition with its opt-in status (`:region`).
    fn regions_opt_in(&self) -> BoxFuture<'_, ApiResult<Vec<RegionInfo>>>;
    /// The profiles of the shared config and credentials files (`:profile`).
    fn profiles(&self) -> BoxFuture<'_, ApiResult<Vec<String>>>;
    /// The same clients in another region (`:region all`); `None` where there is no such
    /// region to reach (the demo simulates one).
    fn in_region(&self, _region: &str) -> Option<std::sync::Arc<dyn Ec2Api>> {
        None
    }
}

/// Instances: listing, lifecycle actions, their attributes, and launching (with the types and
/// subnets the launch form offers; its key pairs and groups come from their own ports).
pub trait InstancesApi: Send + Sync {
    fn list_instances(
        &self,
        next_token: Option<String>,
    ) -> BoxFuture<'_, ApiResult<Page<Instance>>>;
    /// One page of the instances in one availability zone (the `availability-zone` filter):
    /// one chain of a partitioned listing (`aws::listing`).
    fn list_instances_in(
        &self,
        zone: String,
        next_token: Option<String>,
    ) -> BoxFuture<'_, ApiResult<Page<Instance>>>;
    fn describe_instances(&self, ids: Vec<String>) -> BoxFuture<'_, ApiResult<Vec<Instance>>>;
    fn start_instance(&self, id: String) -> BoxFuture<'_, ApiResult<()>>;
    fn stop_instance(&self, id: String, force: bool) -> BoxFuture<'_, ApiResult<()>>;
    fn reboot_instance(&self, id: String) -> BoxFuture<'_, ApiResult<()>>;
    fn terminate_instance(&self, id: String) -> BoxFuture<'_, ApiResult<()>>;
    fn termination_protection(&self, id: String) -> BoxFuture<'_, ApiResult<bool>>;
    fn set_termination_protection(&self, id: String, on: bool) -> BoxFuture<'_, ApiResult<()>>;
    /// The decoded user data, `None` when the instance has none.
    fn user_data(&self, id: String) -> BoxFuture<'_, ApiResult<Option<String>>>;
    /// The user data as its bytes, not cleaned for the screen (a launch like this one sends
    /// them as they are); by default the cleaned text's.
    fn user_data_exact(&self, id: String) -> BoxFuture<'_, ApiResult<Option<Vec<u8>>>> {
        Box::pin(async move { Ok(self.user_data(id).await?.map(String::into_bytes)) })
    }
    /// The latest console output (`GetConsoleOutput` with `Latest`), decoded and cleaned
    /// (`console_text`); `None` when there is none yet.
    fn console_output(&self, id: String) -> BoxFuture<'_, ApiResult<Option<String>>>;
    /// Launches instances; with `dry_run`, only checks and returns no instances.
    fn run_instances(
        &self,
        spec: LaunchSpec,
        dry_run: bool,
    ) -> BoxFuture<'_, ApiResult<Vec<Instance>>>;
    fn instance_types(&self) -> BoxFuture<'_, ApiResult<Vec<InstanceTypeInfo>>>;
    fn subnets(&self) -> BoxFuture<'_, ApiResult<Vec<Subnet>>>;
}

/// AMIs.
pub trait ImagesApi: Send + Sync {
    fn list_images(
        &self,
        scope: ImageScope,
        next_token: Option<String>,
    ) -> BoxFuture<'_, ApiResult<Page<Image>>>;
    /// Images by id, in `region` (None: the console's region).
    fn describe_images(
        &self,
        region: Option<String>,
        ids: Vec<String>,
    ) -> BoxFuture<'_, ApiResult<Vec<Image>>>;
    /// Returns the new image id.
    fn create_image(&self, spec: ImageSpec) -> BoxFuture<'_, ApiResult<String>>;
    fn deregister_image(&self, id: String) -> BoxFuture<'_, ApiResult<()>>;
    /// Copies an image of this region into `target_region`; returns the new image id there.
    fn copy_image(
        &self,
        id: String,
        name: String,
        target_region: String,
    ) -> BoxFuture<'_, ApiResult<String>>;
}

/// EBS: volumes and snapshots.
pub trait StorageApi: Send + Sync {
    fn list_volumes(&self, next_token: Option<String>) -> BoxFuture<'_, ApiResult<Page<Volume>>>;
    fn describe_volumes(&self, ids: Vec<String>) -> BoxFuture<'_, ApiResult<Vec<Volume>>>;
    /// Returns the new volume id.
    fn create_volume(&self, spec: VolumeSpec) -> BoxFuture<'_, ApiResult<String>>;
    fn attach_volume(
        &self,
        volume_id: String,
        instance_id: String,
        device: String,
    ) -> BoxFuture<'_, ApiResult<()>>;
    fn detach_volume(
        &self,
        volume_id: String,
        instance_id: String,
        force: bool,
    ) -> BoxFuture<'_, ApiResult<()>>;
    fn delete_volume(&self, id: String) -> BoxFuture<'_, ApiResult<()>>;
    /// Returns the new snapshot id.
    fn create_snapshot(
        &self,
        volume_id: String,
        description: String,
        tags: Vec<(String, String)>,
    ) -> BoxFuture<'_, ApiResult<String>>;
    /// The snapshots owned by `owner_id` (an `owner-id` filter: moto ignores `OwnerIds=self`).
    fn list_snapshots(
        &self,
        owner_id: String,
        next_token: Option<String>,
    ) -> BoxFuture<'_, ApiResult<Page<Snapshot>>>;
    /// Snapshots by id, in `region` (None: the console's region).
    fn describe_snapshots(
        &self,
        region: Option<String>,
        ids: Vec<String>,
    ) -> BoxFuture<'_, ApiResult<Vec<Snapshot>>>;
    /// Copies a snapshot of this region into `target_region`; returns the new snapshot id.
    fn copy_snapshot(
        &self,
        id: String,
        description: String,
        target_region: String,
    ) -> BoxFuture<'_, ApiResult<String>>;
    fn delete_snapshot(&self, id: String) -> BoxFuture<'_, ApiResult<()>>;
}

/// Status checks and scheduled events.
pub trait StatusApi: Send + Sync {
    /// `DescribeInstanceStatus` of these instances.
    fn statuses_of(&self, ids: Vec<String>) -> BoxFuture<'_, ApiResult<Vec<InstanceStatus>>>;
    /// `DescribeInstanceStatus` with `IncludeAllInstances`, one page.
    fn instance_statuses(
        &self,
        next_token: Option<String>,
    ) -> BoxFuture<'_, ApiResult<Page<InstanceStatus>>>;
}

/// Key pairs.
pub trait KeyPairsApi: Send + Sync {
    /// Every key pair of the region (`DescribeKeyPairs` does not paginate).
    fn list_key_pairs(&self) -> BoxFuture<'_, ApiResult<Vec<KeyPair>>>;
    /// Creates a key pair of `key_type` (`rsa`, `ed25519`); the answer carries the PEM private
    /// key, which EC2 never hands out again.
    fn create_key_pair(
        &self,
        name: String,
        key_type: String,
    ) -> BoxFuture<'_, ApiResult<NewKeyPair>>;
    /// Imports an OpenSSH public key line (`ssh-ed25519 AAAA... comment`).
    fn import_key_pair(
        &self,
        name: String,
        public_key: String,
    ) -> BoxFuture<'_, ApiResult<KeyPair>>;
    /// Deletes a key pair by name; deleting one that does not exist succeeds, as in EC2.
    fn delete_key_pair(&self, name: String) -> BoxFuture<'_, ApiResult<()>>;
}

/// Security groups, with their rules.
pub trait SecurityGroupsApi: Send + Sync {
    /// One page of `DescribeSecurityGroups`.
    fn list_security_groups(
        &self,
        next_token: Option<String>,
    ) -> BoxFuture<'_, ApiResult<Page<SecurityGroup>>>;
    /// `RevokeSecurityGroupIngress` (inbound) or `RevokeSecurityGroupEgress` of one rule.
    fn revoke_rule(
        &self,
        group_id: String,
        inbound: bool,
        rule: crate::aws::Rule,
    ) -> BoxFuture<'_, ApiResult<()>>;
}

/// Launch templates and their versions.
pub trait LaunchTemplatesApi: Send + Sync {
    /// One page of `DescribeLaunchTemplates`.
    fn list_launch_templates(
        &self,
        next_token: Option<String>,
    ) -> BoxFuture<'_, ApiResult<Page<LaunchTemplate>>>;
    /// Every version of a template (`DescribeLaunchTemplateVersions`, all pages), newest first.
    fn template_versions(
        &self,
        template_id: String,
    ) -> BoxFuture<'_, ApiResult<Vec<TemplateVersion>>>;
    /// `CreateLaunchTemplate`; returns the new template.
    fn create_launch_template(
        &self,
        name: String,
        spec: TemplateSpec,
    ) -> BoxFuture<'_, ApiResult<LaunchTemplate>>;
    /// `CreateLaunchTemplateVersion` from `source` (its other settings are kept); returns the
    /// new version's number.
    fn create_template_version(
        &self,
        template_id: String,
        source: Option<i64>,
        spec: TemplateSpec,
    ) -> BoxFuture<'_, ApiResult<i64>>;
    /// `ModifyLaunchTemplate`: makes `version` the default.
    fn set_default_version(
        &self,
        template_id: String,
        version: i64,
    ) -> BoxFuture<'_, ApiResult<()>>;
    /// `GetLaunchTemplateData` of an instance, as EC2 has it (not cleaned: it goes back to
    /// EC2 in a new template, never to the screen).
    fn template_data_of(&self, instance_id: String) -> BoxFuture<'_, ApiResult<TemplateData>>;
    /// `DeleteLaunchTemplateVersions`: fails when EC2 refuses any of them.
    fn delete_template_versions(
        &self,
        template_id: String,
        versions: Vec<i64>,
    ) -> BoxFuture<'_, ApiResult<()>>;
    /// `DeleteLaunchTemplate`, with all its versions.
    fn delete_launch_template(&self, template_id: String) -> BoxFuture<'_, ApiResult<()>>;
}

/// Auto Scaling (its own service and client): groups, their activities and instance
/// refreshes, and the legacy launch configurations.
pub trait AutoScalingApi: Send + Sync {
    /// One page of `DescribeAutoScalingGroups`.
    fn list_groups(
        &self,
        next_token: Option<String>,
    ) -> BoxFuture<'_, ApiResult<Page<AutoScalingGroup>>>;
    /// Groups by name (`DescribeAutoScalingGroups`); a name that does not exist is left out.
    fn describe_groups(
        &self,
        names: Vec<String>,
    ) -> BoxFuture<'_, ApiResult<Vec<AutoScalingGroup>>>;
    /// The most recent scaling activities of a group, newest first.
    fn activities(&self, group: String) -> BoxFuture<'_, ApiResult<Vec<ScalingActivity>>>;
    /// The instance refreshes of a group, newest first (`DescribeInstanceRefreshes`).
    fn refreshes(&self, group: String) -> BoxFuture<'_, ApiResult<Vec<InstanceRefresh>>>;
    /// `UpdateAutoScalingGroup` with min, desired and max.
    fn set_capacity(
        &self,
        group: String,
        min: i32,
        desired: i32,
        max: i32,
    ) -> BoxFuture<'_, ApiResult<()>>;
    /// `UpdateAutoScalingGroup` with a launch template (by id) and version.
    fn set_group_template(
        &self,
        group: String,
        template_id: String,
        version: String,
    ) -> BoxFuture<'_, ApiResult<()>>;
    /// `TerminateInstanceInAutoScalingGroup`: with `decrement`, the group's desired capacity
    /// goes down by one; without, the group launches a replacement.
    fn terminate_in_group(
        &self,
        instance_id: String,
        decrement: bool,
    ) -> BoxFuture<'_, ApiResult<()>>;
    /// `StartInstanceRefresh`; returns its id.
    fn start_refresh(&self, group: String, min_healthy: i32) -> BoxFuture<'_, ApiResult<String>>;
    /// `CancelInstanceRefresh`; returns the id of the refresh cancelled.
    fn cancel_refresh(&self, group: String) -> BoxFuture<'_, ApiResult<String>>;
    /// `DeleteAutoScalingGroup`; with `force`, its instances are terminated too.
    fn delete_group(&self, group: String, force: bool) -> BoxFuture<'_, ApiResult<()>>;
    /// One page of `DescribeLaunchConfigurations`.
    fn list_launch_configurations(
        &self,
        next_token: Option<String>,
    ) -> BoxFuture<'_, ApiResult<Page<LaunchConfiguration>>>;
    fn delete_launch_configuration(&self, name: String) -> BoxFuture<'_, ApiResult<()>>;
}

/// Tags of any EC2 resource (instances, images, volumes, snapshots, key pairs, groups).
pub trait TagsApi: Send + Sync {
    /// `CreateTags`: adds or changes these tags on every resource.
    fn create_tags(
        &self,
        ids: Vec<String>,
        tags: Vec<(String, String)>,
    ) -> BoxFuture<'_, ApiResult<()>>;
    /// `DeleteTags`: removes the tags with these keys from every resource.
    fn delete_tags(&self, ids: Vec<String>, keys: Vec<String>) -> BoxFuture<'_, ApiResult<()>>;
}

/// The families, written once: the whole port `Ec2Api` (every family; implemented for
/// anything that implements them all, so an adapter never names it, and `Arc<dyn Ec2Api>`
/// works) and the prelude that brings every family's methods in scope.
macro_rules! families {
    ($($family:ident),+ $(,)?) => {
        /// The whole port: every family.
        pub trait Ec2Api: $($family +)+ Send + Sync + 'static {}

        impl<T> Ec2Api for T where T: $($family +)+ Send + Sync + 'static {}

        /// Every port trait, so callers can `use ec2tui::aws::prelude::*` and call any method.
        pub mod prelude {
            pub use super::{Ec2Api, $($family),+};
        }
    };
}

families!(
    AccountApi,
    InstancesApi,
    ImagesApi,
    StorageApi,
    StatusApi,
    KeyPairsApi,
    SecurityGroupsApi,
    LaunchTemplatesApi,
    AutoScalingApi,
    TagsApi,
);

/// Fails to compile if a port stops being dyn-compatible.
const _: Option<&dyn Ec2Api> = None;
