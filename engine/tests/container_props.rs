//! Random sequences of writes, appends, deletes, renames, directory
//! replacements and commits across three containers of one image: the image
//! never changes, no container sees another's change, each container's view
//! equals a simple model of what its commands did; and `docker commit` +
//! `docker save` of each container, judged by skopeo and umoci, unpacks to
//! exactly the container's view.

mod common;

use common::judge::{describe_tree, judge};
use layerlab_engine::fs::{components, display, Node, Tree};
use layerlab_engine::{Engine, ImportStep, MemHost};
use proptest::prelude::*;
use std::collections::BTreeMap;

const FILES: [&str; 7] = ["/etc/a", "/etc/b", "/data/x", "/data/y", "/data/z", "/new/n1", "/srv/keep"];
const DIRS: [&str; 3] = ["/data", "/new", "/srv"];
const N: usize = 3;

#[derive(Clone, Debug)]
enum Op {
    Write(usize, usize, u8),
    Append(usize, usize, u8),
    Delete(usize, usize),
    Rename(usize, usize, usize),
    Replace(usize, usize),
    Commit(usize),
}

fn op() -> impl Strategy<Value = Op> {
    let c = 0..N;
    let f = 0..FILES.len();
    prop_oneof![
        (c.clone(), f.clone(), 0u8..4).prop_map(|(c, f, v)| Op::Write(c, f, v)),
        (c.clone(), f.clone(), 0u8..4).prop_map(|(c, f, v)| Op::Append(c, f, v)),
        (c.clone(), f.clone()).prop_map(|(c, f)| Op::Delete(c, f)),
        (c.clone(), f.clone(), f).prop_map(|(c, a, b)| Op::Rename(c, a, b)),
        (c.clone(), 0..DIRS.len()).prop_map(|(c, d)| Op::Replace(c, d)),
        c.prop_map(Op::Commit),
    ]
}

fn dir_of(path: &str) -> &str {
    &path[..path.rfind('/').unwrap()]
}

/// The files of a view: path -> contents.
fn files(tree: &Tree) -> BTreeMap<String, String> {
    tree.iter().filter_map(|(k, n)| Some((display(k), String::from_utf8(n.body()?.to_vec()).ok()?))).filter(|(p, _)| p != "/bin/sh").collect()
}

fn exec(e: &mut Engine, c: usize, script: &str) -> i32 {
    e.run(&format!("docker exec c{c} sh -c '{script}'"), &mut MemHost::default()).status
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10, ..ProptestConfig::default() })]
    #[test]
    fn containers_of_one_image_never_see_each_other(ops in proptest::collection::vec(op(), 1..30)) {
        let mut e = Engine::new();
        let mut tree = Tree::new();
        tree.insert(components("/bin/sh"), Node::file(b"#!shell\n".to_vec(), 0o755)).unwrap();
        for (p, body) in [("/etc/a", "a\n"), ("/etc/b", "b\n"), ("/data/x", "x\n"), ("/data/y", "y\n"), ("/srv/keep", "k\n")] {
            tree.insert(components(p), Node::file(body.as_bytes().to_vec(), 0o644)).unwrap();
        }
        e.import("base:1", vec![ImportStep { created_by: "base".into(), tree: tree.clone(), opaque: vec![] }]).unwrap();
        let image_before = describe_tree(e.rootfs(e.image("base:1").unwrap()).unwrap());
        let mut models: Vec<BTreeMap<String, String>> = vec![files(&tree); N];
        let mut h = MemHost::default();
        for c in 0..N {
            let out = e.run(&format!("docker run -d --name c{c} base:1 sleep 1d"), &mut h);
            prop_assert_eq!(out.status, 0, "{}", out.text);
        }
        for (i, op) in ops.iter().enumerate() {
            match op {
                Op::Write(c, f, v) | Op::Append(c, f, v) => {
                    let (path, redirect) = (FILES[*f], if matches!(op, Op::Write(..)) { ">" } else { ">>" });
                    prop_assert_eq!(exec(&mut e, *c, &format!("mkdir -p {} && echo v{v} {redirect} {path}", dir_of(path))), 0);
                    let entry = models[*c].entry(path.to_string()).or_default();
                    if redirect == ">" { entry.clear(); }
                    entry.push_str(&format!("v{v}\n"));
                }
                Op::Delete(c, f) => {
                    prop_assert_eq!(exec(&mut e, *c, &format!("rm -f {}", FILES[*f])), 0);
                    models[*c].remove(FILES[*f]);
                }
                Op::Rename(c, a, b) => {
                    let (from, to) = (FILES[*a], FILES[*b]);
                    let status = exec(&mut e, *c, &format!("mkdir -p {} && mv {from} {to}", dir_of(to)));
                    match models[*c].get(from).cloned() {
                        Some(_) if from == to => prop_assert_ne!(status, 0, "mv of a file onto itself fails and keeps it"),
                        Some(body) => {
                            models[*c].remove(from);
                            prop_assert_eq!(status, 0);
                            models[*c].insert(to.to_string(), body);
                        }
                        None => prop_assert_ne!(status, 0, "mv of a missing file fails"),
                    }
                }
                Op::Replace(c, d) => {
                    // rm -rf then mkdir: an opaque directory in the writable layer.
                    prop_assert_eq!(exec(&mut e, *c, &format!("rm -rf {0} && mkdir {0} && echo fresh > {0}/fresh", DIRS[*d])), 0);
                    models[*c].retain(|p, _| !p.starts_with(&format!("{}/", DIRS[*d])));
                    models[*c].insert(format!("{}/fresh", DIRS[*d]), "fresh\n".into());
                }
                Op::Commit(c) => {
                    let out = e.run(&format!("docker commit c{c} snap{i}"), &mut h);
                    prop_assert_eq!(out.status, 0, "{}", out.text);
                    let img = e.image(&format!("snap{i}")).unwrap().clone();
                    prop_assert_eq!(files(e.rootfs(&img).unwrap()), models[*c].clone(), "a commit holds the container's view");
                }
            }
            // After every step: the image as it was, every container as its model says.
            prop_assert_eq!(&describe_tree(e.rootfs(e.image("base:1").unwrap()).unwrap()), &image_before);
            for (c, model) in models.iter().enumerate() {
                prop_assert_eq!(&files(&e.container_view(&format!("c{c}"), false).unwrap()), model, "container c{} after {:?}", c, op);
            }
        }
        // Real tools agree: each container committed and saved unpacks to its view.
        for c in 0..N {
            let out = e.run(&format!("docker commit c{c} final{c}"), &mut h);
            prop_assert_eq!(out.status, 0, "{}", out.text);
            let (umoci, engine_view) = judge(&mut e, &format!("final{c}"));
            prop_assert_eq!(&umoci, &engine_view);
            prop_assert_eq!(&describe_tree(&e.container_view(&format!("c{c}"), false).unwrap()), &engine_view);
        }
    }
}
