//! Layer Lab's engine: a plain library with no web dependency.
//!
//! One [`Engine`] holds the whole simulated Docker host. Commands go in as
//! text lines ([`Engine::run`]); text, an exit status and [`Event`]s come out.
//! The page and the `layerlab` command are two faces over this one engine.

pub mod archive;
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
use snapshot::{Commit, Snapshotter};

static EMPTY_TREE: fs::Tree = fs::Tree::new();

/// One layer of an imported image: the whole filesystem after it.
#[derive(Clone, Debug, Default)]
pub struct ImportStep {
    pub created_by: String,
    pub tree: fs::Tree,
    /// Directories replaced in this step (committed with an opaque marker).
    pub opaque: Vec<fs::PathKey>,
}
use std::collections::BTreeMap;

/// Something that happened, for the page to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    LayerCreated { diff_id: Digest, size: u64 },
    ImageCreated { id: Digest },
    Tagged { reference: String, id: Digest },
    /// A command wrote a file on the host (`docker save -o`).
    FileWritten { path: String, size: u64 },
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

    /// Stores the layers an operation committed and the image whose config
    /// serialises to `config_bytes` (its ID is their digest). Infallible: the
    /// caller has done everything that can fail.
    fn store_image(
        &mut self,
        config_bytes: Vec<u8>,
        config: ImageConfig,
        commits: Vec<Commit>,
        layer_sizes: Vec<u64>,
    ) -> (Digest, Vec<Event>) {
        let mut events = Vec::new();
        for commit in commits {
            events.push(Event::LayerCreated { diff_id: commit.layer.diff_id.clone(), size: commit.layer.size });
            self.snapshots.insert(&mut self.content, commit);
        }
        let id = Digest::of(&config_bytes);
        if !self.images.contains_key(&id) {
            self.content.put_verified(id.clone(), config_bytes);
            self.images.insert(id.clone(), Image { id: id.clone(), config, layer_sizes });
        }
        events.push(Event::ImageCreated { id: id.clone() });
        (id, events)
    }

    /// Creates an image from whole filesystem states, one per layer: each
    /// step's layer is the change from the previous step's tree. How the
    /// simulated base images are made, and how tests make images with
    /// deletions and replaced directories.
    pub fn import(&mut self, reference: &str, steps: Vec<ImportStep>) -> Result<Digest, String> {
        let reference = image::normalize_reference(reference)?;
        let mut config = ImageConfig {
            architecture: "amd64".to_string(),
            os: "linux".to_string(),
            created: build::BUILD_TIME.to_string(),
            config: image::RunConfig { env: Some(vec![image::DEFAULT_PATH.to_string()]), ..Default::default() },
            ..ImageConfig::default()
        };
        let mut commits: Vec<Commit> = Vec::new();
        let mut sizes = Vec::new();
        for step in steps {
            let mut active = match commits.last() {
                Some(c) => Snapshotter::prepare_on(&c.chain_id, &c.snapshot),
                None => self.snapshots.prepare(None)?,
            };
            active.upper = step.tree;
            active.opaque = step.opaque;
            let commit = self.snapshots.commit(active)?;
            sizes.push(commit.layer.size);
            config.rootfs.diff_ids.push(commit.layer.diff_id.clone());
            config.history.push(image::History { created: build::BUILD_TIME.to_string(), created_by: step.created_by, ..Default::default() });
            commits.push(commit);
        }
        let bytes = config.to_bytes()?;
        let (id, _) = self.store_image(bytes, config, commits, sizes);
        self.tag(&reference, &id);
        Ok(id)
    }

    /// The merged filesystem of an image (all its layers applied).
    pub fn rootfs(&self, image: &Image) -> Option<&fs::Tree> {
        match self.snapshots.top(image.diff_ids()) {
            Some(top) => self.snapshots.view(&top),
            None if image.diff_ids().is_empty() => Some(&EMPTY_TREE),
            None => None,
        }
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
    pub fn blob(&self, digest: &Digest) -> Option<std::borrow::Cow<'_, [u8]>> {
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
