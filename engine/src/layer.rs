//! Layers: the diff of two trees, written as a deterministic OCI layer tar.
//!
//! Tar rules (OCI image spec, "Image Layer Filesystem Changeset"; what
//! Docker's archive package writes): entries depth-first in lexical order,
//! parent directories of every change included, names relative without a
//! leading `/`, directories with a trailing `/`, ustar headers (PAX `path`/
//! `linkpath` records when a name does not fit), uid/gid as stored, no
//! user/group names, every mtime fixed at [`MTIME`], deletions as `.wh.NAME`
//! whiteouts and opaque directories as `.wh..wh..opq`. The archive ends with
//! two 512-byte zero blocks and no further padding, so the empty layer is
//! exactly 1024 zero bytes.

use crate::digest::Digest;
use crate::fs::{display, Kind, Node, PathKey, Tree};
use std::collections::BTreeMap;

/// Fixed modification time of every entry (the `SOURCE_DATE_EPOCH=0`
/// rewrite): what makes the same content give the same diff_id anywhere.
pub const MTIME: u64 = 0;

/// Prefix of a whiteout file, and the name of the opaque-directory marker.
pub const WHITEOUT_PREFIX: &str = ".wh.";
pub const OPAQUE_MARKER: &str = ".wh..wh..opq";

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    Added(PathKey),
    Modified(PathKey),
    Deleted(PathKey),
    /// The directory hides everything below it in lower layers.
    Opaque(PathKey),
}

/// A committed layer: its tar's digest and sizes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layer {
    /// sha256 of the uncompressed tar.
    pub diff_id: Digest,
    /// Bytes of content as Docker reports a layer's size (files and symlink
    /// targets; directories and whiteouts count 0).
    pub size: u64,
    /// Length of the tar itself.
    pub tar_len: u64,
    pub changes: Vec<Change>,
}

/// The changes that turn `lower` into `upper`. A deleted directory is
/// reported once, not once per file below it.
pub fn diff(lower: &Tree, upper: &Tree) -> Vec<Change> {
    let mut changes = Vec::new();
    for (key, node) in upper.iter() {
        match lower.get(key) {
            None => changes.push(Change::Added(key.clone())),
            Some(old) if old != node => changes.push(Change::Modified(key.clone())),
            Some(_) => {}
        }
    }
    for (key, _) in lower.iter() {
        let parent_kept = key.len() <= 1 || upper.get(&key[..key.len() - 1]).is_some_and(Node::is_dir);
        if upper.get(key).is_none() && parent_kept {
            changes.push(Change::Deleted(key.clone()));
        }
    }
    crate::sorting::sort_by(&mut changes, |a, b| change_key(a).cmp(change_key(b)));
    changes
}

fn change_key(c: &Change) -> &PathKey {
    match c {
        Change::Added(k) | Change::Modified(k) | Change::Deleted(k) | Change::Opaque(k) => k,
    }
}

/// What one tar entry holds.
enum Entry<'a> {
    Node(&'a Node),
    /// A whiteout or opaque marker: an empty regular file.
    Marker,
}

/// Writes the layer tar for `changes`, reading added and modified nodes from
/// `upper`. Fails if a change names a path `upper` does not hold.
pub fn write_tar(upper: &Tree, changes: &[Change]) -> Result<Vec<u8>, String> {
    write_tar_to(upper, changes, Vec::new())
}

/// [`write_tar`] into any writer: file contents are streamed, so a layer of
/// generated files is hashed or exported without being held in memory.
pub fn write_tar_to<W: std::io::Write>(upper: &Tree, changes: &[Change], out: W) -> Result<W, String> {
    let mut entries: BTreeMap<PathKey, Entry> = BTreeMap::new();
    for change in changes {
        match change {
            Change::Added(key) | Change::Modified(key) => {
                let node = upper.get(key).ok_or_else(|| format!("layer: {} is missing", display(key)))?;
                add_parents(upper, &mut entries, key)?;
                entries.insert(key.clone(), Entry::Node(node));
            }
            Change::Deleted(key) => {
                let Some((name, parent)) = key.split_last() else {
                    return Err("layer: cannot delete the root directory".to_string());
                };
                add_parents(upper, &mut entries, key)?;
                let mut wh = parent.to_vec();
                wh.push(format!("{WHITEOUT_PREFIX}{name}"));
                entries.insert(wh, Entry::Marker);
            }
            Change::Opaque(key) => {
                let node = upper.get(key).filter(|n| n.is_dir());
                let node = node.ok_or_else(|| format!("layer: opaque directory {} is missing", display(key)))?;
                add_parents(upper, &mut entries, key)?;
                entries.insert(key.clone(), Entry::Node(node));
                let mut marker = key.clone();
                marker.push(OPAQUE_MARKER.to_string());
                entries.insert(marker, Entry::Marker);
            }
        }
    }

    let mut builder = tar::Builder::new(out);
    // Files already written, by the file they are (target path): a later
    // name for the same contents is written as a hard link to the first.
    let mut written: BTreeMap<PathKey, (PathKey, &crate::fs::Body)> = BTreeMap::new();
    for (key, entry) in &entries {
        let mut link = None;
        if let Entry::Node(node) = entry {
            let identity = match &node.kind {
                Kind::File(_) => Some(key.clone()),
                Kind::HardLink { target, .. } => Some(target.clone()),
                _ => None,
            };
            if let (Some(id), Some(body)) = (identity, node.body()) {
                match written.get(&id) {
                    Some((first, b)) if *b == body => link = Some(first.join("/")),
                    Some(_) => {}
                    None => {
                        written.insert(id, (key.clone(), body));
                    }
                }
            }
        }
        append_entry(&mut builder, key, entry, link.as_deref()).map_err(|e| format!("layer: writing {}: {e}", display(key)))?;
    }
    builder.into_inner().map_err(|e| format!("layer: finishing tar: {e}"))
}

/// Builds a layer from the changes between two trees. Directories in
/// `opaque` were replaced (removed and made again): they get an opaque
/// marker, and nothing below them is whited out one by one.
pub fn commit(lower: &Tree, upper: &Tree, opaque: &[PathKey]) -> Result<Layer, String> {
    let changes = changes(lower, upper, opaque);
    let sink = write_tar_to(upper, &changes, HashCount::default())?;
    Ok(Layer { diff_id: sink.hasher.finish(), size: size(upper, &changes), tar_len: sink.len, changes })
}

/// [`commit`] for a layer whose tar's digest and length are already known
/// (a catalogue image, as a registry's manifest gives them): the tar is not
/// made. `engine/tests/catalogue.rs` checks every known pair against the tar.
pub fn commit_known(lower: &Tree, upper: &Tree, opaque: &[PathKey], diff_id: Digest, tar_len: u64) -> Layer {
    let changes = changes(lower, upper, opaque);
    Layer { diff_id, size: size(upper, &changes), tar_len, changes }
}

/// What a layer records: the diff of `upper` from `lower`, with the
/// `opaque` directories marked and their contents written again; sorted.
fn changes(lower: &Tree, upper: &Tree, opaque: &[PathKey]) -> Vec<Change> {
    let mut changes: Vec<Change> = diff(lower, upper)
        .into_iter()
        .filter(|c| !matches!(c, Change::Deleted(k) if opaque.iter().any(|o| k.starts_with(o) && k != o)))
        .collect();
    for dir in opaque {
        if upper.get(dir).is_some_and(Node::is_dir) {
            changes.push(Change::Opaque(dir.clone()));
            // The marker hides everything below in the lower layers, so what the
            // directory holds now is written again, even where it equals the lower copy.
            let listed = crate::sorting::set_of(changes.iter().map(|c| change_key(c).clone()));
            for (k, _) in upper.descendants(dir) {
                if !listed.contains(k) {
                    changes.push(if lower.get(k).is_some() { Change::Modified(k.clone()) } else { Change::Added(k.clone()) });
                }
            }
        }
    }
    crate::sorting::sort_by(&mut changes, |a, b| change_key(a).cmp(change_key(b)));
    changes
}

/// Docker's size of a layer: the bytes of what it writes.
fn size(upper: &Tree, changes: &[Change]) -> u64 {
    let written = crate::sorting::set_of(changes.iter().filter_map(|c| match c {
        Change::Added(k) | Change::Modified(k) => Some(k),
        _ => None,
    }));
    written
        .iter()
        .filter_map(|k| upper.get(k))
        .map(|n| match &n.kind {
            // A hard link whose file is not in this layer carries the contents.
            Kind::HardLink { target, body } if !written.contains(target) => body.len(),
            _ => n.size(),
        })
        .sum()
}

/// A writer that hashes and counts what goes through it.
#[derive(Default)]
struct HashCount {
    hasher: crate::digest::Hasher,
    len: u64,
}

impl std::io::Write for HashCount {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.hasher.update(buf);
        self.len += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Reads a local archive the way `ADD` and `tar -x` do: a tar, plain or
/// gzip-compressed, recognised by its content (not its name). `Ok(None)`:
/// not an archive (ADD then copies the file as it is).
pub fn unpack_archive(bytes: &[u8]) -> Result<Option<Tree>, String> {
    const LIMIT: u64 = 1 << 30;
    let plain = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut std::io::Read::take(flate2::read::GzDecoder::new(bytes), LIMIT), &mut out).map_err(|e| format!("gzip: {e}"))?;
        std::borrow::Cow::Owned(out)
    } else if bytes.starts_with(b"BZh") || bytes.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
        return Err("bzip2 and xz archives are not available in this version of Layer Lab (tar and gzip are)".to_string());
    } else {
        std::borrow::Cow::Borrowed(bytes)
    };
    if plain.len() < 512 || &plain[257..262] != b"ustar" {
        return Ok(None);
    }
    let mut tree = Tree::new();
    apply(&mut tree, &plain)?;
    Ok(Some(tree))
}

/// Writes the nodes of `tree` at `paths` (and below them) as a tar, names
/// relative to the tree's root, deterministically (what `tar -c` makes).
pub fn pack(tree: &Tree, paths: &[PathKey]) -> Result<Vec<u8>, String> {
    let mut selected = Tree::new();
    let mut changes = Vec::new();
    for key in paths {
        if key.is_empty() {
            // `.`: everything.
            for (k, n) in tree.iter() {
                if selected.get(k).is_none() {
                    selected.insert(k.clone(), n.clone())?;
                    changes.push(Change::Added(k.clone()));
                }
            }
            continue;
        }
        let node = tree.get(key).ok_or_else(|| format!("{}: Cannot stat: No such file or directory", display(key).trim_start_matches('/')))?;
        for i in 1..key.len() {
            if selected.get(&key[..i]).is_none() {
                selected.insert(key[..i].to_vec(), tree.get(&key[..i]).cloned().unwrap_or_else(|| Node::dir(0o755)))?;
                changes.push(Change::Added(key[..i].to_vec()));
            }
        }
        for (k, n) in std::iter::once((key, node)).chain(tree.descendants(key)) {
            if selected.get(k).is_none() {
                selected.insert(k.clone(), n.clone())?;
                changes.push(Change::Added(k.clone()));
            }
        }
    }
    crate::sorting::sort_by(&mut changes, |a, b| change_key(a).cmp(change_key(b)));
    write_tar(&selected, &changes)
}

/// Applies a layer tar to `tree` as an overlay mount shows it: entries
/// replace what was there, `.wh.NAME` deletes NAME from the layers below,
/// `.wh..wh..opq` hides everything the layers below had in its directory.
/// Fails (leaving `tree` unchanged) on names that leave the root, on entry
/// types a layer may not hold, and on a tar that does not parse.
pub fn apply(tree: &mut Tree, tar: &[u8]) -> Result<(), String> {
    let mut next = tree.clone();
    let mut added: std::collections::BTreeSet<PathKey> = std::collections::BTreeSet::new();
    let mut archive = tar::Archive::new(tar);
    let entries = archive.entries().map_err(|e| format!("layer: {e}"))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("layer: reading entry: {e}"))?;
        let raw = entry.path_bytes().into_owned();
        let name = String::from_utf8_lossy(&raw).into_owned();
        let key = safe_key(&name)?;
        let header = entry.header();
        let mode = header.mode().map_err(|e| format!("layer: {name}: {e}"))? & 0o7777;
        let uid = header.uid().ok().and_then(|u| u32::try_from(u).ok()).unwrap_or(0);
        let gid = header.gid().ok().and_then(|g| u32::try_from(g).ok()).unwrap_or(0);
        let Some((base, parent)) = key.split_last() else { continue };
        if base == OPAQUE_MARKER {
            let hidden: Vec<PathKey> = next.descendants(parent).map(|(k, _)| k.clone()).filter(|k| !added.contains(k)).collect();
            for k in hidden {
                next.remove(&k);
            }
            continue;
        }
        if let Some(target) = base.strip_prefix(WHITEOUT_PREFIX) {
            let mut victim = parent.to_vec();
            victim.push(target.to_string());
            if !added.contains(&victim) {
                next.remove(&victim);
            }
            continue;
        }
        let kind = match header.entry_type() {
            tar::EntryType::Directory => Kind::Dir,
            tar::EntryType::Regular | tar::EntryType::Continuous => {
                let mut body = Vec::new();
                std::io::Read::read_to_end(&mut entry, &mut body).map_err(|e| format!("layer: {name}: {e}"))?;
                Kind::File(crate::fs::Body::Bytes(std::sync::Arc::new(body)))
            }
            tar::EntryType::Symlink => {
                let target = entry.link_name_bytes().map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
                Kind::Symlink(target)
            }
            tar::EntryType::Link => {
                let target = entry.link_name_bytes().map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
                let target_key = safe_key(&target)?;
                match next.get(&target_key).map(|n| (&n.kind, n.body())) {
                    // A link to a link names the same file.
                    Some((Kind::HardLink { target, .. }, Some(body))) => Kind::HardLink { target: target.clone(), body: body.clone() },
                    Some((_, Some(body))) => Kind::HardLink { target: target_key, body: body.clone() },
                    _ => return Err(format!("layer: {name}: hard link to {target}, which is not a file in this layer's view")),
                }
            }
            other => return Err(format!("layer: {name}: entry type {other:?} is not supported")),
        };
        let node = Node { kind, mode, uid, gid, touched: 0 };
        match next.get(&key) {
            Some(old) if old.is_dir() && node.is_dir() => {
                // A directory entry updates metadata and keeps the children.
                let children: Vec<(PathKey, Node)> = next.descendants(&key).map(|(k, n)| (k.clone(), n.clone())).collect();
                next.remove(&key);
                next.insert(key.clone(), node)?;
                for (k, n) in children {
                    next.insert(k, n)?;
                }
            }
            Some(_) => {
                next.remove(&key);
                next.insert(key.clone(), node)?;
            }
            None => next.insert(key.clone(), node)?,
        }
        added.insert(key);
    }
    *tree = next;
    Ok(())
}

/// A tar entry name as a tree key; refuses names that are absolute or climb
/// out of the root with `..`.
fn safe_key(name: &str) -> Result<PathKey, String> {
    if name.starts_with('/') || name.split('/').any(|p| p == "..") {
        return Err(format!("layer: entry {name:?} points outside the image root"));
    }
    Ok(crate::fs::components(name))
}

/// Adds the parent directories of `key`, as `upper` holds them.
fn add_parents<'a>(upper: &'a Tree, entries: &mut BTreeMap<PathKey, Entry<'a>>, key: &[String]) -> Result<(), String> {
    for i in 1..key.len() {
        let parent = &key[..i];
        let node = upper
            .get(parent)
            .filter(|n| n.is_dir())
            .ok_or_else(|| format!("layer: parent directory {} is missing", display(parent)))?;
        entries.insert(parent.to_vec(), Entry::Node(node));
    }
    Ok(())
}

/// Appends one entry; `hard_link` names an earlier entry this one is a
/// hard link to.
fn append_entry<W: std::io::Write>(builder: &mut tar::Builder<W>, key: &[String], entry: &Entry, hard_link: Option<&str>) -> std::io::Result<()> {
    let mut name = key.join("/");
    let mut header = tar::Header::new_ustar();
    let (data, link): (Option<&crate::fs::Body>, Option<&str>) = match entry {
        Entry::Marker => {
            // As containerd writes them: an empty regular file, mode 0.
            header.set_entry_type(tar::EntryType::Regular);
            header.set_mode(0);
            header.set_uid(0);
            header.set_gid(0);
            (None, None)
        }
        Entry::Node(node) => {
            header.set_mode(node.mode & 0o7777);
            header.set_uid(u64::from(node.uid));
            header.set_gid(u64::from(node.gid));
            match &node.kind {
                Kind::Dir => {
                    header.set_entry_type(tar::EntryType::Directory);
                    name.push('/');
                    (None, None)
                }
                Kind::File(_) | Kind::HardLink { .. } if hard_link.is_some() => {
                    header.set_entry_type(tar::EntryType::Link);
                    (None, hard_link)
                }
                Kind::File(body) => {
                    header.set_entry_type(tar::EntryType::Regular);
                    (Some(body), None)
                }
                Kind::Symlink(target) => {
                    header.set_entry_type(tar::EntryType::Symlink);
                    (None, Some(target.as_str()))
                }
                Kind::HardLink { body, .. } => {
                    // Its target is not in this layer: the contents go here.
                    header.set_entry_type(tar::EntryType::Regular);
                    (Some(body), None)
                }
            }
        }
    };
    header.set_size(data.map_or(0, crate::fs::Body::len));
    header.set_mtime(MTIME);

    let mut pax: Vec<(&str, &[u8])> = Vec::new();
    if !set_ustar_name(&mut header, &name) {
        pax.push(("path", name.as_bytes()));
    }
    if let Some(target) = link {
        if target.len() <= 100 {
            if let Some(ustar) = header.as_ustar_mut() {
                ustar.linkname[..target.len()].copy_from_slice(target.as_bytes());
            }
        } else {
            pax.push(("linkpath", target.as_bytes()));
        }
    }
    if !pax.is_empty() {
        builder.append_pax_extensions(pax)?;
    }
    header.set_cksum();
    match data {
        Some(body) => builder.append(&header, body.reader()),
        None => builder.append(&header, std::io::empty()),
    }
}

/// Stores `name` in the ustar name/prefix fields if it fits (splitting at a
/// `/` as ustar allows); otherwise stores a truncated name and returns false.
fn set_ustar_name(header: &mut tar::Header, name: &str) -> bool {
    let Some(ustar) = header.as_ustar_mut() else { return false };
    let bytes = name.as_bytes();
    if bytes.len() <= 100 {
        ustar.name[..bytes.len()].copy_from_slice(bytes);
        return true;
    }
    // Split at a '/' so that prefix <= 155 and name <= 100 (and non-empty).
    let trimmed = bytes.strip_suffix(b"/").unwrap_or(bytes);
    for (i, b) in trimmed.iter().enumerate() {
        if *b == b'/' && i <= 155 && bytes.len() - i - 1 <= 100 && i + 1 < bytes.len() {
            ustar.prefix[..i].copy_from_slice(&bytes[..i]);
            ustar.name[..bytes.len() - i - 1].copy_from_slice(&bytes[i + 1..]);
            return true;
        }
    }
    ustar.name.copy_from_slice(&bytes[..100]); // ok: bytes.len() > 100 here
    false
}
