//! Switching region and profile (`:region`, `:profile`) against moto (one server serves every
//! region: the region comes from the request's signature), with profiles from temporary
//! shared config and credentials files whose profiles name moto as their `endpoint_url`.

use ec2tui::app::{Dialog, Event, Key, KeyCode};
use ec2tui::aws::sdk::{ConnectOptions, SdkEc2};
use ec2tui::aws::{Instance, Page};

use crate::driver::{Driver, Panes, fetch_req, instances_page, state};
use crate::emulator::{Moto, some_ami};
use crate::ui::{render, text};

/// Shared config and credentials files: `moto` (moto's endpoint, keys), `broken` (its
/// credentials come from a program that does not exist).
fn profile_files(moto: &Moto) -> (std::path::PathBuf, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!(
        "ec2tui-switch-{}-{}",
        std::process::id(),
        moto.port
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config");
    let credentials = dir.join("credentials");
    std::fs::write(
        &config,
        format!(
            "[profile moto]\nregion = us-east-1\nendpoint_url = {ep}\n\n\
             [profile broken]\nregion = us-east-1\nendpoint_url = {ep}\n\
             credential_process = /nonexistent/credential-helper --for broken\n",
            ep = moto.endpoint
        ),
    )
    .unwrap();
    std::fs::write(
        &credentials,
        "[moto]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
    )
    .unwrap();
    (config, credentials)
}

fn options(
    files: &(std::path::PathBuf, std::path::PathBuf),
    profile: &str,
    region: &str,
) -> ConnectOptions {
    ConnectOptions {
        profile: Some(profile.into()),
        region: Some(region.into()),
        config_file: Some(files.0.clone()),
        credentials_file: Some(files.1.clone()),
        ..ConnectOptions::default()
    }
}

async fn launch_in(moto: &Moto, region: &str, n: i32) -> Vec<String> {
    let conf = moto.sdk_config().await.into_builder();
    let conf = conf
        .region(aws_config::Region::new(region.to_string()))
        .build();
    let c = aws_sdk_ec2::Client::new(&conf);
    let ami = some_ami(&c).await;
    let out = c
        .run_instances()
        .image_id(ami)
        .min_count(n)
        .max_count(n)
        .send()
        .await
        .unwrap();
    out.instances()
        .iter()
        .filter_map(|i| i.instance_id().map(str::to_string))
        .collect()
}

fn listed(d: &Driver<SdkEc2>) -> Vec<String> {
    let mut ids: Vec<String> = d.app.instances().ids().map(str::to_string).collect();
    ids.sort();
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn region_and_profile_switches_show_only_the_new_ones_and_a_bad_profile_keeps_the_old() {
    let moto = Moto::start();
    let mut east = launch_in(&moto, "us-east-1", 2).await;
    let mut west = launch_in(&moto, "eu-west-1", 3).await;
    east.sort();
    west.sort();
    let files = profile_files(&moto);
    let (api, _) = SdkEc2::connect_checked(&options(&files, "moto", "us-east-1"))
        .await
        .expect("the moto profile works");
    let mut d = Driver::new(api, false);
    d.app.ctx.profile = "moto".into();
    d.app.set_factory(Box::new(ec2tui::panes::registry));
    let f = files.clone();
    d.connector = Some(Box::new(move |profile, region| {
        let opts = options(&f, &profile, &region);
        Box::pin(async move {
            SdkEc2::connect_checked(&opts)
                .await
                .map(|(api, account)| (api, Some(account)))
        })
    }));
    d.start().await;
    assert_eq!(listed(&d), east);
    assert!(d.app.ctx.account.is_some());

    // :region NAME: only the new region's instances, the header names it
    d.keys(":region eu-west-1").await;
    d.enter().await;
    assert_eq!(d.app.ctx.region, "eu-west-1");
    assert_eq!(listed(&d), west, "nothing of us-east-1 under the new name");
    assert!(d.app.ctx.account.is_some(), "identity asked again");
    let header = text(&render(&mut d.app, 120, 20))
        .lines()
        .next()
        .unwrap()
        .to_string();
    assert!(header.contains("eu-west-1"), "{header}");

    // :profile broken: its credentials fail; the cause is said, and the old profile stays
    d.keys(":profile broken").await;
    d.enter().await;
    let said = d.status();
    assert!(
        said.contains("cannot switch to profile broken")
            && said.contains("credential")
            && said.contains("still on profile moto in eu-west-1"),
        "{said}"
    );
    assert_eq!(d.app.ctx.profile, "moto");
    d.key(Key::ctrl('r')).await;
    assert_eq!(listed(&d), west, "the old profile is still usable");

    // :profile alone: the picker lists the files' profiles (aws-config's parsing)
    d.keys(":profile").await;
    d.enter().await;
    let Some(Dialog::Pick(p)) = &d.app.dialog else {
        panic!("a picker");
    };
    let names: Vec<&str> = p
        .choices
        .as_ref()
        .unwrap()
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, ["broken", "moto"]);
    d.key(Key::plain(KeyCode::Esc)).await;

    // back to us-east-1 by the region picker: moto lists its regions, all enabled
    d.keys(":region").await;
    d.enter().await;
    let Some(Dialog::Pick(p)) = &d.app.dialog else {
        panic!("a picker");
    };
    let choices = p.choices.clone().unwrap();
    let at = choices.iter().position(|c| c.name == "us-east-1").unwrap();
    let now = choices.iter().position(|c| c.name == "eu-west-1").unwrap();
    assert_eq!(p.cursor, now, "the picker starts on the current region");
    for _ in now..at {
        d.keys("j").await;
    }
    for _ in at..now {
        d.keys("k").await;
    }
    d.enter().await;
    assert_eq!(d.app.ctx.region, "us-east-1");
    assert_eq!(listed(&d), east);
}

#[tokio::test]
async fn results_from_before_a_switch_are_dropped() {
    use ec2tui::app::{ApiEvent, SwitchTarget};
    let mut app = state(false);
    app.set_factory(Box::new(ec2tui::panes::registry));
    let old = fetch_req(&app.start(), "instances", "DescribeInstances").unwrap();
    let page = |id: &str| {
        Ok(Page {
            items: vec![Instance {
                id: id.into(),
                az: "us-east-1a".into(),
                ..Default::default()
            }],
            next_token: None,
        })
    };
    app.update(Event::Key(Key::char(':')));
    for c in "region eu-west-1".chars() {
        app.update(Event::Key(Key::char(c)));
    }
    let fx = app.update(Event::Key(Key::plain(KeyCode::Enter)));
    assert!(
        fx.iter()
            .any(|f| f.describe() == "connect: profile test in eu-west-1")
    );
    // the old region's listing is still in flight; the switch succeeds
    let fx = app.update(Event::Api(ApiEvent::Connected {
        to: SwitchTarget {
            profile: "test".into(),
            region: "eu-west-1".into(),
        },
        result: Ok(None),
    }));
    let new = fetch_req(&fx, "instances", "DescribeInstances").expect("listed afresh");
    // the old answer arrives late: dropped, never shown under eu-west-1
    app.update(instances_page(old, page("i-from-us-east-1")));
    assert!(app.instances().is_empty());
    app.update(instances_page(new, page("i-from-eu-west-1")));
    assert_eq!(app.instances().len(), 1);
    assert!(app.instances().get("i-from-eu-west-1").is_some());
    assert_eq!(app.ctx.region, "eu-west-1");
}

#[tokio::test]
async fn the_region_picker_on_the_demo_refuses_a_region_not_opted_in() {
    let mut d = crate::ui::demo_app(10).await;
    d.keys(":region").await;
    d.enter().await;
    d.keys("jj").await;
    d.enter().await;
    let Some(Dialog::Pick(p)) = &d.app.dialog else {
        panic!("still the picker");
    };
    assert!(
        p.note
            .as_deref()
            .unwrap()
            .contains("ap-east-1 is not enabled")
    );
    assert!(d.calls.is_empty());
    insta::assert_snapshot!(text(&render(&mut d.app, 80, 24)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_region_at_once_with_a_region_column_a_failing_region_and_calls_routed() {
    use crate::emulator::FaultProxy;
    let moto = Moto::start();
    let mut east = launch_in(&moto, "us-east-1", 2).await;
    let mut west = launch_in(&moto, "eu-west-1", 3).await;
    let mut north = launch_in(&moto, "eu-north-1", 1).await;
    east.sort();
    west.sort();
    north.sort();
    let proxy = FaultProxy::start(&moto);
    let conf = moto
        .sdk_config()
        .await
        .into_builder()
        .endpoint_url(&proxy.endpoint)
        .build();
    let mut d = Driver::new(SdkEc2::from_conf(&conf), false);
    d.start().await;
    assert_eq!(listed(&d), east);

    // every region: both regions' instances, each with its region; the Region column shows
    d.keys(":region all").await;
    d.enter().await;
    let mut all = [east.clone(), west.clone(), north.clone()].concat();
    all.sort();
    assert_eq!(listed(&d), all);
    for (ids, region) in [
        (&east, "us-east-1"),
        (&west, "eu-west-1"),
        (&north, "eu-north-1"),
    ] {
        for id in ids {
            assert_eq!(d.app.instances().get(id).unwrap().inst.region, region);
        }
    }
    let screen = text(&render(&mut d.app, 160, 30));
    assert!(
        screen.contains("Region") && screen.contains("eu-west-1"),
        "{screen}"
    );
    assert!(screen.contains("every region"), "{screen}");

    // a stop of one instance in each of two regions: grouped per region in the dialog, and
    // each call reaches its own region (separate clients see it)
    d.filter(&west[0]).await;
    d.keys(" ").await;
    d.filter(&east[0]).await;
    d.keys(" ").await;
    d.filter("").await;
    d.keys("S").await;
    let dialog = text(&render(&mut d.app, 160, 40));
    assert!(dialog.contains("in 2 regions"), "{dialog}");
    d.keys("y").await;
    let in_region = |r: &'static str| {
        aws_sdk_ec2::Client::new(
            &conf
                .clone()
                .into_builder()
                .endpoint_url(&moto.endpoint)
                .region(aws_config::Region::new(r))
                .build(),
        )
    };
    use crate::emulator::state_of;
    assert_eq!(state_of(&in_region("eu-west-1"), &west[0]).await, "stopped");
    assert_eq!(state_of(&in_region("us-east-1"), &east[0]).await, "stopped");
    assert_eq!(state_of(&in_region("eu-west-1"), &west[1]).await, "running");
    // followed in their own regions until they settle: the rows say so at once, region kept
    for (id, region) in [(&west[0], "eu-west-1"), (&east[0], "us-east-1")] {
        let row = d.app.instances().get(id).unwrap();
        assert_eq!(row.inst.state.as_str(), "stopped", "{id}");
        assert_eq!(row.inst.region, region);
    }

    // a region that fails: said for that region, the others still listed
    proxy.set("deny-region:eu-north-1");
    d.key(Key::ctrl('r')).await;
    let mut rest = [east.clone(), west.clone()].concat();
    rest.sort();
    let heading = text(&render(&mut d.app, 160, 30));
    assert!(
        heading.contains("eu-north-1 UnauthorizedOperation"),
        "the failed region is named:\n{heading}"
    );
    assert!(matches!(d.app.instances().load, ec2tui::app::Load::Loaded));
    let now = listed(&d);
    for id in &rest {
        assert!(now.contains(id), "{id} still listed");
    }
}

#[tokio::test]
async fn the_every_region_view_with_a_failed_region_and_a_production_banner() {
    use ec2tui::app::{AllRegionsView, ApiEvent, Event};
    use ec2tui::aws::listing::{AllRegions, RegionLoad};
    use ec2tui::panes::instances::Got;
    let mut d = crate::ui::demo_app(6).await;
    d.app.rules = {
        let mut r = ec2tui::app::SafetyRules::default();
        r.profiles.insert(
            "demo".into(),
            ec2tui::app::SafetyEntry {
                banner: Some("PRODUCTION".into()),
                ..Default::default()
            },
        );
        r
    };
    d.app.apply_safety();
    // :region all, its news as the listing of every region hands them over: one region
    // loads, one is denied
    d.keys(":region all").await;
    let fx = d.app.update(Event::Key(Key::plain(KeyCode::Enter)));
    let req = fetch_req(&fx, "instances", "DescribeInstances (every region)").expect("listed");
    let _ = AllRegionsView;
    let news = |n: AllRegions| {
        Event::Api(ApiEvent::Loaded {
            pane: "instances",
            req,
            data: Box::new(Got::AllRegions(n)),
        })
    };
    d.app.update(news(AllRegions::Regions(vec![
        "eu-west-1".into(),
        "us-east-1".into(),
    ])));
    let mut items = Vec::new();
    for (i, region) in ["eu-west-1", "eu-west-1", "eu-west-1"].iter().enumerate() {
        items.push(Instance {
            id: format!("i-00000000000000{i:03}"),
            name: format!("web-{i}"),
            az: format!("{region}a"),
            region: region.to_string(),
            state: ec2tui::aws::InstanceState::Running,
            ..Default::default()
        });
    }
    d.app.update(news(AllRegions::Page(Page {
        items,
        next_token: Some(String::new()),
    })));
    d.app.update(news(AllRegions::Region(
        "eu-west-1".into(),
        RegionLoad::Loaded(3),
    )));
    d.app.update(news(AllRegions::Region(
        "us-east-1".into(),
        RegionLoad::Failed("UnauthorizedOperation".into()),
    )));
    d.app.update(news(AllRegions::Page(Page {
        items: vec![],
        next_token: None,
    })));
    assert_eq!(d.app.instances().len(), 3);
    insta::assert_snapshot!(text(&render(&mut d.app, 100, 16)));
    // narrower (or with a longer profile name) the header says it in fewer words rather than
    // cut it off
    let narrow = text(&render(&mut d.app, 72, 16));
    let header = narrow.lines().next().unwrap();
    assert!(
        header.contains("PRODUCTION") && header.trim_end().ends_with("eu-west-1 +all"),
        "{header}"
    );
}
