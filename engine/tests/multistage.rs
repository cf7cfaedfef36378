//! Multi-stage builds (seed flow 8): `FROM … AS build`, `FROM scratch`,
//! `COPY --from=build` gives a single-layer image; `--target`; stages the
//! target does not need are not run.

use layerlab_engine::{Engine, MemHost};

const DOCKERFILE: &str = "FROM alpine:3.17 AS build
WORKDIR /src
COPY app.c .
RUN echo \"binary built from app.c\" > /src/app && chmod +x /src/app

FROM busybox AS unused
RUN nosuchcompiler

FROM scratch
COPY --from=build /src/app /app
CMD [\"/app\"]
";

fn host() -> MemHost {
    MemHost::new([("Dockerfile", DOCKERFILE), ("app.c", "int main() { return 0; }\n")])
}

#[test]
fn copy_from_a_build_stage_gives_a_single_layer_image() {
    let (mut e, mut h) = (Engine::new(), host());
    let out = e.run("docker build -t small .", &mut h);
    assert_eq!(out.status, 0, "{}", out.text);
    assert!(out.text.contains(" [build 1/4] FROM docker.io/library/alpine:3.17@sha256:"), "{}", out.text);
    assert!(out.text.contains(" [build 4/4] RUN echo"), "{}", out.text);
    assert!(out.text.contains(" [stage-2 1/1] COPY --from=build /src/app /app"), "{}", out.text);
    assert!(!out.text.contains("nosuchcompiler\n#"), "the unused stage does not run: {}", out.text);
    assert!(!out.text.contains("busybox"), "{}", out.text);
    let img = e.image("small").unwrap().clone();
    assert_eq!(img.diff_ids().len(), 1, "one layer: only the copied binary");
    let view = e.rootfs(&img).unwrap();
    let app = view.get(&layerlab_engine::fs::components("/app")).unwrap();
    assert_eq!(app.mode, 0o755);
    assert_eq!(app.body().unwrap().to_vec(), b"binary built from app.c\n");
    assert_eq!(view.len(), 1, "nothing of alpine in the final image");
    // The build stage's layers are not kept: only alpine's and the final one are stored.
    let alpine = e.image("alpine:3.17").unwrap().diff_ids().len();
    let layers: std::collections::BTreeSet<_> = e.images_view().iter().flat_map(|i| i.layers.iter().map(|l| l.diff_id.clone())).collect();
    assert_eq!(layers.len(), alpine + 1);
}

#[test]
fn target_builds_an_earlier_stage() {
    let (mut e, mut h) = (Engine::new(), host());
    let out = e.run("docker build --target build -t builder .", &mut h);
    assert_eq!(out.status, 0, "{}", out.text);
    let img = e.image("builder").unwrap().clone();
    let alpine = e.image("alpine:3.17").unwrap().diff_ids().len();
    assert_eq!(img.diff_ids().len(), alpine + 3, "WORKDIR, COPY and RUN on alpine");
    assert_eq!(img.config.config.working_dir.as_deref(), Some("/src"));
    let out = e.run("docker build --target nope -t x .", &mut h);
    assert_eq!(out.status, 1);
    assert!(out.text.contains("target stage \"nope\" could not be found"), "{}", out.text);
}

#[test]
fn a_stage_can_start_from_an_earlier_one_and_bad_references_are_errors() {
    let mut h = MemHost::new([("Dockerfile", "FROM busybox AS base\nRUN echo base > /base\nFROM base\nRUN cat /base > /copy\n")]);
    let mut e = Engine::new();
    let out = e.run("docker build -t chained .", &mut h);
    assert_eq!(out.status, 0, "{}", out.text);
    let img = e.image("chained").unwrap().clone();
    let copy = e.rootfs(&img).unwrap().get(&layerlab_engine::fs::components("/copy")).unwrap().body().unwrap().to_vec();
    assert_eq!(copy, b"base\n");
    h.files.insert("Dockerfile".into(), b"FROM scratch\nCOPY --from=nowhere /x /x\n".to_vec());
    let out = e.run("docker build .", &mut h);
    assert_eq!(out.status, 1);
    assert!(out.text.contains("no earlier stage is named nowhere"), "{}", out.text);
    h.files.insert("Dockerfile".into(), b"FROM busybox AS\n".to_vec());
    let out = e.run("docker build .", &mut h);
    assert!(out.text.contains("FROM requires either one or three arguments"), "{}", out.text);
}
