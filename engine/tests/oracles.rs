//! Archives judged by real tools (../shared/ORACLES.md): `skopeo copy
//! docker-archive:… oci:…` verifies every diff_id, `umoci unpack` verifies
//! them again and applies the whiteouts; the rootfs it writes must equal the
//! engine's merged view, file by file.

mod common;

use common::judge::judge;
use layerlab_engine::fs::{components, Kind, Node, Tree};
use layerlab_engine::{layer, Engine, ImportStep, MemHost};
use proptest::prelude::*;

fn file(text: &str, mode: u32) -> Node {
    Node::file(text.as_bytes().to_vec(), mode)
}

#[test]
fn built_image_is_accepted_and_unpacks_to_the_engine_view() {
    let mut engine = Engine::new();
    let mut host = MemHost::new([("Dockerfile", "FROM scratch\nCOPY hello.txt /\nCOPY app/ /app/\n"), ("hello.txt", "hi\n"), ("app/run.sh", "echo\n"), ("app/lib/x", "x")]);
    let out = engine.run("docker build -t hello .", &mut host);
    assert_eq!(out.status, 0, "{}", out.text);
    let (unpacked, view) = judge(&mut engine, "hello");
    assert_eq!(unpacked, view);
    assert!(view.contains_key("/app/lib/x"));
}

#[test]
fn deletions_and_replaced_directories_unpack_as_the_engine_shows() {
    let mut base = Tree::new();
    for (p, t) in [("/etc/os-release", "simulated\n"), ("/etc/motd", "hello\n"), ("/var/cache/apk/a", "a"), ("/var/cache/apk/b", "b")] {
        base.insert(components(p), file(t, 0o644)).unwrap();
    }
    let link = Node { kind: Kind::Symlink("os-release".into()), mode: 0o777, uid: 0, gid: 0, touched: 0 };
    base.insert(components("/etc/release"), link).unwrap();
    let mut second = base.clone();
    second.remove(&components("/etc/motd")); // a whiteout
    second.insert(components("/etc/os-release"), file("changed\n", 0o600)).unwrap();
    second.remove(&components("/var/cache/apk")); // replaced: opaque
    second.insert(components("/var/cache/apk/new"), file("n", 0o755)).unwrap();
    let long = format!("/opt/{}/{}", "l".repeat(110), "m".repeat(120));
    second.insert(components(&long), file("long", 0o644)).unwrap();
    // Two names for one file in the same layer, and a link whose file is not in this layer.
    let tool = file("#!/bin/sh\n", 0o755);
    let Kind::File(body) = tool.kind.clone() else { unreachable!() };
    second.insert(components("/usr/bin/tool"), tool).unwrap();
    second.insert(components("/usr/bin/tool-alias"), Node { kind: Kind::HardLink { target: components("/usr/bin/tool"), body }, mode: 0o755, uid: 0, gid: 0, touched: 0 }).unwrap();
    let Kind::File(motd) = file("simulated\n", 0o644).kind else { unreachable!() };
    second.insert(components("/etc/os-release.bak"), Node { kind: Kind::HardLink { target: components("/etc/os-release-old"), body: motd }, mode: 0o644, uid: 0, gid: 0, touched: 0 }).unwrap();

    let mut engine = Engine::new();
    let steps = vec![
        ImportStep { created_by: "base".into(), tree: base, opaque: vec![] },
        ImportStep { created_by: "changes".into(), tree: second, opaque: vec![components("/var/cache/apk")] },
    ];
    engine.import("whiteouts:1", steps).unwrap();
    let (unpacked, view) = judge(&mut engine, "whiteouts:1");
    assert_eq!(unpacked, view);
    assert!(!view.contains_key("/etc/motd") && !view.contains_key("/var/cache/apk/a"));
    let top = engine.image("whiteouts:1").unwrap().diff_ids()[1].clone();
    let listing = layer_names(&engine.blob(&top).unwrap());
    assert!(listing.contains(&"etc/.wh.motd".to_string()) && listing.contains(&"var/cache/apk/.wh..wh..opq".to_string()), "{listing:?}");
    // The second name is a hard link entry in the tar.
    let blob = engine.blob(&top).unwrap();
    let mut archive = tar::Archive::new(&*blob);
    let link = archive.entries().unwrap().map(|e| e.unwrap()).find(|e| e.path().unwrap().ends_with("tool-alias")).unwrap();
    assert_eq!(link.header().entry_type(), tar::EntryType::Link);
    assert_eq!(link.link_name().unwrap().unwrap().to_string_lossy(), "usr/bin/tool");
}

fn layer_names(tar: &[u8]) -> Vec<String> {
    let mut a = tar::Archive::new(tar);
    a.entries().unwrap().map(|e| e.unwrap().path().unwrap().to_string_lossy().into_owned()).collect()
}

#[test]
fn hostile_layer_names_are_refused() {
    let mut b = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(1);
    h.set_mode(0o644);
    h.as_gnu_mut().unwrap().name[..9].copy_from_slice(b"../escape");
    h.set_cksum();
    b.append(&h, &b"x"[..]).unwrap();
    let tar = b.into_inner().unwrap();
    let mut tree = Tree::new();
    let err = layer::apply(&mut tree, &tar).unwrap_err();
    assert!(err.contains("outside the image root"), "{err}");
    assert!(tree.is_empty());
}

#[derive(Clone, Debug)]
enum Op {
    Write(String, u8, bool),
    Mkdir(String),
    Remove(String),
    ReplaceDir(String),
    Symlink(String, String),
    HardLink(String, String),
}

fn path_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(vec!["a", "b", "c"]), 1..4).prop_map(|parts| format!("/{}", parts.join("/")))
}

fn op_strategy() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (path_strategy(), any::<u8>(), any::<bool>()).prop_map(|(p, c, x)| Op::Write(p, c, x)),
        1 => path_strategy().prop_map(Op::Mkdir),
        2 => path_strategy().prop_map(Op::Remove),
        1 => path_strategy().prop_map(Op::ReplaceDir),
        1 => (path_strategy(), prop::sample::select(vec!["a", "../b", "/c/a"])).prop_map(|(p, t)| Op::Symlink(p, t.to_string())),
        1 => (path_strategy(), path_strategy()).prop_map(|(p, t)| Op::HardLink(p, t)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn random_layer_sequences_unpack_as_the_engine_shows(layers in prop::collection::vec(prop::collection::vec(op_strategy(), 1..6), 1..4)) {
        let mut tree = Tree::new();
        let mut steps = Vec::new();
        for ops in &layers {
            let mut opaque = Vec::new();
            for op in ops {
                // Ops a real filesystem would refuse (a file as a parent) are skipped.
                let _ = match op {
                    Op::Write(p, c, x) => tree.insert(components(p), Node::file(vec![*c; (*c as usize) % 7], if *x { 0o755 } else { 0o644 })),
                    Op::Mkdir(p) => if tree.get(&components(p)).is_none() { tree.insert(components(p), Node::dir(0o755)) } else { Ok(()) },
                    Op::Remove(p) => { tree.remove(&components(p)); Ok(()) }
                    Op::ReplaceDir(p) => {
                        let k = components(p);
                        if tree.get(&k).is_some_and(Node::is_dir) {
                            tree.remove(&k);
                            opaque.push(k.clone());
                            tree.insert(k, Node::dir(0o755))
                        } else { Ok(()) }
                    }
                    Op::HardLink(p, t) => match tree.get(&components(t)).filter(|n| matches!(n.kind, Kind::File(_))).map(|n| (n.mode, n.body().cloned())) {
                        Some((mode, Some(body))) if p != t && !tree.get(&components(p)).is_some_and(Node::is_dir) => {
                            tree.remove(&components(p));
                            tree.insert(components(p), Node { kind: Kind::HardLink { target: components(t), body }, mode, uid: 0, gid: 0, touched: 0 })
                        }
                        _ => Ok(()),
                    },
                    Op::Symlink(p, t) => if tree.get(&components(p)).is_some_and(Node::is_dir) { Ok(()) } else {
                        tree.remove(&components(p));
                        tree.insert(components(p), Node { kind: Kind::Symlink(t.clone()), mode: 0o777, uid: 0, gid: 0, touched: 0 })
                    },
                };
            }
            opaque.retain(|k| tree.get(k).is_some_and(Node::is_dir));
            steps.push(ImportStep { created_by: format!("{ops:?}"), tree: tree.clone(), opaque });
        }
        let mut engine = Engine::new();
        engine.import("random", steps).unwrap();
        let (unpacked, view) = judge(&mut engine, "random");
        prop_assert_eq!(unpacked, view);
    }
}

#[test]
fn base_images_and_images_built_on_them_are_accepted_and_unpack_as_shown() {
    let mut engine = Engine::new();
    let mut host = MemHost::new([("Dockerfile", "FROM alpine:3.17\nCOPY 1.txt /\n"), ("1.txt", "one\n")]);
    for line in ["docker pull busybox", "docker build -t exp2 ."] {
        let out = engine.run(line, &mut host);
        assert_eq!(out.status, 0, "{}", out.text);
    }
    for image in ["busybox", "alpine:3.17", "exp2"] {
        let (unpacked, view) = judge(&mut engine, image);
        assert_eq!(unpacked, view, "{image}");
        assert!(view.contains_key("/bin/sh"), "{image}");
    }
}

#[test]
fn a_file_put_back_into_a_replaced_directory_is_in_the_layer() {
    // The opaque marker hides the lower /data; the unchanged /data/y must be written again.
    let mut engine = Engine::new();
    let df = "FROM busybox\nRUN mkdir /data && echo y > /data/y && echo z > /data/z\nRUN mv /data/y /tmp/y && rm -rf /data && mkdir /data && mv /tmp/y /data/y\n";
    let mut host = MemHost::new([("Dockerfile", df)]);
    let out = engine.run("docker build -t putback .", &mut host);
    assert_eq!(out.status, 0, "{}", out.text);
    let (umoci, view) = judge(&mut engine, "putback");
    assert_eq!(umoci, view);
    assert!(view.contains_key("/data/y") && !view.contains_key("/data/z"), "{view:?}");
}
