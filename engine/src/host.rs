//! The host side of the console: the folder `docker build` reads its context
//! from, and the files `-f`, `-o`, `-i` name. The page keeps its files in
//! memory ([`MemHost`]); `layerlab` uses a real directory ([`DirHost`]).

use crate::fs::{components, Kind, Node, Tree};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub trait Host {
    /// Every file and directory below `dir`, as a tree rooted at `dir`.
    fn context(&self, dir: &str) -> Result<Tree, String>;
    fn read_file(&self, path: &str) -> Result<Vec<u8>, String>;
    fn write_file(&mut self, path: &str, bytes: &[u8]) -> Result<(), String>;
    /// Removes a file (a container removed it under a bind mount).
    fn remove_file(&mut self, path: &str) -> Result<(), String>;
    /// The wall clock (seconds since the epoch), for "2 weeks ago" only:
    /// never part of a digest. None prints absolute times.
    fn now(&self) -> Option<i64> {
        None
    }
    /// The folder the terminal is in (`pwd`, `-v $(pwd):/app`): the one
    /// the build context is read from.
    fn cwd(&self) -> String {
        "/home/learner".to_string()
    }
}

/// Files held in memory, by `/`-separated relative path. Files are 0644.
#[derive(Clone, Debug, Default)]
pub struct MemHost {
    pub files: BTreeMap<String, Vec<u8>>,
    /// The clock [`Host::now`] reports (the page sets it from the browser).
    pub now: Option<i64>,
}

impl MemHost {
    pub fn new<I, P, B>(files: I) -> MemHost
    where
        I: IntoIterator<Item = (P, B)>,
        P: Into<String>,
        B: Into<Vec<u8>>,
    {
        MemHost { files: crate::sorting::map_of(files.into_iter().map(|(p, b)| (p.into(), b.into()))), now: None }
    }
}

fn not_found(path: &str) -> String {
    format!("open {path}: no such file or directory")
}

impl Host for MemHost {
    fn context(&self, dir: &str) -> Result<Tree, String> {
        let prefix = components(dir);
        let mut tree = Tree::new();
        let mut found = prefix.is_empty();
        for (path, bytes) in &self.files {
            let key = components(path);
            if key.len() > prefix.len() && key.starts_with(&prefix) {
                found = true;
                tree.insert(key[prefix.len()..].to_vec(), Node::file(bytes.clone(), 0o644))?;
            }
        }
        if found {
            Ok(tree)
        } else {
            Err(format!("unable to prepare context: path {dir:?} not found"))
        }
    }

    fn read_file(&self, path: &str) -> Result<Vec<u8>, String> {
        let key = components(path).join("/");
        self.files.get(&key).cloned().ok_or_else(|| not_found(path))
    }

    fn write_file(&mut self, path: &str, bytes: &[u8]) -> Result<(), String> {
        self.files.insert(components(path).join("/"), bytes.to_vec());
        Ok(())
    }

    fn remove_file(&mut self, path: &str) -> Result<(), String> {
        self.files.remove(&components(path).join("/")).map(|_| ()).ok_or_else(|| not_found(path))
    }

    fn now(&self) -> Option<i64> {
        self.now
    }
}

/// A real directory: relative paths are taken from `root`.
#[derive(Clone, Debug)]
pub struct DirHost {
    pub root: PathBuf,
}

impl DirHost {
    fn resolve(&self, path: &str) -> PathBuf {
        self.root.join(path)
    }
}

#[cfg(unix)]
fn mode_of(meta: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn mode_of(meta: &std::fs::Metadata) -> u32 {
    if meta.is_dir() {
        0o755
    } else {
        0o644
    }
}

fn walk(dir: &Path, prefix: &mut Vec<String>, tree: &mut Tree) -> Result<(), String> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    crate::sorting::sort_by_key(&mut entries, |e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let meta = std::fs::symlink_metadata(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        prefix.push(name);
        let mode = mode_of(&meta);
        if meta.file_type().is_symlink() {
            let target = std::fs::read_link(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let node = Node { kind: Kind::Symlink(target.to_string_lossy().into_owned()), mode: 0o777, uid: 0, gid: 0, touched: 0 };
            tree.insert(prefix.clone(), node)?;
        } else if meta.is_dir() {
            tree.insert(prefix.clone(), Node::dir(mode))?;
            walk(&path, prefix, tree)?;
        } else {
            let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            tree.insert(prefix.clone(), Node::file(bytes, mode))?;
        }
        prefix.pop();
    }
    Ok(())
}

impl Host for DirHost {
    fn cwd(&self) -> String {
        self.root.display().to_string()
    }

    fn context(&self, dir: &str) -> Result<Tree, String> {
        let root = self.resolve(dir);
        if !root.is_dir() {
            return Err(format!("unable to prepare context: path {dir:?} not found"));
        }
        let mut tree = Tree::new();
        walk(&root, &mut Vec::new(), &mut tree)?;
        Ok(tree)
    }

    fn read_file(&self, path: &str) -> Result<Vec<u8>, String> {
        std::fs::read(self.resolve(path)).map_err(|_| not_found(path))
    }

    fn write_file(&mut self, path: &str, bytes: &[u8]) -> Result<(), String> {
        std::fs::write(self.resolve(path), bytes).map_err(|e| format!("open {path}: {e}"))
    }

    fn remove_file(&mut self, path: &str) -> Result<(), String> {
        std::fs::remove_file(self.resolve(path)).map_err(|e| format!("remove {path}: {e}"))
    }

    fn now(&self) -> Option<i64> {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok()?;
        i64::try_from(now.as_secs()).ok()
    }
}
