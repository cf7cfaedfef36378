//! The build cache: rebuilds reuse layers, a changed context file busts the
//! cache from its COPY on (and says which file), `COPY . .` early busts
//! everything after it, `--no-cache` runs every step.

use layerlab_engine::{Engine, MemHost};

const DOCKERFILE: &str = "FROM alpine:3.17\nWORKDIR /app\nCOPY hello.txt .\nRUN echo built > stamp\nCMD [\"cat\", \"hello.txt\"]\n";

fn build(e: &mut Engine, h: &mut MemHost, line: &str) -> String {
    let out = e.run(line, h);
    assert_eq!(out.status, 0, "{}", out.text);
    out.text
}

/// The step lines followed by CACHED, by step name.
fn cached(out: &str) -> Vec<String> {
    let lines: Vec<&str> = out.lines().collect();
    lines
        .windows(2)
        .filter(|w| w[1].ends_with(" CACHED") && w[0].contains("] "))
        .map(|w| w[0].split_once("] ").map(|(_, s)| s.to_string()).unwrap_or_default())
        .collect()
}

#[test]
fn rebuild_hits_the_cache_and_gives_the_same_image() {
    let mut h = MemHost::new([("Dockerfile", DOCKERFILE), ("hello.txt", "v1\n")]);
    let mut e = Engine::new();
    let first = build(&mut e, &mut h, "docker build -t c .");
    assert!(cached(&first).iter().all(|s| s.starts_with("FROM")), "{first}");
    let id = e.image("c").unwrap().id.clone();
    let second = build(&mut e, &mut h, "docker build -t c .");
    assert_eq!(cached(&second).len(), 4, "{second}");
    assert_eq!(e.image("c").unwrap().id, id);
}

#[test]
fn a_changed_file_busts_the_cache_from_its_copy_on_and_says_why() {
    let mut h = MemHost::new([("Dockerfile", DOCKERFILE), ("hello.txt", "v1\n")]);
    let mut e = Engine::new();
    build(&mut e, &mut h, "docker build -t c .");
    let before = e.image("c").unwrap().diff_ids().to_vec();
    h.files.insert("hello.txt".into(), b"v2\n".to_vec());
    let out = build(&mut e, &mut h, "docker build -t c .");
    let hits = cached(&out);
    assert!(hits.iter().any(|s| s == "WORKDIR /app"), "{out}");
    assert!(!hits.iter().any(|s| s.starts_with("COPY") || s.starts_with("RUN")), "{out}");
    assert!(out.contains("(Layer Lab) cache miss: hello.txt changed"), "{out}");
    let after = e.image("c").unwrap().diff_ids().to_vec();
    assert_eq!(before[..2], after[..2], "alpine's layer and WORKDIR's are reused");
    assert_ne!(before[2], after[2]);
    // Only the content counts: the same bytes again hit the cache again.
    h.files.insert("hello.txt".into(), b"v1\n".to_vec());
    let out = build(&mut e, &mut h, "docker build -t c .");
    assert_eq!(cached(&out).len(), 4, "{out}");
    assert_eq!(e.image("c").unwrap().diff_ids(), before.as_slice());
}

#[test]
fn copy_everything_early_busts_all_later_steps_and_no_cache_runs_all() {
    let mut h = MemHost::new([
        ("Dockerfile", "FROM busybox\nCOPY . /src\nRUN echo one > /one\nRUN echo two > /two\n"),
        ("app.txt", "app\n"),
        ("notes.md", "notes\n"),
    ]);
    let mut e = Engine::new();
    build(&mut e, &mut h, "docker build -t early .");
    h.files.insert("notes.md".into(), b"edited notes\n".to_vec());
    let out = build(&mut e, &mut h, "docker build -t early .");
    assert_eq!(cached(&out), ["FROM docker.io/library/busybox:latest@".to_string() + out.split("busybox:latest@").nth(1).unwrap_or("").lines().next().unwrap_or("")]);
    assert!(out.contains("cache miss: notes.md changed"), "{out}");
    let out = build(&mut e, &mut h, "docker build --no-cache -t early .");
    assert_eq!(cached(&out).len(), 1, "only FROM: {out}");
    assert!(!out.contains("cache miss"), "{out}");
}

#[test]
fn removed_layers_are_not_reused() {
    let mut h = MemHost::new([("Dockerfile", "FROM scratch\nCOPY hello.txt /\n"), ("hello.txt", "x")]);
    let mut e = Engine::new();
    build(&mut e, &mut h, "docker build -t s .");
    build(&mut e, &mut h, "docker rmi s");
    assert!(e.content().is_empty());
    let out = build(&mut e, &mut h, "docker build -t s .");
    assert!(cached(&out).is_empty(), "the cached layer is gone, so the step runs: {out}");
    assert!(e.image("s").is_some());
}

#[test]
fn a_rebuild_reports_the_layers_it_took_from_the_cache() {
    use layerlab_engine::{Engine, Event, MemHost};
    let mut h = MemHost::new([("Dockerfile", "FROM busybox\nCOPY a /\nRUN echo x > /x\n"), ("a", "a\n")]);
    let mut e = Engine::new();
    let first = e.run("docker build -t c .", &mut h);
    assert!(!first.events.iter().any(|ev| matches!(ev, Event::LayerReused { .. })));
    let second = e.run("docker build -t c .", &mut h);
    let reused: Vec<_> = second.events.iter().filter_map(|ev| match ev { Event::LayerReused { diff_id } => Some(diff_id.clone()), _ => None }).collect();
    let img = e.image("c").unwrap();
    assert_eq!(reused, img.diff_ids()[img.diff_ids().len() - 2..], "the COPY and RUN layers were reused");
}
