//! Real tools as judges (../shared/ORACLES.md): `skopeo copy
//! docker-archive:… oci:…` verifies every diff_id, `umoci unpack` verifies
//! them again and applies the whiteouts; the rootfs it writes is compared
//! with the engine's view, file by file.

use layerlab_engine::fs::{display, Kind, Tree};
use layerlab_engine::{layer, Digest, Engine, MemHost};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// What a file tree holds, for comparison: path -> description.
pub fn describe_tree(tree: &Tree) -> BTreeMap<String, String> {
    tree.iter()
        .map(|(k, n)| {
            let what = match &n.kind {
                Kind::Dir => "dir".to_string(),
                Kind::File(b) | Kind::HardLink { body: b, .. } => format!("file {:o} {} {}", n.mode, b.len(), Digest::of(&b.to_vec()).short()),
                Kind::Symlink(t) => format!("symlink {t}"),
            };
            (display(k), what)
        })
        .collect()
}

pub fn describe_dir(root: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = format!("/{}", path.strip_prefix(root).unwrap().to_string_lossy());
            let meta = std::fs::symlink_metadata(&path).unwrap();
            if meta.file_type().is_symlink() {
                out.insert(rel, format!("symlink {}", std::fs::read_link(&path).unwrap().to_string_lossy()));
            } else if meta.is_dir() {
                out.insert(rel, "dir".to_string());
                walk(root, &path, out);
            } else {
                use std::os::unix::fs::PermissionsExt;
                let body = std::fs::read(&path).unwrap();
                out.insert(rel, format!("file {:o} {} {}", meta.permissions().mode() & 0o7777, body.len(), Digest::of(&body).short()));
            }
        }
    }
    walk(root, root, &mut out);
    out
}

pub fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e} (./dev.sh test installs skopeo and umoci)"));
    assert!(out.status.success(), "{cmd:?} failed:\n{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Saves `reference` with `docker save`, has skopeo and umoci judge it, and
/// returns the unpacked rootfs description next to the engine's.
pub fn judge(engine: &mut Engine, reference: &str) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let dir = tempfile::tempdir().unwrap();
    let mut host = MemHost::default();
    let out = engine.run(&format!("docker save -o image.tar {reference}"), &mut host);
    assert_eq!(out.status, 0, "{}", out.text);
    let tar = dir.path().join("image.tar");
    std::fs::write(&tar, &host.files["image.tar"]).unwrap();

    let oci = dir.path().join("oci");
    run(Command::new("skopeo").args(["copy", "--quiet"]).arg(format!("docker-archive:{}", tar.display())).arg(format!("oci:{}:t", oci.display())));
    // The same archive is an OCI layout too.
    let oci2 = dir.path().join("oci2");
    run(Command::new("skopeo").args(["copy", "--quiet"]).arg(format!("oci-archive:{}", tar.display())).arg(format!("oci:{}:t", oci2.display())));
    let bundle = dir.path().join("bundle");
    run(Command::new("umoci").args(["unpack", "--rootless", "--image"]).arg(format!("{}:t", oci.display())).arg(&bundle));

    let image = engine.image(reference).unwrap().clone();
    // skopeo reports the diff_ids the engine showed.
    let inspect = run(Command::new("skopeo").arg("inspect").arg(format!("docker-archive:{}", tar.display())));
    let inspect: serde_json::Value = serde_json::from_str(&inspect).unwrap();
    let layers: Vec<String> = image.diff_ids().iter().map(|d| d.to_string()).collect();
    assert_eq!(inspect["Layers"], serde_json::json!(layers));

    // The engine's own reader agrees with its merged view.
    let mut applied = Tree::new();
    for d in image.diff_ids() {
        layer::apply(&mut applied, &engine.blob(d).unwrap()).unwrap();
    }
    let view = engine.rootfs(&image).unwrap();
    assert_eq!(describe_tree(&applied), describe_tree(view));
    (describe_dir(&bundle.join("rootfs")), describe_tree(view))
}

