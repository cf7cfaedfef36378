//! Image archives: `docker save` writes what Docker 25+ writes — the legacy
//! `manifest.json` + `repositories` beside an OCI image layout (`oci-layout`,
//! `index.json`, `blobs/sha256/…`), all blobs stored once, uncompressed.

use crate::digest::Digest;
use crate::fs::{components, Node, Tree};
use crate::image::Image;
use crate::layer::{self, Change};
use crate::Engine;
use serde_json::{json, Value};

/// The OCI manifest of `image` (uncompressed layers) and its digest: what
/// `docker save` writes and what `docker pull` reports as `Digest:`.
pub fn manifest(content: &crate::content::ContentStore, image: &Image) -> Result<(Digest, Vec<u8>), String> {
    let size = |d: &Digest| content.size(d).ok_or_else(|| format!("blob {d} is missing from the content store"));
    let layers = image
        .diff_ids()
        .iter()
        .map(|d| Ok(json!({ "mediaType": MEDIA_LAYER, "digest": d, "size": size(d)? })))
        .collect::<Result<Vec<_>, String>>()?;
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": MEDIA_MANIFEST,
        "config": { "mediaType": MEDIA_CONFIG, "digest": image.id, "size": size(&image.id)? },
        "layers": layers,
    });
    let bytes = serde_json::to_vec(&manifest).map_err(|e| e.to_string())?;
    Ok((Digest::of(&bytes), bytes))
}
use std::collections::BTreeMap;

pub const MEDIA_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const MEDIA_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const MEDIA_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
pub const MEDIA_LAYER: &str = "application/vnd.oci.image.layer.v1.tar";

fn blob_path(d: &Digest) -> String {
    format!("blobs/sha256/{}", d.hex())
}

/// The archive for `images` (each with the tags to record). Fails if a blob
/// an image needs is missing from the store.
pub fn save(engine: &Engine, images: &[(&Image, Vec<String>)]) -> Result<Vec<u8>, String> {
    let mut blobs: BTreeMap<Digest, Vec<u8>> = BTreeMap::new();
    let mut manifest_json = Vec::new();
    let mut index = Vec::new();
    let mut repositories: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let blob = |d: &Digest| engine.blob(d).map(|b| b.into_owned()).ok_or_else(|| format!("blob {d} is missing from the content store"));
    for (image, tags) in images {
        let config = blob(&image.id)?;
        for d in image.diff_ids() {
            blobs.insert(d.clone(), blob(d)?);
        }
        let (manifest_digest, manifest_bytes) = engine.manifest(image)?;
        blobs.insert(image.id.clone(), config);
        blobs.insert(manifest_digest.clone(), manifest_bytes.clone());

        let descriptor = |tag: Option<&String>| {
            let mut d = json!({ "mediaType": MEDIA_MANIFEST, "digest": manifest_digest, "size": manifest_bytes.len() });
            if let Some(tag) = tag {
                let (_, short) = tag.rsplit_once(':').unwrap_or((tag, "latest"));
                d["annotations"] = json!({
                    "io.containerd.image.name": format!("docker.io/library/{tag}"),
                    "org.opencontainers.image.ref.name": short,
                });
            }
            d
        };
        if tags.is_empty() {
            index.push(descriptor(None));
        }
        for tag in tags {
            index.push(descriptor(Some(tag)));
            if let Some((repo, t)) = tag.rsplit_once(':') {
                repositories.entry(repo.to_string()).or_default().insert(t.to_string(), image.id.hex().to_string());
            }
        }
        manifest_json.push(json!({
            "Config": blob_path(&image.id),
            "RepoTags": if tags.is_empty() { Value::Null } else { json!(tags) },
            "Layers": image.diff_ids().iter().map(blob_path).collect::<Vec<_>>(),
        }));
    }

    let mut files: Vec<(String, Vec<u8>)> = blobs.into_iter().map(|(d, b)| (blob_path(&d), b)).collect();
    let to_vec = |v: &Value| serde_json::to_vec(v).map_err(|e| e.to_string());
    files.push(("index.json".into(), to_vec(&json!({ "schemaVersion": 2, "mediaType": MEDIA_INDEX, "manifests": index }))?));
    files.push(("manifest.json".into(), to_vec(&Value::Array(manifest_json))?));
    files.push(("oci-layout".into(), to_vec(&json!({ "imageLayoutVersion": "1.0.0" }))?));
    files.push(("repositories".into(), to_vec(&json!(repositories))?));

    let mut tree = Tree::new();
    let mut changes = Vec::new();
    for (path, bytes) in files {
        let key = components(&path);
        tree.insert(key.clone(), Node::file(bytes, 0o644))?;
        changes.push(Change::Added(key));
    }
    layer::write_tar(&tree, &changes)
}
