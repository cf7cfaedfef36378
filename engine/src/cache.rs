//! The build cache, with Docker's keys: a step's key is its parent's key
//! plus the instruction (and, for RUN, the environment); COPY and ADD add
//! the checksums of the files they copy (content and mode, not mtime). A
//! miss invalidates every later step, because each key includes the last.

use crate::digest::Digest;
use crate::fs::{components, display, Tree};
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
pub struct Entry {
    /// The snapshot the step produced (None: it made no layer).
    pub layer: Option<(Digest, Digest, u64)>,
    pub created_by: String,
    /// WORKDIR's new working directory.
    pub workdir: Option<String>,
}

/// A step a build ran, to remember once the build has succeeded.
#[derive(Clone, Debug)]
pub struct NewEntry {
    pub key: Digest,
    pub entry: Entry,
    pub parent: Digest,
    pub instruction: String,
    pub files: Vec<(String, Digest)>,
}

#[derive(Clone, Debug, Default)]
pub struct BuildCache {
    entries: BTreeMap<Digest, Entry>,
    /// (parent key, instruction) -> the files it copied, to say why a step missed.
    files: BTreeMap<(Digest, String), Vec<(String, Digest)>>,
}

/// The key of a step.
pub fn step_key(parent: &Digest, instruction: &str, env: &[String], files: &[(String, Digest)]) -> Digest {
    let mut text = format!("{parent}\n{instruction}\n");
    for e in env {
        text.push_str(e);
        text.push('\n');
    }
    for (path, sum) in files {
        text.push_str(&format!("{path} {sum}\n"));
    }
    Digest::of(text.as_bytes())
}

/// What a COPY/ADD of `args` reads from the context: (path, checksum of mode + content).
pub fn context_files(args: &str, context: &Tree) -> Vec<(String, Digest)> {
    let words: Vec<&str> = args.split_whitespace().filter(|w| !w.starts_with("--")).collect();
    let Some((_, sources)) = words.split_last() else { return Vec::new() };
    let mut out = BTreeMap::new();
    for src in sources {
        let key = components(src);
        let mut add = |k: &[String], n: &crate::fs::Node| {
            let body = n.body().map(|b| Digest::of(&b.to_vec()).to_string()).unwrap_or_else(|| format!("{:?}", n.kind));
            out.insert(display(k).trim_start_matches('/').to_string(), Digest::of(format!("{:o} {body}", n.mode).as_bytes()));
        };
        if let Some(n) = context.get(&key) {
            add(&key, n);
        }
        for (k, n) in context.descendants(&key) {
            add(k, n);
        }
    }
    out.into_iter().collect()
}

impl BuildCache {
    pub fn get(&self, key: &Digest) -> Option<&Entry> {
        self.entries.get(key)
    }

    pub fn insert(&mut self, new: NewEntry) {
        self.entries.insert(new.key, new.entry);
        self.files.insert((new.parent, new.instruction), new.files);
    }

    /// Forgets every step (`docker builder prune`): their keys.
    pub fn clear(&mut self) -> Vec<Digest> {
        self.files.clear();
        std::mem::take(&mut self.entries).into_keys().collect()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Why a step with this parent and instruction missed, when it can be told.
    pub fn miss_reason(&self, parent: &Digest, instruction: &str, files: &[(String, Digest)]) -> Option<String> {
        let old = self.files.get(&(parent.clone(), instruction.to_string()))?;
        let old: BTreeMap<&String, &Digest> = crate::sorting::map_of(old.iter().map(|(p, d)| (p, d)));
        let new: BTreeMap<&String, &Digest> = crate::sorting::map_of(files.iter().map(|(p, d)| (p, d)));
        let mut reasons = Vec::new();
        for (p, d) in &new {
            match old.get(p) {
                Some(o) if o != d => reasons.push(format!("{p} changed")),
                None => reasons.push(format!("{p} added")),
                _ => {}
            }
        }
        for p in old.keys().filter(|p| !new.contains_key(*p)) {
            reasons.push(format!("{p} removed"));
        }
        (!reasons.is_empty()).then(|| reasons.join(", "))
    }
}
