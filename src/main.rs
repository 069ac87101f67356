use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;

use ec2tui::app::{AppState, Context};
use ec2tui::aws::Ec2Api;
use ec2tui::aws::demo::{DEMO_PROFILES, DEMO_REGION, DemoRegion};
use ec2tui::aws::sdk::{ConnectOptions, SdkEc2};
use ec2tui::cli::Cli;
use ec2tui::config;
use ec2tui::journal::Journal;

/// mimalloc (its version 2: `libmimalloc-sys`'s `v2`) instead of glibc's malloc: a big
/// fleet's rows are allocated between the garbage of parsing each page, and glibc's heap kept
/// those holes (measured at 100,000 instances: ~2,250 bytes resident per instance for ~1,230
/// live, growing by a quarter over ten refreshes). With mimalloc 2 and the collection after
/// each listing (`ec2tui::memory`) ~1,750, within 2 % across refreshes; version 3 held
/// ~15 % more and varied by as much from refresh to refresh.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    unset_empty_aws_variables();
    let mut cli = Cli::parse();
    // an empty flag, like an empty variable, means "not given"
    for flag in [&mut cli.profile, &mut cli.region, &mut cli.endpoint_url] {
        if flag.as_deref().is_some_and(|v| v.trim().is_empty()) {
            *flag = None;
        }
    }
    let log_warning = init_logging();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .on_thread_start(behind_the_screen)
        .on_thread_park(ec2tui::memory::on_park)
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("ec2tui: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    rt.block_on(run(cli, log_warning))
}

/// The runtime's threads parse what AWS answers (a page of 1,000 instances is tens of
/// milliseconds of work) while the main thread answers keys and draws: they run at a lower
/// priority (nice 10), so that on a busy machine a key never waits behind a listing for a core.
/// Only the calling thread's priority changes (Linux keeps one per thread).
fn behind_the_screen() {
    #[cfg(target_os = "linux")]
    // SAFETY: plain system calls on the calling thread; a failure leaves its priority as is.
    unsafe {
        let tid = libc::gettid();
        libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, 10);
    }
}

/// An empty `AWS_*` variable counts as unset, as it does for the AWS CLI
/// (`AWS_ENDPOINT_URL=` must not become an endpoint with an empty URL, nor `AWS_PROFILE=` a
/// profile named ""). Done first, while the process has one thread.
fn unset_empty_aws_variables() {
    let empty: Vec<std::ffi::OsString> = std::env::vars_os()
        .filter(|(k, v)| k.to_str().is_some_and(|k| k.starts_with("AWS_")) && v.is_empty())
        .map(|(k, _)| k)
        .collect();
    for k in empty {
        // SAFETY: called at the top of main, before the runtime or any other thread starts.
        unsafe { std::env::remove_var(k) };
    }
}

/// Logs go to a file in the data directory, never to the terminal.
fn init_logging() -> Option<String> {
    let dir = config::data_dir()?;
    let open = std::fs::create_dir_all(&dir).and_then(|_| {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join("ec2tui.log"))
    });
    match open {
        Ok(file) => {
            let filter = tracing_subscriber::EnvFilter::try_from_env("EC2TUI_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
            tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_ansi(false)
                .with_writer(std::sync::Mutex::new(file))
                .init();
            None
        }
        Err(e) => Some(format!(
            "logging disabled: cannot write {}: {e}",
            dir.display()
        )),
    }
}

async fn run(cli: Cli, log_warning: Option<String>) -> ExitCode {
    let cfg_dir = config::config_dir();
    let (keymap, km_warning) = config::load_keymap(cfg_dir.as_deref(), ec2tui::panes::keys());
    let (mut theme, theme_warning) = config::load_theme(cfg_dir.as_deref());
    // no-color.org: NO_COLOR set and not empty
    if cli.no_color || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        theme = ec2tui::ui::theme::Theme::mono();
    }
    let (settings, cfg_warning) = config::load_config(cfg_dir.as_deref());
    let warnings: Vec<String> = [log_warning, km_warning, theme_warning, cfg_warning]
        .into_iter()
        .flatten()
        .collect();
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        demo = cli.demo,
        "starting"
    );

    let result = if cli.demo {
        let universe = DemoRegion::interactive_universe(cli.demo_size);
        let region = cli.region.clone().unwrap_or_else(|| DEMO_REGION.into());
        let Some(first) = universe.region_world(&region) else {
            eprintln!(
                "ec2tui: the demo has no region {region}: {}",
                demo_regions().join(", ")
            );
            return ExitCode::from(2);
        };
        let profile = cli.profile.clone().unwrap_or_else(|| "demo".into());
        if !DEMO_PROFILES.contains(&profile.as_str()) {
            eprintln!(
                "ec2tui: the demo has no profile {profile} (its profiles: {})",
                DEMO_PROFILES.join(", ")
            );
            return ExitCode::from(2);
        }
        let ctx = Context {
            profile,
            region,
            endpoint: None,
            read_only: cli.read_only,
            demo: true,
            account: None,
            banner: None,
            typed: false,
            all_regions: false,
        };
        let api: Arc<dyn Ec2Api> = first;
        let (journal, journal_warning) = open_journal(&ctx);
        let warnings: Vec<String> = warnings.into_iter().chain(journal_warning).collect();
        // the demo's profiles share its worlds (one per region); a switch of profile changes
        // who is acting (and the safety the embedded demo config gives demo-prod)
        let connector: ec2tui::tui::Connector = Arc::new(move |profile: String, region: String| {
            let world = universe.region_world(&region);
            Box::pin(async move {
                let Some(world) = world else {
                    return Err(format!(
                        "the demo has no region {region}: {}",
                        demo_regions().join(", ")
                    ));
                };
                if !DEMO_PROFILES.contains(&profile.as_str()) {
                    return Err(format!(
                        "the demo has no profile {profile} (profiles: {})",
                        DEMO_PROFILES.join(", ")
                    ));
                }
                let ctx = Context {
                    profile,
                    region,
                    demo: true,
                    ..Context::default()
                };
                Ok((world as Arc<dyn Ec2Api>, open_journal(&ctx).0, None))
            })
        });
        let mut settings = settings;
        for (name, entry) in demo_rules() {
            settings.profiles.entry(name).or_insert(entry);
        }
        ec2tui::tui::run(
            api,
            journal,
            state(ctx, keymap, &cli, &settings, &warnings),
            theme,
            connector,
        )
        .await
    } else {
        let opts = ConnectOptions {
            profile: cli.profile.clone(),
            region: cli.region.clone(),
            endpoint_url: cli.endpoint_url.clone(),
            ..ConnectOptions::default()
        };
        let api = match SdkEc2::connect(&opts).await {
            Ok(api) => api,
            Err(e) => {
                eprintln!("ec2tui: {e}");
                return ExitCode::from(2);
            }
        };
        let Some(region) = api.region().map(str::to_string) else {
            eprintln!(
                "ec2tui: no AWS region configured: pass --region NAME, set AWS_REGION, or set a region for the profile in ~/.aws/config"
            );
            return ExitCode::from(2);
        };
        let profile = cli
            .profile
            .clone()
            .or_else(|| std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty()))
            .unwrap_or_else(|| "default".into());
        let endpoint = cli.endpoint_url.clone().or_else(|| {
            ["AWS_ENDPOINT_URL_EC2", "AWS_ENDPOINT_URL"]
                .iter()
                .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        });
        let ctx = Context {
            profile,
            region,
            endpoint,
            read_only: cli.read_only,
            demo: false,
            account: None,
            banner: None,
            typed: false,
            all_regions: false,
        };
        let (journal, journal_warning) = open_journal(&ctx);
        let warnings: Vec<String> = warnings.into_iter().chain(journal_warning).collect();
        // :region / :profile: new clients from the same options, another profile or region
        let base = opts.clone();
        let connector: ec2tui::tui::Connector = Arc::new(move |profile: String, region: String| {
            let opts = base.switched(&profile, &region);
            Box::pin(async move {
                let (api, account) = SdkEc2::connect_checked(&opts).await?;
                let ctx = Context {
                    profile,
                    region,
                    ..Context::default()
                };
                Ok((
                    Arc::new(api) as Arc<dyn Ec2Api>,
                    open_journal(&ctx).0,
                    Some(account),
                ))
            })
        });
        ec2tui::tui::run(
            Arc::new(api) as Arc<dyn Ec2Api>,
            journal,
            state(ctx, keymap, &cli, &settings, &warnings),
            theme,
            connector,
        )
        .await
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ec2tui: terminal error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The regions the demo simulates.
fn demo_regions() -> Vec<&'static str> {
    ec2tui::aws::demo::DEMO_REGIONS
        .iter()
        .filter(|(_, opt)| *opt != "not-opted-in")
        .map(|(r, _)| *r)
        .collect()
}

/// The embedded demo config: demo-prod is production.
fn demo_rules() -> Vec<(String, ec2tui::app::SafetyEntry)> {
    vec![(
        "demo-prod".into(),
        ec2tui::app::SafetyEntry {
            read_only: false,
            banner: Some("PRODUCTION".into()),
            confirm: ec2tui::app::safety::Confirmation::Typed,
        },
    )]
}

fn state(
    ctx: Context,
    keymap: ec2tui::app::Keymap,
    cli: &Cli,
    settings: &config::Config,
    warnings: &[String],
) -> AppState {
    let panes = ec2tui::panes::Settings {
        connect: settings.connect.clone(),
    };
    let mut app = ec2tui::panes::app_with(ctx, keymap, panes);
    app.refresh_secs = cli.refresh;
    app.rules = settings.rules();
    app.flag_read_only = cli.read_only;
    app.apply_safety();
    // every one kept whole in :messages; the status line shows the first (and says where
    // the rest is)
    app.now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    for w in warnings {
        app.log(ec2tui::app::Level::Error, w);
    }
    if let [first, rest @ ..] = warnings {
        let text = if rest.is_empty() {
            first.clone()
        } else {
            format!("{first} (+{} more: :messages)", rest.len())
        };
        app.status = Some(ec2tui::app::Status {
            text,
            level: ec2tui::app::Level::Error,
        });
    }
    app
}

/// The journal of changes, in the data directory; a failure to open it is shown in the UI.
fn open_journal(ctx: &Context) -> (Arc<Journal>, Option<String>) {
    let region = if ctx.demo {
        format!("{} (demo)", ctx.region)
    } else {
        ctx.region.clone()
    };
    let (journal, warning) = Journal::open(config::data_dir().as_deref(), &ctx.profile, &region);
    (Arc::new(journal), warning)
}
