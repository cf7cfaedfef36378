//! What `dive` shows, computed from the stored layers: one layer's changes
//! (added, modified, deleted, with sizes) and an image's efficiency — the
//! bytes its layers hold that the final filesystem does not show (files
//! overwritten or deleted by a later layer).

use crate::fs::{display, Kind, Node, Tree};
use crate::layer::Change;
use crate::{Digest, Engine};
use std::collections::BTreeMap;

/// A path a layer touches.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LayerEntry {
    pub path: String,
    /// `A` added, `M` modified, `D` deleted (a whiteout), `O` made opaque.
    pub mark: char,
    /// `d` directory, `f` file, `l` symlink, `h` hard link, `-` gone.
    pub kind: char,
    pub size: u64,
}

/// A file whose bytes are stored more than once, or stored and then deleted.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Waste {
    pub path: String,
    /// How many layers hold a copy of it.
    pub copies: usize,
    /// Bytes of the copies the final filesystem does not show.
    pub wasted: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Efficiency {
    /// 1.0: every stored byte is visible in the final filesystem.
    pub score: f64,
    pub wasted: u64,
    /// Worst first.
    pub files: Vec<Waste>,
}

fn kind_of(node: &Node) -> char {
    match node.kind {
        Kind::Dir => 'd',
        Kind::File(_) => 'f',
        Kind::Symlink(_) => 'l',
        Kind::HardLink { .. } => 'h',
    }
}

impl Engine {
    /// The views below and after layer `index` (0-based) of an image.
    fn layer_views(&self, image: &Digest, index: usize) -> Result<(std::sync::Arc<Tree>, std::sync::Arc<Tree>), String> {
        let img = self.images.get(image).ok_or_else(|| format!("No such image: {image}"))?;
        let chains = crate::digest::chain_ids(img.diff_ids());
        let chain = chains.get(index).ok_or_else(|| format!("the image has {} layers, not {}", chains.len(), index + 1))?;
        let upper = self.snapshots.view_arc(chain).ok_or("the layer's snapshot is gone")?;
        let lower = match index {
            0 => std::sync::Arc::new(Tree::new()),
            _ => self.snapshots.view_arc(&chains[index - 1]).ok_or("the layer's parent snapshot is gone")?,
        };
        Ok((lower, upper))
    }

    /// What layer `index` (0-based, bottom first) of an image changes.
    pub fn layer_entries(&self, image: &Digest, index: usize) -> Result<Vec<LayerEntry>, String> {
        let (lower, upper) = self.layer_views(image, index)?;
        let entries = crate::layer::diff(&lower, &upper)
            .into_iter()
            .map(|c| match c {
                Change::Added(k) | Change::Modified(k) => {
                    let node = upper.get(&k);
                    let mark = if lower.get(&k).is_some() { 'M' } else { 'A' };
                    LayerEntry { path: display(&k), mark, kind: node.map_or('-', kind_of), size: node.filter(|n| !n.is_dir()).map_or(0, Node::size) }
                }
                Change::Deleted(k) => LayerEntry { path: display(&k), mark: 'D', kind: '-', size: 0 },
                Change::Opaque(k) => LayerEntry { path: display(&k), mark: 'O', kind: 'd', size: 0 },
            })
            .collect();
        Ok(entries)
    }

    /// The layer tar's bytes (what `docker save` writes for it).
    pub fn layer_tar(&self, image: &Digest, index: usize) -> Result<Vec<u8>, String> {
        let img = self.images.get(image).ok_or_else(|| format!("No such image: {image}"))?;
        let diff_id = img.diff_ids().get(index).ok_or("no such layer")?;
        self.content.get(diff_id).map(|b| b.into_owned()).ok_or_else(|| format!("layer {diff_id} is not stored"))
    }

    /// dive's image efficiency: every file's bytes in every layer, against
    /// what the final filesystem shows.
    pub fn efficiency(&self, image: &Digest) -> Result<Efficiency, String> {
        let img = self.images.get(image).ok_or_else(|| format!("No such image: {image}"))?;
        // path -> sizes of the copies stored, bottom first
        let mut copies: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        let mut total = 0;
        for i in 0..img.diff_ids().len() {
            for e in self.layer_entries(image, i)? {
                if e.kind == 'f' || e.kind == 'h' || e.kind == 'l' {
                    total += e.size;
                    copies.entry(e.path).or_default().push(e.size);
                }
            }
        }
        let finale = self.rootfs(img).ok_or("the image's layers are gone")?;
        let mut files: Vec<Waste> = copies
            .into_iter()
            .filter_map(|(path, sizes)| {
                let visible = finale.get(&crate::fs::components(&path)).map_or(0, |_| sizes.last().copied().unwrap_or(0));
                let wasted = sizes.iter().sum::<u64>() - visible;
                (wasted > 0).then_some(Waste { path, copies: sizes.len(), wasted })
            })
            .collect();
        crate::sorting::sort_by(&mut files, |a, b| b.wasted.cmp(&a.wasted).then(a.path.cmp(&b.path)));
        let wasted: u64 = files.iter().map(|w| w.wasted).sum();
        let score = if total == 0 { 1.0 } else { 1.0 - wasted as f64 / total as f64 };
        Ok(Efficiency { score, wasted, files })
    }
}

/// A file of a container's merged view and where it comes from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MergedEntry {
    pub path: String,
    /// `d`, `f`, `l`, `h` as in [`LayerEntry`].
    pub kind: char,
    pub size: u64,
    pub origin: Origin,
}

/// Which part of a container's filesystem a path shows.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Origin {
    /// The image layer (0-based, bottom first) that last wrote it, with that
    /// layer's short diff_id.
    Layer(usize, String),
    /// Created or copied up into the container's writable layer.
    Writable,
    /// Inside a mounted volume (its name).
    Volume(String),
    /// A file the runtime mounts (/etc/hostname, /etc/hosts, /etc/resolv.conf).
    Runtime,
    /// A directory no layer wrote itself (made as a file's parent).
    Implied,
}

impl Origin {
    pub fn label(&self) -> String {
        match self {
            Origin::Layer(i, short) => format!("layer {} sha256:{short}", i + 1),
            Origin::Writable => "writable layer".to_string(),
            // A bind mount's source is a host path.
            Origin::Volume(v) if v.starts_with('/') => format!("bind mount of {v}"),
            Origin::Volume(v) => format!("volume {}", v.chars().take(12).collect::<String>()),
            Origin::Runtime => "mounted by the runtime".to_string(),
            Origin::Implied => String::new(),
        }
    }
}

/// One side of a comparison: an image or a container, by name or ID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Image(String),
    Container(String),
}

/// A path whose file differs between the two sides of a comparison.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Difference {
    pub path: String,
    /// `-` only in the first, `+` only in the second, `M` in both but not the same.
    pub mark: char,
    /// `d`, `f`, `l`, `h`: the second side's kind, or the first's if it has none.
    pub kind: char,
    pub left: Option<u64>,
    pub right: Option<u64>,
}

/// Two filesystems side by side (container-diff's view).
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub left: String,
    pub right: String,
    /// Image layers both stand on (the same diff_ids from the bottom).
    pub shared_layers: usize,
    pub left_layers: usize,
    pub right_layers: usize,
    /// Paths present and identical on both sides.
    pub same: usize,
    pub differences: Vec<Difference>,
}

impl Engine {
    /// A container's merged view, each path with the layer, writable layer
    /// or volume it comes from (what `docker exec … ls` shows, explained).
    pub fn merged_entries(&self, container: &str) -> Result<Vec<MergedEntry>, String> {
        let id = self.container_id(container).ok_or_else(|| format!("No such container: {container}"))?;
        let c = &self.containers[&id];
        let img = self.images.get(&c.image).ok_or("the container's image is gone")?;
        // The last image layer to write each path.
        let mut layer_of: BTreeMap<String, usize> = BTreeMap::new();
        for i in 0..img.diff_ids().len() {
            for e in self.layer_entries(&c.image, i)? {
                if e.mark == 'D' {
                    layer_of.remove(&e.path);
                } else {
                    layer_of.insert(e.path, i);
                }
            }
        }
        let written = crate::sorting::set_of(c.writable.changes.iter().filter_map(|ch| match ch {
            Change::Added(k) | Change::Modified(k) => Some(display(k)),
            _ => None,
        }));
        let mounts: Vec<(crate::fs::PathKey, &str)> = c.mounts.iter().map(|m| (crate::fs::components(&m.destination), m.volume.as_str())).collect();
        let view = c.merged(&*self.lower(&c.image)?, &self.volumes);
        let entries = view
            .iter()
            .filter(|(k, _)| !k.is_empty())
            .map(|(k, node)| {
                let path = display(k);
                let origin = if let Some((_, vol)) = mounts.iter().find(|(m, _)| k.starts_with(m)) {
                    Origin::Volume(vol.to_string())
                } else if c.etc.contains_key(&path) {
                    Origin::Runtime
                } else if written.contains(&path) {
                    Origin::Writable
                } else if let Some(&i) = layer_of.get(&path) {
                    Origin::Layer(i, img.diff_ids()[i].short().to_string())
                } else {
                    Origin::Implied
                };
                MergedEntry { path, kind: kind_of(node), size: node.size(), origin }
            })
            .collect();
        Ok(entries)
    }

    /// A target's name as the page shows it, its filesystem and its image's diff_ids.
    /// An image's view is borrowed; a container's merged view is built.
    fn target(&self, target: &Target) -> Result<(String, std::borrow::Cow<'_, Tree>, Vec<Digest>), String> {
        match target {
            Target::Image(name) => {
                let img = self.image(name).ok_or_else(|| format!("No such image: {name}"))?;
                let tree = self.rootfs(img).ok_or("the image's layers are gone")?;
                Ok((name.clone(), std::borrow::Cow::Borrowed(tree), img.diff_ids().to_vec()))
            }
            Target::Container(name) => {
                // Without the runtime's /etc files: each container's own by nature.
                let tree = std::borrow::Cow::Owned(self.container_view(name, false)?);
                let id = self.container_id(name).ok_or_else(|| format!("No such container: {name}"))?;
                let img = self.images.get(&self.containers[&id].image).ok_or("the container's image is gone")?;
                Ok((name.clone(), tree, img.diff_ids().to_vec()))
            }
        }
    }

    /// Two images or containers side by side: the layers they share and every
    /// path that differs (added, missing, or with other contents, mode or owner).
    pub fn compare(&self, left: &Target, right: &Target) -> Result<Comparison, String> {
        let (left_name, a, a_layers) = self.target(left)?;
        let (right_name, b, b_layers) = self.target(right)?;
        let shared_layers = a_layers.iter().zip(&b_layers).take_while(|(x, y)| x == y).count();
        // Each difference with its path key; the path is written once both sides are in one tree order.
        let at = |k: &crate::fs::PathKey, mark, shown: &Node, left, right| (k.clone(), Difference { path: String::new(), mark, kind: kind_of(shown), left, right });
        let mut found = Vec::new();
        let mut same = 0;
        for (k, n) in a.iter().filter(|(k, _)| !k.is_empty()) {
            match b.get(k) {
                None => found.push(at(k, '-', n, Some(n.size()), None)),
                Some(m) if m != n => found.push(at(k, 'M', m, Some(n.size()), Some(m.size()))),
                Some(_) => same += 1,
            }
        }
        found.extend(b.iter().filter(|(k, _)| !k.is_empty() && a.get(k).is_none()).map(|(k, m)| at(k, '+', m, None, Some(m.size()))));
        crate::sorting::sort_by(&mut found, |x, y| x.0.cmp(&y.0));
        let differences = found.into_iter().map(|(k, d)| Difference { path: display(&k), ..d }).collect();
        Ok(Comparison { left: left_name, right: right_name, shared_layers, left_layers: a_layers.len(), right_layers: b_layers.len(), same, differences })
    }
}
