//! `docker load`: reads a `docker save` archive (Docker's `manifest.json`
//! form, legacy or Docker 25+, or a bare OCI layout), verifies every layer
//! against the config's diff_ids, and refuses hostile input. Nothing is
//! stored until the whole archive has been checked.

use crate::digest::Digest;
use crate::fs::Tree;
use crate::image::ImageConfig;
use crate::layer;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Read;

/// Upper bound on what one archive may unpack to in memory.
const MAX_TOTAL: u64 = 2 << 30;

/// One image read from an archive, verified.
pub(crate) struct LoadedImage {
    pub config_bytes: Vec<u8>,
    pub config: ImageConfig,
    pub tags: Vec<String>,
    /// Per layer: the uncompressed tar (its digest is the matching diff_id),
    /// the tree after applying it, and its content size.
    pub layers: Vec<(Vec<u8>, Tree, u64)>,
}

fn invalid(msg: impl std::fmt::Display) -> String {
    format!("invalid archive: {msg}")
}

/// The archive's files by normalised path; symlinks are resolved inside
/// the archive and refused when they leave it.
fn read_entries(bytes: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut links: BTreeMap<String, String> = BTreeMap::new();
    let mut total = 0u64;
    let mut archive = tar::Archive::new(bytes);
    for entry in archive.entries().map_err(invalid)? {
        let mut entry = entry.map_err(invalid)?;
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        if raw.starts_with('/') || raw.split('/').any(|p| p == "..") {
            return Err(invalid(format!("entry {raw:?} points outside the archive")));
        }
        let name = crate::fs::components(&raw).join("/");
        let kind = entry.header().entry_type();
        if kind.is_dir() {
            continue;
        }
        if files.contains_key(&name) || links.contains_key(&name) {
            return Err(invalid(format!("duplicate entry {name:?}")));
        }
        match kind {
            tar::EntryType::Regular | tar::EntryType::Continuous => {
                total += entry.size();
                if total > MAX_TOTAL {
                    return Err(invalid("it unpacks to more than 2 GiB"));
                }
                let mut body = Vec::new();
                entry.read_to_end(&mut body).map_err(|e| invalid(format!("{name}: {e}")))?;
                if body.len() as u64 != entry.size() {
                    return Err(invalid(format!("{name}: the header says {} bytes, the archive holds {}", entry.size(), body.len())));
                }
                files.insert(name, body);
            }
            tar::EntryType::Symlink | tar::EntryType::Link => {
                let target = entry.link_name_bytes().map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
                let base = if kind == tar::EntryType::Symlink { name.rsplit_once('/').map_or("", |(d, _)| d).to_string() } else { String::new() };
                let joined = if target.starts_with('/') { target.clone() } else { format!("{base}/{target}") };
                let depth_ok = joined.split('/').filter(|p| !p.is_empty() && *p != ".").try_fold(0i32, |d, p| {
                    let d = if p == ".." { d - 1 } else { d + 1 };
                    (d >= 0).then_some(d)
                });
                if target.starts_with('/') || depth_ok.is_none() {
                    return Err(invalid(format!("link {name:?} -> {target:?} points outside the archive")));
                }
                links.insert(name, crate::fs::components(&joined).join("/"));
            }
            other => return Err(invalid(format!("entry {name:?} has type {other:?}"))),
        }
    }
    for (name, target) in links {
        let body = files.get(&target).cloned().ok_or_else(|| invalid(format!("link {name:?} points to missing {target:?}")))?;
        files.insert(name, body);
    }
    Ok(files)
}

fn json(files: &BTreeMap<String, Vec<u8>>, path: &str) -> Result<Value, String> {
    let bytes = files.get(path).ok_or_else(|| invalid(format!("{path} is missing")))?;
    serde_json::from_slice(bytes).map_err(|e| invalid(format!("{path} is not valid JSON: {e}")))
}

/// (config path, tags, layer paths) of one image in an archive.
type ManifestEntry = (String, Vec<String>, Vec<String>);

/// The images an archive lists, from manifest.json or index.json.
fn manifest_entries(files: &BTreeMap<String, Vec<u8>>) -> Result<Vec<ManifestEntry>, String> {
    let blob = |d: &str| -> Result<String, String> {
        let digest = Digest::parse(d).map_err(invalid)?;
        Ok(format!("blobs/sha256/{}", digest.hex()))
    };
    if files.contains_key("manifest.json") {
        let manifest = json(files, "manifest.json")?;
        let list = manifest.as_array().ok_or_else(|| invalid("manifest.json is not a list"))?;
        return list
            .iter()
            .map(|m| {
                let config = m["Config"].as_str().ok_or_else(|| invalid("manifest.json: an entry has no Config"))?.to_string();
                let tags = m["RepoTags"].as_array().map(|t| t.iter().filter_map(|s| s.as_str().map(str::to_string)).collect()).unwrap_or_default();
                let layers = m["Layers"]
                    .as_array()
                    .ok_or_else(|| invalid("manifest.json: an entry has no Layers"))?
                    .iter()
                    .map(|l| l.as_str().map(str::to_string).ok_or_else(|| invalid("manifest.json: a layer path is not a string")))
                    .collect::<Result<_, _>>()?;
                Ok((crate::fs::components(&config).join("/"), tags, layers))
            })
            .collect();
    }
    if files.contains_key("index.json") {
        let index = json(files, "index.json")?;
        let manifests = index["manifests"].as_array().ok_or_else(|| invalid("index.json has no manifests"))?;
        return manifests
            .iter()
            .map(|d| {
                let path = blob(d["digest"].as_str().unwrap_or(""))?;
                let m = json(files, &path)?;
                let config = blob(m["config"]["digest"].as_str().unwrap_or(""))?;
                let layers = m["layers"].as_array().ok_or_else(|| invalid(format!("{path}: no layers")))?;
                let layers = layers.iter().map(|l| blob(l["digest"].as_str().unwrap_or(""))).collect::<Result<_, _>>()?;
                // containerd's name annotation, or a ref.name that is a whole reference (skopeo writes those).
                let ref_name = d["annotations"]["org.opencontainers.image.ref.name"].as_str().filter(|r| r.contains(':') || r.contains('/'));
                let tag = d["annotations"]["io.containerd.image.name"].as_str().or(ref_name).map(str::to_string);
                Ok((config, tag.into_iter().collect(), layers))
            })
            .collect();
    }
    Err(invalid("neither manifest.json nor index.json is present"))
}

/// Reads and verifies every image in `bytes`. Layers are applied on top of
/// one another to check they unpack (and to build the merged views).
pub(crate) fn read(bytes: &[u8]) -> Result<Vec<LoadedImage>, String> {
    let bytes = gunzip_if_needed(bytes)?;
    let files = read_entries(&bytes)?;
    let mut out = Vec::new();
    for (config_path, tags, layer_paths) in manifest_entries(&files)? {
        let config_bytes = files.get(&config_path).cloned().ok_or_else(|| invalid(format!("config {config_path} is missing")))?;
        let config: ImageConfig =
            serde_json::from_slice(&config_bytes).map_err(|e| invalid(format!("config {config_path} is not an image config: {e}")))?;
        if config.rootfs.diff_ids.len() != layer_paths.len() {
            return Err(invalid(format!(
                "the config lists {} layers, the manifest {}",
                config.rootfs.diff_ids.len(),
                layer_paths.len()
            )));
        }
        let mut tree = Tree::new();
        let mut layers = Vec::new();
        for (i, (path, expected)) in layer_paths.iter().zip(&config.rootfs.diff_ids).enumerate() {
            let key = crate::fs::components(path).join("/");
            let raw = files.get(&key).ok_or_else(|| invalid(format!("layer {path} is missing")))?;
            let tar = gunzip_if_needed(raw)?;
            let got = Digest::of(&tar);
            if &got != expected {
                return Err(format!("invalid diffID for layer {i}: calculated {got}, expected {expected}"));
            }
            layer::apply(&mut tree, &tar)?;
            let size = content_size(&tar)?;
            layers.push((tar, tree.clone(), size));
        }
        for tag in &tags {
            crate::image::normalize_reference(tag).map_err(|e| invalid(format!("tag {tag:?}: {e}")))?;
        }
        out.push(LoadedImage { config_bytes, config, tags, layers });
    }
    Ok(out)
}

/// Docker's layer size: bytes of regular files and symlink targets.
fn content_size(tar: &[u8]) -> Result<u64, String> {
    let mut size = 0;
    for entry in tar::Archive::new(tar).entries().map_err(|e| format!("layer: {e}"))? {
        let entry = entry.map_err(|e| format!("layer: {e}"))?;
        let name = entry.path_bytes();
        let base = name.rsplit(|b| *b == b'/').next().unwrap_or(&name);
        if base.starts_with(b".wh.") {
            continue;
        }
        size += match entry.header().entry_type() {
            tar::EntryType::Regular => entry.size(),
            tar::EntryType::Symlink => entry.link_name_bytes().map_or(0, |l| l.len() as u64),
            _ => 0,
        };
    }
    Ok(size)
}

fn gunzip_if_needed(bytes: &[u8]) -> Result<Vec<u8>, String> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes).take(MAX_TOTAL).read_to_end(&mut out).map_err(|e| invalid(format!("gzip: {e}")))?;
        Ok(out)
    } else {
        Ok(bytes.to_vec())
    }
}

