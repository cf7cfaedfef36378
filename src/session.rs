//! The page's session: the engine, the build-context files the learner
//! edits, and the terminal's scrollback. Components read it through signals
//! and change it only through [`Session::run`] and [`Session::set_file`].
//!
//! Autosave: the state is the starting files, then each change to the files
//! and each line run (a [`Journal`]), in the browser's local storage. The
//! engine is deterministic, so replaying the lines on the files each one
//! saw rebuilds exactly the same images, containers and digests.

use layerlab_engine::containers::{ContainerView, VolumeView};
use layerlab_engine::explore::{Comparison, Efficiency, LayerEntry, MergedEntry, Target};
use layerlab_engine::{Engine, Event, ImageView, MemHost, Output};
use leptos::prelude::*;
use std::collections::BTreeMap;

/// The files the page starts with: the walking skeleton's example.
pub const START_FILES: [(&str, &str); 2] = [("Dockerfile", "FROM scratch\nCOPY hello.txt /\n"), ("hello.txt", "hello, layers\n")];

/// [`START_FILES`] as the session keeps them.
fn start_files() -> BTreeMap<String, String> {
    layerlab_engine::sorting::map_of(START_FILES.iter().map(|(p, c)| (p.to_string(), c.to_string())))
}

/// One command typed in the terminal and what it printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The prompt the command was typed at (`$ `, `/ # `, `mysql> `).
    pub prompt: String,
    pub command: String,
    pub output: String,
    pub status: i32,
    /// Files the command wrote (`docker save -o`), offered as downloads.
    pub downloads: Vec<Download>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Download {
    pub name: String,
    pub size: u64,
    /// A `blob:` URL holding the bytes.
    pub url: String,
}

/// A `blob:` URL for `bytes`, or the browser's error.
pub fn blob_url(bytes: &[u8]) -> Result<String, String> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).map_err(|e| format!("{e:?}"))?;
    web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| format!("{e:?}"))
}

#[derive(Clone, Copy)]
pub struct Session {
    engine: StoredValue<Engine>,
    /// Build-context files by path.
    pub files: RwSignal<BTreeMap<String, String>>,
    pub entries: RwSignal<Vec<Entry>>,
    /// The engine's images, refreshed after every command.
    pub images: RwSignal<Vec<ImageView>>,
    /// diff_ids created by the last command, to mark them as new.
    pub fresh: RwSignal<Vec<String>>,
    /// diff_ids the last build took from the build cache.
    pub reused: RwSignal<Vec<String>>,
    pub containers: RwSignal<Vec<ContainerView>>,
    pub volumes: RwSignal<Vec<VolumeView>>,
    /// Files the last command copied up or whited out: (container ID, path).
    pub touched: RwSignal<Vec<(String, String)>>,
    /// The terminal's prompt: `$ ` on the host, the container's inside `docker exec -it`.
    pub prompt: RwSignal<String>,
    /// Every line run since the start (Ctrl-L clears the screen, not this).
    pub log: RwSignal<Vec<String>>,
    /// A message about the saved state (restored, refused, storage full).
    pub notice: RwSignal<Option<String>>,
    /// Files that are not text: written by a command (`docker save -o`) or
    /// picked from disk (an archive to `docker load -i`). Part of the host
    /// and the build context like the others. Autosave keeps the picked ones
    /// (base64); a replay writes the ones commands wrote again.
    pub binaries: RwSignal<BTreeMap<String, std::sync::Arc<Vec<u8>>>>,
    /// The session so far, as autosave and links keep it.
    journal: StoredValue<Journal>,
    /// What the explorer shows.
    pub explore: RwSignal<Option<Explore>>,
}

/// What the explorer can show.
#[derive(Clone, Debug, PartialEq)]
pub enum Explore {
    /// One layer's changes: (image ID, layer index from the bottom).
    Layer(layerlab_engine::Digest, usize),
    /// A container's merged view, by name.
    Container(String),
    /// Two images or containers side by side.
    Compare(Target, Target),
}

/// A file name inside the build context (`exp1`, `app/main.c`), normalised.
fn checked_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    let normal = layerlab_engine::fs::components(name).join("/");
    if name.is_empty() || name.starts_with('/') || name.split('/').any(|p| p == "..") || normal.is_empty() {
        return Err(format!("{name:?} is not a file name inside the build context"));
    }
    Ok(normal)
}

/// What autosave, scenario files and links keep: the engine's
/// [`Scenario`] (the starting files, then each file change and line run).
pub use layerlab_engine::scenario::Scenario as Saved;
use layerlab_engine::scenario::{Files, Journal};

/// The local-storage key of the autosaved state.
pub const STORAGE_KEY: &str = "layerlab.state";

impl Session {
    pub fn new() -> Session {
        let files = start_files();
        Session {
            engine: StoredValue::new(Engine::new()),
            files: RwSignal::new(files.clone()),
            entries: RwSignal::new(Vec::new()),
            images: RwSignal::new(Vec::new()),
            fresh: RwSignal::new(Vec::new()),
            reused: RwSignal::new(Vec::new()),
            containers: RwSignal::new(Vec::new()),
            volumes: RwSignal::new(Vec::new()),
            touched: RwSignal::new(Vec::new()),
            prompt: RwSignal::new("$ ".to_string()),
            log: RwSignal::new(Vec::new()),
            notice: RwSignal::new(None),
            explore: RwSignal::new(None),
            binaries: RwSignal::new(BTreeMap::new()),
            journal: StoredValue::new(Journal::new(files)),
        }
    }

    /// The build context as it is now.
    fn current_files(&self) -> Files {
        Files { text: self.files.get_untracked(), binary: self.binaries.get_untracked() }
    }

    /// Adds an empty build-context file. The name is a relative path
    /// (`exp1`, `app/main.c`); it must be new.
    pub fn add_file(&self, name: &str) -> Result<(), String> {
        let normal = checked_name(name)?;
        if self.files.with_untracked(|f| f.contains_key(&normal) || f.keys().any(|k| k.starts_with(&format!("{normal}/")))) {
            return Err(format!("{normal} already exists"));
        }
        self.set_file(&normal, String::new());
        Ok(())
    }

    /// Removes a file, text or not.
    pub fn remove_file(&self, path: &str) {
        self.files.update(|f| {
            f.remove(path);
        });
        self.binaries.update(|b| {
            b.remove(path);
        });
    }

    /// Renames a file (text or not) to a new relative path.
    pub fn rename_file(&self, from: &str, to: &str) -> Result<(), String> {
        let normal = checked_name(to)?;
        if normal == from {
            return Ok(());
        }
        let taken = self.files.with_untracked(|f| f.contains_key(&normal) || f.keys().any(|k| k.starts_with(&format!("{normal}/")) || normal.starts_with(&format!("{k}/"))))
            || self.binaries.with_untracked(|b| b.contains_key(&normal));
        if taken {
            return Err(format!("{normal} already exists"));
        }
        if let Some(text) = self.files.with_untracked(|f| f.get(from).cloned()) {
            self.files.update(|f| {
                f.remove(from);
                f.insert(normal, text);
            });
        } else if let Some(bytes) = self.binaries.with_untracked(|b| b.get(from).cloned()) {
            self.binaries.update(|b| {
                b.remove(from);
                b.insert(normal, bytes);
            });
        } else {
            return Err(format!("{from} is gone"));
        }
        Ok(())
    }

    pub fn set_file(&self, path: &str, text: String) {
        self.files.update(|f| {
            f.insert(path.to_string(), text);
        });
    }

    /// Commands run, oldest first (the terminal's ↑/↓ history): clearing
    /// the screen keeps them, a Ctrl-C'd line is not one.
    pub fn history(&self) -> Vec<String> {
        self.log.with_untracked(|l| l.iter().filter(|c| !c.is_empty()).cloned().collect())
    }

    /// Completions for the last word of `line` (the engine knows the names).
    pub fn complete(&self, line: &str) -> Vec<String> {
        self.engine.try_with_value(|e| e.complete(line)).unwrap_or_default()
    }

    /// The host the engine sees for `files`: the text files and the binary ones.
    fn host(files: &Files) -> MemHost {
        let mut host = MemHost::new(files.text.iter().map(|(p, c)| (p.clone(), c.clone().into_bytes())));
        for (p, bytes) in &files.binary {
            host.files.insert(p.clone(), bytes.to_vec());
        }
        host
    }

    /// A file picked from disk: text becomes an editable file, anything else a binary one.
    pub fn add_upload(&self, name: &str, bytes: Vec<u8>) -> Result<(), String> {
        let normal = checked_name(name)?;
        // Text: UTF-8 without NUL bytes (a tar of text files is UTF-8 too, padded with NULs).
        let text = if bytes.contains(&0) { Err(bytes) } else { String::from_utf8(bytes).map_err(|e| e.into_bytes()) };
        match text {
            Ok(text) => {
                self.binaries.update(|b| {
                    b.remove(&normal);
                });
                self.set_file(&normal, text);
            }
            Err(bytes) => {
                self.remove_file(&normal);
                self.binaries.update(|b| {
                    b.insert(normal, std::sync::Arc::new(bytes));
                });
            }
        }
        Ok(())
    }

    /// The answers to `lines` from a copy of the engine: the state is not
    /// changed (the lessons' checks ask this way).
    pub fn query(&self, lines: &[&str]) -> Vec<Output> {
        let mut host = Session::host(&self.current_files());
        self.engine
            .try_with_value(|e| {
                let mut copy = e.clone();
                copy.leave_session();
                lines.iter().map(|l| copy.run(l, &mut host)).collect()
            })
            .unwrap_or_default()
    }

    /// Asks the engine without changing it (the explorer's questions).
    fn ask<T>(&self, question: impl FnOnce(&Engine) -> Result<T, String>) -> Result<T, String> {
        self.engine.try_with_value(question).unwrap_or_else(|| Err("the engine is gone".into()))
    }

    /// What a layer changes (the explorer asks; the engine knows).
    pub fn layer_entries(&self, image: &layerlab_engine::Digest, index: usize) -> Result<Vec<LayerEntry>, String> {
        self.ask(|e| e.layer_entries(image, index))
    }

    pub fn efficiency(&self, image: &layerlab_engine::Digest) -> Result<Efficiency, String> {
        self.ask(|e| e.efficiency(image))
    }

    /// A container's files, each with the layer, writable layer or volume it comes from.
    pub fn merged_entries(&self, container: &str) -> Result<Vec<MergedEntry>, String> {
        self.ask(|e| e.merged_entries(container))
    }

    pub fn compare(&self, left: &Target, right: &Target) -> Result<Comparison, String> {
        self.ask(|e| e.compare(left, right))
    }

    /// A layer's tar (what `docker save` writes for it).
    pub fn layer_tar(&self, image: &layerlab_engine::Digest, index: usize) -> Result<Vec<u8>, String> {
        self.ask(|e| e.layer_tar(image, index))
    }

    /// Ctrl-C: the line is dropped, as a shell does.
    pub fn interrupt(&self, line: &str) {
        let prompt = self.prompt.get_untracked();
        self.entries.update(|e| e.push(Entry { prompt, command: format!("{line}^C"), output: String::new(), status: 130, downloads: Vec::new() }));
    }

    /// The state to save.
    pub fn snapshot(&self) -> Saved {
        let now = self.current_files();
        self.journal.with_value(|j| j.scenario(&now))
    }

    /// Writes the state to local storage; a full quota or a refusing browser is an Err.
    pub fn save(&self) -> Result<(), String> {
        use gloo_storage::Storage;
        let now = self.current_files();
        let json = self.journal.with_value(|j| j.scenario_json(&now));
        gloo_storage::LocalStorage::raw().set_item(STORAGE_KEY, &json).map_err(|e| {
            use wasm_bindgen::JsCast;
            match e.dyn_ref::<js_sys::Error>() {
                Some(js) if js.name() == "QuotaExceededError" => "the browser's storage for this page is full".to_string(),
                Some(js) => format!("{}: {}", js.name(), js.message()),
                None => format!("{e:?}"),
            }
        })
    }

    /// Starts again from `saved`, once checked: its files, then each step's
    /// file changes and line. A scenario that fails the checks changes nothing.
    pub fn load(&self, saved: Saved) -> Result<(), String> {
        let saved = saved.checked()?;
        self.reset_to(saved.files);
        for step in &saved.steps {
            let mut files = self.current_files();
            step.apply(&mut files)?;
            self.files.set(files.text);
            self.binaries.set(files.binary);
            if let Some(line) = &step.run {
                self.run(line);
            }
        }
        Ok(())
    }

    /// Back to an empty engine with `files`.
    fn reset_to(&self, files: BTreeMap<String, String>) {
        self.engine.set_value(Engine::new());
        self.journal.set_value(Journal::new(files.clone()));
        self.files.set(files);
        self.entries.set(Vec::new());
        self.log.set(Vec::new());
        self.images.set(Vec::new());
        self.containers.set(Vec::new());
        self.volumes.set(Vec::new());
        self.fresh.set(Vec::new());
        self.touched.set(Vec::new());
        self.explore.set(None);
        self.binaries.set(BTreeMap::new());
        self.prompt.set("$ ".to_string());
    }

    /// Forgets everything (the saved state too) and starts with the example files.
    pub fn reset(&self) {
        use gloo_storage::Storage;
        gloo_storage::LocalStorage::delete(STORAGE_KEY);
        self.reset_to(start_files());
        self.notice.set(Some("Started again: the saved state was cleared.".to_string()));
    }

    /// Restores the autosaved state, if there is one. A state that cannot be
    /// read is refused and kept aside under `layerlab.state.refused`.
    pub fn restore(&self) {
        use gloo_storage::Storage;
        let raw = match gloo_storage::LocalStorage::raw().get_item(STORAGE_KEY) {
            Ok(Some(raw)) => raw,
            Ok(None) => return,
            Err(e) => {
                self.notice.set(Some(format!("The saved state could not be read ({e:?}); starting fresh.")));
                return;
            }
        };
        match Saved::read(raw.as_bytes()) {
            Ok(saved) => {
                let n = saved.runs();
                if self.load(saved).is_ok() {
                    self.notice.set(Some(format!("Restored your last session: {n} command{} replayed.", if n == 1 { "" } else { "s" })));
                }
            }
            Err(e) => {
                let _ = gloo_storage::LocalStorage::raw().set_item("layerlab.state.refused", &raw);
                self.notice.set(Some(format!("The saved state was refused: {e}. It is kept aside (layerlab.state.refused); starting fresh.")));
            }
        }
    }

    /// Runs one console line in the engine and publishes what changed.
    pub fn run(&self, line: &str) -> Output {
        let before = self.current_files();
        let mut host = Session::host(&before);
        // The browser's clock, for "2 weeks ago" only (never part of a digest).
        host.now = Some((js_sys::Date::now() / 1000.0) as i64);
        let prompt = self.prompt.get_untracked();
        let output = self.engine.try_update_value(|e| e.run(line, &mut host)).unwrap_or_else(|| Output {
            text: "layerlab: the engine is gone (page unloading?)\n".to_string(),
            status: 1,
            events: Vec::new(),
        });
        // Logged (and so autosaved) only once the engine has answered: a line
        // that crashed the engine is never replayed on reload.
        self.log.update(|l| l.push(line.to_string()));
        let fresh = output
            .events
            .iter()
            .filter_map(|e| match e {
                layerlab_engine::Event::LayerCreated { diff_id, .. } => Some(diff_id.to_string()),
                _ => None,
            })
            .collect();
        self.fresh.set(fresh);
        let reused = output.events.iter().filter_map(|e| match e {
            layerlab_engine::Event::LayerReused { diff_id } => Some(diff_id.to_string()),
            _ => None,
        });
        self.reused.set(reused.collect());
        let touched = output
            .events
            .iter()
            .filter_map(|e| match e {
                Event::CopyUp { container, path } | Event::Whiteout { container, path } => Some((container.clone(), path.clone())),
                _ => None,
            })
            .collect();
        self.touched.set(touched);
        if let Some((images, containers, volumes, prompt)) = self.engine.try_with_value(|e| (e.images_view(), e.containers_view(), e.volumes_view(), e.prompt())) {
            self.images.set(images);
            self.containers.set(containers);
            self.volumes.set(volumes);
            self.prompt.set(prompt.unwrap_or_else(|| "$ ".to_string()));
        }
        let mut text = output.text.clone();
        let mut downloads = Vec::new();
        for event in &output.events {
            if let layerlab_engine::Event::FileWritten { path, size } = event {
                // It stays on the page's host, for a later `docker load -i`.
                if let Some(bytes) = host.files.get(path) {
                    let (path, bytes) = (path.clone(), std::sync::Arc::new(bytes.clone()));
                    self.binaries.update(|b| {
                        b.insert(path, bytes);
                    });
                }
                match host.files.get(path).map(|b| blob_url(b)) {
                    Some(Ok(url)) => downloads.push(Download { name: path.clone(), size: *size, url }),
                    Some(Err(e)) => text.push_str(&format!("layerlab: could not offer {path} for download: {e}\n")),
                    None => text.push_str(&format!("layerlab: {path} was not written\n")),
                }
            }
        }
        // A container that wrote under a bind mount changed the context's files.
        let written: Vec<&str> = output.events.iter().filter_map(|e| match e {
            Event::FileWritten { path, .. } => Some(path.as_str()),
            _ => None,
        }).collect();
        let current = self.current_files();
        let after = current.with_host_changes(&host.files, &written);
        if after != current {
            self.files.set(after.text.clone());
            self.binaries.set(after.binary.clone());
        }
        self.journal.update_value(|j| j.record(&before, line, after));
        // `clear` empties the screen; the prompt waits on a blank one.
        if output.events.iter().any(|e| matches!(e, Event::ClearScreen)) {
            self.entries.set(Vec::new());
            return output;
        }
        self.entries.update(|e| e.push(Entry { prompt, command: line.to_string(), output: text, status: output.status, downloads }));
        output
    }
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}
