//! The EC2 ports (one trait per resource family, [`Ec2Api`] for all of them), the domain types
//! (ours, not the SDK's), errors, and the adapters.
//!
//! Only `sdk/` knows aws-sdk-ec2. Every string that enters a domain type passes through
//! [`clean`], so nothing from AWS can reach the terminal with control characters in it.
//!
//! This file is the module list and its public surface: the domain types are in `domain.rs`
//! and the resource families' own files, errors in `error.rs`, cleaning and times in
//! `text.rs`, request ids and attempts in `request_ids.rs`.

mod autoscaling;
pub mod demo;
mod domain;
mod error;
mod key_pairs;
pub mod listing;
pub mod op;
pub mod ops;
mod ports;
mod request_ids;
pub mod sdk;
mod security_groups;
mod templates;
mod text;

pub use autoscaling::{
    AutoScalingGroup, GROUP_TAG, GroupMember, InstanceRefresh, LaunchConfiguration,
    ScalingActivity, TemplateRef, clean_activity, clean_group, clean_launch_configuration,
    clean_refresh,
};
pub use key_pairs::{KeyPair, NewKeyPair, clean_key_pair, public_key_type};
pub use ports::{
    AccountApi, AutoScalingApi, Ec2Api, ImagesApi, InstancesApi, KeyPairsApi, LaunchTemplatesApi,
    SecurityGroupsApi, StatusApi, StorageApi, TagsApi,
};
pub use security_groups::{Rule, RuleSource, SecurityGroup, clean_security_group};
pub use templates::{
    LaunchTemplate, TemplateData, TemplateSpec, TemplateVersion, clean_template,
    clean_template_data, clean_version,
};

pub use ports::prelude;

pub use domain::{
    Attachment, BlockDevice, Identity, Image, ImageConsistency, ImageDevice, ImageScope, ImageSpec,
    Instance, InstanceState, InstanceStatus, InstanceTypeInfo, LaunchSpec, Page, RegionInfo,
    ScheduledEvent, Snapshot, Subnet, Volume, VolumeSpec, clean_image, clean_instance,
    clean_snapshot, clean_status, clean_volume, name_from_tags, tags_as_map,
};
pub use error::{ApiError, ApiResult, CredentialsCause, ErrorKind};
pub use op::{
    AsAny, CliLine, Mutation, Op, Outcome, Record, Target, Word, argv, capitalise, cli_text, quote,
    tag_specs_json, tags_json,
};
pub use request_ids::{record_attempt, record_request_id, with_request_ids};
pub use text::{clean, clean_multiline, console_text, fmt_time, parse_time};
// what the resource families' modules clean their strings with (`super::clean_pairs`)
use text::{clean_pairs, is_control};
