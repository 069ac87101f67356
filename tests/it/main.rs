//! The one integration test binary (every extra binary links aws-sdk-ec2 again).

mod app;
mod auto_scaling;
mod core;
mod demo_autoscaling;
mod demo_keys_groups;
mod demo_world;
mod driver;
mod e2e;
mod emulator;
mod faults;
mod journal;
mod key_pairs;
mod launch_configs;
mod moto_amis;
mod moto_api;
mod moto_autoscaling;
mod moto_events;
mod moto_keys_groups;
mod moto_security_groups;
mod moto_storage;
mod props;
mod rollout;
mod security_groups;
mod svg;
mod templates;
mod ui;
