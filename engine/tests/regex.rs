//! `grep` and `sed`'s regular expressions held to Debian's GNU grep:
//! random basic and extended patterns must select the same lines.

use layerlab_engine::regex::Regex;
use proptest::prelude::*;
use std::io::Write;
use std::process::{Command, Stdio};

const TEXTS: [&str; 12] = ["", "a", "b", "ab", "ba", "aab", "abab", "abc", "cab", "bbb", "a.b", "aXb"];

fn pattern(extended: bool) -> impl Strategy<Value = String> {
    let atoms: Vec<&'static str> = if extended {
        vec!["a", "b", ".", "[ab]", "[^a]", "(a|b)", "(ab)", "c", "\\."]
    } else {
        vec!["a", "b", ".", "[ab]", "[^a]", "\\(a\\|b\\)", "\\(ab\\)", "c", "\\."]
    };
    let ops: Vec<&'static str> = if extended { vec!["", "", "*", "+", "?", "{1,2}"] } else { vec!["", "", "*", "\\+", "\\?", "\\{1,2\\}"] };
    let piece = (prop::sample::select(atoms), prop::sample::select(ops)).prop_map(|(a, o)| format!("{a}{o}"));
    (any::<bool>(), prop::collection::vec(piece, 1..5), any::<bool>()).prop_map(|(start, pieces, end)| format!("{}{}{}", if start { "^" } else { "" }, pieces.concat(), if end { "$" } else { "" }))
}

/// The 1-based numbers of the TEXTS lines GNU grep selects.
fn gnu_grep(pattern: &str, extended: bool) -> Vec<usize> {
    let mut child = Command::new("grep")
        .args([if extended { "-nE" } else { "-nG" }, "-e", pattern])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("Debian's grep runs this test");
    child.stdin.take().unwrap().write_all(format!("{}\n", TEXTS.join("\n")).as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stdout).lines().filter_map(|l| l.split(':').next()?.parse().ok()).collect()
}

fn ours(pattern: &str, extended: bool) -> Vec<usize> {
    let re = Regex::new(pattern, extended, false).unwrap_or_else(|e| panic!("{pattern}: {e}"));
    TEXTS.iter().enumerate().filter(|(_, t)| re.is_match(t)).map(|(i, _)| i + 1).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
    #[test]
    fn basic_patterns_select_what_gnu_grep_selects(p in pattern(false)) {
        prop_assert_eq!(ours(&p, false), gnu_grep(&p, false), "{}", p);
    }

    #[test]
    fn extended_patterns_select_what_gnu_grep_selects(p in pattern(true)) {
        prop_assert_eq!(ours(&p, true), gnu_grep(&p, true), "{}", p);
    }
}

#[test]
fn fixed_cases() {
    for (p, ere) in [("[[:digit:]][[:alpha:]]*", false), ("^a*$", false), ("*a", false), ("a\\{2\\}", false), ("[]a]", false), ("[a-]", false), ("x|a", true), ("(a|ab)(c|bcd)", true)] {
        assert_eq!(ours(p, ere), gnu_grep(p, ere), "{p}");
    }
    // Groups for sed's \1: spans in characters.
    let re = Regex::new("\\([a-z]*\\)=\\([0-9]*\\)", false, false).unwrap();
    let text: Vec<char> = "key=42;".chars().collect();
    assert_eq!(re.find_at(&text, 0), Some(vec![Some((0, 6)), Some((0, 3)), Some((4, 6))]));
    for bad in ["a\\{2", "[a", "\\(a", "a\\{3,1\\}"] {
        assert!(Regex::new(bad, false, false).is_err(), "{bad}");
    }
    assert!(Regex::new("(a", true, false).is_err());
    // Linear time: a pattern that backtracking would take forever on.
    let evil = Regex::new("(a*)*b", true, false).unwrap();
    assert!(!evil.is_match(&"a".repeat(5000)));
}

/// Layer Lab's sed against Debian's GNU sed, on the scripts Dockerfiles use.
#[test]
fn sed_scripts_edit_as_gnu_sed_does() {
    use layerlab_engine::sed::{run, Files};
    struct NoFiles;
    impl Files for NoFiles {
        fn read(&mut self, path: &str) -> Result<String, String> {
            Err(format!("{path}: No such file or directory"))
        }
        fn write(&mut self, _: &str, _: &str) -> Result<(), String> {
            Ok(())
        }
    }
    let input = "#PermitRootLogin yes\nport=22\nkey = value\nabc\nlisten 80;\n\nlast line\n";
    let scripts: [&[&str]; 14] = [
        &["s/^#PermitRootLogin.*/PermitRootLogin no/"],
        &["s/=/: /g"],
        &["-E", "s/([a-z]+) = ([a-z]+)/\\2=\\1/"],
        &["s/\\(port\\)=\\([0-9]*\\)/\\1 is \\2/"],
        &["s|80|8080|"],
        &["/^$/d"],
        &["-n", "/port/p"],
        &["-n", "s/b/B/p"],
        &["2q"],
        &["$d"],
        &["s/b*/X/g"],
        &["s/a/A/2"],
        &["-e", "s/a/1/", "-e", "s/b/2/"],
        &["s/l/L/g; 3d"],
    ];
    for script in scripts {
        let ours = run(script, input, &mut NoFiles);
        let mut child = Command::new("sed").args(script).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().expect("Debian's sed runs this test");
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        let gnu = child.wait_with_output().unwrap();
        assert_eq!((ours.0, ours.1.as_str()), (gnu.status.code().unwrap_or(-1), String::from_utf8_lossy(&gnu.stdout).as_ref()), "{script:?}");
    }
    assert!(run(&["s/a/b"], input, &mut NoFiles).2.contains("unterminated `s' command"));
    assert!(run(&["y/a/b/"], input, &mut NoFiles).2.contains("unsupported command y"));
}
