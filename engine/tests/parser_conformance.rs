//! BuildKit's own parser test data (../shared/conformance/buildkit-parser):
//! every `testfiles` case dumps byte for byte as BuildKit's `result`, every
//! negative case is rejected, and `testfile-line` has BuildKit's line ranges.

use layerlab_engine::parser::parse;
use std::path::PathBuf;

fn data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance/buildkit-parser")
}

fn read(path: &PathBuf) -> String {
    String::from_utf8(std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e} (shared/ must be beside the clone)", path.display()))).unwrap()
}

#[test]
fn every_buildkit_case_dumps_byte_for_byte() {
    let mut dirs: Vec<_> = std::fs::read_dir(data().join("testfiles")).unwrap().map(|e| e.unwrap().path()).collect();
    dirs.sort();
    assert_eq!(dirs.len(), 33);
    let mut failures = Vec::new();
    for dir in &dirs {
        let src = read(&dir.join("Dockerfile"));
        let expected = read(&dir.join("result"));
        match parse(&src) {
            Ok(parsed) => {
                let got = format!("{}\n", parsed.root.dump());
                if got != expected {
                    failures.push(format!("{}:\n--- expected\n{expected}--- got\n{got}", dir.display()));
                }
            }
            Err(e) => failures.push(format!("{}: {e}", dir.display())),
        }
    }
    assert!(failures.is_empty(), "{} of 33 differ:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_negative_case_is_rejected() {
    let mut dirs: Vec<_> = std::fs::read_dir(data().join("testfiles-negative")).unwrap().map(|e| e.unwrap().path()).collect();
    dirs.sort();
    assert_eq!(dirs.len(), 4);
    let messages: Vec<String> = dirs.iter().map(|d| parse(&read(&d.join("Dockerfile"))).expect_err(&d.display().to_string()).message).collect();
    assert_eq!(
        messages,
        [
            "file with no instructions",
            "ENV must have two arguments",
            "file with no instructions",
            "when using JSON array syntax, arrays must be comprised of strings only"
        ]
    );
}

#[test]
fn line_ranges_match_buildkit() {
    let parsed = parse(&read(&data().join("testfile-line/Dockerfile"))).unwrap();
    assert_eq!((parsed.root.start_line, parsed.root.end_line), (5, 31));
    let ranges: Vec<(usize, usize)> = parsed.root.children.iter().map(|c| (c.start_line, c.end_line)).collect();
    assert_eq!(ranges, [(5, 5), (11, 12), (17, 31)]);
}
