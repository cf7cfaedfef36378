//! The content store: blobs keyed by their `sha256:` digest, stored once and
//! reference-counted (containerd's content store, in memory).

use crate::digest::Digest;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default)]
pub struct ContentStore {
    blobs: BTreeMap<Digest, Blob>,
}

#[derive(Clone, Debug)]
struct Blob {
    bytes: Vec<u8>,
    refs: usize,
}

impl ContentStore {
    /// Stores `bytes` (once) and takes a reference to them.
    pub fn put(&mut self, bytes: Vec<u8>) -> Digest {
        let digest = Digest::of(&bytes);
        self.put_verified(digest.clone(), bytes);
        digest
    }

    /// Stores bytes whose digest the caller has just computed.
    pub(crate) fn put_verified(&mut self, digest: Digest, bytes: Vec<u8>) {
        self.blobs.entry(digest).or_insert(Blob { bytes, refs: 0 }).refs += 1;
    }

    pub fn get(&self, digest: &Digest) -> Option<&[u8]> {
        self.blobs.get(digest).map(|b| b.bytes.as_slice())
    }

    pub fn contains(&self, digest: &Digest) -> bool {
        self.blobs.contains_key(digest)
    }

    /// Drops one reference; the blob is freed with its last one.
    pub fn release(&mut self, digest: &Digest) {
        if let Some(blob) = self.blobs.get_mut(digest) {
            blob.refs = blob.refs.saturating_sub(1);
            if blob.refs == 0 {
                self.blobs.remove(digest);
            }
        }
    }

    pub fn len(&self) -> usize {
        self.blobs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.blobs.is_empty()
    }

    /// Total bytes held, each blob counted once.
    pub fn bytes(&self) -> u64 {
        self.blobs.values().map(|b| b.bytes.len() as u64).sum()
    }
}
