//! The demo region is one consistent EC2 world: what one call changes, every other call sees,
//! as EC2 would show it. Driven through the ports as a trait object; transitions are short and
//! waited on with a deadline.

use std::collections::HashSet;
use std::future::Future;
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ec2tui::aws::demo::{DEMO_ACCOUNT, DemoRegion};
use ec2tui::aws::prelude::*;
use ec2tui::aws::{ApiError, ImageSpec, Instance, InstanceState, InstanceStatus, LaunchSpec};

fn demo(n: usize, transition: Duration) -> Arc<dyn Ec2Api> {
    Arc::new(DemoRegion::new(n, transition, Duration::ZERO))
}

/// Polls `probe` every 20 ms until it gives something; fails after 10 s.
async fn eventually<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(t) = probe().await {
            return t;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn instance(api: &dyn Ec2Api, id: &str) -> Instance {
    api.describe_instances(vec![id.into()])
        .await
        .unwrap()
        .remove(0)
}

async fn instances(api: &dyn Ec2Api) -> Vec<Instance> {
    let page = api.list_instances(None).await.unwrap();
    assert_eq!(page.next_token, None);
    page.items
}

async fn wait_state(api: &dyn Ec2Api, id: &str, state: InstanceState) -> Instance {
    eventually(&format!("{id} to be {state}"), || async move {
        let i = instance(api, id).await;
        (i.state == state).then_some(i)
    })
    .await
}

async fn all_statuses(api: &dyn Ec2Api) -> Vec<InstanceStatus> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = api.instance_statuses(token).await.unwrap();
        out.extend(page.items);
        match page.next_token {
            Some(t) => token = Some(t),
            None => return out,
        }
    }
}

fn code(e: &ApiError) -> &str {
    e.code.as_deref().unwrap_or("")
}

/// Whether `ip` is an address of `cidr` (`10.0.16.0/20`).
fn in_cidr(ip: &str, cidr: &str) -> bool {
    let (base, bits) = cidr.split_once('/').unwrap();
    let base = u32::from(base.parse::<Ipv4Addr>().unwrap());
    let mask = u32::MAX << (32 - bits.parse::<u32>().unwrap());
    ip.parse::<Ipv4Addr>()
        .is_ok_and(|a| u32::from(a) & mask == base & mask)
}

fn launch(image: &str, ty: &str, name: &str, count: i32) -> LaunchSpec {
    LaunchSpec {
        image_id: image.into(),
        instance_type: ty.into(),
        count,
        tags: vec![("Name".into(), name.into())],
        ..Default::default()
    }
}

const GOLDEN_WEB: &str = "ami-0f9e8d7c6b5a49382";

#[tokio::test]
async fn a_terminated_instance_deletes_its_delete_on_termination_volumes_and_frees_the_others() {
    let api = demo(60, Duration::from_millis(150));
    let api = api.as_ref();
    // a db or search instance: a root volume deleted with it, a data volume kept
    let victim = instances(api)
        .await
        .into_iter()
        .find(|i| {
            i.state == InstanceState::Running
                && i.block_devices.iter().any(|b| b.delete_on_termination)
                && i.block_devices.iter().any(|b| !b.delete_on_termination)
        })
        .expect("an instance with a kept volume");
    let id = victim.id.clone();
    let (gone, kept): (Vec<_>, Vec<_>) = victim
        .block_devices
        .iter()
        .partition(|b| b.delete_on_termination);
    let gone: Vec<String> = gone.iter().map(|b| b.volume_id.clone()).collect();
    let kept: Vec<String> = kept.iter().map(|b| b.volume_id.clone()).collect();
    for v in api
        .describe_volumes(gone.iter().chain(&kept).cloned().collect())
        .await
        .unwrap()
    {
        assert_eq!(v.state, "in-use", "{v:?}");
        assert_eq!(v.attachments.len(), 1);
        assert_eq!(v.attachments[0].instance_id, id);
    }

    api.set_termination_protection(id.clone(), false)
        .await
        .unwrap();
    api.terminate_instance(id.clone()).await.unwrap();
    let done = wait_state(api, &id, InstanceState::Terminated).await;
    assert!(done.block_devices.is_empty(), "{:?}", done.block_devices);
    assert!(done.private_ip.is_empty() && done.public_ip.is_empty());

    // kept: detached and available, at once
    for v in api.describe_volumes(kept.clone()).await.unwrap() {
        assert_eq!(v.state, "available", "{v:?}");
        assert!(v.attachments.is_empty(), "{v:?}");
    }
    // deleted: `deleting`, unattached, for a moment, then gone from DescribeVolumes
    for v in &gone {
        match api.describe_volumes(vec![v.clone()]).await {
            Ok(vs) => {
                assert_eq!(vs[0].state, "deleting", "{vs:?}");
                assert!(vs[0].attachments.is_empty(), "{vs:?}");
            }
            Err(e) => assert_eq!(code(&e), "InvalidVolume.NotFound"),
        }
        eventually(&format!("{v} to be deleted"), || async move {
            let e = api.describe_volumes(vec![v.clone()]).await.err()?;
            assert_eq!(code(&e), "InvalidVolume.NotFound", "{e}");
            Some(())
        })
        .await;
    }
    let listed: HashSet<String> = api
        .list_volumes(None)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|v| v.id)
        .collect();
    assert!(gone.iter().all(|v| !listed.contains(v)));
    assert!(kept.iter().all(|v| listed.contains(v)));
    // a kept volume is free again: it can be deleted
    api.delete_volume(kept[0].clone()).await.unwrap();

    // without transitions, terminating is immediate, and so is the deletion
    let api = demo(60, Duration::ZERO);
    let api = api.as_ref();
    let root = victim.block_devices[0].volume_id.clone();
    api.set_termination_protection(id.clone(), false)
        .await
        .unwrap();
    api.terminate_instance(id.clone()).await.unwrap();
    assert_eq!(instance(api, &id).await.state, InstanceState::Terminated);
    let e = api.describe_volumes(vec![root]).await.unwrap_err();
    assert_eq!(code(&e), "InvalidVolume.NotFound");
}

#[tokio::test]
async fn a_launched_instance_has_a_root_volume_from_its_image() {
    let api = demo(10, Duration::from_millis(50));
    let api = api.as_ref();
    let image = api
        .describe_images(None, vec![GOLDEN_WEB.into()])
        .await
        .unwrap()
        .remove(0);
    let mapping = image
        .devices
        .iter()
        .find(|d| d.device == image.root_device_name)
        .unwrap()
        .clone();
    let launched = api
        .run_instances(launch(GOLDEN_WEB, "t3.micro", "web-new", 2), false)
        .await
        .unwrap();
    assert_eq!(launched.len(), 2);
    let mut roots = HashSet::new();
    for inst in &launched {
        assert_eq!(inst.root_device_name, image.root_device_name);
        let root = inst
            .block_devices
            .iter()
            .find(|b| b.device == inst.root_device_name)
            .unwrap_or_else(|| panic!("no root device: {:?}", inst.block_devices));
        assert!(root.delete_on_termination);
        assert!(roots.insert(root.volume_id.clone()), "a volume each");
        let v = api
            .describe_volumes(vec![root.volume_id.clone()])
            .await
            .unwrap()
            .remove(0);
        assert_eq!(v.state, "in-use");
        assert_eq!(i64::from(v.size_gib), mapping.size_gib);
        assert_eq!(v.volume_type, "gp3");
        assert_eq!(v.az, inst.az);
        assert_eq!(v.snapshot_id, mapping.snapshot_id);
        assert_eq!(v.name, "web-new-root");
        assert!(v.tags.contains(&("Name".into(), "web-new-root".into())));
        assert_eq!(v.attachments.len(), 1, "{v:?}");
        let a = &v.attachments[0];
        assert_eq!(
            (
                a.instance_id.as_str(),
                a.device.as_str(),
                a.delete_on_termination
            ),
            (inst.id.as_str(), inst.root_device_name.as_str(), true)
        );
        // still there once it runs
        let running = wait_state(api, &inst.id, InstanceState::Running).await;
        assert_eq!(running.block_devices, inst.block_devices);
    }
    let listed: HashSet<String> = api
        .list_volumes(None)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|v| v.id)
        .collect();
    assert!(roots.is_subset(&listed), "DescribeVolumes lists them");
    // and it goes with its instance
    let id = launched[0].id.clone();
    let root = launched[0].block_devices[0].volume_id.clone();
    api.terminate_instance(id.clone()).await.unwrap();
    wait_state(api, &id, InstanceState::Terminated).await;
    eventually("the root volume to be deleted", || {
        let root = root.clone();
        async move { api.describe_volumes(vec![root]).await.err() }
    })
    .await;
}

#[tokio::test]
async fn an_image_is_backed_by_a_snapshot_of_each_volume() {
    let api = demo(60, Duration::from_millis(100));
    let api = api.as_ref();
    let source = instances(api)
        .await
        .into_iter()
        .find(|i| i.state == InstanceState::Running && i.block_devices.len() == 2)
        .expect("a running instance with two volumes");
    let ami = api
        .create_image(ImageSpec {
            instance_id: source.id.clone(),
            name: "db-backup".into(),
            description: "before the upgrade".into(),
            no_reboot: true,
            tags: vec![],
        })
        .await
        .unwrap();
    let image = api
        .describe_images(None, vec![ami.clone()])
        .await
        .unwrap()
        .remove(0);
    assert_eq!(image.devices.len(), 2, "{:?}", image.devices);
    let snaps = image.snapshot_ids();
    assert_eq!(snaps.len(), 2);
    assert_ne!(snaps[0], snaps[1]);
    let volumes = api
        .describe_volumes(
            source
                .block_devices
                .iter()
                .map(|b| b.volume_id.clone())
                .collect(),
        )
        .await
        .unwrap();
    for s in api.describe_snapshots(None, snaps.clone()).await.unwrap() {
        assert_eq!(s.owner_id, DEMO_ACCOUNT);
        assert_eq!(
            s.description,
            format!("Created by CreateImage({}) for {ami}", source.id)
        );
        let dev = image
            .devices
            .iter()
            .find(|d| d.snapshot_id == s.id)
            .unwrap();
        let b = source
            .block_devices
            .iter()
            .find(|b| b.device == dev.device)
            .unwrap();
        assert_eq!(
            s.volume_id, b.volume_id,
            "the snapshot of the volume at {}",
            b.device
        );
        let v = volumes.iter().find(|v| v.id == b.volume_id).unwrap();
        assert_eq!(s.size_gib, v.size_gib);
        assert_eq!(dev.size_gib, i64::from(v.size_gib));
        assert_eq!(dev.delete_on_termination, b.delete_on_termination);
        match s.state.as_str() {
            "pending" => assert!(s.progress.ends_with('%') && s.progress != "100%", "{s:?}"),
            "completed" => assert_eq!(s.progress, "100%"),
            other => panic!("{other}"),
        }
    }
    let mine: HashSet<String> = api
        .list_snapshots(DEMO_ACCOUNT.into(), None)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert!(
        snaps.iter().all(|s| mine.contains(s)),
        "DescribeSnapshots owner=self"
    );
    // pending, then completed at 100%; the image is available by then
    eventually("the snapshots to complete", || {
        let snaps = snaps.clone();
        async move {
            let all = api.describe_snapshots(None, snaps).await.unwrap();
            all.iter()
                .all(|s| s.state == "completed" && s.progress == "100%")
                .then_some(())
        }
    })
    .await;
    eventually("the image to be available", || {
        let ami = ami.clone();
        async move {
            let img = api
                .describe_images(None, vec![ami])
                .await
                .unwrap()
                .remove(0);
            (img.state == "available").then_some(())
        }
    })
    .await;
    // in use while the image exists
    let e = api.delete_snapshot(snaps[0].clone()).await.unwrap_err();
    assert_eq!(code(&e), "InvalidSnapshot.InUse");
    assert_eq!(
        e.message,
        format!("The snapshot {} is currently in use by {ami}", snaps[0])
    );
    api.deregister_image(ami.clone()).await.unwrap();
    api.delete_snapshot(snaps[0].clone()).await.unwrap();
    let e = api
        .describe_snapshots(None, vec![snaps[0].clone()])
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidSnapshot.NotFound");
    // the other outlives the image, as EC2 keeps them
    api.describe_snapshots(None, vec![snaps[1].clone()])
        .await
        .unwrap();
}

#[tokio::test]
async fn a_launched_instance_gets_a_free_address_of_its_subnet() {
    let api = demo(60, Duration::ZERO);
    let api = api.as_ref();
    let subnets = api.subnets().await.unwrap();
    let seeded = instances(api).await;
    for i in seeded.iter().filter(|i| !i.private_ip.is_empty()) {
        let s = subnets.iter().find(|s| s.id == i.subnet_id).unwrap();
        assert!(
            in_cidr(&i.private_ip, &s.cidr),
            "{} {} {}",
            i.id,
            i.private_ip,
            s.cidr
        );
        assert_eq!(s.az, i.az);
    }
    for s in &subnets {
        let mut spec = launch(GOLDEN_WEB, "t3.small", "in-subnet", 3);
        spec.subnet_id = Some(s.id.clone());
        for i in api.run_instances(spec, false).await.unwrap() {
            assert_eq!(
                (i.subnet_id.as_str(), i.az.as_str()),
                (s.id.as_str(), s.az.as_str())
            );
            assert!(
                in_cidr(&i.private_ip, &s.cidr),
                "{} in {}",
                i.private_ip,
                s.cidr
            );
            assert_eq!(
                i.private_dns,
                format!(
                    "ip-{}.eu-west-1.compute.internal",
                    i.private_ip.replace('.', "-")
                )
            );
        }
    }
    // no subnet given: a default subnet
    let i = api
        .run_instances(launch(GOLDEN_WEB, "t3.small", "anywhere", 1), false)
        .await
        .unwrap()
        .remove(0);
    let s = subnets.iter().find(|s| s.id == i.subnet_id).unwrap();
    assert!(s.default_for_az);
    assert_eq!(s.az, i.az);
    assert!(
        in_cidr(&i.private_ip, &s.cidr),
        "{} in {}",
        i.private_ip,
        s.cidr
    );
    // every address is held once
    let all = instances(api).await;
    let held: Vec<&str> = all
        .iter()
        .map(|i| i.private_ip.as_str())
        .filter(|ip| !ip.is_empty())
        .collect();
    let unique: HashSet<&str> = held.iter().copied().collect();
    assert_eq!(held.len(), unique.len(), "{held:?}");
    assert_eq!(all.len(), seeded.len() + 10);
    // a subnet that does not exist is refused
    let mut spec = launch(GOLDEN_WEB, "t3.small", "nowhere", 1);
    spec.subnet_id = Some("subnet-0nothere".into());
    let e = api.run_instances(spec, false).await.unwrap_err();
    assert_eq!(code(&e), "InvalidSubnetID.NotFound");
}

#[tokio::test]
async fn only_running_instances_have_status_checks() {
    let api = demo(20, Duration::from_millis(300));
    let api = api.as_ref();
    let seen = all_statuses(api).await;
    assert_eq!(seen.len(), 20, "IncludeAllInstances: every instance");
    assert!(seen.iter().any(|s| s.state != InstanceState::Running));
    for s in &seen {
        if s.state == InstanceState::Running {
            assert!(
                ["ok", "impaired", "initializing"].contains(&s.system_status.as_str()),
                "{s:?}"
            );
        } else {
            assert_eq!(
                (s.system_status.as_str(), s.instance_status.as_str()),
                ("not-applicable", "not-applicable"),
                "{s:?}"
            );
            assert_eq!(s.checks(), "");
            assert!(s.events.is_empty());
        }
    }
    // stop one that passes its checks: none while stopping, none once stopped
    let id = seen
        .iter()
        .find(|s| s.state == InstanceState::Running && s.checks() == "2/2")
        .unwrap()
        .id
        .clone();
    let not_checked = |s: &InstanceStatus| {
        s.state != InstanceState::Running
            && s.system_status == "not-applicable"
            && s.instance_status == "not-applicable"
            && s.checks().is_empty()
    };
    api.stop_instance(id.clone(), false).await.unwrap();
    let s = api.statuses_of(vec![id.clone()]).await.unwrap().remove(0);
    assert!(not_checked(&s), "{s:?}");
    wait_state(api, &id, InstanceState::Stopped).await;
    let s = api.statuses_of(vec![id.clone()]).await.unwrap().remove(0);
    assert_eq!(s.state, InstanceState::Stopped);
    assert!(not_checked(&s), "{s:?}");
    // start it: none while pending; on its new host it initializes, then passes
    api.start_instance(id.clone()).await.unwrap();
    let s = api.statuses_of(vec![id.clone()]).await.unwrap().remove(0);
    if s.state != InstanceState::Running {
        assert!(not_checked(&s), "{s:?}");
    }
    let first = eventually("it to run", || {
        let id = id.clone();
        async move {
            let s = api.statuses_of(vec![id]).await.unwrap().remove(0);
            (s.state == InstanceState::Running).then_some(s)
        }
    })
    .await;
    assert_eq!(first.checks(), "initializing", "{first:?}");
    eventually("its checks to pass", || {
        let id = id.clone();
        async move {
            let s = api.statuses_of(vec![id]).await.unwrap().remove(0);
            assert_eq!(s.state, InstanceState::Running);
            (s.checks() == "2/2").then_some(())
        }
    })
    .await;
    // terminated: not checked either
    api.terminate_instance(id.clone()).await.unwrap();
    wait_state(api, &id, InstanceState::Terminated).await;
    let s = api.statuses_of(vec![id.clone()]).await.unwrap().remove(0);
    assert!(not_checked(&s), "{s:?}");
}

#[tokio::test]
async fn every_reference_in_the_demo_world_resolves() {
    let api = demo(80, Duration::ZERO);
    let api = api.as_ref();
    let volumes = {
        let mut all = Vec::new();
        let mut token = None;
        loop {
            let page = api.list_volumes(token).await.unwrap();
            all.extend(page.items);
            match page.next_token {
                Some(t) => token = Some(t),
                None => break all,
            }
        }
    };
    // every instance's disks exist, attached to it where it says, and nothing else is attached
    let fleet = instances(api).await;
    let mut attached = 0;
    for i in &fleet {
        for b in &i.block_devices {
            let v = volumes
                .iter()
                .find(|v| v.id == b.volume_id)
                .unwrap_or_else(|| panic!("{} of {} is not listed", b.volume_id, i.id));
            assert_eq!(v.state, "in-use");
            assert_eq!(v.az, i.az);
            let a = &v.attachments[0];
            assert_eq!(
                (a.instance_id.as_str(), a.device.as_str()),
                (i.id.as_str(), b.device.as_str())
            );
            assert_eq!(a.delete_on_termination, b.delete_on_termination);
            attached += 1;
        }
        assert_eq!(i.private_dns.is_empty(), i.private_ip.is_empty(), "{i:?}");
        if i.state == InstanceState::Terminated {
            assert!(
                i.block_devices.is_empty() && i.private_ip.is_empty(),
                "{i:?}"
            );
        }
    }
    assert_eq!(
        volumes.iter().filter(|v| !v.attachments.is_empty()).count(),
        attached
    );
    // every snapshot of my images is one of my snapshots
    let images = api
        .list_images(ec2tui::aws::ImageScope::Mine, None)
        .await
        .unwrap()
        .items;
    let mine: Vec<String> = api
        .list_snapshots(DEMO_ACCOUNT.into(), None)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|s| s.id)
        .collect();
    for img in &images {
        for s in img.snapshot_ids() {
            assert!(mine.contains(&s), "{s} of {} is not listed", img.id);
        }
    }
    // a copy of an image has its own snapshots in its region, and leaves this one's alone
    let golden = &images[0];
    let copy = api
        .copy_image(golden.id.clone(), "golden-copy".into(), "us-west-2".into())
        .await
        .unwrap();
    let copied = api
        .describe_images(Some("us-west-2".into()), vec![copy])
        .await
        .unwrap()
        .remove(0);
    assert_eq!(copied.owner_id, DEMO_ACCOUNT);
    let theirs = copied.snapshot_ids();
    assert_eq!(theirs.len(), golden.snapshot_ids().len());
    for s in api
        .describe_snapshots(Some("us-west-2".into()), theirs.clone())
        .await
        .unwrap()
    {
        assert!(!golden.snapshot_ids().contains(&s.id));
        assert_eq!(s.owner_id, DEMO_ACCOUNT);
    }
    let e = api.describe_snapshots(None, theirs).await.unwrap_err();
    assert_eq!(code(&e), "InvalidSnapshot.NotFound", "not in this region");
}
