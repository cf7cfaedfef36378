//! The seeds' experiments that this version can build (000/002: exp1 and
//! exp2), and the metadata instructions that only add history.

mod common;

use common::ok;
use layerlab_engine::{Engine, MemHost};

fn host() -> MemHost {
    MemHost::new([
        ("exp1", "FROM alpine\nLABEL author=\"anil\"\nCMD [\"sleep\", \"1d\"]\n"),
        ("exp2", "    FROM alpine\n    LABEL author=\"anil\"\n    ADD 1.txt /\n    CMD [\"sleep\", \"1d\"]\n"),
        ("1.txt", "one\n"),
    ])
}

#[test]
fn exp1_has_exactly_alpines_layers_and_exp2_adds_one() {
    let (mut e, mut h) = (Engine::new(), host());
    ok(&mut e, &mut h, "docker image pull alpine");
    let out = ok(&mut e, &mut h, "docker image build -t exp1 -f exp1 .");
    assert!(out.contains("[1/1] FROM docker.io/library/alpine:latest@sha256:"), "{out}");
    ok(&mut e, &mut h, "docker image build -t exp2 -f exp2 .");
    let alpine = e.image("alpine").unwrap().diff_ids().to_vec();
    assert_eq!(e.image("exp1").unwrap().diff_ids(), alpine.as_slice(), "LABEL and CMD make no layer");
    let exp2 = e.image("exp2").unwrap().diff_ids().to_vec();
    assert_eq!(exp2.len(), alpine.len() + 1);
    assert_eq!(exp2[0], alpine[0], "exp2's first layer is alpine's");
    assert_ne!(e.image("exp1").unwrap().id, e.image("alpine").unwrap().id, "a different config is a different image");

    let out = ok(&mut e, &mut h, "docker image history exp2");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[1].contains("CMD [\"sleep\" \"1d\"]") && lines[1].contains(" 0B "), "{out}");
    assert!(lines[2].contains("ADD 1.txt / # buildkit") && lines[2].contains(" 4B "), "{out}");
    assert!(lines[3].contains("LABEL author=anil") && lines[3].contains(" 0B "), "{out}");
    let config = ok(&mut e, &mut h, "docker inspect -f '{{json .Config.Cmd}} {{.Config.Labels.author}}' exp2");
    assert_eq!(config, "[\"sleep\",\"1d\"] anil\n");
}

#[test]
fn metadata_instructions_set_the_config_and_workdir_makes_a_layer_once() {
    let (mut e, mut h) = (Engine::new(), MemHost::new([
        ("Dockerfile", "FROM busybox\nWORKDIR /app\nWORKDIR /app\nWORKDIR sub\nCOPY 1.txt .\nENV A=1 B=\"two words\"\nEXPOSE 8080 53/udp\nVOLUME /data\nENTRYPOINT [\"/app/run\"]\nUSER nobody\nSTOPSIGNAL SIGTERM\nCMD run --fast\n"),
        ("1.txt", "one\n"),
    ]));
    let out = ok(&mut e, &mut h, "docker build -t meta .");
    assert!(out.contains("[1/5] FROM docker.io/library/busybox:latest"), "{out}");
    assert!(out.contains("[5/5] COPY 1.txt ."), "{out}");
    let img = e.image("meta").unwrap().clone();
    let base = e.image("busybox").unwrap().diff_ids().len();
    assert_eq!(img.diff_ids().len(), base + 3, "WORKDIR /app, WORKDIR sub (new dirs) and COPY");
    let c = &img.config.config;
    assert_eq!(c.working_dir.as_deref(), Some("/app/sub"));
    assert!(e.rootfs(&img).unwrap().get(&layerlab_engine::fs::components("/app/sub/1.txt")).is_some(), "COPY . is relative to WORKDIR");
    assert!(c.env.as_ref().unwrap().contains(&"B=two words".to_string()));
    assert_eq!(c.exposed_ports.as_ref().unwrap().keys().cloned().collect::<Vec<_>>(), ["53/udp", "8080/tcp"]);
    assert!(c.volumes.as_ref().unwrap().contains_key("/data"));
    assert_eq!(c.entrypoint.as_deref(), Some(&["/app/run".to_string()][..]));
    assert_eq!(c.cmd.as_deref(), Some(&["/bin/sh".to_string(), "-c".to_string(), "run --fast".to_string()][..]));
    assert_eq!((c.user.as_deref(), c.stop_signal.as_deref()), (Some("nobody"), Some("SIGTERM")));
    let empty: Vec<bool> = img.config.history.iter().rev().take(11).map(|h| h.empty_layer).collect();
    // newest first: CMD STOPSIGNAL USER ENTRYPOINT VOLUME EXPOSE ENV COPY WORKDIR(sub) WORKDIR(again) WORKDIR(/app)
    assert_eq!(empty, [true, true, true, true, true, true, true, false, false, true, false]);
}

#[test]
fn what_this_version_cannot_run_says_so_at_its_line() {
    let (mut e, mut h) = (Engine::new(), MemHost::new([("Dockerfile", "FROM busybox\nLABEL a=b\nRUN --mount=type=ssh true\n")]));
    let out = e.run("docker build -t exp3 .", &mut h);
    assert_eq!(out.status, 1);
    assert!(out.text.contains("Dockerfile:3"), "{}", out.text);
    assert!(out.text.contains("RUN --mount=type=ssh is not available in this version of Layer Lab (cache, tmpfs and bind are)"), "{}", out.text);
    assert!(e.image("exp3").is_none());
    h.files.insert("Dockerfile".into(), b"FROM busybox\nADD https://example.com/x.tgz /\n".to_vec());
    let out = e.run("docker build .", &mut h);
    assert!(out.text.contains("Layer Lab has no network"), "{}", out.text);
    h.files.insert("Dockerfile".into(), b"FROM busybox\nLABEL\n".to_vec());
    let out = e.run("docker build .", &mut h);
    assert!(out.text.contains("LABEL requires at least one argument"), "{}", out.text);
}

#[test]
fn healthcheck_shell_and_onbuild() {
    let mut h = MemHost::new([
        ("base", "FROM busybox\nSHELL [\"/bin/sh\", \"-c\"]\nHEALTHCHECK --interval=5m --timeout=3s --retries=3 CMD wget -q -O- http://localhost/ || exit 1\nONBUILD RUN echo triggered > /onbuild\n"),
        ("child", "FROM base:1\nRUN echo child > /child\n"),
        ("none", "FROM busybox\nHEALTHCHECK NONE\n"),
    ]);
    let mut e = Engine::new();
    ok(&mut e, &mut h, "docker build -t base:1 -f base .");
    let base = e.image("base:1").unwrap().clone();
    let c = &base.config.config;
    assert_eq!(c.shell.as_deref(), Some(&["/bin/sh".to_string(), "-c".to_string()][..]));
    let check = c.healthcheck.as_ref().unwrap();
    assert_eq!(check["Test"], serde_json::json!(["CMD-SHELL", "wget -q -O- http://localhost/ || exit 1"]));
    assert_eq!(check["Interval"], 300_000_000_000u64);
    assert_eq!(check["Timeout"], 3_000_000_000u64);
    assert_eq!(check["Retries"], 3);
    assert_eq!(c.on_build.as_deref(), Some(&["RUN echo triggered > /onbuild".to_string()][..]));
    let history: Vec<&str> = base.config.history.iter().map(|h| h.created_by.as_str()).collect();
    assert!(history.contains(&"HEALTHCHECK &{[\"CMD-SHELL\" \"wget -q -O- http://localhost/ || exit 1\"] \"5m0s\" \"3s\" \"0s\" \"0s\" '\\x03'}"), "{history:?}");
    assert!(history.contains(&"ONBUILD RUN echo triggered > /onbuild"), "{history:?}");
    assert!(e.rootfs(&base).unwrap().get(&layerlab_engine::fs::components("/onbuild")).is_none(), "the trigger does not run in its own image");

    let out = ok(&mut e, &mut h, "docker build -t child -f child .");
    assert!(out.contains("[2/3] RUN echo triggered > /onbuild"), "{out}");
    let child = e.image("child").unwrap().clone();
    let view = e.rootfs(&child).unwrap();
    assert!(view.get(&layerlab_engine::fs::components("/onbuild")).is_some() && view.get(&layerlab_engine::fs::components("/child")).is_some());
    assert!(child.config.config.on_build.is_none(), "triggers are not inherited further");
    ok(&mut e, &mut h, "docker build -t none -f none .");
    assert_eq!(e.image("none").unwrap().config.config.healthcheck.as_ref().unwrap()["Test"], serde_json::json!(["NONE"]));
}

#[test]
fn dockerignore_wildcards_chown_and_chmod() {
    let mut h = MemHost::new([
        ("Dockerfile", "FROM busybox\nCOPY . /app/\nCOPY *.txt /txt/\nCOPY --chown=nobody:nogroup --chmod=700 run.sh /bin/run\nCOPY --chown=1000 a.txt /owned\n"),
        (".dockerignore", "# not sent\n*.md\nsecret\n!secret/keep.txt\n**/*.tmp\n"),
        ("a.txt", "a"),
        ("b.txt", "b"),
        ("README.md", "readme"),
        ("secret/key", "k"),
        ("secret/keep.txt", "keep"),
        ("deep/x/y.tmp", "t"),
        ("run.sh", "echo run"),
    ]);
    let mut e = Engine::new();
    let out = ok(&mut e, &mut h, "docker build -t ign .");
    assert!(out.contains("#3 [internal] load .dockerignore\n#3 transferring context: 49B done"), "{out}");
    let img = e.image("ign").unwrap().clone();
    let view = e.rootfs(&img).unwrap();
    let has = |p: &str| view.get(&layerlab_engine::fs::components(p)).is_some();
    assert!(has("/app/a.txt") && has("/app/run.sh") && has("/app/secret/keep.txt"));
    assert!(!has("/app/README.md") && !has("/app/secret/key") && !has("/app/deep/x/y.tmp"), "ignored files are not sent");
    assert!(has("/txt/a.txt") && has("/txt/b.txt") && !has("/txt/run.sh"));
    let run = view.get(&layerlab_engine::fs::components("/bin/run")).unwrap();
    assert_eq!((run.uid, run.gid, run.mode), (65534, 65534, 0o700));
    let owned = view.get(&layerlab_engine::fs::components("/owned")).unwrap();
    assert_eq!((owned.uid, owned.gid), (1000, 1000));
    h.files.insert("Dockerfile".into(), b"FROM busybox\nCOPY *.nothing /\n".to_vec());
    let out = e.run("docker build .", &mut h);
    assert!(out.text.contains("\"/*.nothing\": not found"), "{}", out.text);
    h.files.insert("Dockerfile".into(), b"FROM busybox\nCOPY --chown=nosuchuser a.txt /\n".to_vec());
    let out = e.run("docker build .", &mut h);
    assert!(out.text.contains("unable to find user nosuchuser"), "{}", out.text);
}
