//! Listing a region's instances faster than one `NextToken` chain: one independent chain per
//! availability zone (the `availability-zone` filter), a bounded number of requests in
//! flight, pages handed over as they arrive. Where partitioning is refused or looks
//! inconsistent, one chain over the whole region, as before.

use std::sync::Arc;

use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;

use super::{ApiError, ApiResult, Ec2Api, Instance, Page};

/// Requests in flight at once across the chains.
pub const REQUESTS_AT_ONCE: usize = 4;

/// How a partitioned listing went (for tests and the log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Partition {
    /// One chain per zone, these zones.
    Zones(Vec<String>),
    /// One chain over the region, and why.
    Single(String),
}

/// Lists every instance of the region, handing each page to `emit` as it arrives; the last
/// page handed over (and only it) has no `next_token`. A failed zone fails the whole
/// listing (its error names the zone; no silently partial fleet). Stops early when `emit`
/// returns false (nobody listens any more): the chains still running are dropped.
pub async fn list_instances(
    api: Arc<dyn Ec2Api>,
    mut emit: impl FnMut(ApiResult<Page<Instance>>) -> bool + Send,
) -> Partition {
    let zones = match api.availability_zones().await {
        Ok(z) if z.len() > 1 => z,
        Ok(z) => {
            single(&*api, &mut emit).await;
            return Partition::Single(format!("{} zone(s)", z.len()));
        }
        Err(e) if e.kind != super::ErrorKind::Service => {
            // no answer (or no credentials): one chain would wait as long again, so the
            // listing fails now, within one budget
            let why = format!("zones not listed: {}", e.describe());
            emit(Err(e));
            return Partition::Single(why);
        }
        Err(e) => {
            // the zones refused (a policy without DescribeAvailabilityZones): one chain
            single(&*api, &mut emit).await;
            return Partition::Single(format!("zones not listed: {}", e.describe()));
        }
    };
    match chains(&api, &zones, &mut emit).await {
        Ok(()) => Partition::Zones(zones),
        Err(why) => {
            single(&*api, &mut emit).await;
            Partition::Single(why)
        }
    }
}

/// The whole region as one chain.
async fn single(
    api: &dyn Ec2Api,
    emit: &mut (impl FnMut(ApiResult<Page<Instance>>) -> bool + Send),
) {
    let mut token = None;
    loop {
        let result = api.list_instances(token.take()).await;
        let next = result.as_ref().ok().and_then(|p| p.next_token.clone());
        let end = next.is_none();
        if !emit(result) || end {
            return;
        }
        token = next;
    }
}

/// One chain per zone. `Err(why)` when partitioning must give way to one chain (nothing
/// final was emitted then); a failed zone is emitted as the listing's error and is `Ok`.
async fn chains(
    api: &Arc<dyn Ec2Api>,
    zones: &[String],
    emit: &mut (impl FnMut(ApiResult<Page<Instance>>) -> bool + Send),
) -> Result<(), String> {
    let (tx, mut rx) = mpsc::unbounded_channel::<(usize, bool, ApiResult<Page<Instance>>)>();
    let gate = Arc::new(Semaphore::new(REQUESTS_AT_ONCE));
    // dropped on return: every chain still running is aborted
    let mut tasks = JoinSet::new();
    for (z, zone) in zones.iter().enumerate() {
        let (api, tx, gate, zone) = (api.clone(), tx.clone(), gate.clone(), zone.clone());
        tasks.spawn(async move {
            let mut token = None;
            let mut first = true;
            loop {
                let result = {
                    let Ok(_permit) = gate.acquire().await else {
                        return;
                    };
                    api.list_instances_in(zone.clone(), token.take()).await
                };
                let next = result.as_ref().ok().and_then(|p| p.next_token.clone());
                let end = next.is_none();
                if tx.send((z, first, result)).is_err() || end {
                    return;
                }
                first = false;
                token = next;
            }
        });
    }
    drop(tx);
    let mut running = zones.len();
    // the page that ends the last chain is the listing's last page; each page is held
    // until the next arrives, so the last one can be told apart
    let mut held: Option<Page<Instance>> = None;
    let mut listed = 0;
    while let Some((z, first, result)) = rx.recv().await {
        let page = match result {
            Ok(page) => page,
            Err(e) if first && refused(&e) => {
                return Err(format!(
                    "zone {} refused the filter: {}",
                    zones[z],
                    e.describe()
                ));
            }
            Err(e) => {
                let e = ApiError {
                    message: format!("zone {}: {}", zones[z], e.message),
                    ..e
                };
                emit(Err(e));
                return Ok(());
            }
        };
        if let Some(stray) = page.items.iter().find(|i| i.az != zones[z]) {
            return Err(format!(
                "{} ({}) came back in the listing of zone {}",
                stray.id, stray.az, zones[z]
            ));
        }
        if page.next_token.is_none() {
            running -= 1;
        }
        listed += page.items.len();
        if running == 0 && listed == 0 {
            // every zone came back empty: a server that answers the filter with nothing
            // (some emulators do) would show an empty fleet; one look at the whole region
            if let Ok(p) = api.list_instances(None).await
                && !p.items.is_empty()
            {
                return Err("every zone listed no instance, but the region has some".into());
            }
        }
        if let Some(mut p) = held.replace(page) {
            p.next_token = Some(String::new());
            if !emit(Ok(p)) {
                return Ok(());
            }
        }
        if running == 0 {
            if let Some(mut p) = held.take() {
                p.next_token = None;
                emit(Ok(p));
            }
            return Ok(());
        }
    }
    // every sender gone without every chain ending: a chain's task died
    Err("a zone's listing ended without its last page".into())
}

/// The service refused the partition itself (the filter), not the caller or the network.
fn refused(e: &ApiError) -> bool {
    e.code.as_deref().is_some_and(|c| {
        c.starts_with("InvalidParameter")
            || c.starts_with("InvalidFilter")
            || c.starts_with("Unsupported")
    })
}

/// Regions listed at once by [`list_all_regions`] (each with its own zone chains).
pub const REGIONS_AT_ONCE: usize = 3;

/// Where one region's listing stands in a listing of every region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionLoad {
    Loading,
    Loaded(usize),
    /// Its error (the code, else the message): the other regions go on.
    Failed(String),
}

/// What a listing of every region hands over.
#[derive(Debug)]
pub enum AllRegions {
    /// The enabled regions, before anything else.
    Regions(Vec<String>),
    /// Instances (each with its `region`); only the very last page has no `next_token`.
    Page(Page<Instance>),
    Region(String, RegionLoad),
    /// The regions could not be listed at all.
    Failed(ApiError),
}

/// Lists the instances of every enabled region (`:region all`): at most
/// [`REGIONS_AT_ONCE`] regions at once, each as [`list_instances`] lists one, pages handed
/// over as they arrive with their region set. A region that fails is reported for that region
/// and never fails the whole (its instances are simply missing, and said to be). `home` is
/// the region `api` is in (used as is; the others through `in_region`).
pub async fn list_all_regions(
    api: Arc<dyn Ec2Api>,
    home: String,
    mut emit: impl FnMut(AllRegions) -> bool + Send,
) {
    let regions: Vec<String> = match api.regions_opt_in().await {
        Ok(rs) => rs
            .into_iter()
            .filter(|r| r.refusal().is_none())
            .map(|r| r.name)
            .collect(),
        Err(e) => {
            emit(AllRegions::Failed(e));
            return;
        }
    };
    if !emit(AllRegions::Regions(regions.clone())) {
        return;
    }
    type Got = (String, Option<ApiResult<Page<Instance>>>);
    let (tx, mut rx) = mpsc::unbounded_channel::<Got>();
    let gate = Arc::new(Semaphore::new(REGIONS_AT_ONCE));
    let mut tasks = JoinSet::new();
    for region in regions.iter().cloned() {
        let client = if region == home {
            Some(api.clone())
        } else {
            api.in_region(&region)
        };
        let (tx, gate) = (tx.clone(), gate.clone());
        tasks.spawn(async move {
            let Ok(_permit) = gate.acquire().await else {
                return;
            };
            let Some(client) = client else {
                let e = ApiError::other(
                    super::ErrorKind::Other,
                    format!("{region} cannot be reached from here"),
                );
                let _ = tx.send((region, Some(Err(e))));
                return;
            };
            let to = tx.clone();
            let r = region.clone();
            list_instances(client, move |page| {
                let failed = page.is_err();
                to.send((r.clone(), Some(page))).is_ok() && !failed
            })
            .await;
            // the region's chains are done (a failure was its last word)
            let _ = tx.send((region, None));
        });
    }
    drop(tx);
    let mut counts: std::collections::HashMap<String, usize> = Default::default();
    let mut failed: std::collections::HashSet<String> = Default::default();
    while let Some((region, got)) = rx.recv().await {
        match got {
            Some(Ok(mut page)) => {
                *counts.entry(region.clone()).or_default() += page.items.len();
                for i in &mut page.items {
                    i.region = region.clone();
                }
                page.next_token = Some(String::new());
                if !emit(AllRegions::Page(page)) {
                    return;
                }
            }
            Some(Err(e)) => {
                failed.insert(region.clone());
                let why = e.code.clone().unwrap_or_else(|| e.describe());
                if !emit(AllRegions::Region(region, RegionLoad::Failed(why))) {
                    return;
                }
            }
            None if !failed.contains(&region) => {
                let n = counts.get(&region).copied().unwrap_or(0);
                if !emit(AllRegions::Region(region, RegionLoad::Loaded(n))) {
                    return;
                }
            }
            None => {}
        }
    }
    emit(AllRegions::Page(Page {
        items: Vec::new(),
        next_token: None,
    }));
}
