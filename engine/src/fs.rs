//! An in-memory file tree: directories, files, symlinks, with modes and owners.
//!
//! Paths are absolute, `/`-separated, normalised (no `.`/`..`, no trailing `/`).
//! The tree is keyed by path components, so iteration is depth-first in
//! lexical order per directory: the order layer tars are written in.

use std::collections::BTreeMap;

/// Key of a node: the path's components (the root is the empty key).
pub type PathKey = Vec<String>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    Dir,
    File(Vec<u8>),
    Symlink(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub kind: Kind,
    /// Permission bits (`0o7777` at most).
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
}

impl Node {
    pub fn dir(mode: u32) -> Node {
        Node { kind: Kind::Dir, mode, uid: 0, gid: 0 }
    }
    pub fn file(bytes: Vec<u8>, mode: u32) -> Node {
        Node { kind: Kind::File(bytes), mode, uid: 0, gid: 0 }
    }
    pub fn is_dir(&self) -> bool {
        matches!(self.kind, Kind::Dir)
    }
    /// Size as Docker counts it for a layer: a file's length, a symlink's
    /// target length, 0 for a directory.
    pub fn size(&self) -> u64 {
        match &self.kind {
            Kind::Dir => 0,
            Kind::File(b) => b.len() as u64,
            Kind::Symlink(t) => t.len() as u64,
        }
    }
}

/// Splits and normalises a path (absolute or relative to `/`) into components.
/// `..` above the root stays at the root, as in a real filesystem.
pub fn components(path: &str) -> PathKey {
    let mut out: PathKey = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            p => out.push(p.to_string()),
        }
    }
    out
}

/// The display form of a key: `/a/b`, or `/` for the root.
pub fn display(key: &[String]) -> String {
    if key.is_empty() {
        "/".to_string()
    } else {
        format!("/{}", key.join("/"))
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tree {
    nodes: BTreeMap<PathKey, Node>,
}

impl Tree {
    pub const fn new() -> Tree {
        Tree { nodes: BTreeMap::new() }
    }

    pub fn get(&self, key: &[String]) -> Option<&Node> {
        self.nodes.get(key)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&PathKey, &Node)> {
        self.nodes.iter()
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Inserts `node` at `key`, creating missing parent directories with mode
    /// 0755. Fails when a parent exists and is not a directory, or when a
    /// directory would be replaced by a non-directory (or the reverse).
    pub fn insert(&mut self, key: PathKey, node: Node) -> Result<(), String> {
        if key.is_empty() {
            return Err("cannot replace the root directory".to_string());
        }
        for i in 1..key.len() {
            let parent = &key[..i];
            match self.nodes.get(parent) {
                Some(n) if n.is_dir() => {}
                Some(_) => return Err(format!("{}: not a directory", display(parent))),
                None => {
                    self.nodes.insert(parent.to_vec(), Node::dir(0o755));
                }
            }
        }
        if let Some(old) = self.nodes.get(&key) {
            if old.is_dir() != node.is_dir() {
                let what = if old.is_dir() { "is a directory" } else { "is not a directory" };
                return Err(format!("{}: {what}", display(&key)));
            }
        }
        self.nodes.insert(key, node);
        Ok(())
    }

    /// Removes the node at `key` and everything below it. Returns whether
    /// anything was there.
    pub fn remove(&mut self, key: &[String]) -> bool {
        let below: Vec<PathKey> = self
            .nodes
            .range(key.to_vec()..)
            .take_while(|(k, _)| k.starts_with(key))
            .map(|(k, _)| k.clone())
            .collect();
        for k in &below {
            self.nodes.remove(k);
        }
        !below.is_empty()
    }

    /// The nodes strictly below `key`, depth-first.
    pub fn descendants<'a>(&'a self, key: &'a [String]) -> impl Iterator<Item = (&'a PathKey, &'a Node)> + 'a {
        self.nodes
            .range(key.to_vec()..)
            .skip_while(move |(k, _)| k.as_slice() == key)
            .take_while(move |(k, _)| k.starts_with(key))
    }
}
