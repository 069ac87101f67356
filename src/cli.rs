//! Command-line arguments.

use clap::Parser;

/// A fast, safe, keyboard-driven terminal console for Amazon EC2.
///
/// Credentials and region come from the AWS default chain (environment, shared config and
/// credentials files, SSO, assume-role, IMDS): AWS_PROFILE, AWS_REGION and AWS_ENDPOINT_URL
/// work as they do for the AWS CLI.
#[derive(Debug, Clone, Parser)]
#[command(name = "ec2tui", version, about, long_about = None)]
pub struct Cli {
    /// Named profile from ~/.aws/config (default: AWS_PROFILE, else "default").
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// Region to work in (default: AWS_REGION, else the profile's region).
    #[arg(long, value_name = "NAME")]
    pub region: Option<String>,

    /// Send API calls to this endpoint instead of AWS (LocalStack, moto, a proxy).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// Browse only: no call that changes anything can be made.
    #[arg(long)]
    pub read_only: bool,

    /// Run on an in-process simulated region: no AWS account needed.
    #[arg(long)]
    pub demo: bool,

    /// Size of the demo fleet (for benchmarks and big-fleet trials).
    #[arg(long, value_name = "N", default_value_t = 60, requires = "demo")]
    pub demo_size: usize,

    /// No colours (as the NO_COLOR variable does): states, dangers, banners and marks are
    /// told by words, bold and reverse video.
    #[arg(long)]
    pub no_color: bool,

    /// Seconds between full refreshes of the list; 0 turns automatic refresh off.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub refresh: u64,
}
