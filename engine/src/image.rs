//! Images: the config JSON as Docker writes it, the image ID (sha256 of the
//! config bytes), tags, and the `docker image inspect` view.

use crate::digest::{chain_ids, Digest};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The image config (OCI image config plus Docker's fields). Top-level keys
/// are in the order BuildKit writes them (sorted).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ImageConfig {
    pub architecture: String,
    /// `docker commit --author`; absent when empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub author: String,
    pub config: RunConfig,
    pub created: String,
    pub history: Vec<History>,
    pub os: String,
    pub rootfs: RootFs,
}

/// The `config` object: how a container of this image runs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RunConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exposed_ports: Option<BTreeMap<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entrypoint: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cmd: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volumes: Option<BTreeMap<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub working_dir: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_signal: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<Value>,
    /// BuildKit writes `"OnBuild": null` when there are no triggers.
    #[serde(default)]
    pub on_build: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shell: Option<Vec<String>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    pub created: String,
    pub created_by: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub comment: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub empty_layer: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RootFs {
    #[serde(rename = "type")]
    pub kind: String,
    pub diff_ids: Vec<Digest>,
}

impl Default for RootFs {
    fn default() -> Self {
        RootFs { kind: "layers".to_string(), diff_ids: Vec::new() }
    }
}

/// Comment BuildKit puts on the history entries of Dockerfile steps.
pub const BUILDKIT_COMMENT: &str = "buildkit.dockerfile.v0";
/// PATH BuildKit sets in images built `FROM scratch` on Linux.
pub const DEFAULT_PATH: &str = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

impl ImageConfig {
    /// A linux/amd64 config with no layers or history yet.
    pub fn linux_amd64(created: &str, config: RunConfig) -> ImageConfig {
        ImageConfig { architecture: "amd64".to_string(), os: "linux".to_string(), created: created.to_string(), config, ..ImageConfig::default() }
    }

    /// The exact bytes stored, hashed and exported.
    pub fn to_bytes(&self) -> Result<Vec<u8>, String> {
        serde_json::to_vec(self).map_err(|e| format!("image config: {e}"))
    }
}

/// An image in the store: its ID, its config and the bytes the ID hashes.
#[derive(Clone, Debug)]
pub struct Image {
    pub id: Digest,
    pub config: ImageConfig,
    /// Content size of each layer, bottom first (same order as diff_ids).
    pub layer_sizes: Vec<u64>,
}

impl Image {
    pub fn size(&self) -> u64 {
        self.layer_sizes.iter().sum()
    }

    pub fn diff_ids(&self) -> &[Digest] {
        &self.config.rootfs.diff_ids
    }
}

/// Normalises a reference the way Docker shows it in RepoTags: `hello` ->
/// `hello:latest`. Fails on what Docker would reject.
pub fn normalize_reference(r: &str) -> Result<String, String> {
    let invalid = || format!("invalid reference format: repository name ({r}) must be lowercase");
    if r.is_empty() {
        return Err("invalid reference format".to_string());
    }
    let (name, tag) = match r.rsplit_once(':') {
        Some((n, t)) if !t.contains('/') => (n, t),
        _ => (r, "latest"),
    };
    let name = name.strip_prefix("docker.io/").unwrap_or(name);
    let name = name.strip_prefix("library/").unwrap_or(name);
    if name.is_empty() || tag.is_empty() {
        return Err("invalid reference format".to_string());
    }
    if name.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(invalid());
    }
    let name_ok = name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-/".contains(c));
    let tag_ok = tag.len() <= 128 && tag.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    if !name_ok || !tag_ok || name.starts_with(['.', '_', '-', '/']) || tag.starts_with(['.', '-']) {
        return Err("invalid reference format".to_string());
    }
    Ok(format!("{name}:{tag}"))
}

/// The overlay2 directory of a layer, as the classic storage driver lays it
/// out under /var/lib/docker/overlay2. Docker picks a random cache ID; Layer
/// Lab derives it from the chain ID so that it is stable.
pub fn overlay2_dir(chain_id: &Digest) -> String {
    let cache_id = Digest::of(format!("overlay2 {}", chain_id.as_str()).as_bytes());
    format!("/var/lib/docker/overlay2/{}", cache_id.hex())
}

/// The object `docker image inspect` prints for one image; `parent`: the
/// image the classic builder or `docker commit` made it on.
pub fn inspect(image: &Image, tags: &[String], repo_digests: &[String], parent: Option<&Digest>) -> Value {
    let c = &image.config;
    let chains = chain_ids(image.diff_ids());
    let graph = match chains.split_last() {
        None => json!({ "Data": null, "Name": "overlay2" }),
        Some((top, lower)) => {
            let dir = overlay2_dir(top);
            let mut data = serde_json::Map::new();
            if !lower.is_empty() {
                let lowers: Vec<String> = lower.iter().rev().map(|l| format!("{}/diff", overlay2_dir(l))).collect();
                data.insert("LowerDir".into(), json!(lowers.join(":")));
            }
            data.insert("MergedDir".into(), json!(format!("{dir}/merged")));
            data.insert("UpperDir".into(), json!(format!("{dir}/diff")));
            data.insert("WorkDir".into(), json!(format!("{dir}/work")));
            json!({ "Data": data, "Name": "overlay2" })
        }
    };
    let comment = c.history.last().map(|h| h.comment.clone()).unwrap_or_default();
    json!({
        "Id": image.id,
        "RepoTags": tags,
        "RepoDigests": repo_digests,
        "Parent": parent.map_or(String::new(), Digest::to_string),
        "Comment": comment,
        "Created": c.created,
        "DockerVersion": "",
        "Author": image.config.author,
        "Config": c.config,
        "Architecture": c.architecture,
        "Os": c.os,
        "Size": image.size(),
        "GraphDriver": graph,
        "RootFS": { "Type": c.rootfs.kind, "Layers": c.rootfs.diff_ids },
        "Metadata": { "LastTagTime": c.created },
    })
}
