//! The partitioned listing (one chain per availability zone) returns exactly what the single
//! chain returns — against moto with instances over several zones and against the canned
//! endpoint — falls back to one chain when partitioning is refused or inconsistent, and fails
//! as a whole when one zone fails. Correctness only; its speed is in `cargo bench`.

use std::collections::HashMap;
use std::sync::Arc;

use ec2tui::aws::listing::{self, Partition};
use ec2tui::aws::{ApiResult, Ec2Api, Instance, Page};

use crate::driver::{Driver, Panes};
use crate::emulator::{Moto, some_ami};

/// Every page a listing hands over, and how it went.
async fn partitioned(api: Arc<dyn Ec2Api>) -> (Vec<ApiResult<Page<Instance>>>, Partition) {
    let mut pages = Vec::new();
    let how = listing::list_instances(api, |p| {
        pages.push(p);
        true
    })
    .await;
    (pages, how)
}

/// Instance id → zone, from the pages of a successful listing; panics on a duplicate id, an
/// error, or a "last page" that is not the last.
fn fleet(pages: Vec<ApiResult<Page<Instance>>>) -> HashMap<String, String> {
    let n = pages.len();
    let mut out = HashMap::new();
    for (k, p) in pages.into_iter().enumerate() {
        let p = p.expect("no page fails");
        assert_eq!(
            p.next_token.is_none(),
            k + 1 == n,
            "only the last page ends it"
        );
        for i in p.items {
            let az = i.az.clone();
            assert!(
                out.insert(i.id.clone(), az).is_none(),
                "{} listed twice",
                i.id
            );
        }
    }
    out
}

/// The single chain, as the bare listing does it.
async fn single(api: &dyn Ec2Api) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut token = None;
    loop {
        let p = api.list_instances(token.take()).await.unwrap();
        for i in p.items {
            assert!(out.insert(i.id.clone(), i.az.clone()).is_none());
        }
        match p.next_token {
            Some(t) => token = Some(t),
            None => return out,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zones_listed_apart_give_exactly_the_single_chains_fleet_on_moto() {
    use aws_sdk_ec2::types::Placement;
    let moto = Moto::start();
    let c = moto.client().await;
    let ami = some_ami(&c).await;
    // 3 + 4 + 5 instances in three zones; moto pages by reservation, so a reservation each
    for (zone, n) in [("us-east-1a", 3), ("us-east-1b", 4), ("us-east-1c", 5)] {
        for _ in 0..n {
            c.run_instances()
                .image_id(&ami)
                .min_count(1)
                .max_count(1)
                .placement(Placement::builder().availability_zone(zone).build())
                .send()
                .await
                .unwrap();
        }
    }
    let api: Arc<dyn Ec2Api> = Arc::new(moto.adapter().await);
    let (pages, how) = partitioned(api.clone()).await;
    assert!(
        matches!(&how, Partition::Zones(z) if z.len() >= 3),
        "{how:?}"
    );
    let split = fleet(pages);
    let whole = single(&*api).await;
    assert_eq!(split.len(), 12);
    assert_eq!(
        split, whole,
        "same instances, same zones, none twice, none missing"
    );
    let per_zone = |z: &str| split.values().filter(|v| *v == z).count();
    assert_eq!(
        (
            per_zone("us-east-1a"),
            per_zone("us-east-1b"),
            per_zone("us-east-1c")
        ),
        (3, 4, 5)
    );

    // and the instances pane lists them this way: every one, once
    let mut d = Driver::new(moto.adapter().await, false);
    d.start().await;
    assert_eq!(d.app.instances().len(), 12);
    assert!(matches!(d.app.instances().load, ec2tui::app::Load::Loaded));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_canned_endpoint_partitioned_and_whole_agree_and_inconsistency_falls_back() {
    let n = 2_500;
    // the canned endpoint honours the filter: three chains of ~833, pages of 1,000 or less
    let canned = Moto::start_script("canned.py", &[&n.to_string()]);
    let api: Arc<dyn Ec2Api> = Arc::new(canned.adapter().await);
    let (pages, how) = partitioned(api.clone()).await;
    assert_eq!(
        how,
        Partition::Zones(vec![
            "us-east-1a".into(),
            "us-east-1b".into(),
            "us-east-1c".into()
        ])
    );
    let split = fleet(pages);
    assert_eq!(split.len(), n);
    assert_eq!(split, single(&*api).await);

    // a server that ignores the filter: every chain brings instances of other zones back —
    // inconsistent, so one chain instead, still exactly the fleet
    let ignoring = Moto::start_script("canned.py", &[&n.to_string(), "--ignore-filter"]);
    let api: Arc<dyn Ec2Api> = Arc::new(ignoring.adapter().await);
    let (pages, how) = partitioned(api.clone()).await;
    assert!(
        matches!(&how, Partition::Single(why) if why.contains("came back in the listing of zone")),
        "{how:?}"
    );
    // pages of the abandoned chains were handed over too (applied as upserts: nothing lost,
    // nothing twice in the table); the listing ends once, with the whole fleet
    let ends = pages
        .iter()
        .filter(|p| p.as_ref().unwrap().next_token.is_none())
        .count();
    assert_eq!(ends, 1);
    assert!(pages.last().unwrap().as_ref().unwrap().next_token.is_none());
    let ids: std::collections::HashSet<String> = pages
        .into_iter()
        .flat_map(|p| p.unwrap().items)
        .map(|i| i.id)
        .collect();
    assert_eq!(ids.len(), n);

    // a server answering every zone with nothing: one look at the whole region says
    // otherwise, so one chain
    let empty = Moto::start_script("canned.py", &[&n.to_string(), "--empty-filter"]);
    let api: Arc<dyn Ec2Api> = Arc::new(empty.adapter().await);
    let (pages, how) = partitioned(api.clone()).await;
    assert!(
        matches!(&how, Partition::Single(why) if why.contains("every zone listed no instance")),
        "{how:?}"
    );
    let ids: std::collections::HashSet<String> = pages
        .into_iter()
        .flat_map(|p| p.unwrap().items)
        .map(|i| i.id)
        .collect();
    assert_eq!(ids.len(), n);

    // zones refused: one chain
    let refused = Moto::start_script("canned.py", &[&n.to_string(), "--no-zones"]);
    let api: Arc<dyn Ec2Api> = Arc::new(refused.adapter().await);
    let (pages, how) = partitioned(api.clone()).await;
    assert!(
        matches!(&how, Partition::Single(why) if why.contains("UnauthorizedOperation")),
        "{how:?}"
    );
    assert_eq!(fleet(pages).len(), n);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_failing_zone_fails_the_whole_listing_with_its_name() {
    let canned = Moto::start_script("canned.py", &["3000", "--fail-zone=us-east-1b"]);
    let api: Arc<dyn Ec2Api> = Arc::new(canned.adapter().await);
    let (pages, _) = partitioned(api).await;
    let last = pages.last().expect("something handed over");
    let e = last.as_ref().expect_err("the listing fails");
    assert!(e.message.contains("zone us-east-1b"), "{e:?}");
    assert!(
        pages[..pages.len() - 1]
            .iter()
            .all(|p| p.as_ref().is_ok_and(|p| p.next_token.is_some())),
        "no page before the error claims to end the listing"
    );

    // in the app: the error is shown and the listing is not taken as complete
    let mut d = Driver::new(canned.adapter().await, false);
    d.start().await;
    assert!(
        matches!(d.app.instances().load, ec2tui::app::Load::Failed(_)),
        "{:?}",
        d.app.instances().load
    );
    let said = &d.app.status.as_ref().unwrap().text;
    assert!(
        said.contains("cannot list instances") && said.contains("us-east-1b"),
        "{said}"
    );
}
