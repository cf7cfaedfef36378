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
    /// When a build last used each record or cache mount (by [`record_id`]).
    used: BTreeMap<String, i64>,
}

/// A build cache record as `docker builder prune` lists it.
pub struct Record {
    /// 25 characters, as BuildKit's IDs.
    pub id: String,
    pub size: u64,
    pub used: Option<i64>,
}

/// The ID a record (a step's key, or a cache mount's id) is listed by.
pub fn record_id(key: &str) -> String {
    Digest::of(key.as_bytes()).hex()[..25].to_string()
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

    /// Keeps a step a build made or used, at `now`.
    pub fn insert(&mut self, new: NewEntry, now: Option<i64>) {
        self.touch(&new.key.to_string(), now);
        self.entries.insert(new.key, new.entry);
        self.files.insert((new.parent, new.instruction), new.files);
    }

    /// A build used the record or cache mount `key` at `now`.
    pub fn touch(&mut self, key: &str, now: Option<i64>) {
        if let Some(t) = now {
            self.used.insert(record_id(key), t);
        }
    }

    /// Forgets every step and the given cache mounts (`docker builder
    /// prune`): their records. A step's layer belongs to the images that
    /// have it, so the step itself holds no bytes.
    pub fn clear(&mut self, mounts: BTreeMap<String, Tree>) -> Vec<Record> {
        self.files.clear();
        let steps = std::mem::take(&mut self.entries).into_keys().map(|k| (k.to_string(), 0));
        let records = steps.chain(mounts.into_iter().map(|(id, tree)| (id, tree.size()))).map(|(key, size)| {
            let id = record_id(&key);
            Record { used: self.used.get(&id).copied(), id, size }
        });
        let records = records.collect();
        self.used.clear();
        records
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
