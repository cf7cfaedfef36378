//! Snapshots in containerd's terms: `prepare` a writable snapshot on a
//! committed parent, change its tree, `commit` it read-only as a layer.
//!
//! A committed snapshot is named by its chain ID and keeps its merged view
//! (the parent's view with this layer applied), so that a child can be
//! prepared from it without replaying the chain.

use crate::content::ContentStore;
use crate::digest::{chain_id, chain_ids, Digest};
use crate::fs::Tree;
use crate::layer::{self, Layer};
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Clone, Debug)]
pub struct Committed {
    /// Images whose layers include this snapshot.
    pub refs: usize,
    pub parent: Option<Digest>,
    pub diff_id: Digest,
    /// Content size of this layer alone.
    pub size: u64,
    pub view: Arc<Tree>,
}

/// A writable snapshot: the parent's view (`lower`) and the tree being
/// changed (`upper`, which starts as a copy of `lower`).
#[derive(Clone, Debug)]
pub struct Active {
    pub parent: Option<Digest>,
    lower: Tree,
    pub upper: Tree,
    /// Directories that were removed and made again: committed as opaque.
    pub opaque: Vec<crate::fs::PathKey>,
}

impl Active {
    /// The tree being changed, the parent's view, and the opaque marks.
    pub fn parts(&mut self) -> (&mut Tree, &Tree, &mut Vec<crate::fs::PathKey>) {
        (&mut self.upper, &self.lower, &mut self.opaque)
    }
}

#[derive(Clone, Debug, Default)]
pub struct Snapshotter {
    committed: BTreeMap<Digest, Committed>,
}

/// What a commit produced, for the caller to store (see [`Snapshotter::insert`]).
pub struct Commit {
    pub chain_id: Digest,
    pub layer: Layer,
    pub snapshot: Committed,
}

impl Snapshotter {
    /// A writable snapshot on `parent` (a chain ID), or on nothing.
    pub fn prepare(&self, parent: Option<&Digest>) -> Result<Active, String> {
        let lower = match parent {
            None => Tree::new(),
            Some(p) => Tree::clone(self.view(p).ok_or_else(|| format!("snapshot {p} does not exist"))?),
        };
        Ok(Active { parent: parent.cloned(), upper: lower.clone(), lower, opaque: Vec::new() })
    }

    /// A writable snapshot on a commit that is not stored yet (the previous
    /// step of a build still in progress).
    pub fn prepare_on(chain_id: &Digest, parent: &Committed) -> Active {
        Active { parent: Some(chain_id.clone()), lower: Tree::clone(&parent.view), upper: Tree::clone(&parent.view), opaque: Vec::new() }
    }

    /// Turns an active snapshot into a layer. Nothing is stored yet: the
    /// caller inserts the result once its whole operation has succeeded.
    pub fn commit(&self, active: Active) -> Result<Commit, String> {
        let layer = layer::commit(&active.lower, &active.upper, &active.opaque)?;
        Ok(Self::committed(active.parent, layer, active.upper))
    }

    /// [`Snapshotter::commit`] with the layer's tar digest and length known
    /// ([`layer::commit_known`]).
    pub fn commit_known(active: Active, diff_id: Digest, tar_len: u64) -> Commit {
        let layer = layer::commit_known(&active.lower, &active.upper, &active.opaque, diff_id, tar_len);
        Self::committed(active.parent, layer, active.upper)
    }

    /// The commit of `layer` on `parent`, whose merged view is `view`.
    fn committed(parent: Option<Digest>, layer: layer::Layer, view: Tree) -> Commit {
        let chain_id = chain_id(parent.as_ref(), &layer.diff_id);
        let snapshot = Committed { refs: 0, parent, diff_id: layer.diff_id.clone(), size: layer.size, view: Arc::new(view) };
        Commit { chain_id, layer, snapshot }
    }

    /// `COPY --link`: a layer holding exactly `fresh` (made without the layers
    /// below), committed on the active snapshot's parent; the view is the
    /// parent's with `fresh` laid over it.
    pub fn commit_linked(active: Active, fresh: Tree) -> Result<Commit, String> {
        let layer = layer::commit(&Tree::new(), &fresh, &[])?;
        let mut view = active.lower;
        for (k, n) in fresh.iter() {
            if view.get(k).is_some_and(|old| old.is_dir() != n.is_dir()) {
                view.remove(k);
            }
            view.insert(k.clone(), n.clone())?;
        }
        Ok(Self::committed(active.parent, layer, view))
    }

    /// Stores a commit's snapshot, and its tar (as a recipe) in `content`.
    pub fn insert(&mut self, content: &mut ContentStore, commit: Commit) -> Digest {
        content.put_layer(&commit.layer, Arc::clone(&commit.snapshot.view));
        self.committed.entry(commit.chain_id.clone()).or_insert(commit.snapshot);
        commit.chain_id
    }

    /// Stores a snapshot whose layer came from elsewhere (`docker load`).
    pub fn insert_loaded(&mut self, chain_id: Digest, parent: Option<Digest>, diff_id: Digest, size: u64, view: Tree) {
        self.committed.entry(chain_id).or_insert(Committed { refs: 0, parent, diff_id, size, view: Arc::new(view) });
    }

    /// Takes a reference to a committed snapshot.
    pub fn retain(&mut self, chain_id: &Digest) {
        if let Some(c) = self.committed.get_mut(chain_id) {
            c.refs += 1;
        }
    }

    /// Drops a reference; the snapshot is removed with its last one (and
    /// returned, so the caller can release its layer blob).
    pub fn release(&mut self, chain_id: &Digest) -> Option<Committed> {
        let c = self.committed.get_mut(chain_id)?;
        c.refs = c.refs.saturating_sub(1);
        if c.refs == 0 {
            return self.committed.remove(chain_id);
        }
        None
    }

    pub fn get(&self, chain_id: &Digest) -> Option<&Committed> {
        self.committed.get(chain_id)
    }

    /// The merged, read-only view of a committed snapshot.
    pub fn view(&self, chain_id: &Digest) -> Option<&Tree> {
        self.committed.get(chain_id).map(|c| c.view.as_ref())
    }

    /// The merged view, shared.
    pub fn view_arc(&self, chain_id: &Digest) -> Option<Arc<Tree>> {
        self.committed.get(chain_id).map(|c| Arc::clone(&c.view))
    }

    /// The chain ID of the top snapshot of `diff_ids`, if all are committed.
    pub fn top(&self, diff_ids: &[Digest]) -> Option<Digest> {
        let top = chain_ids(diff_ids).pop()?;
        self.committed.contains_key(&top).then_some(top)
    }
}
