//! Layer Lab's engine: a plain library with no web dependency.
//!
//! One [`Engine`] holds the whole simulated Docker host. Commands go in as
//! text lines ([`Engine::run`]); text, an exit status and [`Event`]s come out.
//! The page and the `layerlab` command are two faces over this one engine.

pub mod archive;
pub mod arith;
pub mod bench;
pub mod build;
pub mod cache;
pub mod date;
pub mod catalogue;
pub mod console;
pub mod containers;
pub mod content;
pub mod digest;
pub mod dockerfile;
pub mod explore;
pub mod fs;
pub mod highlight;
pub mod host;
pub mod http;
pub mod image;
pub mod jq;
pub mod json;
pub mod flags;
pub mod layer;
pub mod lint;
pub mod mysql;
pub mod network;
pub mod nginx;
pub mod packages;
pub mod regex;
pub mod parser;
pub mod printf;
pub mod listing;
pub mod load;
pub mod runtime;
pub mod scenario;
pub mod awk;
pub mod sed;
pub mod shell;
pub mod shell_lex;
pub mod snapshot;
pub mod sorting;
pub mod subst;
pub mod template;
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
    /// A build step was taken from the build cache (its layer, reused).
    LayerReused { diff_id: Digest },
    ImageCreated { id: Digest },
    Tagged { reference: String, id: Digest },
    ImageRemoved { id: Digest },
    /// A command wrote a file on the host (`docker save -o`).
    FileWritten { path: String, size: u64 },
    ContainerCreated { id: String, name: String },
    ContainerStarted { id: String },
    ContainerStopped { id: String },
    ContainerRemoved { id: String },
    /// A file of the image was changed in a container: copied up into its writable layer.
    CopyUp { container: String, path: String },
    /// A file of the image was deleted in a container: a whiteout hides it.
    Whiteout { container: String, path: String },
    VolumeCreated { name: String },
    VolumeRemoved { name: String },
    /// `clear`: the terminal's screen is emptied.
    ClearScreen,
}

/// The simulated Docker host.
#[derive(Clone, Debug, Default)]
pub struct Engine {
    content: ContentStore,
    snapshots: Snapshotter,
    images: BTreeMap<Digest, Image>,
    /// `name:tag` -> image ID.
    tags: BTreeMap<String, Digest>,
    /// Image ID -> `repo@sha256:…` it was pulled as.
    repo_digests: BTreeMap<Digest, std::collections::BTreeSet<String>>,
    /// Catalogue reference -> the image pulled for it (pulling again is "up to date").
    pulled: BTreeMap<String, Digest>,
    build_cache: cache::BuildCache,
    /// Variables the console's `export` set (`DOCKER_BUILDKIT=0`).
    env: BTreeMap<String, String>,
    /// Containers by ID.
    containers: BTreeMap<String, runtime::Container>,
    volumes: BTreeMap<String, runtime::Volume>,
    /// Each bind mount's host files as read for the line running (by host
    /// path): what `store_binds` compares with to write back the changes.
    binds_read: BTreeMap<String, fs::Tree>,
    /// The networks `docker network create` made, by name.
    networks: BTreeMap<String, network::Network>,
    /// Counts containers made (their order, and their IDs).
    seq: u64,
    /// `RUN --mount=type=cache` contents, by cache id, kept between builds.
    cache_mounts: BTreeMap<String, fs::Tree>,
    /// The interactive session the terminal is in (`docker exec -it c sh`).
    session: Option<containers::Session>,
    /// Image -> the image the classic builder made it on (each step's image
    /// on the one before): `docker history`'s IDs, `docker images -a`, and
    /// `docker rmi` taking untagged parents along.
    parents: BTreeMap<Digest, Digest>,
    /// The host's clock while a console line runs ([`Host::now`]): the
    /// access logs' and HTTP dates. Not kept in the saved state.
    now: Option<i64>,
    /// The last line's exit status: the terminal's `$?`.
    status: i32,
    /// What the engine must tell about the line beyond the command's own
    /// output (writes a read-only mount discarded), added to its output.
    notes: Vec<String>,
}

/// What [`Engine::ensure_pulled`] did.
struct Pulled {
    id: Digest,
    /// (diff_id, already stored) per layer, when the image was pulled now.
    layers: Option<Vec<(Digest, bool)>>,
    /// The manifest digest (`Digest:` in pull's output).
    manifest: Digest,
}

/// One layer of an image, as the page draws it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LayerView {
    pub diff_id: Digest,
    pub size: u64,
    /// The history entry that made the layer (`COPY hello.txt / # buildkit`).
    pub created_by: String,
    /// The other images that have this layer (by their first tag or short ID).
    pub shared_with: Vec<String>,
}

/// An image, as the page draws it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ImageView {
    pub id: Digest,
    pub tags: Vec<String>,
    /// Built on (or is) a simulated base image: its contents are generated.
    pub simulated: bool,
    pub size: u64,
    pub layers: Vec<LayerView>,
    /// The image this one is built on, drawn once: the other image whose
    /// layers are the longest first part of this one's (its name, and how many).
    pub base: Option<(String, usize)>,
    /// Every history entry: (created_by, empty_layer), oldest first.
    pub history: Vec<(String, bool)>,
    /// How many of those entries are the base's (0 without a base, or when
    /// this image's history does not begin with the base's).
    pub base_history: usize,
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
        let id = Digest::of(&config_bytes);
        if self.images.contains_key(&id) {
            // The same image again: nothing new to store or reference.
            events.push(Event::ImageCreated { id: id.clone() });
            return (id, events);
        }
        for commit in commits {
            events.push(Event::LayerCreated { diff_id: commit.layer.diff_id.clone(), size: commit.layer.size });
            self.snapshots.insert(&mut self.content, commit);
        }
        self.register_image(id.clone(), config_bytes, config, layer_sizes);
        events.push(Event::ImageCreated { id: id.clone() });
        (id, events)
    }

    /// Records an image whose layers are stored: it holds a reference on its
    /// config, each layer blob and each snapshot of its chain.
    fn register_image(&mut self, id: Digest, config_bytes: Vec<u8>, config: ImageConfig, layer_sizes: Vec<u64>) {
        self.content.put_verified(id.clone(), config_bytes);
        self.content.retain(&id);
        for (diff_id, chain_id) in config.rootfs.diff_ids.iter().zip(digest::chain_ids(&config.rootfs.diff_ids)) {
            self.content.retain(diff_id);
            self.snapshots.retain(&chain_id);
        }
        self.images.insert(id.clone(), Image { id, config, layer_sizes });
    }

    /// Stores an image read by `docker load`: its layers keep the archive's
    /// exact bytes (their digests are the config's diff_ids).
    fn store_loaded(&mut self, img: load::LoadedImage) -> (Digest, Vec<Event>) {
        let id = Digest::of(&img.config_bytes);
        let mut events = Vec::new();
        if !self.images.contains_key(&id) {
            let chains = digest::chain_ids(&img.config.rootfs.diff_ids);
            let mut parent: Option<Digest> = None;
            let mut sizes = Vec::new();
            for ((tar, view, size), (diff_id, chain)) in img.layers.into_iter().zip(img.config.rootfs.diff_ids.iter().zip(chains)) {
                if self.snapshots.get(&chain).is_none() {
                    events.push(Event::LayerCreated { diff_id: diff_id.clone(), size });
                }
                self.content.put_verified(diff_id.clone(), tar);
                self.snapshots.insert_loaded(chain.clone(), parent.take(), diff_id.clone(), size, view);
                sizes.push(size);
                parent = Some(chain);
            }
            self.register_image(id.clone(), img.config_bytes, img.config, sizes);
            events.push(Event::ImageCreated { id: id.clone() });
        }
        for tag in img.tags {
            if let Ok(r) = image::normalize_reference(&tag) {
                self.tag(&r, &id);
                events.push(Event::Tagged { reference: r, id: id.clone() });
            }
        }
        (id, events)
    }

    /// Keeps a classic build's step images, untagged, each with the image
    /// it was made on, and the layers only they hold.
    fn store_steps(&mut self, steps: Vec<build::StepImage>, commits: Vec<Commit>) {
        for commit in commits {
            if self.snapshots.get(&commit.chain_id).is_none() {
                self.snapshots.insert(&mut self.content, commit);
            }
        }
        for step in steps {
            let stored = digest::chain_ids(&step.config.rootfs.diff_ids).iter().all(|c| self.snapshots.get(c).is_some());
            if !self.images.contains_key(&step.id) && stored {
                self.register_image(step.id.clone(), step.bytes, step.config, step.layer_sizes);
            }
            if let Some(parent) = step.parent.filter(|_| self.images.contains_key(&step.id)) {
                self.parents.insert(step.id, parent);
            }
        }
    }

    /// Whether the classic builder made another image on this one.
    fn has_children(&self, id: &Digest) -> bool {
        self.parents.values().any(|p| p == id)
    }

    /// A classic build's step image: untagged, with an image made on it.
    /// `docker images` lists it only with `-a`; the page does not draw it.
    fn intermediate(&self, id: &Digest) -> bool {
        self.tags_of(id).is_empty() && self.has_children(id)
    }

    /// Removes an image (its tags must be gone already) and releases what it
    /// held. Returns the chain IDs of the layers freed, top first (what
    /// `docker rmi` prints as `Deleted:`).
    fn remove_image(&mut self, id: &Digest) -> Vec<Digest> {
        let Some(image) = self.images.remove(id) else { return Vec::new() };
        self.parents.remove(id);
        self.content.release(id);
        self.repo_digests.remove(id);
        self.pulled.retain(|_, v| v != id);
        let mut freed = Vec::new();
        for (diff_id, chain_id) in image.diff_ids().iter().zip(digest::chain_ids(image.diff_ids())) {
            self.content.release(diff_id);
            if self.snapshots.release(&chain_id).is_some() {
                freed.push(chain_id);
            }
        }
        freed.reverse();
        freed
    }

    /// Creates an image from whole filesystem states, one per layer: each
    /// step's layer is the change from the previous step's tree. How tests
    /// make images with deletions and replaced directories.
    pub fn import(&mut self, reference: &str, steps: Vec<ImportStep>) -> Result<Digest, String> {
        let reference = image::normalize_reference(reference)?;
        let run = image::RunConfig { env: Some(vec![image::DEFAULT_PATH.to_string()]), ..Default::default() };
        let mut config = ImageConfig::linux_amd64(build::BUILD_TIME, run);
        for step in &steps {
            config.history.push(image::History { created: build::BUILD_TIME.to_string(), created_by: step.created_by.clone(), ..Default::default() });
        }
        let (id, _) = self.import_with(config, steps, &[])?;
        self.tag(&reference, &id);
        Ok(id)
    }

    /// Commits `steps` as layers under `config` (whose history must have one
    /// non-empty entry per step) and stores the image. Returns its ID and,
    /// per layer, its diff_id and whether the store already held it. With
    /// one `known` (diff_id, tar length) per step the tars are not made.
    fn import_with(&mut self, mut config: ImageConfig, steps: Vec<ImportStep>, known: &[(Digest, u64)]) -> Result<(Digest, Vec<(Digest, bool)>), String> {
        let known = if known.len() == steps.len() { known } else { &[] };
        if config.history.iter().filter(|h| !h.empty_layer).count() != steps.len() {
            return Err("import: the history does not match the layers".to_string());
        }
        let mut commits: Vec<Commit> = Vec::new();
        let mut sizes = Vec::new();
        let mut layers = Vec::new();
        for (i, step) in steps.into_iter().enumerate() {
            let mut active = match commits.last() {
                Some(c) => Snapshotter::prepare_on(&c.chain_id, &c.snapshot),
                None => self.snapshots.prepare(None)?,
            };
            active.upper = step.tree;
            active.opaque = step.opaque;
            let commit = match known.get(i) {
                Some((diff_id, tar_len)) => Snapshotter::commit_known(active, diff_id.clone(), *tar_len),
                None => self.snapshots.commit(active)?,
            };
            sizes.push(commit.layer.size);
            layers.push((commit.layer.diff_id.clone(), self.content.contains(&commit.layer.diff_id)));
            config.rootfs.diff_ids.push(commit.layer.diff_id.clone());
            commits.push(commit);
        }
        let bytes = config.to_bytes()?;
        let (id, _) = self.store_image(bytes, config, commits, sizes);
        Ok((id, layers))
    }

    /// Creates a catalogue image (what `docker pull` does), its layer digests
    /// taken from the catalogue's table when it has them.
    fn install(&mut self, def: &catalogue::ImageDef) -> Result<(Digest, Vec<(Digest, bool)>), String> {
        self.install_with(def, &def.known)
    }

    /// A catalogue image's layers with each tar made and hashed: (diff_id,
    /// tar length), bottom first. What `digests.txt` must say (the tests check).
    pub fn catalogue_layers_hashed(def: &catalogue::ImageDef) -> Result<Vec<(Digest, u64)>, String> {
        let mut engine = Engine::new();
        let (_, layers) = engine.install_with(def, &[])?;
        layers.into_iter().map(|(d, _)| Ok((d.clone(), engine.content.size(&d).ok_or("a layer was not stored")?))).collect()
    }

    fn install_with(&mut self, def: &catalogue::ImageDef, known: &[(Digest, u64)]) -> Result<(Digest, Vec<(Digest, bool)>), String> {
        let cat = catalogue::catalogue()?;
        let mut run_config = def.config.clone();
        // Labelled wherever the config is shown: the contents are generated, not Docker Hub's.
        run_config.labels.get_or_insert_with(Default::default).insert(
            "layerlab.simulated".to_string(),
            "file contents generated by Layer Lab; not the image from Docker Hub".to_string(),
        );
        let mut config = ImageConfig::linux_amd64(&def.created, run_config);
        let mut tree = fs::Tree::new();
        let mut steps = Vec::new();
        for step in &def.steps {
            let (created_by, empty_layer) = match step {
                catalogue::Step::Meta(text) => (text.clone(), true),
                catalogue::Step::Layer(name) => {
                    let layer = cat.layers.get(name).ok_or_else(|| format!("catalogue: no layer {name}"))?;
                    layer.apply(&mut tree)?;
                    steps.push(ImportStep { created_by: layer.created_by.clone(), tree: tree.clone(), opaque: Vec::new() });
                    (layer.created_by.clone(), false)
                }
            };
            config.history.push(image::History { created: def.created.clone(), created_by, comment: String::new(), empty_layer });
        }
        self.import_with(config, steps, known)
    }

    /// The OCI manifest of an image and its digest.
    pub fn manifest(&self, image: &Image) -> Result<(Digest, Vec<u8>), String> {
        archive::manifest(&self.content, image)
    }

    /// The `repo@sha256:…` names an image was pulled as.
    pub fn repo_digests(&self, id: &Digest) -> Vec<String> {
        self.repo_digests.get(id).map(|s| s.iter().cloned().collect()).unwrap_or_default()
    }

    /// Makes a catalogue image present (pulling it if needed) and tags it
    /// `reference`. Returns the image ID, the layers (diff_id, already
    /// stored) when it was pulled now, and the manifest digest.
    fn ensure_pulled(&mut self, def: &catalogue::ImageDef, reference: &str) -> Result<Pulled, String> {
        let canonical = def.refs.first().cloned().unwrap_or_default();
        let (id, layers) = match self.pulled.get(&canonical).filter(|id| self.images.contains_key(*id)) {
            Some(id) => (id.clone(), None),
            None => {
                let (id, layers) = self.install(def)?;
                (id, Some(layers))
            }
        };
        let image = self.images.get(&id).ok_or_else(|| format!("image {id} vanished"))?;
        let (manifest, _) = self.manifest(image)?;
        self.pulled.insert(canonical, id.clone());
        let repo = reference.rsplit_once(':').map_or(reference, |(r, _)| r);
        self.repo_digests.entry(id.clone()).or_default().insert(format!("{repo}@{manifest}"));
        self.tag(reference, &id);
        Ok(Pulled { id, layers, manifest })
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

    /// An image's name for the page: its first tag, or its short ID.
    fn display_name(&self, id: &Digest) -> String {
        self.tags_of(id).first().cloned().unwrap_or_else(|| id.short().to_string())
    }

    /// Every image with its layers, for the page.
    pub fn images_view(&self) -> Vec<ImageView> {
        // The classic builder's step images are not drawn (`docker images` hides them too).
        let shown: Vec<&Image> = self.images.values().filter(|img| !self.intermediate(&img.id)).collect();
        shown
            .iter()
            .map(|img| {
                // Who draws a list of layers: the simplest image that has exactly them
                // (fewest history steps, then the lowest ID).
                let owner = |layers: &[Digest]| shown.iter().filter(|o| o.diff_ids() == layers).min_by_key(|o| (o.config.history.len(), o.id.clone()));
                let base_image = (1..=img.diff_ids().len()).rev().find_map(|n| owner(&img.diff_ids()[..n]).filter(|o| o.id != img.id));
                let base = base_image.map(|o| (self.display_name(&o.id), o.diff_ids().len()));
                let steps: Vec<(String, bool)> = img.config.history.iter().map(|h| (h.created_by.clone(), h.empty_layer)).collect();
                let base_history = base_image
                    .filter(|o| img.config.history.len() >= o.config.history.len() && img.config.history[..o.config.history.len()] == o.config.history[..])
                    .map_or(0, |o| o.config.history.len());
                let mut history = img.config.history.iter().filter(|h| !h.empty_layer);
                let layers = img
                    .diff_ids()
                    .iter()
                    .zip(&img.layer_sizes)
                    .map(|(d, s)| LayerView {
                        diff_id: d.clone(),
                        size: *s,
                        created_by: history.next().map(|h| h.created_by.clone()).unwrap_or_default(),
                        shared_with: {
                            let mut names: Vec<String> = shown.iter().filter(|o| o.id != img.id && o.diff_ids().contains(d)).map(|o| self.display_name(&o.id)).collect();
                            sorting::sort(&mut names);
                            names
                        },
                    })
                    .collect();
                let simulated = img.config.config.labels.as_ref().is_some_and(|l| l.contains_key("layerlab.simulated"));
                ImageView { id: img.id.clone(), tags: self.tags_of(&img.id), simulated, size: img.size(), layers, base, history: steps, base_history }
            })
            .collect()
    }
}
