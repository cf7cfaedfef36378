//! Simulated package managers in RUN, and the lesson they teach: cleaning up
//! in a later RUN does not make the image smaller; in the same RUN it does.

use layerlab_engine::fs::components;
use layerlab_engine::{Engine, MemHost};

fn build(e: &mut Engine, dockerfile: &str, tag: &str) -> layerlab_engine::Output {
    let mut h = MemHost::new([("Dockerfile", dockerfile)]);
    e.run(&format!("docker build -t {tag} ."), &mut h)
}

#[test]
fn apk_add_installs_files_from_the_catalogue() {
    let mut e = Engine::new();
    let out = build(&mut e, "FROM alpine:3.17\nRUN apk add --no-cache curl jq\n", "tools");
    assert_eq!(out.status, 0, "{}", out.text);
    assert!(out.text.contains("(1/2) Installing curl (8.12.1-r0)"), "{}", out.text);
    let img = e.image("tools").unwrap().clone();
    let view = e.rootfs(&img).unwrap();
    assert!(view.get(&components("/usr/bin/curl")).is_some_and(|n| n.mode == 0o755));
    assert!(view.get(&components("/var/cache/apk/APKINDEX.simulated.tar.gz")).is_none(), "--no-cache keeps no index");
    let out = build(&mut e, "FROM alpine:3.17\nRUN apk add nosuchpkg\n", "bad");
    assert_eq!(out.status, 1);
    assert!(out.text.contains("ERROR: unable to select packages:"), "{}", out.text);
    assert!(out.text.contains("exit code: 1"), "{}", out.text);
    let out = build(&mut e, "FROM busybox\nRUN apk add curl\n", "nope");
    assert!(out.text.contains("/bin/sh: apk: not found") && out.text.contains("exit code: 127"), "{}", out.text);
}

#[test]
fn cleaning_up_in_a_later_run_does_not_shrink_the_image() {
    let mut e = Engine::new();
    let later = build(&mut e, "FROM debian\nRUN apt-get update && apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists/*\n", "later");
    assert_eq!(later.status, 0, "{}", later.text);
    let same = build(&mut e, "FROM debian\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n", "same");
    assert_eq!(same.status, 0, "{}", same.text);
    let (later, same) = (e.image("later").unwrap().size(), e.image("same").unwrap().size());
    assert!(later > same + 18_000_000, "the package lists stay in the earlier layer: {later} vs {same}");
    let out = build(&mut e, "FROM debian\nRUN apt-get install -y curl\n", "nolists");
    assert!(out.text.contains("E: Unable to locate package curl") && out.text.contains("exit code: 100"), "{}", out.text);
}

/// apt-get update fetches from the image's own archive: Ubuntu's on ubuntu.
#[test]
fn apt_get_update_reads_the_images_own_archive() {
    let mut h = MemHost::default();
    let mut e = Engine::new();
    let out = e.run("docker run --name u ubuntu sh -c 'apt-get update; ls /var/lib/apt/lists'", &mut h);
    assert!(out.text.contains("Get:1 http://archive.ubuntu.com/ubuntu noble InRelease [256 kB] (simulated)\n"), "{}", out.text);
    assert!(out.text.contains("Fetched 2064 kB in 1s (2064 kB/s)\n"), "{}", out.text);
    assert!(out.text.contains("archive.ubuntu.com_ubuntu_dists_noble_InRelease\n"), "{}", out.text);
    let out = e.run("docker run --rm debian apt-get update", &mut h);
    assert!(out.text.contains("Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB] (simulated)\n"), "{}", out.text);
}
