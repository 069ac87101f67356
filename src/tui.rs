//! The async shell: owns the terminal, runs effects as spawned tasks, feeds their results
//! back into `update`. The loop never awaits AWS.

use std::io;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crossterm::event::{Event as TermEvent, EventStream, KeyEvent, KeyEventKind, KeyModifiers};
use futures::StreamExt;
use ratatui::DefaultTerminal;
use tokio::sync::mpsc;

use crate::app::{ApiEvent, AppState, Ec2Op, Effect, Event, Key, KeyCode, Target};
use crate::aws::{ApiResult, Ec2Api, Page, with_request_ids};
use crate::journal::{Entry, Journal};
use crate::ui;
use crate::ui::theme::Theme;

/// How many calls of one effect run at once (per-instance actions, protection look-ups).
const CONCURRENCY: usize = 8;

/// Converts a crossterm key to ours; releases and repeats are ignored.
pub fn key_from(k: KeyEvent) -> Option<Key> {
    if k.kind != KeyEventKind::Press {
        return None;
    }
    use crossterm::event::KeyCode as C;
    let code = match k.code {
        C::Char(c) => KeyCode::Char(c),
        C::Enter => KeyCode::Enter,
        C::Esc => KeyCode::Esc,
        C::Tab => KeyCode::Tab,
        C::BackTab => KeyCode::BackTab,
        C::Backspace => KeyCode::Backspace,
        C::Delete => KeyCode::Delete,
        C::Up => KeyCode::Up,
        C::Down => KeyCode::Down,
        C::Left => KeyCode::Left,
        C::Right => KeyCode::Right,
        C::Home => KeyCode::Home,
        C::End => KeyCode::End,
        C::PageUp => KeyCode::PageUp,
        C::PageDown => KeyCode::PageDown,
        C::F(n) => KeyCode::F(n),
        _ => return None,
    };
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    let code = match code {
        KeyCode::Char(c) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
        other => other,
    };
    Some(Key {
        code,
        ctrl,
        alt: k.modifiers.contains(KeyModifiers::ALT),
    })
}

fn epoch_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn report(journal: &Journal, sink: &(dyn Fn(ApiEvent) -> bool + Sync), entry: Entry) {
    let error = journal.write(&entry).err();
    sink(ApiEvent::Journal {
        entry: Box::new(entry),
        error,
    });
}

/// Runs one mutating call, journaled before it is sent and again with its outcome.
async fn journaled<T, F: std::future::Future<Output = ApiResult<T>>>(
    journal: &Journal,
    sink: &(dyn Fn(ApiEvent) -> bool + Sync),
    operation: &str,
    targets: Vec<String>,
    params: Vec<(String, String)>,
    call: F,
) -> ApiResult<T> {
    report(
        journal,
        sink,
        journal.entry("request", operation, targets.clone(), params.clone()),
    );
    let (result, ids) = with_request_ids(call).await;
    let mut out = journal.entry("outcome", operation, targets, params);
    match &result {
        Ok(_) => out.result = Some("ok".into()),
        Err(e) => {
            out.result = Some("error".into());
            out.code = e.code.clone();
            out.message = Some(e.message.clone());
            out.request_id = e.request_id.clone();
        }
    }
    if out.request_id.is_none() {
        out.request_id = ids.last().cloned();
    }
    report(journal, sink, out);
    result
}

/// Lists every page: fetches page after page, hands each to `emit` (false: stop, nobody
/// listens), and stops at the last page or the first error.
async fn paginate<T, F, Fut>(mut fetch: F, emit: impl Fn(ApiResult<Page<T>>) -> bool)
where
    F: FnMut(Option<String>) -> Fut,
    Fut: std::future::Future<Output = ApiResult<Page<T>>>,
{
    let mut token = None;
    loop {
        let result = fetch(token.take()).await;
        let next = result.as_ref().ok().and_then(|p| p.next_token.clone());
        let end = next.is_none();
        if !emit(result) || end {
            break;
        }
        token = next;
    }
}

fn op_name(op: &Ec2Op) -> (&'static str, Vec<(String, String)>) {
    match op {
        Ec2Op::Start(_) => ("StartInstances", vec![]),
        Ec2Op::Stop { force, .. } => ("StopInstances", vec![("force".into(), force.to_string())]),
        Ec2Op::Reboot(_) => ("RebootInstances", vec![]),
        Ec2Op::Terminate(_) => ("TerminateInstances", vec![]),
        Ec2Op::SetProtection { on, .. } => (
            "ModifyInstanceAttribute",
            vec![("disableApiTermination".into(), on.to_string())],
        ),
    }
}

async fn call_one<A: Ec2Api + ?Sized>(api: &A, op: &Ec2Op, id: String) -> ApiResult<()> {
    match op {
        Ec2Op::Start(_) => api.start_instance(id).await,
        Ec2Op::Stop { force, .. } => api.stop_instance(id, *force).await,
        Ec2Op::Reboot(_) => api.reboot_instance(id).await,
        Ec2Op::Terminate(_) => api.terminate_instance(id).await,
        Ec2Op::SetProtection { on, .. } => api.set_termination_protection(id, *on).await,
    }
}

/// Runs one effect to completion, reporting each result through `sink`. The shell spawns
/// this; tests await it inline for determinism.
pub async fn run_effect<A: Ec2Api + ?Sized>(
    api: &A,
    journal: &Journal,
    fx: Effect,
    sink: &(dyn Fn(ApiEvent) -> bool + Sync),
) {
    match fx {
        Effect::LoadIdentity => {
            sink(ApiEvent::Identity(api.identity().await));
        }
        Effect::ListInstances { req } => {
            paginate(
                |t| api.list_instances(t),
                |result| sink(ApiEvent::InstancesPage { req, result }),
            )
            .await;
        }
        Effect::Watch { ids } => {
            sink(ApiEvent::Watched(api.describe_instances(ids).await));
        }
        Effect::Call { req, op } => {
            let targets: Vec<Target> = op.targets().to_vec();
            let results: Vec<(Target, ApiResult<()>)> = futures::stream::iter(targets)
                .map(|t| {
                    let op = &op;
                    async move {
                        tracing::info!(op = op.verb(), id = %t.id, "calling");
                        let (name, params) = op_name(op);
                        let r = journaled(
                            journal,
                            sink,
                            name,
                            vec![t.id.clone()],
                            params,
                            call_one(api, op, t.id.clone()),
                        )
                        .await;
                        if let Err(e) = &r {
                            tracing::warn!(op = op.verb(), id = %t.id, error = %e, "refused");
                        }
                        (t, r)
                    }
                })
                .buffered(CONCURRENCY)
                .collect()
                .await;
            sink(ApiEvent::Done { req, op, results });
        }
        Effect::FetchProtection { ids } => {
            let results = futures::stream::iter(ids)
                .map(|id| async move {
                    let r = api.termination_protection(id.clone()).await;
                    (id, r)
                })
                .buffer_unordered(CONCURRENCY)
                .collect()
                .await;
            sink(ApiEvent::Protection(results));
        }
        Effect::FetchStatuses { ids } => {
            sink(ApiEvent::Statuses(api.statuses_of(ids).await));
        }
        Effect::FetchUserData { id } => {
            let result = api.user_data(id.clone()).await;
            sink(ApiEvent::UserData { id, result });
        }
        Effect::ListImages { req, scope } => {
            paginate(
                |t| api.list_images(scope, t),
                |result| sink(ApiEvent::ImagesPage { req, result }),
            )
            .await;
        }
        Effect::WatchImages { region, ids } => {
            let result = api.describe_images(region.clone(), ids).await;
            sink(ApiEvent::ImagesWatched { region, result });
        }
        Effect::CreateImage { req, spec } => {
            let instance_id = spec.instance_id.clone();
            tracing::info!(instance = %instance_id, name = %spec.name, no_reboot = spec.no_reboot, "create image");
            let params = vec![
                ("name".into(), spec.name.clone()),
                ("noReboot".into(), spec.no_reboot.to_string()),
            ];
            let result = journaled(
                journal,
                sink,
                "CreateImage",
                vec![instance_id.clone()],
                params,
                api.create_image(spec),
            )
            .await;
            sink(ApiEvent::ImageCreated {
                req,
                instance_id,
                result,
            });
        }
        Effect::Deregister {
            req: _,
            image,
            snapshots,
        } => {
            tracing::info!(image = %image.id, snapshots = snapshots.len(), "deregister");
            let result = journaled(
                journal,
                sink,
                "DeregisterImage",
                vec![image.id.clone()],
                vec![],
                api.deregister_image(image.id.clone()),
            )
            .await;
            let mut snaps = Vec::new();
            if result.is_ok() {
                for s in snapshots {
                    let r = journaled(
                        journal,
                        sink,
                        "DeleteSnapshot",
                        vec![s.clone()],
                        vec![],
                        api.delete_snapshot(s.clone()),
                    )
                    .await;
                    snaps.push((s, r));
                }
            }
            sink(ApiEvent::Deregistered {
                image,
                result,
                snapshots: snaps,
            });
        }
        Effect::CopyImage {
            req: _,
            image,
            name,
            region,
        } => {
            tracing::info!(image = %image.id, %region, "copy image");
            let params = vec![
                ("name".into(), name.clone()),
                ("targetRegion".into(), region.clone()),
            ];
            let result = journaled(
                journal,
                sink,
                "CopyImage",
                vec![image.id.clone()],
                params,
                api.copy_image(image.id.clone(), name, region.clone()),
            )
            .await;
            sink(ApiEvent::Copied {
                image,
                region,
                result,
            });
        }
        Effect::LoadLaunchOptions => {
            let (types, keys, subnets, groups) = futures::join!(
                api.instance_types(),
                api.key_pairs(),
                api.subnets(),
                api.security_groups()
            );
            let result = (|| {
                Ok(crate::app::LaunchOptions {
                    types: types?,
                    keys: keys?,
                    subnets: subnets?,
                    groups: groups?,
                })
            })();
            sink(ApiEvent::LaunchOptions(result));
        }
        Effect::LoadRegions => {
            sink(ApiEvent::Regions(api.regions().await));
        }
        Effect::Launch {
            req,
            mut spec,
            dry_run,
        } => {
            // `@path` user data is read here, in the shell, not in the pure core
            if let Some(path) = spec
                .user_data
                .as_deref()
                .and_then(|u| u.trim().strip_prefix('@'))
            {
                let path = path.trim().to_string();
                match std::fs::read_to_string(&path) {
                    Ok(text) => spec.user_data = Some(text),
                    Err(e) => {
                        let err = crate::aws::ApiError::other(
                            crate::aws::ErrorKind::Other,
                            format!("cannot read the user data file {path}: {e}"),
                        );
                        sink(ApiEvent::Launched {
                            req,
                            dry_run,
                            result: Err(err),
                        });
                        return;
                    }
                }
            }
            tracing::info!(image = %spec.image_id, count = spec.count, dry_run, "run instances");
            let params = vec![
                ("instanceType".into(), spec.instance_type.clone()),
                ("count".into(), spec.count.to_string()),
                ("dryRun".into(), dry_run.to_string()),
            ];
            let result = journaled(
                journal,
                sink,
                "RunInstances",
                vec![spec.image_id.clone()],
                params,
                api.run_instances(spec, dry_run),
            )
            .await;
            sink(ApiEvent::Launched {
                req,
                dry_run,
                result,
            });
        }
        Effect::ListVolumes { req } => {
            paginate(
                |t| api.list_volumes(t),
                |result| sink(ApiEvent::VolumesPage { req, result }),
            )
            .await;
        }
        Effect::ListSnapshots { req, owner } => {
            paginate(
                |t| api.list_snapshots(owner.clone(), t),
                |result| sink(ApiEvent::SnapshotsPage { req, result }),
            )
            .await;
        }
        Effect::ListStatuses { req } => {
            paginate(
                |t| api.instance_statuses(t),
                |result| sink(ApiEvent::StatusesPage { req, result }),
            )
            .await;
        }
        Effect::WatchSnapshotCopies { region, ids } => {
            let result = api.describe_snapshots(Some(region.clone()), ids).await;
            sink(ApiEvent::SnapshotCopiesWatched { region, result });
        }
        Effect::WatchStorage { volumes, snapshots } => {
            let volumes = if volumes.is_empty() {
                Ok(Vec::new())
            } else {
                api.describe_volumes(volumes).await
            };
            let snapshots = if snapshots.is_empty() {
                Ok(Vec::new())
            } else {
                api.describe_snapshots(None, snapshots).await
            };
            sink(ApiEvent::StorageWatched { volumes, snapshots });
        }
        Effect::LoadZones => {
            sink(ApiEvent::Zones(api.availability_zones().await));
        }
        Effect::Storage { req: _, op } => {
            use crate::app::storage::StorageOp;
            let result = match &op {
                StorageOp::CreateVolume(spec) => {
                    let params = vec![
                        ("availabilityZone".into(), spec.az.clone()),
                        ("size".into(), spec.size_gib.to_string()),
                        ("volumeType".into(), spec.volume_type.clone()),
                        (
                            "snapshotId".into(),
                            spec.snapshot_id.clone().unwrap_or_default(),
                        ),
                    ];
                    journaled(
                        journal,
                        sink,
                        "CreateVolume",
                        vec![],
                        params,
                        api.create_volume(spec.clone()),
                    )
                    .await
                    .map(Some)
                }
                StorageOp::Attach {
                    volume,
                    instance,
                    device,
                } => journaled(
                    journal,
                    sink,
                    "AttachVolume",
                    vec![volume.clone(), instance.clone()],
                    vec![("device".into(), device.clone())],
                    api.attach_volume(volume.clone(), instance.clone(), device.clone()),
                )
                .await
                .map(|_| None),
                StorageOp::Detach {
                    volume,
                    instance,
                    force,
                } => journaled(
                    journal,
                    sink,
                    "DetachVolume",
                    vec![volume.clone(), instance.clone()],
                    vec![("force".into(), force.to_string())],
                    api.detach_volume(volume.clone(), instance.clone(), *force),
                )
                .await
                .map(|_| None),
                StorageOp::DeleteVolume(v) => journaled(
                    journal,
                    sink,
                    "DeleteVolume",
                    vec![v.clone()],
                    vec![],
                    api.delete_volume(v.clone()),
                )
                .await
                .map(|_| None),
                StorageOp::Snapshot {
                    volume,
                    description,
                    tags,
                } => journaled(
                    journal,
                    sink,
                    "CreateSnapshot",
                    vec![volume.clone()],
                    vec![("description".into(), description.clone())],
                    api.create_snapshot(volume.clone(), description.clone(), tags.clone()),
                )
                .await
                .map(Some),
                StorageOp::CopySnapshot {
                    snapshot,
                    region,
                    description,
                } => journaled(
                    journal,
                    sink,
                    "CopySnapshot",
                    vec![snapshot.clone()],
                    vec![("targetRegion".into(), region.clone())],
                    api.copy_snapshot(snapshot.clone(), description.clone(), region.clone()),
                )
                .await
                .map(Some),
                StorageOp::DeleteSnapshot(s) => journaled(
                    journal,
                    sink,
                    "DeleteSnapshot",
                    vec![s.clone()],
                    vec![],
                    api.delete_snapshot(s.clone()),
                )
                .await
                .map(|_| None),
            };
            sink(ApiEvent::StorageDone { op, result });
        }
        Effect::Quit => {}
    }
}

fn spawn_effect<A: Ec2Api + ?Sized>(
    api: &Arc<A>,
    journal: &Arc<Journal>,
    tx: &mpsc::UnboundedSender<ApiEvent>,
    fx: Effect,
) {
    if fx == Effect::Quit {
        return;
    }
    let api = Arc::clone(api);
    let journal = Arc::clone(journal);
    let tx = tx.clone();
    tokio::spawn(async move {
        run_effect(&*api, &journal, fx, &|ev| tx.send(ev).is_ok()).await;
    });
}

/// Leaves raw mode and the alternate screen and shows the cursor again.
pub fn restore() {
    ratatui::restore();
    let _ = crossterm::execute!(io::stdout(), crossterm::cursor::Show);
}

/// Makes a panic anywhere (the loop or a spawned task) restore the terminal, log, and exit
/// non-zero instead of leaving a live app on a restored terminal.
fn install_panic_hook() {
    let restore_and_report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        tracing::error!("panic: {info}");
        restore();
        restore_and_report(info);
        eprintln!("ec2tui crashed; the terminal was restored. See the log for details.");
        std::process::exit(101);
    }));
}

/// Runs the UI until the user quits. The terminal is restored on every exit path.
pub async fn run<A: Ec2Api + ?Sized>(
    api: Arc<A>,
    journal: Arc<Journal>,
    app: AppState,
    theme: Theme,
) -> io::Result<()> {
    let mut terminal = match ratatui::try_init() {
        Ok(t) => t,
        Err(e) => {
            ratatui::restore();
            return Err(io::Error::new(
                e.kind(),
                format!("ec2tui needs an interactive terminal ({e})"),
            ));
        }
    };
    install_panic_hook();
    let result = event_loop(&mut terminal, api, journal, app, &theme).await;
    drop(terminal);
    restore();
    result
}

async fn event_loop<A: Ec2Api + ?Sized>(
    terminal: &mut DefaultTerminal,
    api: Arc<A>,
    journal: Arc<Journal>,
    mut app: AppState,
    theme: &Theme,
) -> io::Result<()> {
    let (tx, mut rx) = mpsc::unbounded_channel::<ApiEvent>();
    let mut input = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut watch = tokio::time::interval(Duration::from_secs(2));
    let refresh_every = Duration::from_secs(app.refresh_secs.max(1));
    let mut refresh =
        tokio::time::interval_at(tokio::time::Instant::now() + refresh_every, refresh_every);
    refresh.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let auto_refresh = app.refresh_secs > 0;

    let size = terminal.size()?;
    let mut fx = app.update(Event::Resize {
        width: size.width,
        height: size.height,
    });
    fx.extend(app.update(Event::Tick { now: epoch_now() }));
    fx.extend(app.start());
    for f in fx {
        spawn_effect(&api, &journal, &tx, f);
    }
    terminal.draw(|f| ui::draw(f, &app, theme))?;
    if std::env::var_os("EC2TUI_DEBUG_PANIC").is_some() {
        // a support aid (and the test of the panic path): a panic in a spawned task must
        // restore the terminal and end the process, not leave a live app behind
        tokio::spawn(async { panic!("EC2TUI_DEBUG_PANIC is set") });
    }

    loop {
        let first = tokio::select! {
            ev = input.next() => match ev {
                Some(Ok(e)) => term_event(e),
                Some(Err(e)) => return Err(e),
                None => return Ok(()),
            },
            Some(a) = rx.recv() => Some(Event::Api(a)),
            _ = tick.tick() => Some(Event::Tick { now: epoch_now() }),
            _ = watch.tick() => Some(Event::WatchDue),
            _ = refresh.tick(), if auto_refresh => Some(Event::RefreshDue),
        };
        let mut batch: Vec<Event> = first.into_iter().collect();
        // drain the results that are ready too, then draw once. (Terminal events are not
        // drained with now_or_never: a dropped poll of EventStream loses its wake-up and
        // the next key would wait for the next tick.)
        while let Ok(a) = rx.try_recv() {
            batch.push(Event::Api(a));
            if batch.len() > 512 {
                break;
            }
        }
        if batch.is_empty() {
            continue;
        }
        for ev in batch {
            for f in app.update(ev) {
                spawn_effect(&api, &journal, &tx, f);
            }
            if app.quit {
                return Ok(());
            }
        }
        app.prepare_draw();
        terminal.draw(|f| ui::draw(f, &app, theme))?;
    }
}

fn term_event(e: TermEvent) -> Option<Event> {
    match e {
        TermEvent::Key(k) => key_from(k).map(Event::Key),
        TermEvent::Resize(width, height) => Some(Event::Resize { width, height }),
        _ => None,
    }
}
