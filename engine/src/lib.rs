//! Layer Lab's engine: a plain library with no web dependency.
//!
//! One [`Engine`] holds the whole simulated Docker host. Commands go in as
//! text lines ([`Engine::run`]); text, an exit status and [`Event`]s come out.
//! The page and the `layerlab` command are two faces over this one engine.

pub mod build;
pub mod console;
pub mod content;
pub mod digest;
pub mod dockerfile;
pub mod fs;
pub mod host;
pub mod image;
pub mod json;
pub mod layer;
pub mod snapshot;
pub mod units;

pub use console::Output;
pub use digest::Digest;
pub use host::{DirHost, Host, MemHost};

use content::ContentStore;
use image::{Image, ImageConfig};
use snapshot::Snapshotter;
use std::collections::BTreeMap;

/// Something that happened, for the page to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    LayerCreated { diff_id: Digest, size: u64 },
    ImageCreated { id: Digest },
    Tagged { reference: String, id: Digest },
}

/// The simulated Docker host.
#[derive(Clone, Debug, Default)]
pub struct Engine {
    content: ContentStore,
    snapshots: Snapshotter,
    images: BTreeMap<Digest, Image>,
    /// `name:tag` -> image ID.
    tags: BTreeMap<String, Digest>,
}

/// One layer of an image, as the page draws it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LayerView {
    pub diff_id: Digest,
    pub size: u64,
    /// The history entry that made the layer (`COPY hello.txt / # buildkit`).
    pub created_by: String,
}

/// An image, as the page draws it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ImageView {
    pub id: Digest,
    pub tags: Vec<String>,
    pub size: u64,
    pub layers: Vec<LayerView>,
}

impl Engine {
    pub fn new() -> Engine {
        Engine::default()
    }

    /// Stores an image whose config serialises to `config_bytes`; its ID is
    /// their digest.
    fn add_image(&mut self, config_bytes: Vec<u8>, config: ImageConfig, layer_sizes: Vec<u64>) -> Digest {
        let id = Digest::of(&config_bytes);
        if !self.images.contains_key(&id) {
            self.content.put_verified(id.clone(), config_bytes);
            self.images.insert(id.clone(), Image { id: id.clone(), config, layer_sizes });
        }
        id
    }

    fn tag(&mut self, reference: &str, id: &Digest) {
        self.tags.insert(reference.to_string(), id.clone());
    }

    /// Finds an image by `name[:tag]`, full ID, or a unique ID prefix.
    pub fn image(&self, name: &str) -> Option<&Image> {
        if let Ok(reference) = image::normalize_reference(name) {
            if let Some(id) = self.tags.get(&reference) {
                return self.images.get(id);
            }
        }
        let hex = name.strip_prefix("sha256:").unwrap_or(name);
        if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let mut matches = self.images.values().filter(|i| i.id.hex().starts_with(hex));
        match (matches.next(), matches.next()) {
            (Some(one), None) => Some(one),
            _ => None,
        }
    }

    /// The tags that point at `id`, sorted.
    pub fn tags_of(&self, id: &Digest) -> Vec<String> {
        self.tags.iter().filter(|(_, v)| *v == id).map(|(k, _)| k.clone()).collect()
    }

    /// A stored blob (a layer tar by diff_id, a config by image ID).
    pub fn blob(&self, digest: &Digest) -> Option<&[u8]> {
        self.content.get(digest)
    }

    pub fn content(&self) -> &ContentStore {
        &self.content
    }

    /// Every image with its layers, newest tag order, for the page.
    pub fn images_view(&self) -> Vec<ImageView> {
        self.images
            .values()
            .map(|img| {
                let mut history = img.config.history.iter().filter(|h| !h.empty_layer);
                let layers = img
                    .diff_ids()
                    .iter()
                    .zip(&img.layer_sizes)
                    .map(|(d, s)| LayerView {
                        diff_id: d.clone(),
                        size: *s,
                        created_by: history.next().map(|h| h.created_by.clone()).unwrap_or_default(),
                    })
                    .collect();
                ImageView { id: img.id.clone(), tags: self.tags_of(&img.id), size: img.size(), layers }
            })
            .collect()
    }
}
