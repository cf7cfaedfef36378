//! The content store: blobs keyed by their `sha256:` digest, stored once and
//! reference-counted (containerd's content store, in memory).
//!
//! A layer blob is kept as its recipe (the tree and the changes that make
//! the tar), not as bytes: [`crate::layer::write_tar_to`] is deterministic,
//! so the bytes are made again, identical, whenever they are read.

use crate::digest::Digest;
use crate::fs::Tree;
use crate::layer::{self, Change, Layer};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Clone, Debug, Default)]
pub struct ContentStore {
    blobs: BTreeMap<Digest, Blob>,
}

#[derive(Clone, Debug)]
enum Data {
    /// Shared: cloning the engine (the page's lesson checks do, after every
    /// command) must not copy a loaded archive's layers.
    Bytes(Arc<Vec<u8>>),
    Layer { view: Arc<Tree>, changes: Arc<Vec<Change>>, len: u64 },
}

#[derive(Clone, Debug)]
struct Blob {
    data: Data,
    refs: usize,
}

impl ContentStore {
    /// Stores `bytes` (once). A blob is kept while something [`retain`]s it;
    /// one nothing has retained yet stays until [`release`] is called on it.
    ///
    /// [`retain`]: ContentStore::retain
    /// [`release`]: ContentStore::release
    pub fn put(&mut self, bytes: Vec<u8>) -> Digest {
        let digest = Digest::of(&bytes);
        self.put_verified(digest.clone(), bytes);
        digest
    }

    /// Stores bytes whose digest the caller has just computed.
    pub(crate) fn put_verified(&mut self, digest: Digest, bytes: Vec<u8>) {
        self.insert(digest, Data::Bytes(Arc::new(bytes)));
    }

    /// Stores a layer's tar as its recipe: `view` holds what the changes name.
    pub(crate) fn put_layer(&mut self, layer: &Layer, view: Arc<Tree>) {
        let data = Data::Layer { view, changes: Arc::new(layer.changes.clone()), len: layer.tar_len };
        self.insert(layer.diff_id.clone(), data);
    }

    fn insert(&mut self, digest: Digest, data: Data) {
        self.blobs.entry(digest).or_insert(Blob { data, refs: 0 });
    }

    /// Takes a reference to a stored blob.
    pub fn retain(&mut self, digest: &Digest) {
        if let Some(blob) = self.blobs.get_mut(digest) {
            blob.refs += 1;
        }
    }

    /// References held on a blob.
    pub fn refs(&self, digest: &Digest) -> usize {
        self.blobs.get(digest).map_or(0, |b| b.refs)
    }

    /// A blob's bytes (a layer's are made again from its recipe).
    pub fn get(&self, digest: &Digest) -> Option<Cow<'_, [u8]>> {
        match &self.blobs.get(digest)?.data {
            Data::Bytes(b) => Some(Cow::Borrowed(b.as_slice())),
            Data::Layer { view, changes, .. } => layer::write_tar(view, changes).ok().map(Cow::Owned),
        }
    }

    /// Streams a blob into `out`.
    pub fn write_to<W: std::io::Write>(&self, digest: &Digest, mut out: W) -> Result<W, String> {
        match &self.blobs.get(digest).ok_or_else(|| format!("blob {digest} not found"))?.data {
            Data::Bytes(b) => out.write_all(b).map(|_| out).map_err(|e| e.to_string()),
            Data::Layer { view, changes, .. } => layer::write_tar_to(view, changes, out),
        }
    }

    /// A blob's length in bytes.
    pub fn size(&self, digest: &Digest) -> Option<u64> {
        self.blobs.get(digest).map(|b| match &b.data {
            Data::Bytes(bytes) => bytes.len() as u64,
            Data::Layer { len, .. } => *len,
        })
    }

    pub fn contains(&self, digest: &Digest) -> bool {
        self.blobs.contains_key(digest)
    }

    /// Drops one reference; the blob is freed with its last one. Returns
    /// whether it was freed.
    pub fn release(&mut self, digest: &Digest) -> bool {
        if let Some(blob) = self.blobs.get_mut(digest) {
            blob.refs = blob.refs.saturating_sub(1);
            if blob.refs == 0 {
                self.blobs.remove(digest);
                return true;
            }
        }
        false
    }

    pub fn len(&self) -> usize {
        self.blobs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.blobs.is_empty()
    }

    /// Total bytes the blobs stand for, each blob counted once.
    pub fn bytes(&self) -> u64 {
        self.blobs.keys().filter_map(|d| self.size(d)).sum()
    }
}
