//! An in-memory file tree: directories, files, symlinks, with modes and owners.
//!
//! Paths are absolute, `/`-separated, normalised (no `.`/`..`, no trailing `/`).
//! The tree is keyed by path components, so iteration is depth-first in
//! lexical order per directory: the order layer tars are written in.

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::Arc;

/// Key of a node: the path's components (the root is the empty key).
pub type PathKey = Vec<String>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    Dir,
    File(Body),
    Symlink(String),
    /// A second name for the file at `target` (a hard link). It keeps the
    /// contents it had when linked: if the target is changed later in another
    /// layer, the link is no longer the same file (as after an overlay copy-up).
    HardLink { target: PathKey, body: Body },
}

/// A file's contents: real bytes, or `size` bytes generated from `seed`
/// (the simulated base images' files), the same everywhere and never stored.
#[derive(Clone, PartialEq, Eq)]
pub enum Body {
    Bytes(Arc<Vec<u8>>),
    Synthetic { size: u64, seed: u64 },
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Body::Bytes(b) => write!(f, "Bytes({:?})", String::from_utf8_lossy(b)),
            Body::Synthetic { size, seed } => write!(f, "Synthetic {{ size: {size}, seed: {seed} }}"),
        }
    }
}

impl Body {
    pub fn len(&self) -> u64 {
        match self {
            Body::Bytes(b) => b.len() as u64,
            Body::Synthetic { size, .. } => *size,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Streams the contents.
    pub fn reader(&self) -> BodyReader<'_> {
        match self {
            Body::Bytes(b) => BodyReader::Bytes(b.as_slice()),
            Body::Synthetic { size, seed } => BodyReader::Synthetic { left: *size, state: splitmix64(*seed).max(1), line: [0; 64], pos: 64 },
        }
    }

    /// The whole contents in memory (for small files: `cat`, tests).
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(usize::try_from(self.len()).unwrap_or(0));
        let _ = self.reader().read_to_end(&mut out);
        out
    }
}

/// Reads a [`Body`]. Synthetic contents are 64-byte lines
/// `simulated <hex> <hex> <hex>\n` from a xorshift generator: cheap to make,
/// and recognisably simulated when a learner looks inside.
pub enum BodyReader<'a> {
    Bytes(&'a [u8]),
    Synthetic { left: u64, state: u64, line: [u8; 64], pos: usize },
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Spreads a seed over all 64 bits (so seeds 42 and 43 start far apart).
fn splitmix64(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The next number of a xorshift64 generator (never 0 from a nonzero state):
/// the simulated files' bytes, `$RANDOM`, mktemp's names and awk's `rand()`.
pub(crate) fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

fn next_line(state: &mut u64, line: &mut [u8; 64]) {
    line[..10].copy_from_slice(b"simulated ");
    for word in 0..3 {
        xorshift(state);
        let at = 10 + word * 17;
        for i in 0..16 {
            line[at + i] = HEX[((*state >> (60 - 4 * i)) & 15) as usize];
        }
        line[at + 16] = b' ';
    }
    // 10 + 3 * 17 = 61 bytes so far; the line ends "..\n".
    line[61..].copy_from_slice(b"..\n");
}

impl Read for BodyReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            BodyReader::Bytes(b) => b.read(buf),
            BodyReader::Synthetic { left, state, line, pos } => {
                let mut n = 0;
                while n < buf.len() && *left > 0 {
                    if *pos == line.len() {
                        next_line(state, line);
                        *pos = 0;
                    }
                    let take = (buf.len() - n).min(line.len() - *pos).min(usize::try_from(*left).unwrap_or(usize::MAX));
                    buf[n..n + take].copy_from_slice(&line[*pos..*pos + take]);
                    *pos += take;
                    n += take;
                    *left -= take as u64;
                }
                Ok(n)
            }
        }
    }
}

/// The longest name of one path component, in bytes (Linux's `NAME_MAX`).
pub const NAME_MAX: usize = 255;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub kind: Kind,
    /// Permission bits (`0o7777` at most).
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    /// How many times `touch` set its times. Layer Lab keeps no clock (every
    /// tar mtime is 0), but a new mtime is a change overlay2 copies up and a
    /// layer records: this counter makes `touch` one. Never written out.
    pub touched: u32,
}

impl Node {
    pub fn dir(mode: u32) -> Node {
        Node { kind: Kind::Dir, mode, uid: 0, gid: 0, touched: 0 }
    }
    pub fn file(bytes: Vec<u8>, mode: u32) -> Node {
        Node { kind: Kind::File(Body::Bytes(Arc::new(bytes))), mode, uid: 0, gid: 0, touched: 0 }
    }
    /// A file of `size` generated bytes.
    pub fn synthetic(size: u64, seed: u64, mode: u32) -> Node {
        Node { kind: Kind::File(Body::Synthetic { size, seed }), mode, uid: 0, gid: 0, touched: 0 }
    }
    pub fn is_dir(&self) -> bool {
        matches!(self.kind, Kind::Dir)
    }
    /// The contents of a file or hard link.
    pub fn body(&self) -> Option<&Body> {
        match &self.kind {
            Kind::File(b) | Kind::HardLink { body: b, .. } => Some(b),
            _ => None,
        }
    }
    /// Size as Docker counts it for a layer: a file's length, a symlink's
    /// target length, 0 for a directory.
    pub fn size(&self) -> u64 {
        match &self.kind {
            Kind::Dir => 0,
            Kind::File(b) => b.len(),
            Kind::Symlink(t) => t.len() as u64,
            // Counted once, with the file it links to.
            Kind::HardLink { .. } => 0,
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

    /// Where `key` leads once the symlinks at its end are followed (a few
    /// hops, as the kernel gives up on a loop): the last key reached, which
    /// may not exist, or still be a symlink after the hops.
    pub fn follow(&self, mut key: PathKey) -> PathKey {
        for _ in 0..8 {
            match self.get(&key).map(|n| &n.kind) {
                Some(Kind::Symlink(t)) => {
                    key = if t.starts_with('/') { components(t) } else { components(&format!("{}/{t}", display(&key[..key.len().saturating_sub(1)]))) };
                }
                _ => break,
            }
        }
        key
    }

    /// The node `key` leads to through its symlinks, with its key; None when
    /// nothing is there (or the links go round).
    pub fn resolve(&self, key: PathKey) -> Option<(PathKey, &Node)> {
        let key = self.follow(key);
        self.get(&key).filter(|n| !matches!(n.kind, Kind::Symlink(_))).map(|n| (key, n))
    }

    pub fn iter(&self) -> impl Iterator<Item = (&PathKey, &Node)> {
        self.nodes.iter()
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Bytes of the files and symlink targets (directories count 0).
    pub fn size(&self) -> u64 {
        self.nodes.values().map(Node::size).sum()
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
        // Linux's NAME_MAX: no filesystem under a container takes a longer name.
        if key.iter().any(|c| c.len() > NAME_MAX) {
            return Err(format!("{}: File name too long", display(&key)));
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
