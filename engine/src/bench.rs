//! Workloads the benchmark (bench/) runs both natively and in wasm, so the
//! two can be compared side by side in one run. Not used by the product.

use crate::digest::Digest;
use crate::fs::{components, Node, Tree};
use crate::{Engine, ImportStep};

/// A tree of generated files adding up to `bytes` (1 MB each, the last smaller).
fn synthetic_tree(bytes: u64, seed: u64) -> Tree {
    let mut tree = Tree::new();
    let mut left = bytes;
    let mut i = 0u64;
    while left > 0 {
        let size = left.min(1_000_000);
        // ok: paths are fresh and their parent is a directory
        let _ = tree.insert(components(&format!("/data/{:02}/file{i:05}", i % 16)), Node::synthetic(size, seed + i, 0o644));
        left -= size;
        i += 1;
    }
    tree
}

/// sha256 + tar: the diff_id of one layer holding `bytes` of generated files.
pub fn layer_digest(bytes: u64) -> Result<Digest, String> {
    let tree = synthetic_tree(bytes, 7);
    crate::layer::commit(&Tree::new(), &tree, &[]).map(|l| l.diff_id)
}

/// Makes a one-layer image of `bytes` and returns `docker save`'s archive length.
pub fn export(bytes: u64) -> Result<usize, String> {
    let mut engine = Engine::new();
    engine.import("bench:1", vec![ImportStep { created_by: "bench".into(), tree: synthetic_tree(bytes, 11), opaque: vec![] }])?;
    let image = engine.image("bench:1").ok_or("bench image missing")?.clone();
    let tags = vec!["bench:1".to_string()];
    crate::archive::save(&engine, &[(&image, tags)]).map(|a| a.len())
}
