//! A scenario: the build-context files a session starts with, then in order
//! each change to those files and each line run. Autosave, scenario files
//! and shared links all carry one. Replaying it on a fresh engine rebuilds
//! the same state, digests and all: the engine is deterministic, and every
//! line sees the files it saw the first time (a `hello.txt` edited between
//! two builds is edited between them again).

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The version this engine writes. Version 1 (files, then lines replayed on
/// them) is still read.
pub const VERSION: u32 = 2;

/// The build context: text files (the editable ones) and the others.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Files {
    pub text: BTreeMap<String, String>,
    pub binary: BTreeMap<String, Arc<Vec<u8>>>,
}

impl Files {
    /// These files once a command changed them on `host` (a container wrote
    /// or removed them under a bind mount): a changed or new file is text
    /// when it is UTF-8 without NUL bytes, else binary; a file gone from the
    /// host is dropped. The paths in `skip` are left as they are (files a
    /// command wrote for download, which the caller keeps its own way).
    pub fn with_host_changes(&self, host: &BTreeMap<String, Vec<u8>>, skip: &[&str]) -> Files {
        let mut files = self.clone();
        for (path, bytes) in host.iter().filter(|(p, _)| !skip.contains(&p.as_str())) {
            let same = self.text.get(path).map(String::as_bytes).or_else(|| self.binary.get(path).map(|b| b.as_slice())) == Some(bytes.as_slice());
            if same {
                continue;
            }
            files.text.remove(path);
            files.binary.remove(path);
            match String::from_utf8(bytes.clone()) {
                Ok(text) if !text.contains('\0') => files.text.insert(path.clone(), text).map(|_| ()),
                _ => files.binary.insert(path.clone(), Arc::new(bytes.clone())).map(|_| ()),
            };
        }
        files.text.retain(|p, _| host.contains_key(p) || skip.contains(&p.as_str()));
        files.binary.retain(|p, _| host.contains_key(p) || skip.contains(&p.as_str()));
        files
    }
}

/// Changes to the files, then (usually) a line run on them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// Files removed (text or not).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove: Vec<String>,
    /// Text files created or changed, with their whole new text.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub write: BTreeMap<String, String>,
    /// Other files created or changed (picked from disk, dropped, renamed), in base64.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub upload: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<String>,
}

impl Step {
    /// The changes that turn `before` into `after` (no line run).
    pub fn between(before: &Files, after: &Files) -> Step {
        let gone = |p: &String| !after.text.contains_key(p) && !after.binary.contains_key(p);
        let remove = before.text.keys().chain(before.binary.keys()).filter(|p| gone(p)).cloned().collect();
        let mut write = BTreeMap::new();
        for (p, t) in &after.text {
            if before.text.get(p) != Some(t) {
                write.insert(p.clone(), t.clone());
            }
        }
        let mut upload = BTreeMap::new();
        for (p, b) in &after.binary {
            if before.binary.get(p) != Some(b) {
                upload.insert(p.clone(), base64::engine::general_purpose::STANDARD.encode(b.as_slice()));
            }
        }
        Step { remove, write, upload, run: None }
    }

    /// True when it neither changes a file nor runs a line.
    pub fn is_empty(&self) -> bool {
        self.remove.is_empty() && self.write.is_empty() && self.upload.is_empty() && self.run.is_none()
    }

    /// Applies the file changes to `files` (a path is text or binary, never
    /// both); files it does not name stay, such as the ones a command wrote.
    /// A damaged upload is an Err and changes nothing ([`Scenario::read`]
    /// refuses a scenario with one, so a replay never meets one half-way).
    pub fn apply(&self, files: &mut Files) -> Result<(), String> {
        let mut decoded = Vec::with_capacity(self.upload.len());
        for (p, data) in &self.upload {
            decoded.push((p.clone(), decode(p, data)?));
        }
        for p in &self.remove {
            files.text.remove(p);
            files.binary.remove(p);
        }
        for (p, t) in &self.write {
            files.binary.remove(p);
            files.text.insert(p.clone(), t.clone());
        }
        for (p, bytes) in decoded {
            files.text.remove(&p);
            files.binary.insert(p, Arc::new(bytes));
        }
        Ok(())
    }

    fn paths(&self) -> impl Iterator<Item = &String> {
        self.remove.iter().chain(self.write.keys()).chain(self.upload.keys())
    }
}

fn decode(path: &str, data: &str) -> Result<Vec<u8>, String> {
    base64::engine::general_purpose::STANDARD.decode(data.trim()).map_err(|e| format!("the contents of {path} are damaged ({e})"))
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scenario {
    /// [`VERSION`], or 1 for a scenario written before steps existed.
    pub version: u32,
    /// The text files before the first step.
    pub files: BTreeMap<String, String>,
    /// Version 1: the lines, replayed on `files`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub commands: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<Step>,
}

impl Scenario {
    pub fn new(files: BTreeMap<String, String>, steps: Vec<Step>) -> Scenario {
        Scenario { version: VERSION, files, commands: Vec::new(), steps }
    }

    /// Reads a scenario (JSON) and checks it before anything of it is used:
    /// another version, a file outside the build context or damaged contents
    /// are refused with what is wrong. A version-1 scenario comes back as steps.
    pub fn read(json: &[u8]) -> Result<Scenario, String> {
        let scenario: Scenario = serde_json::from_slice(json).map_err(|e| format!("it is not Layer Lab's format ({e})"))?;
        scenario.checked()
    }

    /// [`Scenario::read`]'s checks on a scenario already parsed.
    pub fn checked(mut self) -> Result<Scenario, String> {
        match self.version {
            1 => {
                self.steps = self.commands.drain(..).map(|line| Step { run: Some(line), ..Step::default() }).collect();
                self.version = VERSION;
            }
            VERSION if self.commands.is_empty() => {}
            VERSION => return Err("it has both lines and steps".to_string()),
            v => return Err(format!("it is of version {v}, this page reads versions 1 and {VERSION}")),
        }
        if let Some(p) = self.files.keys().chain(self.steps.iter().flat_map(Step::paths)).find(|p| !inside(p)) {
            return Err(format!("it names a file outside the build context ({p:?})"));
        }
        for step in &self.steps {
            for (p, data) in &step.upload {
                decode(p, data)?;
            }
        }
        Ok(self)
    }

    /// How many lines it runs.
    pub fn runs(&self) -> usize {
        self.steps.iter().filter(|s| s.run.is_some()).count() + self.commands.len()
    }
}

/// A relative path that stays inside the build context.
fn inside(p: &str) -> bool {
    !p.is_empty() && !p.starts_with('/') && !p.split('/').any(|c| c == "..")
}

/// Records a session as a [`Scenario`]: the files it started with, and at
/// each line run the file changes since the line before. It keeps the JSON
/// of what it recorded too, so autosaving after each keystroke writes out
/// only the files changed since the last line (a picked archive of several
/// MB is encoded once, not at every save).
#[derive(Clone, Debug, Default)]
pub struct Journal {
    start: BTreeMap<String, String>,
    steps: Vec<Step>,
    /// `{"version":2,"files":…,"steps":[` and the steps so far, comma-separated.
    json: String,
    /// The files as the last recorded line left them.
    last: Files,
}

impl Journal {
    pub fn new(start: BTreeMap<String, String>) -> Journal {
        let mut json = format!("{{\"version\":{VERSION},\"files\":");
        json.push_str(&serde_json::to_string(&start).unwrap_or_else(|_| "{}".to_string()));
        json.push_str(",\"steps\":[");
        Journal { last: Files { text: start.clone(), binary: BTreeMap::new() }, start, steps: Vec::new(), json }
    }

    /// Records `line`, run on `before` (the files it saw); `after` is what
    /// the files were once it ran (a command may write one, which a replay
    /// writes again).
    pub fn record(&mut self, before: &Files, line: &str, after: Files) {
        let mut step = Step::between(&self.last, before);
        step.run = Some(line.to_string());
        self.push_json(&step);
        self.steps.push(step);
        self.last = after;
    }

    fn push_json(&mut self, step: &Step) {
        if !self.steps.is_empty() {
            self.json.push(',');
        }
        // ok: a Step is maps and strings, which always serialise.
        self.json.push_str(&serde_json::to_string(step).unwrap_or_default());
    }

    /// The scenario so far, with the files as they are now.
    pub fn scenario(&self, now: &Files) -> Scenario {
        let mut steps = self.steps.clone();
        let tail = Step::between(&self.last, now);
        if !tail.is_empty() {
            steps.push(tail);
        }
        Scenario::new(self.start.clone(), steps)
    }

    /// [`Journal::scenario`] as JSON, from the JSON kept of the steps.
    pub fn scenario_json(&self, now: &Files) -> String {
        let tail = Step::between(&self.last, now);
        let mut json = self.json.clone();
        if !tail.is_empty() {
            if !self.steps.is_empty() {
                json.push(',');
            }
            json.push_str(&serde_json::to_string(&tail).unwrap_or_default());
        }
        json.push_str("]}");
        json
    }
}
