//! ARG, --build-arg and variable substitution in instructions, as BuildKit
//! does them: ENV wins over ARG, ARG before FROM feeds FROM, RUN sees both
//! and its history shows the build args.

use layerlab_engine::fs::components;
use layerlab_engine::{Engine, MemHost};

fn body(e: &Engine, image: &str, path: &str) -> String {
    let img = e.image(image).unwrap();
    String::from_utf8(e.rootfs(img).unwrap().get(&components(path)).unwrap().body().unwrap().to_vec()).unwrap()
}

#[test]
fn args_env_and_substitution() {
    let dockerfile = "ARG BASE=busybox
FROM ${BASE}
ARG VERSION=1.0
ARG DIR=/opt/app
ENV APP_HOME=$DIR NAME=\"my app\"
WORKDIR ${APP_HOME}
COPY ${FILE:-hello.txt} ./
LABEL version=$VERSION name=\"$NAME\"
RUN echo \"v=$VERSION home=$APP_HOME\" > info
";
    let mut h = MemHost::new([("Dockerfile", dockerfile), ("hello.txt", "hi\n"), ("other.txt", "other\n")]);
    let mut e = Engine::new();
    let out = e.run("docker build -t a .", &mut h);
    assert_eq!(out.status, 0, "{}", out.text);
    assert!(out.text.contains("[1/4] FROM docker.io/library/busybox:latest@"), "{}", out.text);
    let img = e.image("a").unwrap().clone();
    let c = &img.config.config;
    assert_eq!(c.working_dir.as_deref(), Some("/opt/app"));
    assert_eq!(c.labels.as_ref().unwrap()["version"], "1.0");
    assert_eq!(c.labels.as_ref().unwrap()["name"], "my app");
    assert!(c.env.as_ref().unwrap().contains(&"APP_HOME=/opt/app".to_string()));
    assert!(!c.env.as_ref().unwrap().iter().any(|e| e.starts_with("VERSION=")), "ARG is not persisted");
    assert_eq!(body(&e, "a", "/opt/app/hello.txt"), "hi\n");
    assert_eq!(body(&e, "a", "/opt/app/info"), "v=1.0 home=/opt/app\n");
    let run = img.config.history.iter().find(|h| h.created_by.starts_with("RUN ")).unwrap();
    assert_eq!(run.created_by, "RUN |2 VERSION=1.0 DIR=/opt/app /bin/sh -c echo \"v=$VERSION home=$APP_HOME\" > info # buildkit");

    // --build-arg overrides defaults and busts the cache of what uses it.
    let out = e.run("docker build --build-arg VERSION=2.0 --build-arg FILE=other.txt -t b .", &mut h);
    assert_eq!(out.status, 0, "{}", out.text);
    assert_eq!(body(&e, "b", "/opt/app/info"), "v=2.0 home=/opt/app\n");
    // FILE was never declared with ARG: as in Docker, the build arg is not used.
    let b = e.image("b").unwrap();
    assert!(e.rootfs(b).unwrap().get(&components("/opt/app/other.txt")).is_none());
    assert_eq!(e.image("b").unwrap().config.config.labels.as_ref().unwrap()["version"], "2.0");
    assert!(!out.text.contains("RUN echo \"v=$VERSION home=$APP_HOME\" > info\n#10 CACHED"), "{}", out.text);
}

#[test]
fn env_wins_over_arg_and_bad_substitutions_are_errors() {
    let mut h = MemHost::new([("Dockerfile", "FROM busybox\nARG X=arg\nENV X=env\nRUN echo $X > /x\nWORKDIR ${X:?must be set}\n")]);
    let mut e = Engine::new();
    let out = e.run("docker build -t w .", &mut h);
    assert_eq!(out.status, 0, "{}", out.text);
    assert_eq!(body(&e, "w", "/x"), "env\n");
    h.files.insert("Dockerfile".into(), b"FROM busybox\nWORKDIR ${NOPE:?is required}\n".to_vec());
    let out = e.run("docker build .", &mut h);
    assert_eq!(out.status, 1);
    assert!(out.text.contains("NOPE: is required"), "{}", out.text);
}
