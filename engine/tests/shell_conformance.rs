//! BuildKit's shell-lexer test data (../shared/conformance/buildkit-shell):
//! every `A` and `U` case of envVarTest and every case of wordsTest.

use layerlab_engine::shell_lex::{process_word, process_words};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn data(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance/buildkit-shell").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e} (shared/ must be beside the clone)", path.display()))
}

#[test]
fn env_var_cases() {
    let env = |name: &str| -> Option<String> {
        match name {
            "PWD" => Some("/home".into()),
            "SHELL" => Some("bash".into()),
            "KOREAN" => Some("한국어".into()),
            "NULL" => Some(String::new()),
            _ => None,
        }
    };
    let mut failures = Vec::new();
    let mut ran = 0;
    for line in data("envVarTest").lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('|').map(str::trim).collect();
        assert_eq!(fields.len(), 3, "{line}");
        if fields[0] == "W" {
            continue;
        }
        ran += 1;
        let got = process_word(fields[1], &env, '\\');
        let ok = match (fields[2], &got) {
            ("error", r) => r.is_err(),
            (expected, Ok(w)) => w == expected,
            (_, Err(_)) => false,
        };
        if !ok {
            failures.push(format!("{:?}: expected {:?}, got {got:?}", fields[1], fields[2]));
        }
    }
    assert_eq!(ran, 228);
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn words_cases() {
    let mut env: BTreeMap<String, String> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut ran = 0;
    for line in data("wordsTest").lines() {
        if line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix("ENV ") {
            let (k, v) = rest.trim_start_matches(' ').split_once('=').unwrap();
            env.insert(k.to_string(), v.to_string());
            continue;
        }
        let (input, expected) = line.split_once('|').unwrap();
        let expected: Vec<&str> = expected.trim_start_matches(' ').split(',').collect();
        let lookup = |name: &str| env.get(name).cloned();
        let got = process_words(input.trim(), &lookup, '\\').unwrap_or_else(|_| vec!["error".to_string()]);
        ran += 1;
        if got != expected {
            failures.push(format!("{input:?}: expected {expected:?}, got {got:?}"));
        }
    }
    assert_eq!(ran, 24);
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn pattern_modifiers() {
    let env = |name: &str| (name == "F").then(|| "archive.tar.gz".to_string());
    assert_eq!(process_word("${F%.*}", &env, '\\').unwrap(), "archive.tar");
    assert_eq!(process_word("${F%%.*}", &env, '\\').unwrap(), "archive");
    assert_eq!(process_word("${F#*.}", &env, '\\').unwrap(), "tar.gz");
    assert_eq!(process_word("${F##*.}", &env, '\\').unwrap(), "gz");
    assert_eq!(process_word("${F/a/A}", &env, '\\').unwrap(), "Archive.tar.gz");
    assert_eq!(process_word("${F//a/A}", &env, '\\').unwrap(), "ArchivE.tAr.gz".replace('E', "e"));
    assert!(process_word("${F:#x}", &env, '\\').is_err());
}
