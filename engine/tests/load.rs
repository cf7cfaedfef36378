//! `docker load`: archives written by us and by skopeo load with the same
//! diff_ids; hostile archives are refused and leave the engine unchanged.

use layerlab_engine::{Digest, Engine, MemHost};
use std::io::Write;
use std::process::Command;

fn saved(reference: &str) -> (Engine, Vec<u8>) {
    let mut engine = Engine::new();
    let mut host = MemHost::new([("Dockerfile", "FROM alpine:3.17\nCOPY app/ /app/\n"), ("app/run.sh", "echo hi\n"), ("app/x", "x")]);
    assert_eq!(engine.run("docker build -t exp:1 .", &mut host).status, 0);
    let out = engine.run(&format!("docker save -o out.tar {reference}"), &mut host);
    assert_eq!(out.status, 0, "{}", out.text);
    let bytes = host.files["out.tar"].clone();
    (engine, bytes)
}

fn load(engine: &mut Engine, bytes: Vec<u8>) -> layerlab_engine::Output {
    let mut host = MemHost::new([("in.tar", bytes)]);
    engine.run("docker load -i in.tar", &mut host)
}

fn describe(engine: &Engine, reference: &str) -> Vec<(String, String)> {
    let img = engine.image(reference).unwrap();
    engine
        .rootfs(img)
        .unwrap()
        .iter()
        .map(|(k, n)| {
            let what = match &n.kind {
                layerlab_engine::fs::Kind::File(b) => format!("file {}", Digest::of(&b.to_vec())),
                other => format!("{other:?}"),
            };
            (k.join("/"), format!("{what} {:o}", n.mode))
        })
        .collect()
}

#[test]
fn save_then_load_gives_the_same_image() {
    let (original, bytes) = saved("exp:1");
    let mut engine = Engine::new();
    let out = load(&mut engine, bytes);
    assert_eq!(out.status, 0, "{}", out.text);
    assert_eq!(out.text, "Loaded image: exp:1\n");
    let (a, b) = (original.image("exp:1").unwrap(), engine.image("exp:1").unwrap());
    assert_eq!(a.id, b.id);
    assert_eq!(a.diff_ids(), b.diff_ids());
    assert_eq!(a.size(), b.size());
    assert_eq!(describe(&original, "exp:1"), describe(&engine, "exp:1"));
    // Loading again changes nothing.
    let blobs = engine.content().len();
    assert_eq!(load(&mut engine, saved("exp:1").1).status, 0);
    assert_eq!(engine.content().len(), blobs);
}

#[test]
fn an_archive_written_by_skopeo_loads_with_the_same_diff_ids() {
    let (original, bytes) = saved("exp:1");
    let dir = tempfile::tempdir().unwrap();
    let ours = dir.path().join("ours.tar");
    std::fs::write(&ours, &bytes).unwrap();
    let theirs = dir.path().join("theirs.tar");
    let status = Command::new("skopeo")
        .args(["copy", "--quiet"])
        .arg(format!("docker-archive:{}", ours.display()))
        .arg(format!("docker-archive:{}:skopeo/copy:2", theirs.display()))
        .status()
        .expect("skopeo runs (./dev.sh test installs it)");
    assert!(status.success());
    let mut engine = Engine::new();
    let out = load(&mut engine, std::fs::read(&theirs).unwrap());
    assert_eq!(out.status, 0, "{}", out.text);
    assert_eq!(out.text, "Loaded image: skopeo/copy:2\n");
    let loaded = engine.image("skopeo/copy:2").unwrap();
    assert_eq!(loaded.diff_ids(), original.image("exp:1").unwrap().diff_ids());
    assert_eq!(describe(&original, "exp:1"), describe(&engine, "skopeo/copy:2"));
    // What we loaded saves again and skopeo accepts it.
    let mut host = MemHost::default();
    assert_eq!(engine.run("docker save -o again.tar skopeo/copy:2", &mut host).status, 0);
    let again = dir.path().join("again.tar");
    std::fs::write(&again, &host.files["again.tar"]).unwrap();
    let status = Command::new("skopeo")
        .args(["copy", "--quiet"])
        .arg(format!("docker-archive:{}", again.display()))
        .arg(format!("oci:{}:t", dir.path().join("oci").display()))
        .status()
        .unwrap();
    assert!(status.success());
}

/// A minimal docker archive: manifest.json, a config and the given layer files.
fn archive(config: &[u8], layers: &[(&str, Vec<u8>)], extra: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    let mut add = |name: &str, data: &[u8]| {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, data).unwrap();
    };
    let paths: Vec<&str> = layers.iter().map(|(p, _)| *p).collect();
    let manifest = serde_json::json!([{ "Config": "config.json", "RepoTags": ["hand:made"], "Layers": paths }]);
    add("manifest.json", manifest.to_string().as_bytes());
    add("config.json", config);
    for (p, data) in layers {
        add(p, data);
    }
    for (p, data) in extra {
        add(p, data);
    }
    b.into_inner().unwrap()
}

fn one_file_layer() -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_ustar();
    h.set_size(3);
    h.set_mode(0o644);
    h.set_cksum();
    b.append_data(&mut h, "etc/motd", &b"hi\n"[..]).unwrap();
    b.into_inner().unwrap()
}

fn config_for(layers: &[&[u8]]) -> Vec<u8> {
    let ids: Vec<String> = layers.iter().map(|l| Digest::of(l).to_string()).collect();
    serde_json::json!({
        "architecture": "amd64", "os": "linux", "created": "2024-01-01T00:00:00Z",
        "config": {"Cmd": ["sh"]}, "container_config": {"Hostname": "x"}, "docker_version": "24.0.7",
        "history": [{"created": "2024-01-01T00:00:00Z", "created_by": "ADD motd /etc/"}],
        "rootfs": {"type": "layers", "diff_ids": ids}
    })
    .to_string()
    .into_bytes()
}

#[test]
fn gzip_layers_and_foreign_config_fields_are_accepted() {
    let layer = one_file_layer();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&layer).unwrap();
    let config = config_for(&[&layer]);
    let bytes = archive(&config, &[("l1/layer.tar.gz", gz.finish().unwrap())], &[]);
    let mut engine = Engine::new();
    let out = load(&mut engine, bytes);
    assert_eq!(out.status, 0, "{}", out.text);
    let img = engine.image("hand:made").unwrap();
    assert_eq!(img.id, Digest::of(&config), "the image ID is the sha256 of the config bytes as they came");
    assert_eq!(img.diff_ids()[0], Digest::of(&layer));
    assert_eq!(&*engine.blob(&img.diff_ids()[0]).unwrap(), layer.as_slice(), "the layer keeps its exact bytes");
    let out = engine.run("docker image inspect -f '{{.Size}}' hand:made", &mut MemHost::default());
    assert_eq!(out.text, "3\n");
}

fn refused(bytes: Vec<u8>, expect: &str) {
    let mut engine = Engine::new();
    let mut host = MemHost::default();
    assert_eq!(engine.run("docker pull busybox", &mut host).status, 0);
    let blobs = engine.content().len();
    let out = load(&mut engine, bytes);
    assert_eq!(out.status, 1, "{}", out.text);
    assert!(out.text.contains(expect), "expected {expect:?} in {:?}", out.text);
    assert_eq!(engine.content().len(), blobs, "nothing stored");
    assert_eq!(engine.images_view().len(), 1);
}

#[test]
fn hostile_archives_are_refused_with_the_store_unchanged() {
    let layer = one_file_layer();
    let config = config_for(&[&layer]);

    // A digest that does not match.
    let mut other = layer.clone();
    other[600] ^= 1;
    refused(archive(&config, &[("l1/layer.tar", other)], &[]), "invalid diffID for layer 0: calculated sha256:");
    // A missing layer.
    let missing = serde_json::json!([{ "Config": "config.json", "Layers": ["nope/layer.tar"] }]).to_string();
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in [("manifest.json", missing.as_bytes()), ("config.json", config.as_slice())] {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_cksum();
        b.append_data(&mut h, name, data).unwrap();
    }
    refused(b.into_inner().unwrap(), "layer nope/layer.tar is missing");
    // A config that is not JSON.
    refused(archive(b"not json", &[("l1/layer.tar", layer.clone())], &[]), "config config.json is not an image config");
    // Duplicate entries.
    refused(archive(&config, &[("l1/layer.tar", layer.clone())], &[("l1/layer.tar", layer.clone())]), "duplicate entry");
    // Names that leave the archive, and a symlink that does.
    let mut evil = archive(&config, &[("l1/layer.tar", layer.clone())], &[]);
    evil.truncate(evil.len() - 1024);
    let mut b = tar::Builder::new(evil);
    let mut h = tar::Header::new_gnu();
    h.set_size(1);
    h.set_cksum();
    h.as_gnu_mut().unwrap().name[..10].copy_from_slice(b"../escaped");
    h.set_cksum();
    b.append(&h, &b"x"[..]).unwrap();
    refused(b.into_inner().unwrap(), "points outside the archive");
    let mut b = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::Symlink);
    h.set_size(0);
    b.append_link(&mut h, "l1/layer.tar", "../../etc/passwd").unwrap();
    let link_only = b.into_inner().unwrap();
    refused(link_only, "points outside the archive");
    // Sizes that lie: the archive ends inside an entry.
    let mut cut = archive(&config, &[("l1/layer.tar", layer.clone())], &[]);
    cut.truncate(cut.len() - 1024 - 600);
    refused(cut, "invalid archive");
    // Not an archive at all.
    refused(b"hello".to_vec(), "invalid archive");
    // A layer that climbs out of the image root.
    let mut bad_layer = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(1);
    h.as_gnu_mut().unwrap().name[..6].copy_from_slice(b"../bad");
    h.set_cksum();
    bad_layer.append(&h, &b"x"[..]).unwrap();
    let bad_layer = bad_layer.into_inner().unwrap();
    refused(archive(&config_for(&[&bad_layer]), &[("l1/layer.tar", bad_layer)], &[]), "outside the image root");
}

#[test]
fn load_without_input_or_with_a_missing_file_says_so() {
    let mut engine = Engine::new();
    let out = engine.run("docker load", &mut MemHost::default());
    assert!(out.text.starts_with("requested load from stdin, but stdin is empty"));
    let out = engine.run("docker load -i nope.tar", &mut MemHost::default());
    assert_eq!(out.text, "open nope.tar: no such file or directory\n");
}

#[test]
fn a_bare_oci_layout_archive_from_skopeo_loads() {
    let (original, bytes) = saved("exp:1");
    let dir = tempfile::tempdir().unwrap();
    let ours = dir.path().join("ours.tar");
    std::fs::write(&ours, &bytes).unwrap();
    let oci = dir.path().join("oci.tar");
    let status = Command::new("skopeo")
        .args(["copy", "--quiet"])
        .arg(format!("docker-archive:{}", ours.display()))
        .arg(format!("oci-archive:{}:docker.io/library/from-oci:3", oci.display()))
        .status()
        .expect("skopeo runs");
    assert!(status.success());
    let mut engine = Engine::new();
    let out = load(&mut engine, std::fs::read(&oci).unwrap());
    assert_eq!(out.status, 0, "{}", out.text);
    assert_eq!(out.text, "Loaded image: from-oci:3\n");
    assert_eq!(engine.image("from-oci:3").unwrap().diff_ids(), original.image("exp:1").unwrap().diff_ids());
}
