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
        files.sort_by(|a, b| b.wasted.cmp(&a.wasted).then(a.path.cmp(&b.path)));
        let wasted: u64 = files.iter().map(|w| w.wasted).sum();
        let score = if total == 0 { 1.0 } else { 1.0 - wasted as f64 / total as f64 };
        Ok(Efficiency { score, wasted, files })
    }
}
