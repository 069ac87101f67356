//! ec2tui: a terminal console for Amazon EC2.
//!
//! A pure core (`app`: state, `update` returning effects; `ui`: `draw`) inside a thin async
//! shell (`tui`) that owns the terminal and runs effects against an [`aws::Ec2Api`]. Each
//! kind of resource is one module in `panes`, listed once in its registry.

pub mod app;
pub mod aws;
pub mod cli;
pub mod config;
pub mod journal;
pub mod memory;
pub mod panes;
pub mod tui;
pub mod ui;
