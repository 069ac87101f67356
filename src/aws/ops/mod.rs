//! Every mutating call ec2tui makes, by family: one type per call implementing
//! [`Mutation`](crate::aws::Mutation). They live below the panes so that any pane can send
//! any call without naming the pane that lists its kind; a call knows its journal record,
//! how to say what it does, how to run against the port, how to read back whether it was
//! made, and the AWS CLI command that makes the same request.

pub mod autoscaling;
pub mod images;
pub mod instances;
pub mod key_pairs;
pub mod security_groups;
pub mod storage;
pub mod tags;
pub mod templates;

pub use autoscaling::*;
pub use images::*;
pub use instances::*;
pub use key_pairs::*;
pub use security_groups::*;
pub use storage::*;
pub use tags::*;
pub use templates::*;
