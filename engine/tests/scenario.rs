//! Scenarios: what autosave, scenario files and links carry. Replayed on a
//! fresh engine they rebuild the same state, even when files changed
//! between the lines or a file was picked from disk.

use layerlab_engine::scenario::{Files, Journal, Scenario, Step};
use layerlab_engine::{Engine, Event, MemHost};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;

/// What the page does: the engine, the files the learner edits, the journal.
struct Session {
    engine: Engine,
    files: Files,
    journal: Journal,
}

impl Session {
    fn new(start: &[(&str, &str)]) -> Session {
        let text: BTreeMap<String, String> = start.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect();
        Session { engine: Engine::new(), files: Files { text: text.clone(), binary: BTreeMap::new() }, journal: Journal::new(text) }
    }

    fn run(&mut self, line: &str) -> String {
        let before = self.files.clone();
        let mut host = MemHost::new(self.files.text.iter().map(|(p, t)| (p.clone(), t.clone().into_bytes())));
        for (p, b) in &self.files.binary {
            host.files.insert(p.clone(), b.to_vec());
        }
        let out = self.engine.run(line, &mut host);
        for e in &out.events {
            if let Event::FileWritten { path, .. } = e {
                self.files.binary.insert(path.clone(), Arc::new(host.files[path].clone()));
            }
        }
        self.journal.record(&before, line, self.files.clone());
        out.text
    }

    fn replayed(scenario: &Scenario) -> Session {
        let start: Vec<(&str, &str)> = scenario.files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
        let mut s = Session::new(&start);
        for step in &scenario.steps {
            step.apply(&mut s.files).unwrap();
            if let Some(line) = &step.run {
                s.run(line);
            }
        }
        s
    }
}

const SHOW: &str = "docker images -a --no-trunc";

#[test]
fn an_edit_between_two_builds_is_replayed_between_them() {
    let mut s = Session::new(&[("Dockerfile", "FROM scratch\nCOPY hello.txt /\n"), ("hello.txt", "one\n")]);
    s.run("docker build -t hello .");
    s.files.text.insert("hello.txt".into(), "two\n".into());
    s.run("docker build -t hello .");
    let before = s.run(SHOW);
    s.files.text.insert("notes.txt".into(), "typed after the last line\n".into());
    assert_eq!(before.lines().count(), 3, "the first build's image is left dangling:\n{before}");
    assert!(before.contains("<none>"), "{before}");

    let scenario = s.journal.scenario(&s.files);
    assert_eq!(scenario.runs(), 3);
    assert_eq!(scenario.steps[1].write, BTreeMap::from([("hello.txt".to_string(), "two\n".to_string())]));
    assert_eq!(scenario.steps.last().unwrap().run, None, "the edit after the last line is kept as a step of its own");
    let json = s.journal.scenario_json(&s.files);
    let read = Scenario::read(json.as_bytes()).unwrap();
    assert_eq!(read, scenario, "the JSON the journal keeps says the same as the scenario");

    let mut again = Session::replayed(&read);
    assert_eq!(again.files, s.files);
    assert_eq!(again.run(SHOW), before, "the same images, IDs and all");
}

#[test]
fn a_picked_archive_travels_with_the_scenario() {
    let mut maker = Session::new(&[("Dockerfile", "FROM scratch\nCOPY hello.txt /\n"), ("hello.txt", "hi\n")]);
    maker.run("docker build -t hello .");
    maker.run("docker save -o hello.tar hello");
    maker.files.text.insert("later.txt".into(), "a step after the save\n".into());
    maker.run("docker rmi hello");
    let archive = maker.files.binary["hello.tar"].clone();
    let written = maker.journal.scenario(&maker.files);
    assert!(written.steps.iter().all(|s| s.upload.is_empty()), "a file a command wrote is written again by the replay, not carried");

    let mut s = Session::new(&[]);
    s.files.binary.insert("picked.tar".into(), archive.clone());
    assert!(s.run("docker load -i picked.tar").contains("Loaded image: hello:latest"));
    let images = s.run(SHOW);
    let json = s.journal.scenario_json(&s.files).into_bytes();
    assert_eq!(Scenario::read(&json).unwrap(), s.journal.scenario(&s.files));
    let mut again = Session::replayed(&Scenario::read(&json).unwrap());
    assert_eq!(again.files.binary["picked.tar"], archive);
    assert_eq!(again.journal.scenario(&again.files), s.journal.scenario(&s.files), "a replay journals the same scenario");
    assert_eq!(again.run(SHOW), images);

    // A file a command wrote stays through the steps after it.
    let mut again = Session::replayed(&written);
    assert_eq!(again.files, maker.files);
    assert!(again.run("docker load -i hello.tar").contains("Loaded image: hello:latest"));
    assert!(maker.run("docker load -i hello.tar").contains("Loaded image: hello:latest"));
    assert_eq!(again.run(SHOW), maker.run(SHOW));
}

#[test]
fn version_1_is_read_and_bad_scenarios_are_refused_with_what_is_wrong() {
    let v1 = br#"{"version": 1, "files": {"Dockerfile": "FROM scratch\n"}, "commands": ["docker ps", "docker images"]}"#;
    let read = Scenario::read(v1).unwrap();
    assert_eq!(read.version, 2);
    assert_eq!(read.runs(), 2);
    assert_eq!(read.steps[0], Step { run: Some("docker ps".into()), ..Step::default() });

    let refused = |json: &str| Scenario::read(json.as_bytes()).unwrap_err();
    assert_eq!(refused(r#"{"version": 7, "files": {}}"#), "it is of version 7, this page reads versions 1 and 2");
    assert!(refused(r#"{"version": 2, "files": {"../x": ""}}"#).contains("outside the build context (\"../x\")"));
    assert!(refused(r#"{"version": 2, "files": {}, "steps": [{"remove": ["/etc/passwd"]}]}"#).contains("outside the build context"));
    assert!(refused(r#"{"version": 2, "files": {}, "steps": [{"upload": {"a.tar": "not base64!"}}]}"#).starts_with("the contents of a.tar are damaged"));
    assert!(refused(r#"{"version": 2, "files": {}, "commands": ["docker ps"], "steps": [{"run": "docker ps"}]}"#).contains("both"));
    assert!(refused("[1, 2]").starts_with("it is not Layer Lab's format"));
}

fn files() -> impl Strategy<Value = Files> {
    let name = prop::sample::select(vec!["a", "b", "c/d", "c/e", "f.tar"]);
    let text = prop::collection::btree_map(name.clone().prop_map(String::from), "[a-z\n]{0,6}", 0..4);
    let binary = prop::collection::btree_map(name.prop_map(String::from), prop::collection::vec(any::<u8>(), 0..6).prop_map(Arc::new), 0..3);
    (text, binary).prop_map(|(text, mut binary)| {
        binary.retain(|p, _| !text.contains_key(p));
        Files { text, binary }
    })
}

proptest! {
    #[test]
    fn a_journal_s_json_is_its_scenario(start in files(), edits in prop::collection::vec((files(), prop::option::of("[a-z ]{1,8}")), 0..4)) {
        let mut journal = Journal::new(start.text.clone());
        let mut now = Files { text: start.text, binary: BTreeMap::new() };
        for (files, line) in edits {
            now = files;
            if let Some(line) = line {
                journal.record(&now, &line, now.clone());
            }
        }
        let json = journal.scenario_json(&now);
        prop_assert_eq!(Scenario::read(json.as_bytes()).unwrap(), journal.scenario(&now));
    }

    #[test]
    fn the_changes_between_two_file_sets_turn_one_into_the_other(before in files(), after in files()) {
        let step = Step::between(&before, &after);
        let mut got = before.clone();
        step.apply(&mut got).unwrap();
        prop_assert_eq!(got, after.clone());
        prop_assert!(Step::between(&after, &after).is_empty());
    }
}

#[test]
fn files_take_what_a_command_changed_on_the_host() {
    let files = Files {
        text: BTreeMap::from([("a.txt".to_string(), "a\n".to_string()), ("gone.txt".to_string(), "x".to_string()), ("out.tar".to_string(), "kept".to_string())]),
        binary: BTreeMap::from([("b.bin".to_string(), Arc::new(vec![0u8, 1]))]),
    };
    let host: BTreeMap<String, Vec<u8>> = BTreeMap::from([
        ("a.txt".to_string(), b"a\n".to_vec()),
        ("b.bin".to_string(), b"now text\n".to_vec()),
        ("new.bin".to_string(), vec![0xff, 0]),
        ("new.txt".to_string(), b"new\n".to_vec()),
    ]);
    let after = files.with_host_changes(&host, &["out.tar"]);
    assert_eq!(after.text.keys().collect::<Vec<_>>(), ["a.txt", "b.bin", "new.txt", "out.tar"]);
    assert_eq!(after.text["b.bin"], "now text\n");
    assert_eq!(after.binary.keys().collect::<Vec<_>>(), ["new.bin"]);
    // Nothing changed: the same files.
    assert_eq!(files.with_host_changes(&BTreeMap::from([("a.txt".to_string(), b"a\n".to_vec()), ("gone.txt".to_string(), b"x".to_vec()), ("b.bin".to_string(), vec![0, 1])]), &["out.tar"]), files);
}
