//! `grep` and `sed`'s regular expressions held to Debian's GNU grep:
//! random basic and extended patterns must select the same lines and
//! match the same text in them (POSIX's leftmost-longest match, `grep -o`).

use layerlab_engine::regex::Regex;
use proptest::prelude::*;
use std::io::Write;
use std::process::{Command, Stdio};

const TEXTS: [&str; 16] = ["", "a", "b", "ab", "ba", "aab", "abab", "abc", "cab", "bbb", "a.b", "aXb", "a b", " ab", "ab ", "a_b c"];

fn pattern(extended: bool) -> impl Strategy<Value = String> {
    let atoms: Vec<&'static str> = if extended {
        vec!["a", "b", ".", "[ab]", "[^a]", "(a|b)", "(ab)", "c", "\\.", "\\w", "\\W", "\\s", " "]
    } else {
        vec!["a", "b", ".", "[ab]", "[^a]", "\\(a\\|b\\)", "\\(ab\\)", "c", "\\.", "\\w", "\\W", "\\s", " "]
    };
    let ops: Vec<&'static str> = if extended { vec!["", "", "*", "+", "?", "{1,2}"] } else { vec!["", "", "*", "\\+", "\\?", "\\{1,2\\}"] };
    // GNU's word boundaries stand alone (a repeated assertion means nothing).
    let boundaries = prop::sample::select(vec!["\\b", "\\B", "\\<", "\\>"]).prop_map(str::to_string);
    let repeated = (prop::sample::select(atoms), prop::sample::select(ops)).prop_map(|(a, o)| format!("{a}{o}"));
    let piece = prop_oneof![4 => repeated, 1 => boundaries];
    (any::<bool>(), prop::collection::vec(piece, 1..5), any::<bool>()).prop_map(|(start, pieces, end)| format!("{}{}{}", if start { "^" } else { "" }, pieces.concat(), if end { "$" } else { "" }))
}

/// GNU grep's output on the TEXTS lines, with `flags` (`-n`: line numbers).
fn gnu(pattern: &str, extended: bool, flags: &str) -> String {
    let mut child = Command::new("grep")
        .args([flags, if extended { "-E" } else { "-G" }, "-e", pattern])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("Debian's grep runs this test");
    child.stdin.take().unwrap().write_all(format!("{}\n", TEXTS.join("\n")).as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The 1-based numbers of the TEXTS lines GNU grep selects.
fn gnu_grep(pattern: &str, extended: bool) -> Vec<usize> {
    gnu(pattern, extended, "-n").lines().filter_map(|l| l.split(':').next()?.parse().ok()).collect()
}

/// What `grep -nob` prints: each non-empty match, leftmost and longest,
/// as `LINE:BYTE OFFSET:TEXT`.
fn ours_matches(pattern: &str, extended: bool) -> String {
    let re = Regex::new(pattern, extended, false).unwrap_or_else(|e| panic!("{pattern}: {e}"));
    let (mut out, mut offset) = (String::new(), 0);
    for (i, t) in TEXTS.iter().enumerate() {
        let chars: Vec<char> = t.chars().collect();
        let mut from = 0;
        while from <= chars.len() {
            let Some(Some((start, end))) = re.find_at(&chars, from).map(|spans| spans[0]) else { break };
            if end > start {
                out.push_str(&format!("{}:{}:{}\n", i + 1, offset + start, chars[start..end].iter().collect::<String>()));
            }
            from = end.max(start + 1);
        }
        offset += t.len() + 1;
    }
    out
}

fn ours(pattern: &str, extended: bool) -> Vec<usize> {
    let re = Regex::new(pattern, extended, false).unwrap_or_else(|e| panic!("{pattern}: {e}"));
    TEXTS.iter().enumerate().filter(|(_, t)| re.is_match(t)).map(|(i, _)| i + 1).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
    #[test]
    fn basic_patterns_select_and_match_what_gnu_grep_does(p in pattern(false)) {
        prop_assert_eq!(ours(&p, false), gnu_grep(&p, false), "{}", p);
        prop_assert_eq!(ours_matches(&p, false), gnu(&p, false, "-nob"), "{}", p);
    }

    #[test]
    fn extended_patterns_select_and_match_what_gnu_grep_does(p in pattern(true)) {
        prop_assert_eq!(ours(&p, true), gnu_grep(&p, true), "{}", p);
        prop_assert_eq!(ours_matches(&p, true), gnu(&p, true, "-nob"), "{}", p);
    }
}

#[test]
fn fixed_cases() {
    for (p, ere) in [("[[:digit:]][[:alpha:]]*", false), ("^a*$", false), ("*a", false), ("a\\{2\\}", false), ("[]a]", false), ("[a-]", false), ("x|a", true), ("(a|ab)(c|bcd)", true), ("a|ab", true), ("(a|ab)(b|bab)*", true), ("\\(b\\|ba\\)*", false)] {
        assert_eq!(ours(p, ere), gnu_grep(p, ere), "{p}");
        assert_eq!(ours_matches(p, ere), gnu(p, ere, "-nob"), "{p}");
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
        let ours = run(script, input, &mut NoFiles, true);
        let mut child = Command::new("sed").args(script).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().expect("Debian's sed runs this test");
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        let gnu = child.wait_with_output().unwrap();
        assert_eq!((ours.0, ours.1.as_str()), (gnu.status.code().unwrap_or(-1), String::from_utf8_lossy(&gnu.stdout).as_ref()), "{script:?}");
    }
    assert!(run(&["s/a/b"], input, &mut NoFiles, true).2.contains("unterminated `s' command"));
    // y now runs; e (run the pattern space as a command) is refused by name.
    assert_eq!(run(&["y/ab/AB/"], "abc\n", &mut NoFiles, true).1, "ABc\n");
    assert!(run(&["e date"], input, &mut NoFiles, true).2.contains("the e command is not simulated"));
    // Scripts that would never end (GNU sed loops forever on these) are stopped with a message.
    for endless in [":a;ba", "G;D", ":a;s/x*/&&/g;ta"] {
        let (status, _, err) = run(&[endless], "x\n", &mut NoFiles, true);
        assert!(status == 1 && err.contains("was stopped"), "{endless}: {err}");
    }
}
