//! The simulated base images: pulling, sharing, listing, history, tags and
//! removal, in Docker's output shapes.

use layerlab_engine::catalogue::catalogue;
use layerlab_engine::date::parse_time;
use layerlab_engine::listing::{ago, table};
use layerlab_engine::{Engine, MemHost};

/// 2026-11-23T00:00:00Z: a fixed "now" for CREATED columns.
const NOW: i64 = 1_795_392_000;

fn host() -> MemHost {
    MemHost { now: Some(NOW), ..MemHost::default() }
}

fn run(engine: &mut Engine, host: &mut MemHost, line: &str) -> String {
    let out = engine.run(line, host);
    assert_eq!(out.status, 0, "{line}:\n{}", out.text);
    out.text
}

#[test]
fn catalogue_parses_and_every_image_has_its_layers() {
    let cat = catalogue().unwrap();
    assert!(cat.images.len() >= 10);
    for name in ["alpine:latest", "alpine:3.17", "busybox", "ubuntu", "debian", "nginx", "mysql", "postgres", "openjdk:8", "grafana/grafana"] {
        assert!(cat.find(name).is_some(), "{name} is missing");
    }
}

#[test]
fn alpine_then_grafana_shares_the_base_layer_stored_once() {
    let (mut engine, mut h) = (Engine::new(), host());
    let out = run(&mut engine, &mut h, "docker pull alpine:3.17");
    assert!(out.starts_with("3.17: Pulling from library/alpine\n"), "{out}");
    assert!(out.contains(": Pull complete \nDigest: sha256:"), "{out}");
    assert!(out.ends_with("Status: Downloaded newer image for alpine:3.17\ndocker.io/library/alpine:3.17\n"), "{out}");
    let alpine_layer = engine.image("alpine:3.17").unwrap().diff_ids()[0].clone();

    let out = run(&mut engine, &mut h, "docker pull grafana/grafana");
    assert!(out.starts_with("Using default tag: latest\nlatest: Pulling from grafana/grafana\n"), "{out}");
    assert!(out.contains(&format!("\n{}: Already exists \n", alpine_layer.short())), "{out}");
    assert_eq!(out.matches("Already exists").count(), 1);
    let grafana = engine.image("grafana/grafana").unwrap().clone();
    assert_eq!(grafana.diff_ids()[0], alpine_layer, "grafana is built on the same alpine 3.17 layer");
    assert_eq!(out.matches("Pull complete").count(), grafana.diff_ids().len() - 1);
    // Stored once, held by both images.
    assert_eq!(engine.content().refs(&alpine_layer), 2);
    let distinct: std::collections::BTreeSet<_> = engine.images_view().iter().flat_map(|i| i.layers.iter().map(|l| l.diff_id.clone())).collect();
    assert_eq!(distinct.len(), grafana.diff_ids().len());

    // Pulling again changes nothing.
    let blobs = engine.content().len();
    let out = run(&mut engine, &mut h, "docker pull alpine:3.17");
    assert!(out.contains("Status: Image is up to date for alpine:3.17"), "{out}");
    assert!(!out.contains("Pull complete"));
    assert_eq!(engine.content().len(), blobs);
}

#[test]
fn seed_sizes_and_layer_counts() {
    let (mut engine, mut h) = (Engine::new(), host());
    run(&mut engine, &mut h, "docker image pull alpine:3.17");
    let out = run(&mut engine, &mut h, "docker image inspect alpine:3.17");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json[0]["Size"], 7_049_701, "the seed's alpine size");
    assert_eq!(json[0]["RootFS"]["Layers"].as_array().unwrap().len(), 1);
    assert_eq!(json[0]["Config"]["Cmd"], serde_json::json!(["/bin/sh"]));
    assert!(json[0]["RepoDigests"][0].as_str().unwrap().starts_with("alpine@sha256:"));
    assert!(json[0]["Config"]["Labels"]["layerlab.simulated"].is_string(), "labelled as simulated");
    run(&mut engine, &mut h, "docker pull openjdk:8");
    assert_eq!(engine.image("openjdk:8").unwrap().diff_ids().len(), 7, "the seed counts seven layers");
    let out = run(&mut engine, &mut h, "docker image inspect openjdk:8");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let lower = json[0]["GraphDriver"]["Data"]["LowerDir"].as_str().unwrap();
    assert_eq!(lower.split(':').count(), 6, "LowerDir lists the six layers below the top one");
}

#[test]
fn images_lists_in_dockers_table_shape() {
    let (mut engine, mut h) = (Engine::new(), host());
    run(&mut engine, &mut h, "docker pull alpine:3.17");
    run(&mut engine, &mut h, "docker pull busybox");
    let out = run(&mut engine, &mut h, "docker images");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "REPOSITORY   TAG       IMAGE ID       CREATED       SIZE");
    assert!(lines[1].starts_with("busybox      latest    "), "{out}");
    assert!(lines[2].starts_with("alpine       3.17      "), "{out}");
    assert!(lines[2].ends_with("   3 years ago   7.05MB"), "{out}");
    let ids = run(&mut engine, &mut h, "docker images -q");
    assert_eq!(ids.lines().count(), 2);
    let only = run(&mut engine, &mut h, "docker image ls alpine");
    assert_eq!(only.lines().count(), 2);
}

#[test]
fn history_shows_missing_rows_and_zero_byte_metadata_steps() {
    let (mut engine, mut h) = (Engine::new(), host());
    run(&mut engine, &mut h, "docker pull alpine:3.17");
    let mut ctx = MemHost { now: Some(NOW), ..MemHost::new([("Dockerfile", "FROM alpine:3.17\nCOPY 1.txt /\n"), ("1.txt", "one\n")]) };
    run(&mut engine, &mut ctx, "docker build -t exp2 .");
    let out = run(&mut engine, &mut h, "docker image history exp2");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "IMAGE          CREATED        CREATED BY                                      SIZE      COMMENT");
    let id = engine.image("exp2").unwrap().id.short().to_string();
    assert!(lines[1].starts_with(&format!("{id}   56 years ago   COPY 1.txt / # buildkit ")), "{out}");
    assert!(lines[1].ends_with("4B        buildkit.dockerfile.v0"), "{out}");
    assert!(lines[2].starts_with("<missing>      3 years ago    /bin/sh -c #(nop)  CMD [\"/bin/sh\"]"), "{out}");
    assert!(lines[2].ends_with(" 0B"), "{out}");
    assert!(lines[3].contains("/bin/sh -c #(nop) ADD file:") && lines[3].contains("…") && lines[3].ends_with("7.05MB"), "{out}");
    let full = run(&mut engine, &mut h, "docker history --no-trunc exp2");
    assert!(full.contains(&engine.image("exp2").unwrap().id.to_string()));
    assert!(full.contains(" in / "), "{full}");
    // exp2's first layer is alpine's.
    assert_eq!(engine.image("exp2").unwrap().diff_ids()[0], engine.image("alpine:3.17").unwrap().diff_ids()[0]);
}

#[test]
fn tag_and_rmi_untag_before_deleting_and_keep_shared_layers() {
    let (mut engine, mut h) = (Engine::new(), host());
    run(&mut engine, &mut h, "docker pull alpine:3.17");
    run(&mut engine, &mut h, "docker pull grafana/grafana");
    run(&mut engine, &mut h, "docker tag alpine:3.17 mybase:1");
    let out = run(&mut engine, &mut h, "docker rmi alpine:3.17");
    assert_eq!(out, "Untagged: alpine:3.17\n", "another tag still names the image");
    let id = engine.image("mybase:1").unwrap().id.clone();
    let out = run(&mut engine, &mut h, "docker rmi mybase:1");
    assert!(out.starts_with("Untagged: mybase:1\nUntagged: alpine@sha256:"), "{out}");
    assert!(out.contains(&format!("Deleted: {id}\n")), "{out}");
    assert_eq!(out.matches("Deleted:").count(), 1, "the shared layer stays for grafana: {out}");
    let base = engine.image("grafana/grafana").unwrap().diff_ids()[0].clone();
    assert_eq!(engine.content().refs(&base), 1);
    let out = run(&mut engine, &mut h, "docker rmi grafana/grafana");
    let layers = 7;
    assert_eq!(out.matches("Deleted:").count(), 1 + layers, "{out}");
    assert!(engine.content().is_empty(), "every blob freed");
    let out = engine.run("docker rmi nope", &mut h);
    assert_eq!((out.status, out.text.as_str()), (1, "Error response from daemon: No such image: nope:latest\n"));
}

#[test]
fn rmi_by_id_with_several_tags_needs_force() {
    let (mut engine, mut h) = (Engine::new(), host());
    run(&mut engine, &mut h, "docker pull busybox");
    run(&mut engine, &mut h, "docker tag busybox b:2");
    let id = engine.image("busybox").unwrap().id.short().to_string();
    let out = engine.run(&format!("docker rmi {id}"), &mut h);
    assert_eq!(out.status, 1);
    assert!(out.text.contains("image is referenced in multiple repositories"), "{}", out.text);
    let out = run(&mut engine, &mut h, &format!("docker rmi -f {id}"));
    assert!(out.contains("Untagged: b:2\nUntagged: busybox:latest\n"), "{out}");
    assert!(engine.images_view().is_empty());
}

#[test]
fn pull_errors_say_what_is_simulated() {
    let (mut engine, mut h) = (Engine::new(), host());
    let out = engine.run("docker pull nosuch", &mut h);
    assert_eq!(out.status, 1);
    assert!(out.text.starts_with("Error response from daemon: pull access denied for nosuch"), "{}", out.text);
    assert!(out.text.contains("Layer Lab simulates these images"));
    let out = engine.run("docker pull alpine:0.1", &mut h);
    assert!(out.text.starts_with("Error response from daemon: manifest for alpine:0.1 not found"), "{}", out.text);
    let out = engine.run("docker pull scratch", &mut h);
    assert_eq!(out.text, "Error response from daemon: 'scratch' is a reserved name\n");
    assert!(engine.content().is_empty());
}

#[test]
fn time_and_table_helpers_match_go() {
    assert_eq!(parse_time("1970-01-01T00:00:00Z"), Some(0));
    assert_eq!(parse_time("2023-03-29T18:19:24.369Z"), Some(1_680_113_964));
    assert_eq!(ago("2026-11-22T23:59:00Z", Some(NOW)), "About a minute ago");
    assert_eq!(ago("2026-11-09T00:00:00Z", Some(NOW)), "2 weeks ago");
    assert_eq!(ago("2026-11-20T00:00:00Z", Some(NOW)), "3 days ago");
    assert_eq!(ago("2023-03-29T18:19:24Z", None), "2023-03-29 18:19:24 +0000 UTC");
    let t = table(&[vec!["A".into(), "LONGER HEADER".into(), "Z".into()], vec!["x".into(), "y".into(), "z".into()]]);
    assert_eq!(t, "A         LONGER HEADER   Z\nx         y               z\n");
}

#[test]
fn system_df_counts_shared_layers_once_and_prune_reclaims() {
    let (mut engine, mut h) = (Engine::new(), host());
    run(&mut engine, &mut h, "docker pull alpine:3.17");
    run(&mut engine, &mut h, "docker pull grafana/grafana");
    let grafana = engine.image("grafana/grafana").unwrap().size();
    let out = run(&mut engine, &mut h, "docker system df");
    let images = out.lines().nth(1).unwrap();
    let total = layerlab_engine::units::human_size(grafana);
    assert_eq!(images, format!("Images          2         0         {total}   {total} (100%)"), "{out}");
    let out = run(&mut engine, &mut h, "docker system df -v");
    let row = out.lines().find(|l| l.starts_with("alpine ")).unwrap();
    assert!(row.contains("   7.05MB    7.05MB        0B            0"), "alpine is all shared: {out}");
    // A dangling image: retag, rebuild-like.
    run(&mut engine, &mut h, "docker tag alpine:3.17 old:1");
    run(&mut engine, &mut h, "docker rmi old:1");
    let out = engine.run("docker image prune", &mut h);
    assert_eq!(out.status, 1, "asks, and this terminal cannot answer");
    let out = run(&mut engine, &mut h, "docker image prune -f");
    assert_eq!(out, "Total reclaimed space: 0B\n");
    let out = run(&mut engine, &mut h, "docker image prune -a -f");
    assert!(out.starts_with("Deleted Images:\nuntagged: "), "{out}");
    assert!(out.ends_with(&format!("\nTotal reclaimed space: {total}\n")), "{out}");
    assert!(engine.content().is_empty());
}

#[test]
fn images_view_draws_shared_layers_once() {
    let mut h = layerlab_engine::MemHost::new([("exp1", "FROM alpine\nLABEL a=b\n"), ("exp2", "FROM alpine\nCOPY exp1 /\n")]);
    let mut e = layerlab_engine::Engine::new();
    for line in ["docker pull alpine", "docker build -t exp1 -f exp1 .", "docker build -t exp2 -f exp2 ."] {
        assert_eq!(e.run(line, &mut h).status, 0, "{line}");
    }
    let views = e.images_view();
    let by = |t: &str| views.iter().find(|v| v.tags.contains(&t.to_string())).unwrap().clone();
    let (alpine, exp1, exp2) = (by("alpine:latest"), by("exp1:latest"), by("exp2:latest"));
    assert_eq!(alpine.base, None, "alpine draws its layer");
    assert_eq!(exp1.base, Some(("alpine:latest".to_string(), 1)), "exp1's only layer is alpine's, drawn there");
    assert_eq!(exp2.base, Some(("alpine:latest".to_string(), 1)));
    assert_eq!(alpine.layers[0].shared_with, ["exp1:latest", "exp2:latest"]);
    // exp1's own steps are the ones after alpine's history: one LABEL, no layer.
    assert_eq!(exp1.base_history, alpine.history.len());
    assert_eq!(exp1.history[exp1.base_history..], [("LABEL a=b".to_string(), true)]);
}

/// `docker pull` takes each layer's diff_id and tar length from
/// `catalogue/digests.txt` instead of making and hashing the tars. Here every
/// tar is made and hashed, and the table must say exactly that. After a
/// catalogue change, `LAYERLAB_WRITE_DIGESTS=1 cargo test -p layerlab-engine
/// --test catalogue` writes the table again.
#[test]
fn the_digest_table_is_what_the_tars_hash_to() {
    let cat = catalogue().unwrap();
    let mut table = String::from("# Written by engine/tests/catalogue.rs (LAYERLAB_WRITE_DIGESTS=1): each catalogue\n# image's layers, bottom first, as a registry's manifest lists them: REF DIFF_ID TAR_LENGTH.\n");
    for def in &cat.images {
        for (diff_id, len) in Engine::catalogue_layers_hashed(def).unwrap() {
            table.push_str(&format!("{} {diff_id} {len}\n", def.refs[0]));
        }
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/catalogue/digests.txt");
    if std::env::var_os("LAYERLAB_WRITE_DIGESTS").is_some() {
        std::fs::write(path, &table).unwrap();
    }
    assert_eq!(std::fs::read_to_string(path).unwrap(), table, "catalogue/digests.txt is stale: run with LAYERLAB_WRITE_DIGESTS=1");
    for def in &cat.images {
        assert!(!def.known.is_empty(), "{} has no digests", def.refs[0]);
    }
    // A pull with the table gives the image a pull that hashes everything gives.
    let (mut engine, mut h) = (Engine::new(), host());
    run(&mut engine, &mut h, "docker pull mysql");
    let mysql = engine.image("mysql").unwrap();
    let hashed: Vec<_> = Engine::catalogue_layers_hashed(cat.find("mysql").unwrap()).unwrap().into_iter().map(|(d, _)| d).collect();
    assert_eq!(mysql.diff_ids(), &hashed[..]);
}

/// Every symlink in every simulated image leads to something in that
/// image (a dangling /bin/sh once made every `#!/bin/sh` script on ubuntu
/// fail), and every script's interpreter is there.
#[test]
fn every_symlink_in_the_catalogue_resolves() {
    use layerlab_engine::fs::{components, Kind};
    let (mut engine, mut h) = (Engine::new(), host());
    for name in catalogue().unwrap().names() {
        run(&mut engine, &mut h, &format!("docker pull {name}"));
        let img = engine.image(&name).unwrap().clone();
        let tree = engine.rootfs(&img).unwrap();
        let resolves = |path: &str| {
            let mut key = components(path);
            for _ in 0..8 {
                match tree.get(&key).map(|n| &n.kind) {
                    Some(Kind::Symlink(t)) if t.starts_with('/') => key = components(t),
                    Some(Kind::Symlink(t)) => key = key[..key.len() - 1].iter().cloned().chain(components(t)).collect(),
                    Some(_) => return true,
                    None => return false,
                }
            }
            false
        };
        for (key, node) in tree.iter() {
            // A script's interpreter is in the image (`#!/usr/bin/env bash`: on the PATH).
            if let Some(line) = node.body().map(|b| b.to_vec()).and_then(|b| String::from_utf8(b).ok()).and_then(|t| t.lines().next().and_then(|l| l.strip_prefix("#!")).map(str::to_string)) {
                let mut words = line.split_whitespace();
                let first = words.next().unwrap_or_default();
                let found = match (first, words.next()) {
                    ("/usr/bin/env", Some(program)) => ["/usr/local/bin", "/usr/bin", "/bin"].iter().any(|d| resolves(&format!("{d}/{program}"))),
                    _ => resolves(first),
                };
                assert!(found, "{name}: /{}'s interpreter {line} is not in the image", key.join("/"));
            }
            let Kind::Symlink(target) = &node.kind else { continue };
            let mut path = if target.starts_with('/') { components(target) } else { key[..key.len() - 1].iter().cloned().chain(components(target)).collect() };
            for _ in 0..8 {
                match tree.get(&path).map(|n| &n.kind) {
                    Some(Kind::Symlink(t)) if t.starts_with('/') => path = components(t),
                    Some(Kind::Symlink(t)) => path = path[..path.len() - 1].iter().cloned().chain(components(t)).collect(),
                    _ => break,
                }
            }
            assert!(tree.get(&path).is_some(), "{name}: /{} -> {target} leads nowhere", key.join("/"));
        }
    }
}

#[test]
fn every_image_starts_its_own_command() {
    let mut engine = Engine::new();
    let mut host = host();
    for name in layerlab_engine::catalogue::catalogue().expect("catalogue").names() {
        let out = engine.run(&format!("docker run -d {name}"), &mut host);
        assert_eq!(out.status, 0, "{name}: {}", out.text);
        // With a terminal too (`docker run -it ubuntu` runs /bin/bash).
        let out = engine.run(&format!("docker create -it {name}"), &mut host);
        let id = out.text.trim().to_string();
        let started = engine.run(&format!("docker start {id}"), &mut host);
        assert_eq!(started.status, 0, "{name}: {}", started.text);
    }
}
