//! The little POSIX shell that RUN (and later `docker exec`) runs: words,
//! quotes and `$VAR` expansion (through [`crate::shell_lex`]), `&&`, `||`,
//! `;`, pipes, redirections, `cd`, `export`, `set -e`, `exit`, `sh -c`, and
//! the common file commands over a snapshot's tree. Anything else fails as
//! a real shell would: `/bin/sh: foo: not found`, exit status 127.

use crate::fs::{components, display, Kind, Node, PathKey, Tree};
use crate::subst::Inner;

mod files;
mod find;
mod users;
use std::collections::{BTreeMap, BTreeSet};

/// The standard utilities this shell implements. Every image with a
/// `/bin/sh` has them (BusyBox applets on alpine, coreutils on debian), even
/// where the simulated image does not draw each one's file.
pub const UTILITIES: &[&str] = &[
    "sh", "echo", "printf", "cat", "touch", "mkdir", "rm", "rmdir", "cp", "mv", "ln", "chmod", "chown", "ls", "pwd", "true", "false", "test", "[",
    "sleep", "env", "printenv", "id", "whoami", "wc", "head", "tail", "grep", "dd", "tar", "basename", "cut", "dirname", "egrep", "fgrep", "expr",
    "find", "hostname", "sed", "seq", "sort", "tee", "tr", "uname", "uniq", "xargs", "which", "clear",
    "date", "sha256sum", "base64", "readlink", "realpath", "tac", "rev", "groups", "du", "adduser", "addgroup", "deluser", "delgroup", "useradd",
    "groupadd", "usermod", "userdel", "groupdel", "stat", "mktemp", "getent", "awk",
];

/// shadow's account tools: Debian and Ubuntu have them, BusyBox images do not.
const SHADOW: [&str; 5] = ["useradd", "groupadd", "usermod", "userdel", "groupdel"];

/// sed reads and writes the shell's tree.
impl crate::sed::Files for Shell<'_> {
    fn read(&mut self, path: &str) -> Result<String, String> {
        Shell::read(self, path).map(|b| String::from_utf8_lossy(&b).into_owned())
    }

    fn write(&mut self, path: &str, text: &str) -> Result<(), String> {
        Shell::write(self, path, text.as_bytes(), false)
    }
}

/// Programs that reach the network, which the simulation has none of.
const NETWORK: [&str; 7] = ["wget", "curl", "ping", "nc", "nslookup", "ssh", "git"];

/// The network tools BusyBox has as applets (the others, like curl, come
/// from a package).
const NETWORK_APPLETS: [&str; 4] = ["wget", "ping", "nc", "nslookup"];

/// What a network tool the image has says.
/// The options the file utilities take here (a value follows mkdir's -m and touch's -d, -t, -r).
const FILE_OPTIONS: [(&str, &str); 7] = [("rm", "rRfv"), ("rmdir", "pv"), ("mkdir", "pmv"), ("cp", "rRapfv"), ("mv", "fv"), ("ln", "sfnv"), ("touch", "acmdtr")];

/// The file utilities whose errors GNU coreutils words differently.
const COREUTILS: [&str; 10] = ["rm", "rmdir", "mkdir", "cp", "mv", "touch", "ls", "chmod", "chown", "ln"];

/// BusyBox's error `e` from `cmd` as GNU coreutils says it (with C locale
/// quotes): `can't remove 'x'` is `cannot remove 'x'`, `ls: x: …` is
/// `ls: cannot access 'x': …`. Text already in GNU's words stays as it is.
fn coreutils_words(cmd: &str, e: &str, symbolic: bool) -> String {
    if e.starts_with("cannot ") || e.starts_with("failed to ") {
        return e.to_string();
    }
    if let Some(rest) = e.strip_prefix("can't ") {
        return format!("cannot {}", rest.replace(": Resource busy", ": Device or resource busy"));
    }
    if let (true, Some(path)) = (cmd == "rm", e.strip_suffix(" is a directory")) {
        return format!("cannot remove {path}: Is a directory");
    }
    let Some((path, reason)) = e.rsplit_once(": ") else { return e.to_string() };
    let quoted = if path.starts_with('\'') { path.to_string() } else { format!("'{path}'") };
    match cmd {
        "rmdir" => format!("failed to remove {quoted}: {reason}"),
        "touch" => format!("cannot touch {quoted}: {reason}"),
        "ls" | "chmod" | "chown" if reason == "No such file or directory" => format!("cannot access {quoted}: {reason}"),
        "chmod" => format!("changing permissions of {quoted}: {reason}"),
        "chown" => format!("changing ownership of {quoted}: {reason}"),
        "ln" => format!("failed to create {} link {quoted}: {reason}", if symbolic { "symbolic" } else { "hard" }),
        _ => e.to_string(),
    }
}

fn no_network(cmd: &str) -> (i32, String, String) {
    (1, String::new(), format!("{cmd}: the network is not simulated in this version of Layer Lab\n"))
}

/// Standard utilities every shell image has (BusyBox applets, coreutils)
/// that this shell does not simulate: they say so instead of "not found".
const UNSIMULATED: [&str; 21] = [
    "df", "diff", "cmp", "od", "md5sum", "sha1sum", "yes", "nl", "paste", "comm", "fold",
    "gzip", "gunzip", "zcat", "top", "kill", "nproc", "free", "sync", "chgrp", "install",
];

/// BusyBox has them; a Debian or Ubuntu base image does not (procps is not
/// installed).
const BUSYBOX_ONLY: [&str; 3] = ["ps", "top", "free"];

/// Whether an image with a shell has `program` as a standard utility
/// ([`UTILITIES`], what BusyBox or coreutils give), drawn as a file or not.
pub fn standard_utility(root: &Tree, program: &str) -> bool {
    let busybox = root.get(&components("/bin/busybox")).is_some();
    root.get(&components("/bin/sh")).is_some()
        && [UTILITIES, &UNSIMULATED, &BUSYBOX_ONLY, &NETWORK_APPLETS].iter().any(|set| set.contains(&program))
        && (busybox || !BUSYBOX_ONLY.contains(&program) && !NETWORK_APPLETS.contains(&program))
        && !(busybox && SHADOW.contains(&program))
}

/// What is mounted in a container (the runtime's /etc files, volumes'
/// mount points), one path a line: `rm` cannot remove them.
pub const MOUNTS: &str = "\u{0}mounts";
/// The read-only ones among them (`-v …:ro`), one per line: writing under
/// them fails with "Read-only file system".
pub const READ_ONLY: &str = "\u{0}read-only";
/// Set when the process has a terminal (`-t`): `ls` then lays names out in
/// columns where its output goes to the terminal.
pub const TERMINAL: &str = "\u{0}terminal";
/// An interactive shell's lines so far, each ended by `\u{0}`: its `history`.
pub const HISTORY: &str = "\u{0}history";

/// The processes a container runs besides the command a shell runs now,
/// for `ps`: lines of `PID<TAB>USER<TAB>COMMAND`, USER as `--user` gives
/// it (empty for root).
pub const PROCESSES: &str = "\u{0}processes";

/// How the image's `/bin/sh` words its errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavour {
    /// BusyBox ash (alpine, busybox): `sh: foo: not found` (its `$0` first:
    /// `/bin/sh` in RUN, `sh` in `sh -c`).
    Busybox,
    /// dash (debian, ubuntu): `/bin/sh: 1: foo: not found`; bash (started as
    /// bash): `bash: foo: command not found`.
    Dash,
}

pub struct Shell<'a> {
    /// `$RANDOM`'s generator state.
    random: std::cell::Cell<u64>,
    /// What `${x:=w}` set while a word was expanded, kept once it is done.
    assigned: std::cell::RefCell<Vec<(String, String)>>,
    pub root: &'a mut Tree,
    /// The tree below this layer: a directory that existed there and is
    /// removed and made again becomes opaque.
    pub lower: &'a Tree,
    pub opaque: &'a mut Vec<PathKey>,
    pub cwd: String,
    pub env: BTreeMap<String, String>,
    pub output: String,
    pub flavour: Flavour,
    /// The bridge a container's `curl` and `wget` reach other containers
    /// through; None in a build, where they say the network is not simulated.
    pub network: Option<&'a crate::http::Bridge<'a>>,
    /// Whether what the command running now prints goes to a terminal (not
    /// down a pipe, into a file or a command substitution).
    terminal: bool,
    /// The command just run wrote its errors before its output (ls reports
    /// missing operands first; cat a missing first file), so they show first.
    errors_first: bool,
    /// The command runs with no shell around it (`docker run IMAGE md5sum`,
    /// `docker exec C md5sum`): its own messages carry no shell's name.
    direct: bool,
    errexit: bool,
    removed_dirs: Vec<PathKey>,
    /// In a command substitution: what its commands print on stderr, which
    /// goes to the terminal instead of into the substituted text.
    stderr: Option<String>,
    /// Loop turns left ([`LOOP_LIMIT`]), for the whole script.
    loop_budget: u32,
    /// Loops the running command is in (`break` outside one does nothing).
    loops: u32,
    jump: Option<Jump>,
    /// Conditions (`if`, `while`) being tested: `set -e` does not apply there.
    conditions: u32,
    /// The last pipeline's exit status (`$?`).
    status: i32,
    /// The last command substitution's status: a command of assignments
    /// only (`x=$(false)`) exits with it.
    subst_status: Option<i32>,
    /// An expansion failed (`$((1/0))`, `${x?}`): the script stops, as a
    /// non-interactive sh exits; an interactive one drops the line.
    aborted: bool,
    /// Subshells and substitutions this shell runs inside: with the
    /// compound commands open, at most [`MAX_DEPTH`].
    depth: usize,
    /// `$0`: the shell or script's name.
    pub arg0: String,
    /// `$1`, `$2`…: the positional parameters (`set --`, `shift`, a
    /// script's or a function's arguments).
    pub args: Vec<String>,
    /// Function calls running now (`return` leaves the innermost).
    calls: usize,
    /// What `read` reads when its command has no input of its own: a
    /// compound's `< FILE`, or the pipe into it.
    input: String,
    /// For each function call running, the variables `local` set and the
    /// values to put back.
    locals: Vec<Vec<(String, Option<String>)>>,
    /// The variables a command this shell starts gets (`export`); the
    /// environment it started with is exported.
    exported: BTreeSet<String>,
    /// Variables `readonly` locked.
    readonly: BTreeSet<String>,
}

/// A shell's variables to `$((…))`: assigning a read-only one stops the
/// expression.
struct ArithVars<'s, 'a> {
    shell: &'s mut Shell<'a>,
    refused: Option<String>,
}

impl crate::arith::Vars for ArithVars<'_, '_> {
    fn get(&self, name: &str) -> Option<String> {
        self.shell.env.get(name).cloned()
    }

    fn set(&mut self, name: &str, value: i64) {
        if self.shell.assign(name, value.to_string()).is_err() {
            self.refused.get_or_insert_with(|| name.to_string());
        }
    }
}

/// A shell's variables to the lexer, which then reads parameters as sh
/// does ([`crate::shell_lex::Env::sh`]).
/// The shell's variables as its words read them: what `${x:=w}` set in
/// this word first (the shell keeps it after: [`Shell::keep_assigned`]).
struct ShVars<'s, 'a, F> {
    get: F,
    shell: &'s Shell<'a>,
}

impl<F: Fn(&str) -> Option<String>> crate::shell_lex::Env for ShVars<'_, '_, F> {
    fn get(&self, name: &str) -> Option<String> {
        self.shell.assigned.borrow().iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.clone()).or_else(|| (self.get)(name))
    }

    fn sh(&self) -> bool {
        true
    }

    fn substrings(&self) -> bool {
        self.shell.flavour == Flavour::Busybox || self.shell.is_bash()
    }

    fn case_changes(&self) -> bool {
        self.shell.is_bash()
    }

    fn assign(&self, name: &str, value: &str) {
        self.shell.assigned.borrow_mut().push((name.to_string(), value.to_string()));
    }

    fn unset(&self, name: &str) -> Result<(), String> {
        // set -u: a plain expansion of an unset variable or parameter stops the script ($@ and $* may be empty).
        if !self.shell.option('u') || matches!(name, "@" | "*") {
            return Ok(());
        }
        Err(if self.shell.is_bash() { format!("{name}: unbound variable") } else { format!("{name}: parameter not set") })
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Op(&'static str),
    Redir { fd: u8, op: &'static str },
}

#[derive(Clone, Debug, Default)]
struct Command {
    words: Vec<String>,
    redirs: Vec<(u8, &'static str, String)>,
}

/// Splits a script into words and operators; words keep their quotes for
/// the lexer. `bash` reads bash's `$'…'` and `(( … ))` too.
fn tokenize(script: &str, bash: bool) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = script.chars().collect();
    let mut toks = Vec::new();
    let mut word = String::new();
    let mut i = 0;
    // Here-documents whose bodies start after the current line: (token, delimiter, strip tabs).
    let mut pending: Vec<(usize, String, bool)> = Vec::new();
    let flush = |word: &mut String, toks: &mut Vec<Tok>| {
        if !word.is_empty() {
            toks.push(Tok::Word(std::mem::take(word)));
        }
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\'' | '"' => {
                // In double quotes a backslash may escape the quote, and a substitution hold quotes of its own.
                let end = if c == '"' { crate::subst::quote_end(&chars, i)? } else { chars[i + 1..].iter().position(|&x| x == c).map(|p| p + i + 1) };
                let end = end.ok_or_else(|| format!("syntax error: unterminated quoted string ({c})"))?;
                let quoted: String = chars[i..=end].iter().collect();
                word.push_str(&quoted);
                i = end + 1;
                continue;
            }
            '\\' if chars.get(i + 1) == Some(&'\n') => {
                i += 2;
                continue;
            }
            '\\' => {
                word.push(c);
                if let Some(n) = chars.get(i + 1) {
                    word.push(*n);
                }
                i += 2;
                continue;
            }
            // bash's `$'…'`: its backslash escapes read now, the text single-quoted.
            '$' if bash && chars.get(i + 1) == Some(&'\'') => {
                let mut j = i + 2;
                while j < chars.len() && chars[j] != '\'' {
                    j += if chars[j] == '\\' { 2 } else { 1 };
                }
                if j >= chars.len() {
                    return Err("syntax error: unterminated quoted string ($')".to_string());
                }
                let body: String = chars[i + 2..j].iter().collect();
                let text = crate::printf::escapes(&body, false).0;
                word.push('\'');
                word.push_str(&text.replace('\'', "'\\''"));
                word.push('\'');
                i = j + 1;
                continue;
            }
            // bash's arithmetic command `(( … ))` where a command starts: the
            // word `((` and its expression, double-quoted (expanded as in `$((…))`).
            // Without a closing `))` it is two subshells, as bash reads `((cd a); ls)`.
            '(' if bash && chars.get(i + 1) == Some(&'(') && word.is_empty() && starts_command(&toks) && arithmetic_end(&chars, i + 2).is_some() => {
                let close = arithmetic_end(&chars, i + 2).unwrap_or(chars.len());
                if toks.last() == Some(&Tok::Word("for".to_string())) {
                    return Err("C-style for loops (for ((…; …; …))) are bash's and not available in this version of Layer Lab (use while)".to_string());
                }
                let expr: String = chars[i + 2..close].iter().collect();
                toks.push(Tok::Word("((".to_string()));
                toks.push(Tok::Word(format!("\"{}\"", expr.replace('"', "\\\""))));
                i = close + 2;
                continue;
            }
            // `${…}` is one piece of its word, blanks and quotes inside it included (`${x:-a b}`).
            '$' if chars.get(i + 1) == Some(&'{') => {
                let (mut j, mut depth) = (i + 2, 1);
                while j < chars.len() && depth > 0 {
                    match chars[j] {
                        '\\' => j += 1,
                        '\'' => j += chars[j + 1..].iter().position(|&x| x == '\'').map_or(chars.len(), |p| p + 1),
                        '"' => j = crate::subst::quote_end(&chars, j)?.unwrap_or(chars.len()),
                        '$' if chars.get(j + 1) == Some(&'{') => {
                            depth += 1;
                            j += 1;
                        }
                        '}' => depth -= 1,
                        _ => {}
                    }
                    j += 1;
                }
                let end = j.min(chars.len());
                word.extend(&chars[i..end]);
                i = end;
                continue;
            }
            // A command substitution stays in its word, run when the word is expanded.
            '`' | '$' if c == '`' || chars.get(i + 1) == Some(&'(') => {
                let close = crate::subst::end(&chars, i)?.ok_or(if c == '`' { "syntax error: unterminated `" } else { "syntax error: missing ')'" })?;
                word.extend(&chars[i..=close]);
                i = close + 1;
                continue;
            }
            '(' | ')' => {
                flush(&mut word, &mut toks);
                toks.push(Tok::Op(if c == '(' { "(" } else { ")" }));
            }
            '#' if word.is_empty() => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            c if c == ' ' || c == '\t' => flush(&mut word, &mut toks),
            ';' if chars.get(i + 1) == Some(&';') => {
                flush(&mut word, &mut toks);
                toks.push(Tok::Op(";;"));
                i += 2;
                continue;
            }
            '\n' | ';' => {
                flush(&mut word, &mut toks);
                toks.push(Tok::Op(";"));
                if c == '\n' {
                    // The bodies of this line's here-documents follow it.
                    for (index, delimiter, chomp) in pending.drain(..) {
                        let mut body = String::new();
                        let mut found = false;
                        while i + 1 < chars.len() {
                            let end = chars[i + 1..].iter().position(|&x| x == '\n').map_or(chars.len(), |p| p + i + 1);
                            let line: String = chars[i + 1..end].iter().collect();
                            i = end;
                            let line = if chomp { line.trim_start_matches('\t').to_string() } else { line };
                            if line == delimiter {
                                found = true;
                                break;
                            }
                            body.push_str(&line);
                            body.push('\n');
                        }
                        if !found {
                            return Err(format!("syntax error: here-document delimited by end-of-file (wanted `{delimiter}')"));
                        }
                        toks[index] = Tok::Word(body);
                    }
                }
            }
            '&' | '|' => {
                flush(&mut word, &mut toks);
                let double = chars.get(i + 1) == Some(&c);
                toks.push(Tok::Op(match (c, double) {
                    ('&', true) => "&&",
                    ('|', true) => "||",
                    ('|', false) => "|",
                    _ => ";", // `cmd &` runs in the foreground here
                }));
                i += 1 + usize::from(double);
                continue;
            }
            '<' if chars.get(i + 1) == Some(&'<') && chars.get(i + 2) != Some(&'<') => {
                // A here-document: its body is the lines after this one, up to the delimiter.
                flush(&mut word, &mut toks);
                i += 2;
                let chomp = chars.get(i) == Some(&'-');
                if chomp {
                    i += 1;
                }
                while chars.get(i).is_some_and(|c| *c == ' ' || *c == '\t') {
                    i += 1;
                }
                let start = i;
                while chars.get(i).is_some_and(|c| !c.is_whitespace() && !matches!(c, ';' | '&' | '|' | '<' | '>')) {
                    i += 1;
                }
                let raw: String = chars[start..i].iter().collect();
                let quoted = raw.contains(['\'', '"', '\\']);
                let delimiter: String = raw.chars().filter(|c| !matches!(c, '\'' | '"' | '\\')).collect();
                if delimiter.is_empty() {
                    return Err("syntax error: unexpected end of file (expecting a here-document delimiter)".to_string());
                }
                toks.push(Tok::Redir { fd: 0, op: if quoted { "<<'" } else { "<<" } });
                pending.push((toks.len(), delimiter, chomp));
                toks.push(Tok::Word(String::new()));
                continue;
            }
            // bash's here-strings and process substitution: refused by name rather than misread.
            '<' if chars.get(i + 1) == Some(&'<') && chars.get(i + 2) == Some(&'<') => return Err("here-strings (<<<) are bash's and not available in this version of Layer Lab".to_string()),
            '<' | '>' if chars.get(i + 1) == Some(&'(') => return Err("process substitution (<(…)) is bash's and not available in this version of Layer Lab".to_string()),
            '>' | '<' => {
                let fd = match word.as_str() {
                    "1" | "2" if c == '>' => {
                        let fd = if word == "2" { 2 } else { 1 };
                        word.clear();
                        fd
                    }
                    _ => {
                        flush(&mut word, &mut toks);
                        if c == '>' { 1 } else { 0 }
                    }
                };
                let op = match (c, chars.get(i + 1)) {
                    ('>', Some('>')) => ">>",
                    ('>', Some('&')) => ">&",
                    ('>', _) => ">",
                    _ => "<",
                };
                i += op.len();
                toks.push(Tok::Redir { fd, op });
                continue;
            }
            c => word.push(c),
        }
        i += 1;
    }
    flush(&mut word, &mut toks);
    if let Some((_, delimiter, _)) = pending.first() {
        return Err(format!("syntax error: here-document delimited by end-of-file (wanted `{delimiter}')"));
    }
    Ok(toks)
}

/// A shell variable name: a letter or `_`, then letters, digits and `_`.
pub(crate) fn is_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `NAME=value`.
pub(crate) fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(k, _)| is_name(k))
}

fn tok_text(t: &Tok) -> &str {
    match t {
        Tok::Word(w) => w,
        Tok::Op(o) => o,
        Tok::Redir { op, .. } => op,
    }
}

/// Commands joined by `&&` and `||`.
#[derive(Clone, Debug)]
struct AndOr {
    first: Pipe,
    rest: Vec<(&'static str, Pipe)>,
}

#[derive(Clone, Debug)]
enum Pipe {
    Simple(Vec<Command>),
    Compound(Box<Compound>),
    /// `cmd | compound`: the compound runs in a subshell reading cmd's output.
    Feed(Vec<Command>, Box<Compound>),
    /// `! pipeline`
    Not(Box<Pipe>),
    /// `A | B` where A ends in a compound (`for …; done | sort`): A's output is B's input.
    Then(Box<Pipe>, Box<Pipe>),
}

#[derive(Clone, Debug)]
enum Compound {
    /// `{ list; }`
    Group(Vec<AndOr>),
    /// `( list )`
    Subshell(Vec<AndOr>),
    /// `case WORD in PATTERN|PATTERN) list;; … esac`
    Case(String, Vec<(Vec<String>, Vec<AndOr>)>),
    /// `NAME() BODY`: defines a function; the body's tokens, read at each call.
    Define(String, Vec<Tok>),
    /// `COMPOUND < FILE`: `read` in it reads the file's lines.
    Input(Box<Compound>, String),
    /// `COMPOUND <<END … END`: the same from a here-document (expanded unless its delimiter was quoted).
    HereInput(Box<Compound>, String, bool),
    /// `COMPOUND > FILE` or `>> FILE` (when true): what it prints goes there.
    Output(Box<Compound>, String, bool),
    /// `if c; then …; elif c; then …; else …; fi`
    If(Vec<(Vec<AndOr>, Vec<AndOr>)>, Option<Vec<AndOr>>),
    Loop(Loop),
}

#[derive(Clone, Debug)]
enum Loop {
    /// `for NAME in WORDS; do …; done`; with no `in`, the positional parameters.
    For(String, Option<Vec<String>>, Vec<AndOr>),
    /// `while c; do …; done`, or `until` when true.
    While(bool, Vec<AndOr>, Vec<AndOr>),
}

/// A shell run inside another.
#[derive(Clone, Copy)]
enum Nested<'s> {
    /// `( )` or `$(…)`: a copy of the variables, functions and arguments.
    Subshell { capture: bool },
    /// A script or `sh -c`: the environment without functions, `$0` and arguments of its own.
    Process { name: &'s str, args: &'s [String] },
}

/// A `break N` or `continue N` on its way out of N loops.
#[derive(Clone, Copy, Debug)]
enum Jump {
    Break(u32),
    Continue(u32),
    /// `return N`, on its way out of a function.
    Return(i32),
}

/// Loop turns a script may take: commands here take no time, so a loop
/// waiting for something (`while true; do sleep 1; done`) would never end.
const LOOP_LIMIT: u32 = 1_000;

/// Set in the environment of a container's main process (PID 1): a
/// program that keeps running (`sleep 1d`, `nginx`, `exec "$@"`) takes
/// its place, and the container runs it ([`Shell::hand_off`]).
pub const MAIN: &str = "\u{0}main";

/// Who a shell runs as (`--user`, USER, `exec -u`): a name or a UID, with
/// `:GROUP` or not. Unset is root.
pub const USER: &str = "\u{0}user";

/// Set when the script must end (`exit`, `set -e`, a main process handed
/// off): the exit status.
pub const EXIT: &str = "\u{0}exit";
/// The command `trap CMD EXIT` set: run when the script ends (not inherited by subshells or children).
const TRAP: &str = "\u{0}trap-exit";
/// `set` options on besides -e: `u` (nounset), `x` (xtrace), `P` (pipefail).
const OPTIONS: &str = "\u{0}options";
/// `umask`'s mask, in octal (022 when unset): new files are 0666 and directories 0777 without it.
const UMASK: &str = "\u{0}umask";
/// The signals `trap` knows by name and number (in a container they never arrive here).
const SIGNALS: [(&str, u32); 15] = [("HUP", 1), ("INT", 2), ("QUIT", 3), ("ILL", 4), ("TRAP", 5), ("ABRT", 6), ("KILL", 9), ("USR1", 10), ("SEGV", 11), ("USR2", 12), ("PIPE", 13), ("ALRM", 14), ("TERM", 15), ("CHLD", 17), ("WINCH", 28)];

/// Where a main process leaves the program that took its place: its words,
/// joined by NUL.
pub const EXEC: &str = "\u{0}exec";

/// A function's body is kept in the variables under this prefix, so that a
/// subshell and the next line of an interactive shell still know it.
const FUNCTION: &str = "\u{0}fn:";

/// Kept between the lines of an interactive shell ([`Shell::state`]), each
/// name or word followed by a NUL: the exported variables, the read-only
/// ones and the positional parameters.
const EXPORTED: &str = "\u{0}exported";
const READONLY: &str = "\u{0}readonly";
const ARGS: &str = "\u{0}args";
/// `$0` of an interactive shell: the program as it was started (`bash`).
pub const ARG0: &str = "\u{0}arg0";

/// A shell started as bash (`bash`, `/bin/bash`), by its `$0`.
fn is_bash_name(arg0: &str) -> bool {
    arg0.rsplit('/').next() == Some("bash")
}

/// An interactive session's variables ([`Shell::state`]) are bash's.
pub fn runs_bash(env: &BTreeMap<String, String>) -> bool {
    env.get(ARG0).is_some_and(|a| is_bash_name(a))
}

/// POSIX's special built-ins: variables assigned before them stay set.
const SPECIAL: &[&str] = &[":", ".", "break", "continue", "eval", "exec", "exit", "export", "readonly", "return", "set", "shift", "times", "trap", "unset"];

/// Every operator and redirection a token holds, to read a stored function back.
const OP_TEXTS: [&str; 13] = [";", ";;", "&&", "||", "|", "(", ")", "<<", "<<'", ">>", ">&", ">", "<"];

/// A function body's tokens as text: a tag, the text's length, `:`, the text.
fn encode(toks: &[Tok]) -> String {
    let mut out = String::new();
    for t in toks {
        let (tag, text) = match t {
            Tok::Word(w) => ("w".to_string(), w.as_str()),
            Tok::Op(o) => ("o".to_string(), *o),
            Tok::Redir { fd, op } => (format!("r{fd}"), *op),
        };
        out.push_str(&format!("{tag}{}:{text}", text.chars().count()));
    }
    out
}

/// [`encode`]'s tokens back; None if the text is not one of its outputs.
fn decode(text: &str) -> Option<Vec<Tok>> {
    let mut toks = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let tag = rest.chars().next()?;
        rest = &rest[tag.len_utf8()..];
        let fd = if tag == 'r' {
            let digit = rest.chars().next()?;
            rest = &rest[digit.len_utf8()..];
            digit.to_digit(10)? as u8
        } else {
            0
        };
        let (len, after) = rest.split_once(':')?;
        let len: usize = len.parse().ok()?;
        let end = after.char_indices().nth(len).map_or(after.len(), |(i, _)| i);
        let body = after.get(..end)?;
        rest = &after[end..];
        let op = || OP_TEXTS.iter().copied().find(|o| *o == body);
        toks.push(match tag {
            'w' => Tok::Word(body.to_string()),
            'o' => Tok::Op(op()?),
            'r' => Tok::Redir { fd, op: op()? },
            _ => return None,
        });
    }
    Some(toks)
}

/// Whether a command starts after `toks`: at the start, after an operator,
/// or after a reserved word that a command follows.
fn starts_command(toks: &[Tok]) -> bool {
    match toks.last() {
        None | Some(Tok::Op(_)) => true,
        Some(Tok::Word(w)) => matches!(w.as_str(), "if" | "then" | "elif" | "else" | "do" | "while" | "until" | "!" | "{" | "for"),
        Some(Tok::Redir { .. }) => false,
    }
}

/// Where the `))` that closes an arithmetic command whose expression starts
/// at `chars[start]` is: the index of its first `)`.
fn arithmetic_end(chars: &[char], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = start;
    while i < chars.len() {
        match chars[i] {
            '(' => depth += 1,
            ')' if depth == 0 => return (chars.get(i + 1) == Some(&')')).then_some(i),
            ')' => depth -= 1,
            '\n' => return None,
            _ => {}
        }
        i += 1;
    }
    None
}

/// The 1K blocks a file takes, as `ls -s` and `ls -l`'s total count them on
/// ext4: a directory 4, a file whole 4K blocks, a short symlink none.
fn kib_blocks(node: &Node) -> u64 {
    match node.kind {
        Kind::Dir => 4,
        Kind::Symlink(_) => 0,
        _ => node.size().div_ceil(4096) * 4,
    }
}

/// Words that begin a compound command Layer Lab runs.
const OPENERS: [&str; 6] = ["for", "while", "until", "if", "case", "{"];

/// Words that end a part of a compound command where a command would start.
const CLOSERS: [&str; 8] = ["then", "elif", "else", "fi", "do", "done", "esac", "}"];

/// Reads tokens into lists of pipelines, loops, conditions, `case`,
/// subshells and function definitions (sh's grammar).
struct Parser {
    toks: Vec<Tok>,
    pos: usize,
    /// Compound commands open at this point.
    depth: usize,
    /// bash's grammar: `function NAME`.
    bash: bool,
}

/// Compound commands, subshells and command substitutions inside each
/// other, at most: running them recurses, and the page's WebAssembly stack
/// is 1 MB.
const MAX_DEPTH: usize = 50;

impl Parser {
    fn word(&self) -> Option<&str> {
        match self.toks.get(self.pos) {
            Some(Tok::Word(w)) => Some(w),
            _ => None,
        }
    }

    fn skip_separators(&mut self) {
        while matches!(self.toks.get(self.pos), Some(Tok::Op(";"))) {
            self.pos += 1;
        }
    }

    fn unexpected(&self, expecting: &str) -> String {
        let found = self.toks.get(self.pos).map_or("end of file".to_string(), |t| format!("\"{}\"", tok_text(t)));
        if expecting.is_empty() {
            format!("syntax error: unexpected {found}")
        } else {
            format!("syntax error: unexpected {found} (expecting \"{expecting}\")")
        }
    }

    /// Takes the reserved word `word`, or says what came instead.
    fn want(&mut self, word: &str) -> Result<(), String> {
        if self.word() == Some(word) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.unexpected(word))
        }
    }

    /// Commands up to one of `stops` where a command would start, or the end.
    fn list(&mut self, stops: &[&str]) -> Result<Vec<AndOr>, String> {
        let mut list = Vec::new();
        loop {
            self.skip_separators();
            match self.word() {
                None if self.pos >= self.toks.len() || matches!(self.toks[self.pos], Tok::Op(")" | ";;")) => return Ok(list),
                Some(w) if stops.contains(&w) => return Ok(list),
                Some(w) if CLOSERS.contains(&w) => return Err(self.unexpected(stops.first().copied().unwrap_or(""))),
                _ => list.push(self.and_or()?),
            }
        }
    }

    fn and_or(&mut self) -> Result<AndOr, String> {
        let first = self.pipe()?;
        let mut rest = Vec::new();
        while let Some(Tok::Op(op @ ("&&" | "||"))) = self.toks.get(self.pos) {
            let op = *op;
            self.pos += 1;
            self.skip_separators();
            rest.push((op, self.pipe()?));
        }
        Ok(AndOr { first, rest })
    }

    fn pipe(&mut self) -> Result<Pipe, String> {
        match self.word() {
            Some("!") => {
                self.pos += 1;
                return Ok(Pipe::Not(Box::new(self.pipe()?)));
            }
            _ if self.opens() => {
                let compound = Pipe::Compound(Box::new(self.redirected_compound()?));
                return self.piped_on(compound);
            }
            // bash's `function NAME { …; }` and `function NAME() { …; }`.
            Some("function") if self.bash => {
                let Some(name) = self.toks.get(self.pos + 1).and_then(|t| if let Tok::Word(w) = t { Some(w.clone()) } else { None }) else {
                    self.pos += 1;
                    return Err(self.unexpected(""));
                };
                self.pos += 2;
                if self.toks.get(self.pos) == Some(&Tok::Op("(")) && self.toks.get(self.pos + 1) == Some(&Tok::Op(")")) {
                    self.pos += 2;
                }
                return self.define(&name);
            }
            Some(w @ ("select" | "function")) => return Err(format!("`{w}` is not available in this version of Layer Lab")),
            Some("[[") => return Err("`[[ ]]` is bash's and not available in this version of Layer Lab (use [ ])".to_string()),
            // `name=(…)`: a bash array.
            Some(w) if w.ends_with('=') && is_name(&w[..w.len() - 1]) && self.toks.get(self.pos + 1) == Some(&Tok::Op("(")) => {
                return Err("arrays (name=(…)) are bash's and not available in this version of Layer Lab".to_string());
            }
            // `name() { …; }`: the body's tokens are kept, to be read at each call.
            Some(name) if self.toks.get(self.pos + 1) == Some(&Tok::Op("(")) && self.toks.get(self.pos + 2) == Some(&Tok::Op(")")) => {
                let name = name.to_string();
                self.pos += 3;
                return self.define(&name);
            }
            _ => {}
        }
        let mut cmds = vec![Command::default()];
        loop {
            match self.toks.get(self.pos).cloned() {
                Some(Tok::Word(w)) => {
                    self.pos += 1;
                    if let Some(c) = cmds.last_mut() {
                        c.words.push(w);
                    }
                }
                Some(Tok::Redir { fd, op }) => {
                    self.pos += 1;
                    let Some(Tok::Word(target)) = self.toks.get(self.pos).cloned() else {
                        return Err("syntax error: unexpected redirection".to_string());
                    };
                    self.pos += 1;
                    if let Some(c) = cmds.last_mut() {
                        c.redirs.push((fd, op, target));
                    }
                }
                Some(Tok::Op("|")) if cmds.last().is_some_and(|c| !c.words.is_empty() || !c.redirs.is_empty()) => {
                    self.pos += 1;
                    if self.opens() {
                        // `cmd | while read line; do …; done`: the compound reads the pipe.
                        let compound = self.redirected_compound()?;
                        return self.piped_on(Pipe::Feed(cmds, Box::new(compound)));
                    }
                    cmds.push(Command::default());
                }
                _ => break,
            }
        }
        if cmds.last().is_some_and(|c| c.words.is_empty() && c.redirs.is_empty()) {
            return Err(self.unexpected(""));
        }
        Ok(Pipe::Simple(cmds))
    }

    /// A function's body, after `name()`: its tokens are kept, to be read at each call.
    fn define(&mut self, name: &str) -> Result<Pipe, String> {
        if !is_name(name) {
            return Err(format!("syntax error: bad function name ({name})"));
        }
        self.skip_separators();
        if !self.opens() {
            return Err(self.unexpected("{"));
        }
        let start = self.pos;
        self.depth += 1;
        let body = self.compound();
        self.depth -= 1;
        body?;
        Ok(Pipe::Compound(Box::new(Compound::Define(name.to_string(), self.toks[start..self.pos].to_vec()))))
    }

    /// `first`, or `first | …` when a pipe follows it.
    fn piped_on(&mut self, first: Pipe) -> Result<Pipe, String> {
        if self.toks.get(self.pos) != Some(&Tok::Op("|")) {
            return Ok(first);
        }
        self.pos += 1;
        Ok(Pipe::Then(Box::new(first), Box::new(self.pipe()?)))
    }

    /// A compound command, and `< FILE` after it (`while read l; do …; done < f`).
    fn redirected_compound(&mut self) -> Result<Compound, String> {
        if self.depth >= MAX_DEPTH {
            return Err(format!("syntax error: commands nested more than {MAX_DEPTH} deep"));
        }
        self.depth += 1;
        let compound = self.compound();
        self.depth -= 1;
        let mut compound = compound?;
        // Its redirections: input from a file or a here-document, output to a file.
        while let (Some(Tok::Redir { fd, op }), Some(Tok::Word(target))) = (self.toks.get(self.pos).cloned(), self.toks.get(self.pos + 1).cloned()) {
            compound = match (fd, op) {
                (0, "<") => Compound::Input(Box::new(compound), target),
                (0, "<<" | "<<'") => Compound::HereInput(Box::new(compound), target, op == "<<"),
                (1, ">" | ">>") => Compound::Output(Box::new(compound), target, op == ">>"),
                _ => return Err("redirecting a loop's, a condition's, a { } group's or a ( ) subshell's stderr is not available in this version of Layer Lab".to_string()),
            };
            self.pos += 2;
        }
        match self.toks.get(self.pos) {
            Some(Tok::Redir { .. }) => Err("syntax error: unexpected redirection".to_string()),
            Some(Tok::Word(_)) => Err(self.unexpected("")),
            _ => Ok(compound),
        }
    }

    /// Whether a compound command starts here.
    fn opens(&self) -> bool {
        self.word().is_some_and(|w| OPENERS.contains(&w)) || self.toks.get(self.pos) == Some(&Tok::Op("("))
    }

    fn compound(&mut self) -> Result<Compound, String> {
        let keyword = self.toks.get(self.pos).map(tok_text).unwrap_or_default().to_string();
        self.pos += 1;
        match keyword.as_str() {
            "case" => {
                let Some(Tok::Word(subject)) = self.toks.get(self.pos).cloned() else {
                    return Err(self.unexpected("word"));
                };
                self.pos += 1;
                self.want("in")?;
                let mut items = Vec::new();
                loop {
                    self.skip_separators();
                    if self.word() == Some("esac") {
                        self.pos += 1;
                        return Ok(Compound::Case(subject, items));
                    }
                    if self.toks.get(self.pos) == Some(&Tok::Op("(")) {
                        self.pos += 1;
                    }
                    let mut patterns = Vec::new();
                    loop {
                        let Some(Tok::Word(p)) = self.toks.get(self.pos).cloned() else {
                            return Err(self.unexpected(if patterns.is_empty() { "word" } else { ")" }));
                        };
                        patterns.push(p);
                        self.pos += 1;
                        match self.toks.get(self.pos) {
                            Some(Tok::Op("|")) => self.pos += 1,
                            Some(Tok::Op(")")) => break,
                            _ => return Err(self.unexpected(")")),
                        }
                    }
                    self.pos += 1;
                    let body = self.list(&["esac"])?;
                    items.push((patterns, body));
                    match self.toks.get(self.pos) {
                        Some(Tok::Op(";;")) => self.pos += 1,
                        _ if self.word() == Some("esac") => {}
                        _ => return Err(self.unexpected(";;")),
                    }
                }
            }
            "(" => {
                let body = self.list(&[])?;
                if body.is_empty() || self.toks.get(self.pos) != Some(&Tok::Op(")")) {
                    return Err(self.unexpected(if body.is_empty() { "" } else { ")" }));
                }
                self.pos += 1;
                Ok(Compound::Subshell(body))
            }
            "{" => {
                let body = self.list(&["}"])?;
                self.want("}")?;
                Ok(Compound::Group(body))
            }
            "if" => {
                let mut branches = Vec::new();
                loop {
                    let cond = self.list(&["then"])?;
                    self.want("then")?;
                    let body = self.list(&["elif", "else", "fi"])?;
                    branches.push((cond, body));
                    match self.word() {
                        Some("elif") => self.pos += 1,
                        Some("else") => {
                            self.pos += 1;
                            let otherwise = self.list(&["fi"])?;
                            self.want("fi")?;
                            return Ok(Compound::If(branches, Some(otherwise)));
                        }
                        _ => {
                            self.want("fi")?;
                            return Ok(Compound::If(branches, None));
                        }
                    }
                }
            }
            "for" => {
                let var = match self.word() {
                    Some(v) if is_name(v) => v.to_string(),
                    _ => return Err(format!("syntax error: bad for loop variable ({})", self.unexpected(""))),
                };
                self.pos += 1;
                let mut words = None;
                if self.word() == Some("in") {
                    self.pos += 1;
                    let mut list = Vec::new();
                    while let Some(Tok::Word(w)) = self.toks.get(self.pos) {
                        list.push(w.clone());
                        self.pos += 1;
                    }
                    words = Some(list);
                }
                self.skip_separators();
                self.want("do")?;
                let body = self.list(&["done"])?;
                self.want("done")?;
                Ok(Compound::Loop(Loop::For(var, words, body)))
            }
            _ => {
                let cond = self.list(&["do"])?;
                self.want("do")?;
                let body = self.list(&["done"])?;
                self.want("done")?;
                Ok(Compound::Loop(Loop::While(keyword == "until", cond, body)))
            }
        }
    }
}

/// `$VAR` and `${VAR}` in a here-document's body (the only expansion it gets).
pub(crate) fn expand_body(body: &str, env: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let chars: Vec<char> = body.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' if matches!(chars.get(i + 1), Some('$' | '\\' | '`')) => {
                out.push(chars[i + 1]);
                i += 2;
            }
            '$' if chars.get(i + 1) == Some(&'{') => match chars[i + 2..].iter().position(|&c| c == '}') {
                Some(p) => {
                    let name: String = chars[i + 2..i + 2 + p].iter().collect();
                    out.push_str(env.get(&name).map_or("", String::as_str));
                    i += p + 3;
                }
                None => {
                    out.push('$');
                    i += 1;
                }
            },
            '$' if chars.get(i + 1).is_some_and(|c| c.is_ascii_alphabetic() || *c == '_') => {
                let len = chars[i + 1..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == '_').count();
                let name: String = chars[i + 1..i + 1 + len].iter().collect();
                out.push_str(env.get(&name).map_or("", String::as_str));
                i += len + 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

impl<'a> Shell<'a> {
    /// A shell on `env`: a process's environment, or the [`Shell::state`]
    /// an interactive shell's last line left.
    pub fn new(root: &'a mut Tree, lower: &'a Tree, opaque: &'a mut Vec<PathKey>, cwd: &str, mut env: BTreeMap<String, String>) -> Shell<'a> {
        let flavour = if root.get(&components("/bin/busybox")).is_some() { Flavour::Busybox } else { Flavour::Dash };
        let mut list = |key: &str| env.remove(key).map(|v| v.split_terminator('\u{0}').map(str::to_string).collect::<Vec<_>>());
        let (exported, readonly, args) = (list(EXPORTED), list(READONLY).unwrap_or_default(), list(ARGS).unwrap_or_default());
        let arg0 = env.remove(ARG0).unwrap_or_else(|| "/bin/sh".to_string());
        let exported = exported.unwrap_or_else(|| env.keys().filter(|k| !k.starts_with('\u{0}')).cloned().collect());
        let terminal = env.contains_key(TERMINAL);
        Shell { random: std::cell::Cell::new(0x2545_f491_4f6c_dd1d), assigned: Default::default(), root, lower, opaque, cwd: cwd.to_string(), env, output: String::new(), flavour, network: None, terminal, errors_first: false, direct: false, errexit: false, removed_dirs: Vec::new(), stderr: None, loop_budget: LOOP_LIMIT, loops: 0, jump: None, conditions: 0, status: 0, subst_status: None, aborted: false, depth: 0, arg0, args, calls: 0, input: String::new(), locals: Vec::new(), exported: exported.into_iter().collect(), readonly: readonly.into_iter().collect() }
    }

    /// The variables, with what [`Shell::new`] needs to carry on where this
    /// shell stopped: which are exported and read-only, and `$1`, `$2`…
    pub fn state(&self) -> BTreeMap<String, String> {
        let list = |items: &mut dyn Iterator<Item = &String>| items.map(|i| format!("{i}\u{0}")).collect::<String>();
        let mut env = self.env.clone();
        env.insert(EXPORTED.to_string(), list(&mut self.exported.iter()));
        env.insert(READONLY.to_string(), list(&mut self.readonly.iter()));
        env.insert(ARGS.to_string(), list(&mut self.args.iter()));
        env.insert(ARG0.to_string(), self.arg0.clone());
        env
    }

    /// An error line as this image's sh prints it.
    fn message(&self, text: &str) -> String {
        // bash's words for a read-only variable; `bash -c` names the line, an interactive bash does not.
        let text = if self.is_bash() { text.replace(": is read only", ": readonly variable") } else { text.to_string() };
        match self.flavour {
            Flavour::Dash if !self.is_bash() => format!("{}: 1: {text}\n", self.arg0),
            _ if self.is_bash() && !self.env.contains_key(HISTORY) => format!("{}: line 1: {text}\n", self.arg0),
            _ => format!("{}: {text}\n", self.arg0),
        }
    }

    /// Started as bash (`docker run -it ubuntu bash`): bash's words for a
    /// command it cannot find.
    fn is_bash(&self) -> bool {
        is_bash_name(&self.arg0)
    }

    /// Sets a variable; a read-only one is refused with `NAME: is read only`.
    fn assign(&mut self, name: &str, value: String) -> Result<(), String> {
        if self.readonly.contains(name) {
            return Err(format!("{name}: is read only"));
        }
        self.env.insert(name.to_string(), value);
        Ok(())
    }

    /// An error that stops the script (an expansion's, or a special
    /// built-in's such as `X=1` on a read-only X), as a non-interactive sh
    /// exits; an interactive one drops the line.
    fn fatal(&mut self, text: &str) -> (i32, String, String) {
        self.aborted = true;
        (2, String::new(), self.message(text))
    }

    fn not_found(&self, cmd: &str) -> String {
        if self.is_bash() {
            return self.message(&format!("{cmd}: command not found"));
        }
        self.message(&format!("{cmd}: not found"))
    }

    /// Runs a script; returns its exit status. Output goes to `self.output`.
    pub fn run_script(&mut self, script: &str) -> i32 {
        let status = self.run_text(script);
        self.exit_trap(status)
    }

    /// Runs `script` in this shell (a script's body, `.`, `eval`): no EXIT trap.
    fn run_text(&mut self, script: &str) -> i32 {
        let list = match tokenize(script, self.is_bash()).and_then(|toks| {
            let mut parser = Parser { toks, pos: 0, depth: self.depth, bash: self.is_bash() };
            let list = parser.list(&[])?;
            match parser.toks.get(parser.pos) {
                None => Ok(list),
                Some(t) => Err(format!("syntax error: unexpected \"{}\"", tok_text(t))),
            }
        }) {
            Ok(l) => l,
            Err(e) => {
                self.output.push_str(&format!("{}: {e}\n", self.arg0));
                return 2;
            }
        };
        let status = self.run_list(&list);
        match self.env.get(EXIT) {
            Some(code) => code.parse().unwrap_or(status),
            None if self.aborted => 2,
            None => status,
        }
    }

    /// The end of a script: its EXIT trap runs, and may change its status.
    fn exit_trap(&mut self, status: i32) -> i32 {
        // The EXIT trap, once, when the script ends (an interactive shell's, at its `exit`).
        let interactive = self.env.contains_key(HISTORY) && !self.env.contains_key(EXIT);
        match self.env.get(TRAP).cloned().filter(|_| !interactive) {
            Some(action) => {
                self.env.remove(TRAP);
                let (exit, aborted) = (self.env.remove(EXIT), std::mem::replace(&mut self.aborted, false));
                self.status = status;
                let _ = self.run_text(&action);
                // `exit N` in the trap sets the status; otherwise the script's stands.
                match self.env.get(EXIT).and_then(|c| c.parse().ok()) {
                    Some(code) => code,
                    None => {
                        if let Some(e) = exit {
                            self.env.insert(EXIT.to_string(), e);
                        }
                        self.aborted = aborted;
                        status
                    }
                }
            }
            None => status,
        }
    }

    /// Whether the script must stop here: `exit`, `set -e` after a failure,
    /// or a `break`/`continue` on its way to its loop.
    fn stopping(&self) -> bool {
        self.exiting() || self.jump.is_some()
    }

    /// `exit`, `set -e` after a failure, or a failed expansion.
    fn exiting(&self) -> bool {
        self.aborted || self.env.contains_key(EXIT)
    }

    fn run_list(&mut self, list: &[AndOr]) -> i32 {
        let mut status = 0;
        for and_or in list {
            status = self.run_and_or(and_or);
            if self.stopping() {
                break;
            }
        }
        status
    }

    fn run_and_or(&mut self, and_or: &AndOr) -> i32 {
        let mut status = self.run_pipe(&and_or.first, !and_or.rest.is_empty());
        for (i, (op, pipe)) in and_or.rest.iter().enumerate() {
            if self.stopping() {
                return status;
            }
            let run = if *op == "&&" { status == 0 } else { status != 0 };
            if run {
                status = self.run_pipe(pipe, i + 1 < and_or.rest.len());
            }
        }
        status
    }

    /// Runs one pipeline; `tested` when its status is tested (`&&`, `||`,
    /// `!`, a condition), where `set -e` does not stop the script.
    fn run_pipe(&mut self, pipe: &Pipe, tested: bool) -> i32 {
        let status = match pipe {
            Pipe::Not(inner) => i32::from(self.run_pipe(inner, true) == 0),
            Pipe::Simple(cmds) => self.run_pipeline(cmds),
            Pipe::Compound(c) => self.run_compound(c),
            Pipe::Feed(..) | Pipe::Then(..) => self.run_fed(pipe, String::new()),
        };
        self.status = status;
        if matches!(pipe, Pipe::Not(_)) {
            return status;
        }
        if self.errexit && status != 0 && !tested && self.conditions == 0 && !matches!(pipe, Pipe::Compound(_) | Pipe::Feed(..) | Pipe::Then(..)) {
            self.env.insert(EXIT.to_string(), status.to_string());
        }
        status
    }

    fn condition(&mut self, list: &[AndOr]) -> i32 {
        self.conditions += 1;
        let status = self.run_list(list);
        self.conditions -= 1;
        status
    }

    /// One more turn of a loop, or the error that stops a loop that never ends.
    fn turn(&mut self) -> bool {
        if self.loop_budget == 0 {
            self.output.push_str(&format!("{}: a loop ran {LOOP_LIMIT} times and was stopped (Layer Lab runs each command at once: a loop that waits for something never ends)\n", self.arg0));
            self.env.insert(EXIT.to_string(), "1".to_string());
            return false;
        }
        self.loop_budget -= 1;
        true
    }

    /// After a loop's body: whether to leave the loop (`break`, or a stop).
    fn leave_loop(&mut self) -> bool {
        match self.jump.take() {
            Some(Jump::Break(n)) if n > 1 => {
                self.jump = Some(Jump::Break(n - 1));
                true
            }
            Some(Jump::Continue(n)) if n > 1 => {
                self.jump = Some(Jump::Continue(n - 1));
                true
            }
            Some(Jump::Return(n)) => {
                self.jump = Some(Jump::Return(n));
                true
            }
            Some(Jump::Break(_)) => true,
            Some(Jump::Continue(_)) => false,
            None => self.exiting(),
        }
    }

    fn run_compound(&mut self, c: &Compound) -> i32 {
        match c {
            Compound::Group(list) => self.run_list(list),
            Compound::Case(subject, items) => {
                let subject = match self.word_text(subject) {
                    Ok(s) => s,
                    Err(e) => return self.expansion_failed(&e),
                };
                for (patterns, body) in items {
                    for pattern in patterns {
                        let pattern = match self.case_pattern(pattern) {
                            Ok(p) => p,
                            Err(e) => return self.expansion_failed(&e),
                        };
                        if crate::shell_lex::glob(&pattern.chars().collect::<Vec<_>>(), &subject.chars().collect::<Vec<_>>()) {
                            return self.run_list(body);
                        }
                    }
                }
                0
            }
            Compound::HereInput(inner, body, expand) => {
                let text = if *expand {
                    match self.here_body(body) {
                        Ok(t) => t,
                        Err(e) => {
                            self.stderr(&format!("{}: {e}\n", self.arg0));
                            return 2;
                        }
                    }
                } else {
                    body.clone()
                };
                let outer = std::mem::replace(&mut self.input, text);
                let status = self.run_compound(inner);
                self.input = outer;
                status
            }
            Compound::Output(inner, file, append) => {
                let saved = std::mem::take(&mut self.output);
                let status = self.run_compound(inner);
                let printed = std::mem::replace(&mut self.output, saved);
                let target = match self.word_text(file) {
                    Ok(t) => t,
                    Err(e) => {
                        self.stderr(&format!("{}: {e}\n", self.arg0));
                        return 2;
                    }
                };
                if let Err(e) = self.write(&target, printed.as_bytes(), *append) {
                    self.stderr(&self.message(&e));
                    return 2;
                }
                status
            }
            Compound::Input(inner, file) => {
                let text = match self.word_text(file).and_then(|f| self.read(&f)) {
                    Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                    Err(e) => {
                        self.stderr(&format!("{}: can't open {e}\n", self.arg0));
                        return 1;
                    }
                };
                let outer = std::mem::replace(&mut self.input, text);
                let status = self.run_compound(inner);
                self.input = outer;
                status
            }
            Compound::Define(name, toks) => {
                self.env.insert(format!("{FUNCTION}{name}"), encode(toks));
                0
            }
            Compound::Subshell(list) => {
                let (status, out) = self.subshell(Ok(list), false);
                self.output.push_str(&out);
                status
            }
            Compound::If(branches, otherwise) => {
                for (cond, body) in branches {
                    let test = self.condition(cond);
                    if self.stopping() {
                        return test;
                    }
                    if test == 0 {
                        return self.run_list(body);
                    }
                }
                otherwise.as_ref().map_or(0, |body| self.run_list(body))
            }
            Compound::Loop(l) => {
                self.loops += 1;
                let status = self.run_loop(l);
                self.loops -= 1;
                status
            }
        }
    }

    fn run_loop(&mut self, l: &Loop) -> i32 {
        match l {
            Loop::For(var, words, body) => {
                let mut values = Vec::new();
                match words {
                    Some(words) => {
                        for w in words {
                            match self.expand(w) {
                                Ok(v) => values.extend(v),
                                Err(e) => return self.expansion_failed(&e),
                            }
                        }
                    }
                    None => values.clone_from(&self.args),
                }
                let mut status = 0;
                for v in values {
                    if !self.turn() {
                        return 1;
                    }
                    if let Err(e) = self.assign(var, v) {
                        return self.expansion_failed(&e);
                    }
                    status = self.run_list(body);
                    if self.leave_loop() {
                        break;
                    }
                }
                status
            }
            Loop::While(until, cond, body) => {
                let mut status = 0;
                loop {
                    if !self.turn() {
                        return 1;
                    }
                    let test = self.condition(cond);
                    if self.stopping() {
                        if self.leave_loop() {
                            break;
                        }
                        continue;
                    }
                    if (test == 0) == *until {
                        break;
                    }
                    status = self.run_list(body);
                    if self.leave_loop() {
                        break;
                    }
                }
                status
            }
        }
    }

    /// Runs an exec-form command (no shell processing of its words).
    pub fn run_argv(&mut self, argv: &[String]) -> i32 {
        if argv.is_empty() {
            return 0;
        }
        self.direct = true;
        let (status, out, err) = self.builtin(argv, "");
        self.direct = false;
        let (first, then) = if std::mem::take(&mut self.errors_first) { (err, out) } else { (out, err) };
        self.output.push_str(&first);
        self.output.push_str(&then);
        status
    }

    /// A pipeline element given `input`: a compound runs in a subshell, as
    /// in a pipe; what the last one prints goes on.
    fn run_fed(&mut self, pipe: &Pipe, input: String) -> i32 {
        match pipe {
            Pipe::Simple(cmds) => self.run_pipeline_from(cmds, input),
            Pipe::Not(inner) => i32::from(self.run_fed(inner, input) == 0),
            Pipe::Compound(c) => {
                let list = [AndOr { first: Pipe::Compound(c.clone()), rest: Vec::new() }];
                let outer = std::mem::replace(&mut self.input, input);
                let (status, out) = self.subshell(Ok(&list), false);
                self.input = outer;
                self.output.push_str(&out);
                status
            }
            Pipe::Feed(cmds, c) => {
                let saved = std::mem::take(&mut self.output);
                self.run_pipeline_from(cmds, input);
                let fed = std::mem::replace(&mut self.output, saved);
                self.run_fed(&Pipe::Compound(c.clone()), fed)
            }
            Pipe::Then(first, rest) => {
                let saved = std::mem::take(&mut self.output);
                self.run_fed(first, input);
                let fed = std::mem::replace(&mut self.output, saved);
                self.run_fed(rest, fed)
            }
        }
    }

    fn run_pipeline(&mut self, cmds: &[Command]) -> i32 {
        self.run_pipeline_from(cmds, String::new())
    }

    fn run_pipeline_from(&mut self, cmds: &[Command], input: String) -> i32 {
        let mut input = input;
        let mut status = 0;
        let n = cmds.len();
        let terminal = self.terminal;
        // pipefail: the last command that failed gives the status.
        let pipefail = self.option('P');
        for (i, cmd) in cmds.iter().enumerate() {
            // Only stdout goes down the pipe; stderr goes to the terminal.
            self.terminal = terminal && i + 1 == n;
            let (code, out, err) = self.run_command(cmd, &input);
            self.terminal = terminal;
            if !pipefail || code != 0 {
                status = code;
            }
            if std::mem::take(&mut self.errors_first) && i + 1 == n {
                self.stderr(&err);
                self.output.push_str(&out);
                continue;
            }
            if i + 1 == n {
                self.output.push_str(&out);
            } else {
                input = out;
            }
            self.stderr(&err);
        }
        status
    }

    /// Runs `body`, a parsed list or else a script, in a subshell: its
    /// variables and directory are its own, the filesystem is shared.
    /// Returns its status and what it printed. Its stderr goes on, kept
    /// apart from what it printed when `capture` (a command substitution).
    fn subshell(&mut self, body: Result<&[AndOr], &str>, capture: bool) -> (i32, String) {
        self.nested(body, Nested::Subshell { capture })
    }

    /// Runs `script` as a new sh process would: its own variables (the
    /// environment, without this shell's functions), `$0` and arguments;
    /// the filesystem and directory it starts in are shared.
    fn child(&mut self, script: &str, name: &str, args: &[String]) -> (i32, String) {
        self.nested(Err(script), Nested::Process { name, args })
    }

    fn nested(&mut self, body: Result<&[AndOr], &str>, how: Nested) -> (i32, String) {
        if self.depth >= MAX_DEPTH {
            let what = if matches!(how, Nested::Subshell { .. }) { "subshells" } else { "scripts" };
            self.stderr(&format!("{}: {what} nested more than {MAX_DEPTH} deep\n", self.arg0));
            return (2, String::new());
        }
        let env = match how {
            // A subshell starts with no EXIT trap of its own.
            Nested::Subshell { .. } => self.env.iter().filter(|(k, _)| *k != TRAP).map(|(k, v)| (k.clone(), v.clone())).collect(),
            // A new process gets the exported variables (and how it runs: MAIN, USER).
            Nested::Process { .. } => self.env.iter().filter(|(k, _)| if k.starts_with('\u{0}') { !k.starts_with(FUNCTION) && !k.starts_with(EXIT) && *k != TRAP && *k != OPTIONS } else { self.exported.contains(*k) }).map(|(k, v)| (k.clone(), v.clone())).collect(),
        };
        let mut sub = Shell::new(&mut *self.root, self.lower, &mut *self.opaque, &self.cwd, env);
        sub.flavour = self.flavour;
        sub.network = self.network;
        sub.terminal = self.terminal && !matches!(how, Nested::Subshell { capture: true });
        sub.depth = self.depth + 1;
        // Loop turns are counted for the whole script, subshells included.
        sub.loop_budget = self.loop_budget;
        match how {
            Nested::Subshell { capture } => {
                sub.errexit = self.errexit;
                sub.status = self.status;
                sub.arg0.clone_from(&self.arg0);
                sub.args.clone_from(&self.args);
                sub.calls = self.calls;
                sub.input.clone_from(&self.input);
                sub.exported.clone_from(&self.exported);
                sub.readonly.clone_from(&self.readonly);
                sub.stderr = (capture || self.stderr.is_some()).then(String::new);
            }
            Nested::Process { name, args } => {
                sub.arg0 = name.to_string();
                sub.args = args.to_vec();
                sub.stderr = self.stderr.as_ref().map(|_| String::new());
            }
        }
        let status = match body {
            Ok(list) => {
                let status = sub.run_list(list);
                sub.env.get(EXIT).and_then(|code| code.parse().ok()).unwrap_or(status)
            }
            Err(script) => sub.run_script(script),
        };
        self.loop_budget = sub.loop_budget;
        self.removed_dirs.append(&mut sub.removed_dirs);
        let handed = sub.env.remove(EXEC);
        let err = sub.stderr.take().unwrap_or_default();
        let out = std::mem::take(&mut sub.output);
        drop(sub);
        self.stderr(&err);
        if let Some(argv) = handed {
            self.take_over(argv);
        }
        (status, out)
    }

    /// Before a variable is set for one command only (`NAME=value cmd`,
    /// `env NAME=value cmd`): its value and export mark, kept for
    /// [`Shell::restore`]; it is exported for the command.
    fn save_and_export(&mut self, name: &str, saved: &mut Vec<(String, Option<String>, bool)>) {
        saved.push((name.to_string(), self.env.get(name).cloned(), self.exported.contains(name)));
        self.exported.insert(name.to_string());
    }

    /// Variables a command's `NAME=value` prefix set get their values (and
    /// whether they were exported) back.
    fn restore(&mut self, saved: Vec<(String, Option<String>, bool)>) {
        for (name, old, exported) in saved.into_iter().rev() {
            match old {
                Some(v) => self.env.insert(name.clone(), v),
                None => self.env.remove(&name),
            };
            if exported {
                self.exported.insert(name);
            } else {
                self.exported.remove(&name);
            }
        }
    }

    /// A container's main process: `words` take its place ([`MAIN`]); this shell stops.
    fn hand_off(&mut self, words: &[String]) {
        self.take_over(words.join("\u{0}"));
    }

    /// [`Shell::hand_off`] with the words already joined ([`EXEC`]).
    fn take_over(&mut self, argv: String) {
        self.env.insert(EXEC.to_string(), argv);
        self.env.insert(EXIT.to_string(), "0".to_string());
    }

    /// `name` in a PATH directory, as a file: its path.
    fn find_in_path(&self, name: &str) -> Option<String> {
        let path = self.env.get("PATH").map_or("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", String::as_str);
        path.split(':')
            .map(|dir| format!("{}/{name}", dir.trim_end_matches('/')))
            .find(|p| self.root.get(&self.root.follow(self.resolve(p))).is_some_and(|n| !n.is_dir()))
    }

    /// A program that is a file in the tree, not one of the utilities: a
    /// shell script runs; anything else says why it cannot. None when there
    /// is no such file.
    fn run_file(&mut self, words: &[String]) -> Option<(i32, String, String)> {
        let name = &words[0];
        let path = if name.contains('/') { name.clone() } else { self.find_in_path(name)? };
        let node = self.root.get(&self.root.follow(self.resolve(&path)))?;
        let refuse = |code: i32, why: &str| Some((code, String::new(), format!("{}: {name}: {why}\n", self.arg0)));
        if node.is_dir() || node.mode & 0o111 == 0 {
            return refuse(126, "Permission denied");
        }
        let text = match node.body() {
            Some(crate::fs::Body::Bytes(b)) => std::str::from_utf8(b).ok().filter(|t| !t.contains('\u{0}')).map(str::to_string),
            _ => None,
        };
        let Some(text) = text else {
            let base = name.rsplit('/').next().unwrap_or(name);
            if NETWORK.contains(&base) {
                return Some(no_network(base));
            }
            return refuse(126, "running this program is not simulated in this version of Layer Lab (its shell scripts run)");
        };
        // `#!/bin/sh`, `#!/usr/bin/env bash`: the interpreter must be in the image, and a shell.
        if let Some(line) = text.lines().next().and_then(|l| l.strip_prefix("#!")) {
            let mut parts = line.split_whitespace();
            let first = parts.next().unwrap_or_default();
            let (interpreter, found) = if first.rsplit('/').next() == Some("env") {
                let program = parts.next().unwrap_or_default();
                (program, self.find_in_path(program).is_some() || UTILITIES.contains(&program))
            } else {
                (first, self.root.get(&self.root.follow(self.resolve(first))).is_some())
            };
            if !found {
                return refuse(127, "not found");
            }
            let base = interpreter.rsplit('/').next().unwrap_or(interpreter);
            if !matches!(base, "sh" | "ash" | "bash" | "dash" | "busybox") {
                return refuse(126, &format!("running {base} scripts is not simulated in this version of Layer Lab"));
            }
        }
        let (status, out) = self.child(&text, name, &words[1..]);
        Some((status, out, String::new()))
    }

    /// Calls the function `words[0]` if there is one: its body runs in this
    /// shell with `words[1..]` as `$1`….
    fn call(&mut self, words: &[String]) -> Option<(i32, String, String)> {
        let toks = decode(self.env.get(&format!("{FUNCTION}{}", words[0]))?)?;
        if self.depth >= MAX_DEPTH {
            return Some((2, String::new(), format!("{}: {}: functions nested more than {MAX_DEPTH} deep\n", self.arg0, words[0])));
        }
        let mut parser = Parser { toks, pos: 0, depth: self.depth, bash: self.is_bash() };
        let body = match parser.compound() {
            Ok(b) => b,
            Err(e) => return Some((2, String::new(), format!("{}: {e}\n", self.arg0))),
        };
        let saved_args = std::mem::replace(&mut self.args, words[1..].to_vec());
        let saved_out = std::mem::take(&mut self.output);
        self.depth += 1;
        self.calls += 1;
        self.locals.push(Vec::new());
        let mut status = self.run_compound(&body);
        // `local` variables get their values from before the call back.
        for (name, old) in self.locals.pop().unwrap_or_default().into_iter().rev() {
            match old {
                Some(v) => self.env.insert(name, v),
                None => self.env.remove(&name),
            };
        }
        self.depth -= 1;
        self.calls -= 1;
        if let Some(Jump::Return(code)) = self.jump {
            self.jump = None;
            status = code;
        }
        self.args = saved_args;
        let out = std::mem::replace(&mut self.output, saved_out);
        Some((status, out, String::new()))
    }

    /// `$((expr))`: its `$NAME`s expanded, then evaluated on this shell's variables.
    fn arithmetic(&mut self, expr: &str) -> Result<String, String> {
        let expr = self.parameters(expr, false)?.concat();
        self.keep_assigned();
        let mut vars = ArithVars { shell: self, refused: None };
        let value = crate::arith::eval(&expr, &mut vars);
        match vars.refused {
            Some(name) => Err(format!("{name}: is read only")),
            None => value.map(|v| v.to_string()),
        }
    }

    /// `$NAME`, `${…}` and quotes: the words of `raw`, or its one text.
    fn parameters(&self, raw: &str, split: bool) -> Result<Vec<String>, String> {
        let env = |name: &str| match name {
            "?" => Some(self.status.to_string()),
            "#" => Some(self.args.len().to_string()),
            "@" => Some(self.args.join(" ")),
            // "$*": the parameters joined by IFS's first character (a blank without IFS, nothing with IFS empty).
            "*" => Some(self.args.join(&self.env.get("IFS").map_or(" ".to_string(), |i| i.chars().next().map(String::from).unwrap_or_default()))),
            "0" => Some(self.arg0.clone()),
            "$" => Some(self.own_pid().to_string()),
            // $-: the options on.
            "-" => Some(format!("{}{}", if self.errexit { "e" } else { "" }, self.env.get(OPTIONS).map_or("", String::as_str).replace('P', ""))),
            // The shell keeps PWD as it moves.
            "PWD" if !self.env.contains_key(name) => Some(self.cwd.clone()),
            n if n.bytes().all(|b| b.is_ascii_digit()) => n.parse::<usize>().ok().and_then(|i| self.args.get(i.checked_sub(1)?).cloned()),
            // PID 1 and what `docker exec` starts have no parent in the container.
            "PPID" if !self.env.contains_key(name) => Some("0".to_string()),
            // BusyBox ash's and bash's, not dash's: the same run of numbers each time, as all here is deterministic.
            "RANDOM" if !self.env.contains_key(name) && (self.flavour == Flavour::Busybox || self.is_bash()) => Some((self.next_random() % 32_768).to_string()),
            _ => self.env.get(name).cloned(),
        };
        let env = ShVars { get: env, shell: self };
        let words = if split { crate::shell_lex::process_words(raw, &env, '\\') } else { crate::shell_lex::process_word(raw, &env, '\\').map(|w| vec![w]) };
        // BuildKit's words are busybox's; dash words its two syntax errors otherwise.
        words.map_err(|e| match (self.flavour, e.as_str()) {
            (Flavour::Dash, "syntax error: bad substitution") => "Bad substitution".to_string(),
            (Flavour::Dash, "syntax error: missing '}'") => "Syntax error: Missing '}'".to_string(),
            _ => e,
        })
    }

    /// `$(…)`, backticks and `$((…))` in `raw` replaced by what they give;
    /// split into words later unless `split` is false.
    fn substitutions(&mut self, raw: &str, split: bool) -> Result<String, String> {
        if !raw.contains("$(") && !raw.contains('`') {
            return Ok(raw.to_string());
        }
        let ifs = self.env.get("IFS").cloned().unwrap_or_else(|| " \t\n".to_string());
        let split = if split { crate::subst::Split::Ifs(&ifs) } else { crate::subst::Split::No };
        crate::subst::substitute(raw, split, &mut |inner| match inner {
            Inner::Command(script) => {
                let (status, out) = self.subshell(Err(script), true);
                self.subst_status = Some(status);
                Ok(out)
            }
            Inner::Arithmetic(expr) => self.arithmetic(expr),
        })
    }

    /// A word expanded to one text, with no splitting or wildcards (a
    /// `case` subject or pattern).
    fn word_text(&mut self, raw: &str) -> Result<String, String> {
        let raw = self.substitutions(raw, false)?;
        let text = self.parameters(&raw, false)?.concat();
        self.keep_assigned();
        Ok(text)
    }

    /// A here-document's body as sh expands it: parameters, `$(…)`, backticks
    /// and `$((…))`; quotes are plain characters, and a backslash escapes
    /// only `$`, `` ` `` and itself.
    fn here_body(&mut self, body: &str) -> Result<String, String> {
        let mut raw = String::new();
        let mut chars = body.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' if matches!(chars.peek(), Some('$' | '`' | '\\')) => {
                    raw.push('\\');
                    raw.extend(chars.next());
                }
                '\\' | '\'' | '"' => {
                    raw.push('\\');
                    raw.push(c);
                }
                c => raw.push(c),
            }
        }
        self.word_text(&raw)
    }

    /// The variables `${x:=w}` set in the word just expanded.
    fn keep_assigned(&mut self) {
        for (name, value) in self.assigned.take() {
            if !self.readonly.contains(&name) {
                self.env.insert(name, value);
            }
        }
    }

    /// A `case` pattern: expanded as [`Shell::word_text`], but what was
    /// quoted or escaped matches itself (`"*")` matches only a star).
    fn case_pattern(&mut self, raw: &str) -> Result<String, String> {
        let chars: Vec<char> = raw.chars().collect();
        let (mut out, mut plain) = (String::new(), String::new());
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let quoted_end = match c {
                '\'' => chars[i + 1..].iter().position(|&x| x == '\'').map(|p| i + 1 + p),
                '"' => Some(crate::subst::quote_end(&chars, i)?.unwrap_or(chars.len() - 1)),
                '\\' => Some((i + 1).min(chars.len() - 1)),
                '$' if chars.get(i + 1) == Some(&'(') => {
                    let close = crate::subst::end(&chars, i)?.unwrap_or(chars.len() - 1);
                    plain.extend(&chars[i..=close]);
                    i = close + 1;
                    continue;
                }
                _ => None,
            };
            match quoted_end {
                Some(end) => {
                    out.push_str(&self.word_text(&std::mem::take(&mut plain))?);
                    let literal = self.word_text(&chars[i..=end].iter().collect::<String>())?;
                    for l in literal.chars() {
                        if matches!(l, '*' | '?' | '[' | ']' | '\\') {
                            out.push('\\');
                        }
                        out.push(l);
                    }
                    i = end + 1;
                }
                None => {
                    plain.push(c);
                    i += 1;
                }
            }
        }
        out.push_str(&self.word_text(&plain)?);
        Ok(out)
    }

    /// An expansion (or a loop's assignment) failed: the message, and the
    /// script stops ([`Shell::aborted`]).
    fn expansion_failed(&mut self, e: &str) -> i32 {
        self.stderr(&self.message(e));
        self.aborted = true;
        2
    }

    fn expand(&mut self, raw: &str) -> Result<Vec<String>, String> {
        if self.is_bash() && has_brace_expansion(raw) {
            return Err("brace expansion ({a,b}, {1..3}) is bash's and not available in this version of Layer Lab".to_string());
        }
        // "$@": each positional parameter, one word each (none when there are none).
        if raw == "\"$@\"" || raw == "\"${@}\"" {
            return Ok(self.args.clone());
        }
        let tilde = self.tilde(raw, false);
        let raw = tilde.as_deref().unwrap_or(raw);
        // `x=$(…)` keeps the output whole: an assignment is not split into words.
        let raw = self.substitutions(raw, !is_assignment(raw))?;
        let words = self.parameters(&raw, true)?;
        self.keep_assigned();
        // Unquoted wildcards match names in the tree.
        if !raw.contains(['\'', '"', '\\']) && raw.contains(['*', '?', '[']) {
            let mut out = Vec::new();
            for w in words {
                let matches = self.glob(&w);
                if matches.is_empty() {
                    out.push(w);
                } else {
                    out.extend(matches);
                }
            }
            return Ok(out);
        }
        Ok(words)
    }

    fn glob(&self, pattern: &str) -> Vec<String> {
        let (dir, pat) = match pattern.rsplit_once('/') {
            Some((d, p)) => (if d.is_empty() { "/".to_string() } else { d.to_string() }, p),
            None => (String::new(), pattern),
        };
        let base = self.resolve(if dir.is_empty() { "." } else { &dir });
        let pat: Vec<char> = pat.chars().collect();
        let mut out: Vec<String> = self
            .root
            .descendants(&base)
            .filter(|(k, _)| k.len() == base.len() + 1)
            .filter_map(|(k, _)| k.last())
            .filter(|name| !name.starts_with('.') && crate::shell_lex::glob(&pat, &name.chars().collect::<Vec<_>>()))
            .map(|name| if dir.is_empty() { name.clone() } else { format!("{}/{name}", dir.trim_end_matches('/')) })
            .collect();
        crate::sorting::sort(&mut out);
        out
    }

    /// The cells of one `ls -l` line: mode, links, user, group, size, name
    /// (every file's time is the epoch: layers carry mtime 0).
    fn long_line(&self, key: &[String], node: &Node, name: &str, (human, numeric): (bool, bool)) -> [String; 6] {
        let kind = match node.kind {
            Kind::Dir => 'd',
            Kind::Symlink(_) => 'l',
            _ => '-',
        };
        let bit = |mask: u32, c: char| if node.mode & mask != 0 { c } else { '-' };
        let special = |x: char, mask: u32, on: char| match (x != '-', node.mode & mask != 0) {
            (true, true) => on,
            (false, true) => on.to_ascii_uppercase(),
            _ => x,
        };
        let mode: String = [
            kind,
            bit(0o400, 'r'),
            bit(0o200, 'w'),
            special(bit(0o100, 'x'), 0o4000, 's'),
            bit(0o040, 'r'),
            bit(0o020, 'w'),
            special(bit(0o010, 'x'), 0o2000, 's'),
            bit(0o004, 'r'),
            bit(0o002, 'w'),
            special(bit(0o001, 'x'), 0o1000, 't'),
        ]
        .iter()
        .collect();
        let links = if node.is_dir() { 2 + self.root.descendants(key).filter(|(k, n)| k.len() == key.len() + 1 && n.is_dir()).count() } else { 1 };
        let size = if node.is_dir() { 4096 } else { node.size() };
        let (user, group) = if numeric { (node.uid.to_string(), node.gid.to_string()) } else { (self.account("/etc/passwd", node.uid), self.account("/etc/group", node.gid)) };
        let size = if human { human_size(size, self.flavour == Flavour::Busybox) } else { size.to_string() };
        let target = match &node.kind {
            Kind::Symlink(t) => format!(" -> {t}"),
            _ => String::new(),
        };
        [mode, links.to_string(), user, group, size, format!("{name}{target}")]
    }

    /// `ls -l` lines for entries: BusyBox's fixed columns, or coreutils'
    /// columns as wide as their widest cell.
    fn long_lines(&self, entries: &[(&[String], &Node, &str)], options: (bool, bool)) -> String {
        let rows: Vec<[String; 6]> = entries.iter().map(|(k, n, name)| self.long_line(k, n, name, options)).collect();
        let width = |i: usize| rows.iter().map(|r| r[i].len()).max().unwrap_or(0);
        let (links, user, group, size) = match self.flavour {
            Flavour::Busybox => (4, 8, 8, 9),
            Flavour::Dash => (width(1), width(2), width(3), width(4)),
        };
        rows.iter().map(|r| format!("{} {:>links$} {:<user$} {:<group$} {:>size$} Jan  1  1970 {}\n", r[0], r[1], r[2], r[3], r[4], r[5])).collect()
    }

    /// (uid, gid) of the user this shell runs as ([`USER`]): a name or UID
    /// found in /etc/passwd (a UID it lacks has group 0), `:GROUP` if given.
    pub fn ids(&self) -> (u32, u32) {
        self.ids_of(self.env.get(USER).map(String::as_str))
    }

    /// The UID and GID a `--user` spec (`name`, `uid:gid`…) means here; None is root.
    fn ids_of(&self, spec: Option<&str>) -> (u32, u32) {
        let Some(spec) = spec else { return (0, 0) };
        let (user, group) = spec.split_once(':').map_or((spec, None), |(u, g)| (u, Some(g)));
        let entry = self.passwd_entry(user);
        let uid = user.parse().ok().or_else(|| entry.as_ref().and_then(|f| f[2].parse().ok())).unwrap_or(0);
        let gid = match group {
            Some(g) => self.user_id(g, "/etc/group").unwrap_or(0),
            None => entry.and_then(|f| f[3].parse().ok()).unwrap_or(0),
        };
        (uid, gid)
    }

    /// The home directory /etc/passwd gives this shell's user, else `/`.
    pub fn home(&self) -> String {
        self.passwd_entry(&self.ids().0.to_string()).and_then(|f| f.get(5).cloned()).unwrap_or_else(|| "/".to_string())
    }

    /// `~` and `~NAME` unquoted at the start of a word (or, for an
    /// `assignment`, of its value), up to the first `/`: $HOME (else the
    /// user's home directory), or NAME's home directory; an unknown NAME
    /// stays as it is. None: nothing to expand.
    fn tilde(&self, raw: &str, assignment: bool) -> Option<String> {
        let (head, word) = match raw.split_once('=') {
            Some((k, v)) if assignment && is_name(k) => (&raw[..=k.len()], v),
            _ => ("", raw),
        };
        let rest = word.strip_prefix('~')?;
        let (name, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        if name.contains(['"', '\'', '\\', '$', '`', '*', '?', '[']) {
            return None;
        }
        let home = match name {
            "" => self.env.get("HOME").cloned().unwrap_or_else(|| self.home()),
            _ => self.passwd_entry(name).and_then(|f| f.get(5).cloned())?,
        };
        Some(format!("{head}{home}{tail}"))
    }

    /// The fields of the /etc/passwd line whose name or UID is `who`.
    fn passwd_entry(&self, who: &str) -> Option<Vec<String>> {
        crate::runtime::passwd_entry(self.root, who)
    }

    /// /etc/passwd or /etc/group as the system reads them: whoever the shell
    /// runs as (`read` checks permissions, and asks who that is).
    fn system_file(&self, path: &str) -> String {
        self.root.get(&self.root.follow(components(path))).and_then(Node::body).map(|b| String::from_utf8_lossy(&b.to_vec()).into_owned()).unwrap_or_default()
    }

    /// A new file or directory, owned by the user this shell runs as.
    fn owned(&self, node: Node) -> Node {
        let (uid, gid) = self.ids();
        // What is made: 0666 files, 0777 directories, less the umask (0644 and 0755 with 022).
        let mode = if node.is_dir() { 0o777 } else { 0o666 } & !self.umask();
        Node { uid, gid, mode, ..node }
    }

    /// Whether `set` turned option `flag` on (`u`, `x`, `P` for pipefail).
    fn option(&self, flag: char) -> bool {
        self.env.get(OPTIONS).is_some_and(|o| o.contains(flag))
    }

    fn umask(&self) -> u32 {
        self.env.get(UMASK).and_then(|m| u32::from_str_radix(m, 8).ok()).unwrap_or(0o022)
    }

    /// This process's PID: 1 in a build step or as the container's main
    /// process, else the next after the container's processes (as `ps` shows it).
    fn own_pid(&self) -> u32 {
        self.env.get(PROCESSES).and_then(|p| p.lines().last()?.split('\t').next()?.parse::<u32>().ok()).map_or(1, |last| last + 6)
    }

    /// The name of a user or group ID from the image's /etc/passwd or /etc/group, or the number.
    fn account(&self, file: &str, id: u32) -> String {
        self.system_file(file).lines().find_map(|l| {
            let mut f = l.split(':');
            let name = f.next()?;
            (f.nth(1)?.parse::<u32>().ok()? == id).then(|| name.to_string())
        }).unwrap_or_else(|| id.to_string())
    }

    fn resolve(&self, path: &str) -> PathKey {
        if path.starts_with('/') {
            components(path)
        } else {
            components(&format!("{}/{path}", self.cwd))
        }
    }

    /// Whether the user this shell runs as may read (4), write (2) or
    /// search (1) the node at `key`, by its owner, group and other bits.
    /// Root may do anything; a missing node does not refuse.
    fn may(&self, key: &[String], want: u32) -> bool {
        let (uid, gid) = self.ids();
        let Some(n) = self.root.get(key) else { return true };
        let bits = if uid == 0 {
            return true;
        } else if n.uid == uid {
            n.mode >> 6
        } else if n.gid == gid {
            n.mode >> 3
        } else {
            n.mode
        };
        bits & want == want
    }

    /// Whether `key` lies on a read-only mount ([`READ_ONLY`]).
    fn read_only(&self, key: &[String]) -> bool {
        self.env.get(READ_ONLY).is_some_and(|m| m.lines().any(|l| key.starts_with(&components(l))))
    }

    /// Whether this shell's user may make or remove an entry at `key`: write
    /// on its directory, and with the sticky bit (/tmp) only their own entry.
    fn may_change(&self, key: &[String]) -> bool {
        // The nearest directory that exists (`mkdir -p /etc/a/b` asks /etc).
        let mut end = key.len().saturating_sub(1);
        while end > 0 && self.root.get(&key[..end]).is_none() {
            end -= 1;
        }
        let parent = &key[..end];
        let sticky = self.root.get(parent).is_some_and(|d| d.mode & 0o1000 != 0);
        let uid = self.ids().0;
        self.may(parent, 3) && (!sticky || uid == 0 || self.root.get(key).is_none_or(|n| n.uid == uid))
    }

    /// `key` with the symlink at each step followed (`readlink -f`): None
    /// when a directory on the way is missing. The last step may not exist.
    fn canonical(&self, key: &[String]) -> Option<String> {
        let mut at = PathKey::new();
        for (i, part) in key.iter().enumerate() {
            at.push(part.clone());
            at = self.root.follow(at);
            let last = i + 1 == key.len();
            if !last && !self.root.get(&at).is_some_and(Node::is_dir) {
                return None;
            }
        }
        Some(display(&at))
    }

    /// `head`/`tail` `[-n N | -c N | -N] [FILE…]`: the first or last N lines
    /// (or bytes); `tail -n +N` from the Nth on, `head -n -N` all but the
    /// last N. Time does not pass here, so `tail -f` prints and returns.
    fn head_tail(&self, cmd: &str, args: &[&str], stdin: &str) -> (i32, String, String) {
        let busybox = self.flavour == Flavour::Busybox;
        let (mut bytes, mut count, mut files, mut headers) = (false, "10".to_string(), Vec::new(), None);
        let mut it = args.iter().copied();
        while let Some(a) = it.next() {
            match a {
                "-n" | "-c" => {
                    bytes = a == "-c";
                    count = it.next().unwrap_or_default().to_string();
                }
                _ if (a.starts_with("-n") || a.starts_with("-c")) && a.len() > 2 => {
                    bytes = a.starts_with("-c");
                    count = a[2..].to_string();
                }
                "-q" | "-v" => headers = Some(a == "-v"),
                "-f" | "-F" if cmd == "tail" => {}
                "--" => {}
                "-" => files.push("-"),
                _ if a.len() > 1 && a.starts_with('-') && a[1..].bytes().all(|b| b.is_ascii_digit()) => count = a[1..].to_string(),
                _ if a.starts_with('-') => {
                    let bad = a.trim_start_matches('-');
                    return (1, String::new(), if busybox { format!("{cmd}: unrecognized option: {bad}\n") } else { format!("{cmd}: invalid option -- '{bad}'\nTry '{cmd} --help' for more information.\n") });
                }
                f => files.push(f),
            }
        }
        // `+N` (tail: from the Nth), `-N` (head: all but the last N).
        let (from_start, but_last) = (cmd == "tail" && count.starts_with('+'), cmd == "head" && count.starts_with('-'));
        let Ok(n) = count.trim_start_matches(['+', '-']).parse::<usize>() else {
            let what = if bytes { "bytes" } else { "lines" };
            return (1, String::new(), if busybox { format!("{cmd}: invalid number '{count}'\n") } else { format!("{cmd}: invalid number of {what}: '{count}'\n") });
        };
        if files.is_empty() {
            files.push("-");
        }
        let show_headers = headers.unwrap_or(files.len() > 1);
        let (mut out, mut err, mut status) = (Vec::new(), String::new(), 0);
        for (i, name) in files.iter().enumerate() {
            let data = match self.read_operand(name, stdin) {
                Ok(b) => b,
                Err(e) => {
                    let reason = e.rsplit(": ").next().unwrap_or_default();
                    err.push_str(&if busybox { format!("{cmd}: can't open '{name}': {reason}\n") } else { format!("{cmd}: cannot open '{name}' for reading: {reason}\n") });
                    status = 1;
                    continue;
                }
            };
            if show_headers {
                out.extend(format!("{}==> {} <==\n", if i > 0 { "\n" } else { "" }, if *name == "-" { "standard input" } else { name }).bytes());
            }
            let units: Vec<&[u8]> = if bytes { data.chunks(1).collect() } else { data.split_inclusive(|b| *b == b'\n').collect() };
            let len = units.len();
            let range = match (cmd, from_start, but_last) {
                ("head", _, false) => 0..n.min(len),
                ("head", _, true) => 0..len.saturating_sub(n),
                (_, true, _) => n.saturating_sub(1).min(len)..len,
                _ => len.saturating_sub(n)..len,
            };
            out.extend(units[range].concat());
        }
        (status, String::from_utf8_lossy(&out).into_owned(), err)
    }

    /// `chmod [-R] MODE PATH…` and `chown [-R] USER[:GROUP] PATH…`. Only
    /// root or (for chmod) the owner may change a file. With -R the change
    /// reaches every file below, so in a container each is copied up.
    fn chmod_chown(&mut self, cmd: &str, args: &[&str]) -> (i32, String, String) {
        let (mut recursive, mut operands, mut options) = (false, Vec::new(), true);
        for a in args {
            match *a {
                "--" if options => options = false,
                "-R" | "-Rf" | "-fR" if options => recursive = true,
                "-f" | "-v" | "-c" | "-h" | "-H" | "-L" | "-P" if options => {}
                // `chmod -x f`: a mode, not an option.
                o if options && o.starts_with('-') && o.len() > 1 && (cmd == "chown" || chmod(o, 0, false).is_none()) => {
                    return (1, String::new(), format!("{cmd}: unrecognized option: {} (Layer Lab's {cmd} knows -R)\n", o.trim_start_matches('-')));
                }
                o => operands.push(o),
            }
        }
        let Some((spec, paths)) = operands.split_first().filter(|(_, p)| !p.is_empty()) else {
            return (1, String::new(), format!("{cmd}: missing operand\n"));
        };
        let spec = spec.to_string();
        let owner = if cmd == "chown" {
            let (u, g) = spec.split_once(':').unwrap_or((&spec, ""));
            let uid = if u.is_empty() { None } else { Some(self.user_id(u, "/etc/passwd")) };
            let gid = if g.is_empty() { None } else { Some(self.user_id(g, "/etc/group")) };
            let gnu = self.flavour == Flavour::Dash;
            match (uid, gid) {
                (Some(None), _) if gnu => return (1, String::new(), format!("chown: invalid user: '{spec}'\n")),
                (_, Some(None)) if gnu => return (1, String::new(), format!("chown: invalid group: '{spec}'\n")),
                (Some(None), _) => return (1, String::new(), format!("chown: unknown user {u}\n")),
                (_, Some(None)) => return (1, String::new(), format!("chown: unknown group {g}\n")),
                (uid, gid) => Some((uid.flatten(), gid.flatten())),
            }
        } else {
            None
        };
        let (me, my_group) = self.ids();
        self.each(paths, cmd, move |sh, path| {
            let key = if cmd == "chmod" { sh.root.follow(sh.resolve(path)) } else { sh.resolve(path) };
            if sh.root.get(&key).is_none() {
                return Err(format!("{path}: No such file or directory"));
            }
            let mut keys = vec![key.clone()];
            if recursive {
                keys.extend(sh.root.descendants(&key).map(|(k, _)| k.clone()));
            }
            for k in keys {
                let Some(mut node) = sh.root.get(&k).cloned() else { continue };
                let shown = display(&k);
                // chmod leaves the symlinks it meets below alone.
                if matches!(node.kind, Kind::Symlink(_)) && cmd == "chmod" {
                    continue;
                }
                // Without root, only the owner, and chown only to themselves and their group.
                let giving = owner.is_some_and(|(u, g)| u.is_some_and(|u| u != me) || g.is_some_and(|g| g != my_group));
                if me != 0 && (node.uid != me || giving) {
                    return Err(format!("{}: Operation not permitted", if k == key { path.to_string() } else { shown }));
                }
                match owner {
                    Some((uid, gid)) => {
                        node.uid = uid.unwrap_or(node.uid);
                        node.gid = gid.unwrap_or(node.gid);
                    }
                    None => node.mode = chmod(&spec, node.mode, node.is_dir()).ok_or_else(|| if sh.flavour == Flavour::Dash { format!("invalid mode: '{spec}'") } else { format!("invalid mode '{spec}'") })?,
                }
                sh.root.insert(k, node)?;
            }
            Ok(())
        })
    }

    /// `grep [-EFGivcqsnlLowxhHrR] [-m N] [-e PATTERN]… PATTERN [FILE…]`:
    /// status 0 when a line is selected, 1 when none is, 2 on an error.
    fn grep(&self, cmd: &str, args: &[&str], stdin: &str) -> (i32, String, String) {
        const KNOWN: &str = "EFGivycqsnlLowxhHrR";
        let (mut flags, mut patterns, mut files, mut max) = (String::new(), Vec::new(), Vec::new(), usize::MAX);
        let mut words = args.iter().copied();
        let mut options = true;
        while let Some(a) = words.next() {
            match a {
                "--" if options => options = false,
                "-e" if options => patterns.extend(words.next().map(str::to_string)),
                "-m" if options => max = words.next().and_then(|n| n.parse().ok()).unwrap_or(0),
                m if options && m.starts_with("-m") && m.len() > 2 => max = m[2..].parse().unwrap_or(0),
                f if options && f.starts_with('-') && f.len() > 1 => match f[1..].chars().find(|c| !KNOWN.contains(*c)) {
                    Some(bad) => return (2, String::new(), format!("grep: unrecognized option: {bad} (Layer Lab's grep knows -{KNOWN}, -e and -m)\n")),
                    None => flags.push_str(&f[1..]),
                },
                other => files.push(other.to_string()),
            }
        }
        if patterns.is_empty() && !files.is_empty() {
            patterns.push(files.remove(0));
        }
        if patterns.is_empty() {
            return (2, String::new(), "Usage: grep [-EFivcqsnlLowxhHrR] [-m N] [-e PATTERN]... PATTERN [FILE]...\n".into());
        }
        let has = |c: char| flags.contains(c);
        let (extended, fixed, ignore_case) = (has('E') || cmd == "egrep", has('F') || cmd == "fgrep", has('i') || has('y'));
        let compiled: Result<Vec<crate::regex::Regex>, String> =
            patterns.iter().map(|p| if fixed { Ok(crate::regex::Regex::literal(p, ignore_case)) } else { crate::regex::Regex::new(p, extended, ignore_case) }).collect();
        let regexes = match compiled {
            Ok(r) => r,
            Err(e) => return (2, String::new(), format!("grep: {e}\n")),
        };
        // Plain words (the usual search) skip the regex machine: a line without them has no span.
        let special: &[char] = if extended { &['.', '[', '\\', '*', '^', '$', '+', '?', '(', ')', '{', '|'] } else { &['.', '[', '\\', '*', '^', '$'] };
        let literals: Option<Vec<&str>> = (!ignore_case).then(|| patterns.iter().map(String::as_str).filter(|p| fixed || !p.contains(special)).collect::<Vec<_>>()).filter(|l| l.len() == patterns.len() && l.iter().all(|p| !p.is_empty()));
        // The spans that count on a line: -x the whole line, -w a whole word.
        let word = |c: Option<&char>| c.is_some_and(|c| c.is_alphanumeric() || *c == '_');
        let spans = |line: &str| -> Vec<(usize, usize)> {
            if literals.as_ref().is_some_and(|l| !l.iter().any(|p| line.contains(p))) {
                return Vec::new();
            }
            let chars: Vec<char> = line.chars().collect();
            let mut found = Vec::new();
            let mut from = 0;
            while from <= chars.len() {
                let next = regexes.iter().filter_map(|r| r.find_at(&chars, from).and_then(|g| g.first().copied().flatten())).min_by_key(|(s, e)| (*s, usize::MAX - e));
                let Some((s, e)) = next else { break };
                let fits = if has('x') { s == 0 && e == chars.len() } else if has('w') { e > s && !word(s.checked_sub(1).and_then(|i| chars.get(i))) && !word(chars.get(e)) } else { true };
                if fits {
                    found.push((s, e));
                }
                from = if fits && e > s { e } else { s + 1 };
            }
            found
        };
        // The sources: standard input, files, and with -r what is below a directory.
        let recursive = has('r') || has('R');
        if files.is_empty() && recursive {
            files.push(".".to_string());
        }
        // What it would read: the simulated images hold hundreds of MB, and this grep is no C program.
        let budget: u64 = if literals.is_some() { 1 << 30 } else { 16 << 20 };
        let size: u64 = files.iter().map(|f| {
            let key = self.root.follow(self.resolve(f));
            let below = if recursive { self.root.descendants(&key).map(|(_, n)| n.size()).sum() } else { 0 };
            self.root.get(&key).map_or(0, Node::size) + below
        }).sum();
        if size > budget {
            return (2, String::new(), format!("grep: these files hold {} MB; Layer Lab's grep reads at most 16 MB for a regular expression, 1024 MB for plain words: name fewer files\n", size >> 20));
        }
        let (mut out, mut err, mut errors) = (String::new(), String::new(), false);
        let mut sources: Vec<(String, Option<String>)> = Vec::new();
        if files.is_empty() {
            sources.push(("(standard input)".to_string(), Some(stdin.to_string())));
        }
        for f in &files {
            let key = self.root.follow(self.resolve(f));
            match self.root.get(&key) {
                n if (key.is_empty() || n.is_some_and(Node::is_dir)) && recursive => {
                    for (k, node) in self.root.descendants(&key) {
                        let target = if has('R') { self.root.resolve(k.clone()).map(|(_, n)| n) } else { Some(node) };
                        if let Some(body) = target.filter(|n| !n.is_dir()).and_then(Node::body) {
                            let rest = display(&k[key.len()..]);
                            let name = if f == "." && !has('H') { rest[1..].to_string() } else { format!("{}{rest}", f.trim_end_matches('/')) };
                            sources.push((name, Some(String::from_utf8_lossy(&body.to_vec()).into_owned())));
                        }
                    }
                }
                _ => sources.push((f.clone(), self.read(f).map(|b| String::from_utf8_lossy(&b).into_owned()).map_err(|e| if !has('s') { err.push_str(&format!("grep: {e}\n")) }).ok())),
            }
        }
        let named = (sources.len() > 1 || recursive || has('H')) && !has('h');
        let mut selected = false;
        for (name, text) in &sources {
            let Some(text) = text else {
                errors = true;
                continue;
            };
            let prefix = |n: usize| format!("{}{}", if named { format!("{name}:") } else { String::new() }, if has('n') { format!("{}:", n + 1) } else { String::new() });
            let mut count = 0;
            for (n, line) in text.lines().enumerate() {
                if count >= max {
                    break;
                }
                let hits = spans(line);
                if hits.is_empty() == has('v') {
                    count += 1;
                    if has('o') && !has('v') {
                        let chars: Vec<char> = line.chars().collect();
                        out.extend(hits.iter().filter(|(s, e)| e > s).map(|(s, e)| format!("{}{}\n", prefix(n), chars[*s..*e].iter().collect::<String>())));
                    } else if !has('o') && !has('c') && !has('l') && !has('L') {
                        out.push_str(&format!("{}{line}\n", prefix(n)));
                    }
                }
            }
            selected |= count > 0;
            match (has('l'), has('L'), has('c')) {
                (true, _, _) if count > 0 => out.push_str(&format!("{name}\n")),
                (_, true, _) if count == 0 => out.push_str(&format!("{name}\n")),
                (false, false, true) => out.push_str(&format!("{}{count}\n", if named { format!("{name}:") } else { String::new() })),
                _ => {}
            }
        }
        if has('q') {
            return (if selected { 0 } else if errors { 2 } else { 1 }, String::new(), err);
        }
        (if errors { 2 } else { i32::from(!selected) }, out, err)
    }

    /// `du [-s] [-a] [-c] [-h] [-k|-m] [PATH…]`: disk use as ext4 under
    /// overlay2 counts it, in whole 4 KiB blocks (a directory takes one, a
    /// short symlink none, a hard link's file once); each directory after
    /// those below it, then the path itself.
    fn du(&self, args: &[&str]) -> (i32, String, String) {
        let flags: String = args.iter().filter(|a| a.starts_with('-') && a.len() > 1).flat_map(|a| a.chars().skip(1)).collect();
        if let Some(bad) = flags.chars().find(|c| !"sachkmx".contains(*c)) {
            return (1, String::new(), format!("du: unrecognized option: {bad} (Layer Lab's du knows -s -a -c -h -k -m)\n"));
        }
        let has = |c: char| flags.contains(c);
        let mut paths: Vec<&str> = args.iter().copied().filter(|a| !a.starts_with('-')).collect();
        if paths.is_empty() {
            paths.push(".");
        }
        let blocks = |n: &Node| -> u64 {
            match n.kind {
                Kind::Dir => 4096,
                Kind::Symlink(_) | Kind::HardLink { .. } => 0,
                Kind::File(_) => n.size().div_ceil(4096) * 4096,
            }
        };
        let shown = |bytes: u64| if has('h') { human_size(bytes, self.flavour == Flavour::Busybox) } else if has('m') { bytes.div_ceil(1 << 20).to_string() } else { (bytes / 1024).to_string() };
        let (mut out, mut err, mut total) = (String::new(), String::new(), 0);
        for p in paths {
            let key = self.root.follow(self.resolve(p));
            let Some(node) = (if key.is_empty() { Some(Node::dir(0o755)) } else { self.root.get(&key).cloned() }) else {
                err.push_str(&if self.flavour == Flavour::Busybox { format!("du: {p}: No such file or directory\n") } else { format!("du: cannot access '{p}': No such file or directory\n") });
                continue;
            };
            // Each entry's own blocks, then each directory's sum over what is below it.
            let below: Vec<(PathKey, u64, bool)> = self.root.descendants(&key).map(|(k, n)| (k.clone(), blocks(n), n.is_dir())).collect();
            let sum_under = |dir: &[String]| below.iter().filter(|(k, _, _)| k.starts_with(dir)).map(|(_, b, _)| b).sum::<u64>();
            let name = |k: &[String]| if k.len() == key.len() { p.to_string() } else { format!("{}{}", p.trim_end_matches('/'), display(&k[key.len()..])) };
            let mut rows: Vec<(PathKey, u64)> = Vec::new();
            if !has('s') {
                for (k, b, dir) in &below {
                    if *dir {
                        rows.push((k.clone(), b + sum_under(k).saturating_sub(*b)));
                    } else if has('a') {
                        rows.push((k.clone(), *b));
                    }
                }
                crate::sorting::sort_by(&mut rows, |a, b| children_first(&a.0, &b.0));
            }
            let own = blocks(&node) + sum_under(&key);
            total += own;
            for (k, b) in rows {
                out.push_str(&format!("{}\t{}\n", shown(b), name(&k)));
            }
            out.push_str(&format!("{}\t{p}\n", shown(own)));
        }
        if has('c') {
            out.push_str(&format!("{}\ttotal\n", shown(total)));
        }
        (i32::from(!err.is_empty()), out, err)
    }

    /// `sha256sum [FILE…]` (`-` or none: standard input) and `sha256sum -c
    /// LIST`, which checks the `HASH  NAME` lines of LIST.
    fn sha256sum(&self, args: &[&str], stdin: &str) -> (i32, String, String) {
        let busybox = self.flavour == Flavour::Busybox;
        let sum = |name: &str| -> Result<String, String> {
            let bytes = self.read_operand(name, stdin).map_err(|e| if busybox { format!("can't open '{name}': {}", e.rsplit(": ").next().unwrap_or_default()) } else { e })?;
            Ok(crate::digest::Digest::of(&bytes).hex().to_string())
        };
        let check = args.iter().any(|a| matches!(*a, "-c" | "--check"));
        let mut names: Vec<&str> = args.iter().copied().filter(|a| *a == "-" || !a.starts_with('-')).collect();
        if names.is_empty() {
            names.push("-");
        }
        let (mut out, mut err, mut status) = (String::new(), String::new(), 0);
        let (mut listed, mut bad, mut unread) = (0, 0, 0);
        for name in names {
            if !check {
                match sum(name) {
                    Ok(hex) => out.push_str(&format!("{hex}  {name}\n")),
                    Err(e) => {
                        err.push_str(&format!("sha256sum: {e}\n"));
                        status = 1;
                    }
                }
                continue;
            }
            let list = match self.read_operand(name, stdin) {
                Ok(b) => String::from_utf8_lossy(&b).into_owned(),
                Err(e) => return (1, out, format!("sha256sum: {e}\n")),
            };
            for line in list.lines().filter(|l| !l.trim().is_empty()) {
                let Some((hex, file)) = line.split_once(' ') else { continue };
                let file = file.trim_start_matches([' ', '*']);
                listed += 1;
                match sum(file) {
                    Ok(h) if h.eq_ignore_ascii_case(hex) => out.push_str(&format!("{file}: OK\n")),
                    Ok(_) => {
                        bad += 1;
                        out.push_str(&format!("{file}: FAILED\n"));
                    }
                    Err(e) => {
                        err.push_str(&format!("sha256sum: {e}\n"));
                        if busybox {
                            bad += 1;
                            out.push_str(&format!("{file}: FAILED\n"));
                        } else {
                            unread += 1;
                            out.push_str(&format!("{file}: FAILED open or read\n"));
                        }
                    }
                }
            }
        }
        let plural = |n: i32, one: &str, many: &str| if n == 1 { one.to_string() } else { many.to_string() };
        if unread > 0 {
            err.push_str(&format!("sha256sum: WARNING: {unread} listed {} could not be read\n", plural(unread, "file", "files")));
        }
        if bad > 0 {
            err.push_str(&if busybox { format!("sha256sum: WARNING: {bad} of {listed} computed checksums did NOT match\n") } else { format!("sha256sum: WARNING: {bad} computed {} did NOT match\n", plural(bad, "checksum", "checksums")) });
        }
        if bad + unread > 0 {
            status = 1;
        }
        (status, out, err)
    }

    /// A file operand's bytes; `-` is standard input.
    fn read_operand(&self, name: &str, stdin: &str) -> Result<Vec<u8>, String> {
        if name == "-" { Ok(stdin.as_bytes().to_vec()) } else { self.read(name) }
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        let key = self.root.follow(self.resolve(path));
        // The kernel's /dev/null reads empty, drawn in the tree or not.
        if key == ["dev", "null"] {
            return Ok(Vec::new());
        }
        match self.root.get(&key) {
            Some(_) if !self.may(&key, 4) => Err(format!("{path}: Permission denied")),
            Some(n) if n.is_dir() => Err(format!("{path}: Is a directory")),
            Some(n) => Ok(n.body().map(|b| b.to_vec()).unwrap_or_default()),
            None => Err(format!("{path}: No such file or directory")),
        }
    }

    fn write(&mut self, path: &str, data: &[u8], append: bool) -> Result<(), String> {
        if path == "/dev/null" {
            return Ok(());
        }
        let key = self.root.follow(self.resolve(path));
        let parent = &key[..key.len().saturating_sub(1)];
        if !self.root.get(parent).is_some_and(Node::is_dir) && !parent.is_empty() {
            return Err(format!("can't create {path}: nonexistent directory"));
        }
        if self.read_only(&key) {
            return Err(format!("can't create {path}: Read-only file system"));
        }
        // Writing a file changes it even with the same bytes (a new mtime): a layer records it.
        let (mut bytes, node) = match self.root.get(&key) {
            Some(n) if n.is_dir() => return Err(format!("can't create {path}: Is a directory")),
            Some(_) if !self.may(&key, 2) => return Err(format!("can't create {path}: Permission denied")),
            None if !self.may_change(&key) => return Err(format!("can't create {path}: Permission denied")),
            Some(n) => (if append { n.body().map(|b| b.to_vec()).unwrap_or_default() } else { Vec::new() }, Node { touched: n.touched.wrapping_add(1), ..n.clone() }),
            None => (Vec::new(), self.owned(Node::file(Vec::new(), 0o644))),
        };
        bytes.extend_from_slice(data);
        let node = Node { kind: Kind::File(crate::fs::Body::Bytes(std::sync::Arc::new(bytes))), ..node };
        self.root.insert(key, node).map_err(|e| format!("can't create {path}: {e}"))
    }

    /// Runs one simple command: (status, stdout, stderr).
    fn run_command(&mut self, cmd: &Command, stdin: &str) -> (i32, String, String) {
        self.subst_status = None;
        let mut words = Vec::new();
        let mut leading = true;
        for raw in &cmd.words {
            // `X=~/dir` before the command: the value's tilde too.
            leading &= is_assignment(raw);
            let tilde = if leading { self.tilde(raw, true) } else { None };
            let raw = tilde.as_deref().unwrap_or(raw);
            // An assignment's value is one word: no splitting, no wildcards (`v=$x` keeps x's blanks).
            match if leading { self.word_text(raw).map(|w| vec![w]) } else { self.expand(raw) } {
                Ok(w) => words.extend(w),
                Err(e) => return self.fatal(&e),
            }
        }
        // set -x: the command as it runs, on stderr.
        if self.option('x') && !words.is_empty() {
            // bash and BusyBox quote what needs it; dash prints the words as they are.
            let quote = self.flavour == Flavour::Busybox || self.is_bash();
            let shown: Vec<String> = words.iter().map(|w| if quote && (w.is_empty() || w.contains([' ', '\t', '\'', '"', '$', '*', '?'])) { sh_quote(w) } else { w.clone() }).collect();
            self.stderr(&format!("+ {}\n", shown.join(" ")));
        }
        // Leading NAME=value words set variables: for good when no command
        // follows or a special built-in does, else only in the command's
        // environment, exported to it.
        let mut assigns = Vec::new();
        while let Some((k, v)) = words.first().and_then(|w| w.split_once('=')).filter(|(k, _)| is_name(k)) {
            assigns.push((k.to_string(), v.to_string()));
            words.remove(0);
        }
        let temporary = words.first().is_some_and(|w| !SPECIAL.contains(&w.as_str()));
        let mut saved = Vec::new();
        for (k, v) in assigns {
            if temporary {
                self.save_and_export(&k, &mut saved);
            }
            if let Err(e) = self.assign(&k, v) {
                self.restore(saved);
                return self.fatal(&e);
            }
        }
        let mut input = stdin.to_string();
        for (fd, op, target) in &cmd.redirs {
            if *op == "<<" {
                input = match self.here_body(target) {
                    Ok(text) => text,
                    Err(e) => return self.fatal(&e),
                };
            } else if *op == "<<'" {
                input = target.clone();
            } else if *fd == 0 && *op == "<" {
                match self.read(target) {
                    Ok(b) => input = String::from_utf8_lossy(&b).into_owned(),
                    Err(e) => return (1, String::new(), format!("{}: can't open {e}\n", self.arg0)),
                }
            }
        }
        // Standard output sent to a file is not the terminal's.
        let terminal = self.terminal;
        self.terminal &= !cmd.redirs.iter().any(|(fd, op, target)| *fd == 1 && !op.starts_with('<') && (*op != ">&" || target == "2"));
        let (status, mut out, mut err) = if words.is_empty() {
            (self.subst_status.unwrap_or(0), String::new(), String::new())
        } else if let Some(result) = self.call(&words) {
            result
        } else if self.env.contains_key(MAIN) && crate::runtime::keeps_running(&words) {
            // PID 1 blocks here: the container runs this program from now on.
            self.hand_off(&words);
            (0, String::new(), String::new())
        } else {
            self.builtin(&words, &input)
        };
        self.terminal = terminal;
        self.restore(saved);
        for (fd, op, target) in &cmd.redirs {
            if op.starts_with('<') {
                continue;
            }
            if *op == ">&" {
                if *fd == 2 && target == "1" {
                    out.push_str(&std::mem::take(&mut err));
                } else if *fd == 1 && target == "2" {
                    err.push_str(&std::mem::take(&mut out));
                }
                continue;
            }
            let target = match self.expand(target).map(|w| w.join(" ")) {
                Ok(t) => t,
                Err(e) => return self.fatal(&e),
            };
            let data = if *fd == 2 { std::mem::take(&mut err) } else { std::mem::take(&mut out) };
            if let Err(e) = self.write(&target, data.as_bytes(), *op == ">>") {
                // Each shell's words and status for a redirection it cannot open.
                let reason = e.rsplit(": ").next().unwrap_or(&e);
                let missing = reason == "nonexistent directory";
                let (code, text) = match self.flavour {
                    Flavour::Dash if self.is_bash() => (1, format!("{}: line 1: {target}: {}\n", self.arg0, if missing { "No such file or directory" } else { reason })),
                    Flavour::Dash => (2, self.message(&format!("cannot create {target}: {}", if missing { "Directory nonexistent" } else { reason }))),
                    Flavour::Busybox => (1, format!("{}: {e}\n", self.arg0)),
                };
                return (code, String::new(), format!("{err}{text}"));
            }
        }
        (status, out, err)
    }

    /// What a command printed on stderr: the terminal's, or the command
    /// substitution's stderr when this shell runs one.
    fn stderr(&mut self, err: &str) {
        match self.stderr.as_mut() {
            Some(e) => e.push_str(err),
            None => self.output.push_str(err),
        }
    }

    /// The commands this shell knows. Returns (status, stdout, stderr). In
    /// Debian and Ubuntu images the file utilities are GNU coreutils, whose
    /// errors say what BusyBox's say in other words ([`coreutils_words`]).
    fn builtin(&mut self, words: &[String], stdin: &str) -> (i32, String, String) {
        let cmd = words[0].rsplit('/').next().unwrap_or(&words[0]);
        // The file utilities' options: one this shell does not carry out is refused, not ignored.
        if let Some((_, known)) = FILE_OPTIONS.iter().find(|(c, _)| *c == cmd) {
            let flags = words[1..].iter().take_while(|w| *w != "--").filter(|w| w.starts_with('-') && w.len() > 1 && !(cmd == "chmod" && chmod(w, 0, false).is_some()));
            // Values of -m (mkdir) and -d/-t/-r (touch) are not options.
            let valued = |c: char| (cmd == "mkdir" && c == 'm') || (cmd == "touch" && "dtr".contains(c));
            for f in flags {
                let letters: Vec<char> = f.chars().skip(1).collect();
                let end = letters.iter().position(|c| valued(*c)).map_or(letters.len(), |i| i + 1);
                if let Some(bad) = letters[..end].iter().find(|c| !known.contains(**c)) {
                    return unrecognized(cmd, *bad, known);
                }
            }
        }
        let (status, out, err) = self.busybox_builtin(words, stdin);
        if self.flavour != Flavour::Dash || err.is_empty() || !COREUTILS.contains(&cmd) {
            return (status, out, err);
        }
        let prefix = format!("{cmd}: ");
        let symbolic = words.iter().any(|w| w.starts_with('-') && w.contains('s'));
        let err = err.lines().map(|l| l.strip_prefix(&prefix).map_or_else(|| format!("{l}\n"), |e| format!("{prefix}{}\n", coreutils_words(cmd, e, symbolic)))).collect();
        (status, out, err)
    }

    fn busybox_builtin(&mut self, words: &[String], stdin: &str) -> (i32, String, String) {
        let cmd = words[0].rsplit('/').next().unwrap_or(&words[0]).to_string();
        let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
        let ok = |out: String| (0, out, String::new());
        let fail = |code: i32, err: String| (code, String::new(), err);
        match cmd.as_str() {
            // Outside a terminal (a script, a RUN) it clears nothing: the terminal's own line is an event.
            "true" | ":" | "clear" => ok(String::new()),
            // Time does not pass here: a valid sleep returns at once.
            "sleep" => match args.iter().find(|a| !valid_interval(a)) {
                _ if args.is_empty() => match self.flavour {
                    Flavour::Busybox => fail(1, "BusyBox v1.37.0 multi-call binary.\n\nUsage: sleep [N]...\n".into()),
                    Flavour::Dash => fail(1, "sleep: missing operand\nTry 'sleep --help' for more information.\n".into()),
                },
                Some(bad) => match self.flavour {
                    Flavour::Busybox => fail(1, format!("sleep: invalid number '{bad}'\n")),
                    Flavour::Dash => fail(1, format!("sleep: invalid time interval '{bad}'\nTry 'sleep --help' for more information.\n")),
                },
                None => ok(String::new()),
            },
            "false" => fail(1, String::new()),
            "break" | "continue" => {
                let n = match args.first().map(|a| a.parse::<u32>()) {
                    None => 1,
                    Some(Ok(n)) if n > 0 => n,
                    _ => return fail(1, format!("{}: {cmd}: Illegal number: {}\n", self.arg0, args[0])),
                };
                // Outside a loop it does nothing, as in sh.
                if self.loops > 0 {
                    let n = n.min(self.loops);
                    self.jump = Some(if cmd == "break" { Jump::Break(n) } else { Jump::Continue(n) });
                }
                ok(String::new())
            }
            "echo" => {
                // dash's echo takes only -n and always reads escapes: `echo -e x` prints `-e x`.
                let dash = self.flavour == Flavour::Dash && !self.is_bash();
                let (newline, escapes, rest) = if dash { let n = args.first() == Some(&"-n"); (!n, true, &args[usize::from(n)..]) } else { echo_flags(&args) };
                let (mut s, stop) = if escapes { crate::printf::escapes(&rest.join(" "), true) } else { (rest.join(" "), false) };
                if newline && !stop {
                    s.push('\n');
                }
                ok(s)
            }
            "printf" => match args.split_first() {
                Some((fmt, rest)) => {
                    let (out, problems) = crate::printf::printf(fmt, rest);
                    // Each printf's own words: BusyBox's, dash's builtin, bash's builtin.
                    let err: String = problems.iter().map(|p| match (p, self.flavour, self.is_bash()) {
                        (crate::printf::Problem::Number(a), Flavour::Busybox, _) => format!("printf: invalid number '{a}'\n"),
                        (crate::printf::Problem::Number(a), _, true) => self.message(&format!("printf: {a}: invalid number")),
                        (crate::printf::Problem::Number(a), _, false) => self.message(&format!("printf: {a}: expected numeric value")),
                        (crate::printf::Problem::Format(c), Flavour::Busybox, _) => format!("printf: %{c}: invalid format\n"),
                        (crate::printf::Problem::Format(c), _, true) => self.message(&format!("printf: `{c}': invalid format character")),
                        (crate::printf::Problem::Format(c), _, false) => self.message(&format!("printf: %{c}: invalid directive")),
                    }).collect();
                    (i32::from(!problems.is_empty()), out, err)
                }
                None => fail(1, "printf: usage: printf format [arguments]\n".into()),
            },
            "pwd" => ok(format!("{}\n", self.cwd)),
            // bash's and BusyBox ash's history of an interactive shell (dash has none).
            "history" if self.is_bash() || self.flavour == Flavour::Busybox => {
                let lines = self.env.get(HISTORY).map_or("", String::as_str).split_terminator('\u{0}');
                ok(if self.is_bash() { lines.enumerate().map(|(i, l)| format!("{:5}  {l}\n", i + 1)).collect() } else { lines.enumerate().map(|(i, l)| format!("{i:4} {l}\n")).collect() })
            }
            "cd" => {
                let home = self.env.get("HOME").cloned().unwrap_or_else(|| self.home());
                // `cd -`: back to OLDPWD, which it prints.
                let back = args.first() == Some(&"-");
                let old = self.env.get("OLDPWD").cloned();
                let target = if back { old.as_deref().unwrap_or("-") } else { args.first().copied().unwrap_or(&home) };
                let key = self.root.follow(self.resolve(target));
                if self.root.get(&key).is_some_and(Node::is_dir) || key.is_empty() {
                    let previous = std::mem::replace(&mut self.cwd, display(&key));
                    self.env.insert("OLDPWD".to_string(), previous);
                    if self.env.contains_key("PWD") {
                        self.env.insert("PWD".to_string(), self.cwd.clone());
                    }
                    ok(if back { format!("{}\n", self.cwd) } else { String::new() })
                } else if back && old.is_none() {
                    fail(if self.is_bash() { 1 } else { 2 }, self.message(if self.is_bash() { "cd: OLDPWD not set" } else { "cd: can't cd to -" }))
                } else {
                    let why = match self.flavour {
                        _ if self.is_bash() => format!("cd: {target}: No such file or directory"),
                        Flavour::Busybox => format!("cd: can't cd to {target}: No such file or directory"),
                        Flavour::Dash => format!("cd: can't cd to {target}"),
                    };
                    fail(if self.is_bash() { 1 } else { 2 }, self.message(&why))
                }
            }
            "export" | "readonly" => {
                let names: Vec<&str> = args.iter().copied().filter(|a| !a.starts_with('-')).collect();
                let export = cmd == "export";
                if names.is_empty() {
                    // `export -p`: lines that would set them again.
                    let set = if export { &self.exported } else { &self.readonly };
                    return ok(set.iter().map(|k| self.env.get(k).map_or_else(|| format!("{cmd} {k}\n"), |v| format!("{cmd} {k}={}\n", sh_quote(v)))).collect());
                }
                for a in names {
                    let (k, v) = a.split_once('=').map_or((a, None), |(k, v)| (k, Some(v)));
                    if let Some(v) = v {
                        if let Err(e) = self.assign(k, v.to_string()) {
                            return self.fatal(&format!("{cmd}: {e}"));
                        }
                    }
                    if export { &mut self.exported } else { &mut self.readonly }.insert(k.to_string());
                }
                ok(String::new())
            }
            // bash's `(( expr ))` and `let expr…`: true when the (last) value is not 0.
            "((" | "let" if self.is_bash() => {
                if args.is_empty() {
                    return fail(1, self.message("let: expression expected"));
                }
                let mut value = String::new();
                for expr in &args {
                    value = match self.arithmetic(expr) {
                        Ok(v) => v,
                        Err(e) => return fail(1, self.message(&format!("{cmd}: {e}"))),
                    };
                }
                (i32::from(value == "0"), String::new(), String::new())
            }
            "local" => {
                if self.calls == 0 {
                    return fail(2, format!("{}: local: not in a function\n", self.arg0));
                }
                for a in args {
                    let (k, v) = a.split_once('=').map_or((a, None), |(k, v)| (k, Some(v)));
                    let old = self.env.get(k).cloned();
                    if let Some(frame) = self.locals.last_mut() {
                        frame.push((k.to_string(), old));
                    }
                    if let Err(e) = self.assign(k, v.unwrap_or_default().to_string()) {
                        return self.fatal(&format!("local: {e}"));
                    }
                }
                ok(String::new())
            }
            "read" => {
                let names: Vec<&str> = args.iter().copied().filter(|a| !a.starts_with('-')).collect();
                // The command's own input, else the compound's (`done < file`, a pipe into the loop).
                let line = if stdin.is_empty() {
                    let (line, rest) = self.input.split_once('\n').map_or((self.input.as_str(), ""), |(l, r)| (l, r));
                    let (line, eof) = (line.to_string(), self.input.is_empty());
                    self.input = rest.to_string();
                    (!eof).then_some(line)
                } else {
                    stdin.split('\n').next().map(str::to_string)
                };
                let Some(line) = line else {
                    for n in &names {
                        if let Err(e) = self.assign(n, String::new()) {
                            return fail(2, self.message(&format!("read: {e}")));
                        }
                    }
                    return fail(1, String::new());
                };
                // Fields split at IFS (its blanks run together) to each name; the last name takes the rest.
                let ifs = self.env.get("IFS").cloned().unwrap_or_else(|| " \t\n".to_string());
                let blank = |c: char| c.is_whitespace() && ifs.contains(c);
                let mut rest = line.trim_start_matches(blank);
                for (i, n) in names.iter().enumerate() {
                    let value = if i + 1 == names.len() || ifs.is_empty() {
                        std::mem::take(&mut rest).trim_end_matches(blank)
                    } else {
                        let (word, after) = rest.split_once(|c: char| ifs.contains(c)).unwrap_or((rest, ""));
                        // After a field: blanks, at most one other IFS character, blanks.
                        let after = after.trim_start_matches(blank);
                        let after = after.strip_prefix(|c: char| ifs.contains(c) && !c.is_whitespace()).unwrap_or(after);
                        rest = after.trim_start_matches(blank);
                        word
                    };
                    if let Err(e) = self.assign(n, value.to_string()) {
                        return fail(2, self.message(&format!("read: {e}")));
                    }
                }
                if names.is_empty() {
                    self.env.insert("REPLY".to_string(), line);
                }
                ok(String::new())
            }
            "basename" => {
                // basename PATH [SUFFIX], or -s SUFFIX / -a for several paths.
                let (mut suffix, mut many, mut names) = (None, false, Vec::new());
                let mut it = args.iter().copied();
                while let Some(a) = it.next() {
                    match a {
                        "-s" => (suffix, many) = (it.next(), true),
                        "-a" => many = true,
                        o if o.starts_with("-s") => (suffix, many) = (Some(&o[2..]), true),
                        o if o.starts_with('-') && o.len() > 1 => return fail(1, format!("basename: unrecognized option: {} (Layer Lab's basename knows -a and -s)\n", &o[1..])),
                        n => names.push(n),
                    }
                }
                if !many && names.len() == 2 {
                    suffix = names.pop();
                }
                if names.is_empty() {
                    return fail(1, "BusyBox v1.37.0 multi-call binary.\n\nUsage: basename FILE [SUFFIX]\n".into());
                }
                ok(names.iter().map(|path| {
                    let trimmed = path.trim_end_matches('/');
                    let base = if trimmed.is_empty() { "/" } else { trimmed.rsplit('/').next().unwrap_or(trimmed) };
                    let base = suffix.and_then(|suffix| base.strip_suffix(suffix).filter(|b| !b.is_empty())).unwrap_or(base);
                    format!("{base}\n")
                }).collect())
            }
            "dirname" => match args.first() {
                Some(path) => {
                    let trimmed = path.trim_end_matches('/');
                    let dir = match trimmed.rsplit_once('/') {
                        Some(("", _)) => "/",
                        Some((d, _)) => d.trim_end_matches('/'),
                        None if path.starts_with('/') => "/",
                        None => ".",
                    };
                    ok(format!("{}\n", if dir.is_empty() { "/" } else { dir }))
                }
                None => fail(1, "BusyBox v1.37.0 multi-call binary.\n\nUsage: dirname FILENAME\n".into()),
            },
            "seq" => {
                // -s SEP between the numbers, -w equal widths (zeros in front).
                let (mut separator, mut equal, mut operands) = ("\n".to_string(), false, Vec::new());
                let mut it = args.iter().copied();
                while let Some(a) = it.next() {
                    match a {
                        "-s" => separator = crate::printf::escapes(it.next().unwrap_or_default(), false).0,
                        s if s.starts_with("-s") => separator = crate::printf::escapes(&s[2..], false).0,
                        "-w" => equal = true,
                        o if o.starts_with('-') && o.parse::<i64>().is_err() => return fail(1, format!("seq: unrecognized option: {} (Layer Lab's seq knows -s and -w)\n", o.trim_start_matches('-'))),
                        n => operands.push(n),
                    }
                }
                let nums: Vec<i64> = match operands.iter().map(|a| a.parse::<i64>()).collect() {
                    Ok(n) => n,
                    Err(_) => return fail(1, format!("seq: invalid number '{}'\n", operands.iter().find(|a| a.parse::<i64>().is_err()).unwrap_or(&""))),
                };
                let (first, step, last) = match nums.as_slice() {
                    [l] => (1, 1, *l),
                    [f, l] => (*f, 1, *l),
                    [f, s, l] => (*f, *s, *l),
                    _ => return fail(1, "Usage: seq [FIRST [INC]] LAST\n".into()),
                };
                if step == 0 {
                    return fail(1, "seq: increment must not be 0\n".into());
                }
                let mut numbers = Vec::new();
                let mut n = first;
                // At most 100,000 numbers: commands take no time here, and a page has to show them.
                for _ in 0..100_000 {
                    if (step > 0 && n > last) || (step < 0 && n < last) {
                        break;
                    }
                    numbers.push(n);
                    n = n.saturating_add(step);
                }
                let width = if equal { [first, last].iter().map(|n| n.to_string().len()).max().unwrap_or(0) } else { 0 };
                let text: Vec<String> = numbers.iter().map(|n| if *n < 0 { format!("-{:0>w$}", n.unsigned_abs(), w = width.saturating_sub(1)) } else { format!("{n:0>width$}") }).collect();
                ok(if text.is_empty() { String::new() } else { text.join(&separator) + "\n" })
            }
            "uname" => {
                let host = self.env.get("HOSTNAME").cloned().unwrap_or_else(|| "localhost".into());
                let parts = [("s", "Linux".to_string()), ("n", host), ("r", "6.1.0".into()), ("v", "#1 SMP PREEMPT_DYNAMIC (simulated)".into()), ("m", "x86_64".into())];
                let flags: String = args.iter().filter_map(|a| a.strip_prefix('-')).collect();
                let shown: Vec<&str> = parts.iter().filter(|(f, _)| flags.contains('a') || flags.contains(f)).map(|(_, v)| v.as_str()).collect();
                ok(format!("{}{}\n", if shown.is_empty() { "Linux" } else { "" }, shown.join(" ") + if flags.contains('a') { " Linux" } else { "" }))
            }
            // A container's clock is the host's; a build step's is 1970 (SOURCE_DATE_EPOCH=0, see crate::date).
            "date" => crate::date::command(&args, self.network.map_or(0, |b| b.now), self.flavour == Flavour::Busybox),
            "trap" => {
                let listing = |sh: &Self| sh.env.get(TRAP).map_or(String::new(), |a| format!("trap -- {} EXIT\n", sh_quote(a)));
                match args.as_slice() {
                    [] | ["-p", ..] => ok(listing(self)),
                    ["-l"] => ok(SIGNALS.iter().map(|(n, k)| format!("{k:2}) SIG{n}\n")).collect()),
                    [action, signals @ ..] => {
                        // `trap N SIG` with a number first resets, as `trap - SIG`.
                        let (action, signals) = if action.parse::<u32>().is_ok() && signals.is_empty() { ("-", &args[..]) } else { (*action, signals) };
                        for sig in signals {
                            let name = sig.trim_start_matches("SIG");
                            let known = matches!(name, "EXIT" | "0") || SIGNALS.iter().any(|(n, k)| *n == name || k.to_string() == name);
                            if !known {
                                return fail(1, match (self.flavour, self.is_bash()) {
                                    (_, true) => self.message(&format!("trap: {sig}: invalid signal specification")),
                                    (Flavour::Dash, _) => format!("trap: {sig}: bad trap\n"),
                                    _ => self.message(&format!("trap: {sig}: bad trap")),
                                });
                            }
                            if matches!(name, "EXIT" | "0") {
                                match action {
                                    "-" => self.env.remove(TRAP),
                                    a => self.env.insert(TRAP.to_string(), a.to_string()),
                                };
                            }
                        }
                        ok(String::new())
                    }
                }
            }
            "umask" => match args.as_slice() {
                [] => ok(format!("{:04o}\n", self.umask())),
                ["-S"] => {
                    let allowed = 0o777 & !self.umask();
                    let who = |shift: u32| ["r", "w", "x"].iter().enumerate().filter(|(i, _)| allowed >> (shift + 2 - *i as u32) & 1 == 1).map(|(_, c)| *c).collect::<String>();
                    ok(format!("u={},g={},o={}\n", who(6), who(3), who(0)))
                }
                [mask] if !mask.is_empty() && mask.len() <= 4 && mask.chars().all(|c| c.is_digit(8)) => {
                    self.env.insert(UMASK.to_string(), format!("{:o}", u32::from_str_radix(mask, 8).unwrap_or(0o022) & 0o777));
                    ok(String::new())
                }
                [mask, ..] if self.is_bash() => fail(1, self.message(&format!("umask: {mask}: octal number out of range"))),
                [mask, ..] => fail(2, self.message(&format!("umask: Illegal number: {mask}"))),
            },
            // tac and rev: the lines last first, each line backwards.
            "tac" | "rev" => {
                let mut text = String::new();
                for name in if args.is_empty() { vec!["-"] } else { args.clone() } {
                    match self.read_operand(name, stdin) {
                        Ok(b) => text.push_str(&String::from_utf8_lossy(&b)),
                        Err(e) => return fail(1, format!("{cmd}: {e}\n")),
                    }
                }
                ok(if cmd == "tac" { text.lines().rev().map(|l| format!("{l}\n")).collect() } else { text.lines().map(|l| format!("{}\n", l.chars().rev().collect::<String>())).collect() })
            }
            "groups" => self.id(&cmd, &args),
            "du" => self.du(&args),
            "sha256sum" => self.sha256sum(&args, stdin),
            "base64" => {
                let (mut decode, mut wrap, mut file) = (false, 76, None);
                let mut it = args.iter();
                while let Some(a) = it.next() {
                    match *a {
                        "-d" | "--decode" => decode = true,
                        "-w" => wrap = it.next().and_then(|w| w.parse().ok()).unwrap_or(76),
                        w if w.starts_with("-w") => wrap = w[2..].parse().unwrap_or(76),
                        "-" => file = None,
                        f if f.starts_with('-') => return fail(1, format!("base64: unrecognized option: {f} (Layer Lab's base64 knows -d and -w)\n")),
                        f => file = Some(f),
                    }
                }
                let input = match self.read_operand(file.unwrap_or("-"), stdin) {
                    Ok(b) => b,
                    Err(e) => return fail(1, format!("base64: {e}\n")),
                };
                use base64::Engine as _;
                if decode {
                    let clean: Vec<u8> = input.into_iter().filter(|b| !b.is_ascii_whitespace()).collect();
                    return match base64::engine::general_purpose::STANDARD.decode(clean) {
                        Ok(bytes) => ok(String::from_utf8_lossy(&bytes).into_owned()),
                        Err(_) => fail(1, "base64: invalid input\n".into()),
                    };
                }
                let text = base64::engine::general_purpose::STANDARD.encode(input);
                let lines: Vec<&str> = if wrap == 0 { vec![text.as_str()] } else { text.as_bytes().chunks(wrap).map(|c| std::str::from_utf8(c).unwrap_or_default()).collect() };
                ok(lines.iter().filter(|l| !l.is_empty()).map(|l| format!("{l}\n")).collect())
            }
            // `readlink [-f] PATH`, `realpath PATH`: where symlinks lead.
            "readlink" | "realpath" => {
                let canonical = cmd == "realpath" || args.iter().any(|a| matches!(*a, "-f" | "-e" | "-m"));
                let mut out = String::new();
                let mut status = 0;
                for path in args.iter().filter(|a| !a.starts_with('-')) {
                    let key = self.resolve(path);
                    let found = if canonical { self.canonical(&key) } else { self.root.get(&key).and_then(|n| if let Kind::Symlink(t) = &n.kind { Some(t.clone()) } else { None }) };
                    match found {
                        Some(target) => out.push_str(&format!("{target}\n")),
                        None if cmd == "realpath" => return (1, out, format!("realpath: {path}: No such file or directory\n")),
                        None => status = 1,
                    }
                }
                (status, out, String::new())
            }
            "hostname" => ok(format!("{}\n", self.env.get("HOSTNAME").cloned().or_else(|| self.read("/etc/hostname").ok().map(|b| String::from_utf8_lossy(&b).trim().to_string())).unwrap_or_default())),
            "command" | "which" | "type" => {
                let names: Vec<&str> = args.iter().copied().filter(|a| !a.starts_with('-')).collect();
                let mut out = String::new();
                let mut status = 0;
                for n in names {
                    let function = self.env.contains_key(&format!("{FUNCTION}{n}"));
                    let builtin = matches!(n, "cd" | "export" | "set" | "unset" | "exit" | "return" | "shift" | "read" | "local" | "exec" | "." | "source" | "eval" | "break" | "continue" | "true" | "false" | "echo" | "printf" | "test" | "[" | "pwd" | "type" | "command" | "trap" | "umask");
                    let path = if n.contains('/') { self.root.get(&self.root.follow(self.resolve(n))).map(|_| n.to_string()) } else { self.find_in_path(n).or_else(|| (UTILITIES.contains(&n) && standard_utility(self.root, n)).then(|| format!("/bin/{n}"))) };
                    match (cmd.as_str(), function, builtin, path) {
                        ("type", true, _, _) => out.push_str(&format!("{n} is a function\n")),
                        ("type", _, true, _) => out.push_str(&format!("{n} is a shell builtin\n")),
                        ("type", _, _, Some(p)) => out.push_str(&format!("{n} is {p}\n")),
                        ("command", true, _, _) | ("command", _, true, _) => out.push_str(&format!("{n}\n")),
                        ("which", _, _, Some(p)) | ("command", _, _, Some(p)) => out.push_str(&format!("{p}\n")),
                        ("type", ..) => {
                            out.push_str(&format!("{n}: not found\n"));
                            status = 1;
                        }
                        _ => status = 1,
                    }
                }
                if cmd == "command" && !args.first().is_some_and(|a| a.starts_with('-')) {
                    // `command NAME ARGS`: runs NAME, skipping functions.
                    return if words.len() > 1 { self.builtin(&words[1..], stdin) } else { ok(String::new()) };
                }
                (status, out, String::new())
            }
            "expr" => {
                // `expr 1 + 2`: the operators sh's arithmetic has, on integers.
                let text = args.join(" ");
                match args.as_slice() {
                    ["length", s] => ok(format!("{}\n", s.chars().count())),
                    // `expr STRING : REGEX`, `expr match STRING REGEX`: a basic regular expression anchored
                    // at the start; what \( \) caught, else how many characters matched (0 fails).
                    [text, ":", re] | ["match", text, re] => {
                        let anchored = format!("^{}", re.strip_prefix('^').unwrap_or(re));
                        let regex = match crate::regex::Regex::new(&anchored, false, false) {
                            Ok(r) => r,
                            Err(e) => return fail(2, format!("expr: {e}\n")),
                        };
                        let chars: Vec<char> = text.chars().collect();
                        let found = regex.find_at(&chars, 0).filter(|g| g.first().copied().flatten().is_some_and(|(s, _)| s == 0));
                        let result = match found.as_ref().map(|g| (g.first().copied().flatten(), g.get(1).copied())) {
                            Some((_, Some(Some((a, b))))) => chars[a..b].iter().collect(),
                            Some((_, Some(None))) => String::new(),
                            Some((Some((_, end)), None)) => end.to_string(),
                            _ if re.contains("\\(") => String::new(),
                            _ => "0".to_string(),
                        };
                        (i32::from(result.is_empty() || result == "0"), format!("{result}\n"), String::new())
                    }
                    [a, op, b] if matches!(*op, "=" | "!=") => {
                        let same = a == b;
                        let v = i32::from(if *op == "=" { same } else { !same });
                        (1 - v, format!("{v}\n"), String::new())
                    }
                    _ => match crate::arith::eval(&text.replace(" = ", " == "), &mut BTreeMap::new()) {
                        Ok(v) => (i32::from(v == 0), format!("{v}\n"), String::new()),
                        Err(e) if e.contains("divide") => fail(2, "expr: division by zero\n".into()),
                        Err(_) => fail(2, "expr: syntax error\n".into()),
                    },
                }
            }
            "tee" => {
                let append = args.contains(&"-a");
                for f in args.iter().filter(|a| !a.starts_with('-')) {
                    if let Err(e) = self.write(f, stdin.as_bytes(), append) {
                        return (1, stdin.to_string(), format!("tee: {e}\n"));
                    }
                }
                ok(stdin.to_string())
            }
            "cut" | "tr" | "sort" | "uniq" => self.text_filter(&cmd, &args, stdin),
            "unset" => {
                let functions = args.first() == Some(&"-f");
                for a in args.iter().filter(|a| !a.starts_with('-')) {
                    if functions {
                        self.env.remove(&format!("{FUNCTION}{a}"));
                    } else if self.readonly.contains(*a) {
                        return self.fatal(&format!("unset: {a}: is read only"));
                    } else {
                        self.env.remove(*a);
                        self.exported.remove(*a);
                    }
                }
                ok(String::new())
            }
            "set" if args.is_empty() => ok(self.env.iter().filter(|(k, _)| !k.starts_with('\u{0}')).map(|(k, v)| format!("{k}={}\n", sh_quote(v))).collect()),
            "set" => {
                let mut i = 0;
                while let Some(a) = args.get(i) {
                    i += 1;
                    if *a == "--" || !(a.starts_with('-') || a.starts_with('+')) || a.len() < 2 {
                        // `set -- a b` or `set a b`: the positional parameters.
                        let from = if *a == "--" { i } else { i - 1 };
                        self.args = args[from..].iter().map(|a| a.to_string()).collect();
                        break;
                    }
                    let on = a.starts_with('-');
                    for flag in a.chars().skip(1) {
                        // `set -o NAME`: the option's name is the next word.
                        let flag = match flag {
                            'o' => {
                                let name = args.get(i).copied().unwrap_or_default();
                                i += 1;
                                match name {
                                    "errexit" => 'e',
                                    "nounset" => 'u',
                                    "xtrace" => 'x',
                                    "pipefail" if self.flavour == Flavour::Busybox || self.is_bash() => 'P',
                                    _ if self.is_bash() => return fail(2, self.message(&format!("set: {name}: invalid option name"))),
                                    // A special built-in's error ends sh's script.
                                    _ => return self.fatal(&format!("set: Illegal option -o {name}")),
                                }
                            }
                            f => f,
                        };
                        match flag {
                            'e' => self.errexit = on,
                            'u' | 'x' | 'P' => {
                                let mut options: String = self.env.get(OPTIONS).cloned().unwrap_or_default().chars().filter(|c| *c != flag).collect();
                                if on {
                                    options.push(flag);
                                }
                                self.env.insert(OPTIONS.to_string(), options);
                            }
                            other => return fail(2, self.message(&format!("set: -{other} is a real option, but Layer Lab's sh does not simulate it (it knows -e, -u, -x and -o pipefail)"))),
                        }
                    }
                }
                ok(String::new())
            }
            "shift" => {
                let n = match args.first().map(|a| a.parse::<usize>()) {
                    None => 1,
                    Some(Ok(n)) => n,
                    Some(Err(_)) => return fail(2, format!("{}: shift: Illegal number: {}\n", self.arg0, args[0])),
                };
                if n > self.args.len() {
                    return fail(2, format!("{}: shift: can't shift that many\n", self.arg0));
                }
                self.args.drain(..n);
                ok(String::new())
            }
            "return" => {
                let code = args.first().and_then(|a| a.parse().ok()).unwrap_or(self.status);
                if self.calls > 0 {
                    self.jump = Some(Jump::Return(code));
                } else {
                    // Outside a function it ends the script, as `exit` does.
                    self.env.insert(EXIT.to_string(), code.to_string());
                }
                (code, String::new(), String::new())
            }
            "exec" => {
                let rest = &words[1..];
                if rest.is_empty() {
                    return ok(String::new());
                }
                if self.env.contains_key(MAIN) {
                    // The container's main process becomes this program.
                    self.hand_off(rest);
                    return ok(String::new());
                }
                let (status, out, err) = self.builtin(rest, stdin);
                self.env.insert(EXIT.to_string(), status.to_string());
                (status, out, err)
            }
            "." | "source" => {
                let Some(file) = args.first() else {
                    return fail(2, format!("{}: {cmd}: filename argument required\n", self.arg0));
                };
                let path = if file.contains('/') { Some(file.to_string()) } else { self.find_in_path(file) };
                let Some(text) = path.and_then(|p| self.read(&p).ok()) else {
                    return fail(2, format!("{}: {cmd}: can't open '{file}': No such file or directory\n", self.arg0));
                };
                let saved = std::mem::take(&mut self.output);
                let status = self.run_text(&String::from_utf8_lossy(&text));
                let out = std::mem::replace(&mut self.output, saved);
                (status, out, String::new())
            }
            // eval ARGS: joined by blanks and run here, in this shell.
            "eval" => {
                let saved = std::mem::take(&mut self.output);
                let status = self.run_text(&args.join(" "));
                let out = std::mem::replace(&mut self.output, saved);
                (status, out, String::new())
            }
            "exit" => {
                let code = args.first().and_then(|a| a.parse().ok()).unwrap_or(0);
                self.env.insert(EXIT.to_string(), code.to_string());
                (code, String::new(), String::new())
            }
            "env" if !args.is_empty() => {
                // env [-i] [-u NAME]… [NAME=VALUE]… [COMMAND [ARG]…]: the command runs with that environment.
                let mut rest = &words[1..];
                let (mut clear, mut unset) = (false, Vec::new());
                while let Some(o) = rest.first().filter(|o| o.starts_with('-')) {
                    match o.as_str() {
                        "-i" | "-" | "--ignore-environment" => clear = true,
                        "-u" | "--unset" => {
                            unset.extend(rest.get(1).cloned());
                            rest = &rest[1..];
                        }
                        u if u.starts_with("-u") => unset.push(u[2..].to_string()),
                        "--" => {
                            rest = &rest[1..];
                            break;
                        }
                        o => return fail(125, format!("env: unrecognized option: {} (Layer Lab's env knows -i and -u)\n", o.trim_start_matches('-'))),
                    }
                    rest = rest.get(1..).unwrap_or_default();
                }
                let exported = clear.then(|| std::mem::take(&mut self.exported));
                let mut saved = Vec::new();
                for name in unset {
                    saved.push((name.clone(), self.env.remove(&name), self.exported.remove(&name)));
                }
                while let Some((k, v)) = rest.first().and_then(|w| w.split_once('=')).filter(|(k, _)| is_name(k)) {
                    self.save_and_export(k, &mut saved);
                    self.env.insert(k.to_string(), v.to_string());
                    rest = &rest[1..];
                }
                let result = if rest.is_empty() { self.builtin(&words[..1], stdin) } else { self.builtin(rest, stdin) };
                self.restore(saved);
                if let Some(exported) = exported {
                    self.exported = exported;
                }
                result
            }
            "printenv" if !args.is_empty() => {
                let values: Vec<&String> = args.iter().filter_map(|a| self.env.get(*a).filter(|_| self.exported.contains(*a))).collect();
                let out = values.iter().map(|v| format!("{v}\n")).collect();
                if values.len() == args.len() { ok(out) } else { (1, out, String::new()) }
            }
            "env" | "printenv" => ok(self.env.iter().filter(|(k, _)| self.exported.contains(*k)).map(|(k, v)| format!("{k}={v}\n")).collect()),
            "id" => self.id(&cmd, &args),
            // BusyBox's ps: the container's processes, this one last.
            "ps" if self.flavour == Flavour::Busybox => {
                let mut rows: Vec<(u32, String, String)> = self.env.get(PROCESSES).map_or_else(Vec::new, |p| {
                    p.lines().filter_map(|l| {
                        let mut f = l.splitn(3, '\t');
                        Some((f.next()?.parse().ok()?, f.next()?.to_string(), f.next()?.to_string()))
                    }).collect()
                });
                let pid = self.own_pid();
                rows.push((pid, self.env.get(USER).cloned().unwrap_or_default(), words.join(" ")));
                let mut out = "PID   USER     TIME  COMMAND\n".to_string();
                for (pid, user, command) in rows {
                    let uid = self.ids_of(Some(user.as_str()).filter(|u| !u.is_empty())).0;
                    let name: String = self.account("/etc/passwd", uid).chars().take(8).collect();
                    out.push_str(&format!("{pid:>5} {name:<8}  0:00 {command}\n"));
                }
                ok(out)
            }
            "whoami" => {
                let uid = self.ids().0;
                match Some(self.account("/etc/passwd", uid)).filter(|n| n != &uid.to_string()) {
                    Some(n) => ok(format!("{n}\n")),
                    None => fail(1, format!("whoami: unknown uid {uid}\n")),
                }
            }
            "sh" | "bash" | "ash" | "dash" => match args.as_slice() {
                // `sh -c SCRIPT [NAME [ARGS…]]`: NAME is $0, ARGS $1….
                ["-c", script, rest @ ..] => {
                    let rest: Vec<String> = rest.iter().map(|a| a.to_string()).collect();
                    // Without NAME, $0 is the shell as it was called (`bash`, `/bin/sh`).
                    let (name, params) = rest.split_first().map_or((words[0].as_str(), &[][..]), |(n, p)| (n.as_str(), p));
                    let (status, out) = self.child(script, name, params);
                    (status, out, String::new())
                }
                [file, ..] if !file.starts_with('-') => match self.read(file) {
                    Ok(text) => {
                        let (status, out) = self.child(&String::from_utf8_lossy(&text), file, &words[2..]);
                        (status, out, String::new())
                    }
                    Err(e) => fail(2, format!("{cmd}: can't open '{file}': {}\n", e.rsplit(": ").next().unwrap_or(&e))),
                },
                _ => fail(2, "sh: an interactive shell is not available in RUN\n".into()),
            },
            "cat" => {
                // GNU's and BusyBox's options: -n numbers every line, -b the non-empty ones (`%6d\t`), -s squeezes
                // empty lines, -E ends lines with `$`, -T shows tabs as ^I, -v other control bytes as ^X and M-X;
                // -A is -vET, -e -vE, -t -vT; -u is accepted and does nothing, as in GNU cat.
                let mut flags = String::new();
                for a in args.iter().filter(|a| a.starts_with('-') && a.len() > 1) {
                    flags.push_str(match *a {
                        "--show-all" => "A",
                        "--number-nonblank" => "b",
                        "--show-ends" => "E",
                        "--number" => "n",
                        "--squeeze-blank" => "s",
                        "--show-tabs" => "T",
                        "--show-nonprinting" => "v",
                        o if o.starts_with("--") => return fail(1, format!("cat: unrecognized option '{o}'\nTry 'cat --help' for more information.\n")),
                        o => &o[1..],
                    });
                }
                if let Some(bad) = flags.chars().find(|c| !"AbeEnstTuv".contains(*c)) {
                    return match self.flavour {
                        Flavour::Dash => fail(1, format!("cat: invalid option -- '{bad}'\nTry 'cat --help' for more information.\n")),
                        Flavour::Busybox => unrecognized("cat", bad, "AbeEnstTuv"),
                    };
                }
                let has = |set: &str| flags.chars().any(|c| set.contains(c));
                let (ends, tabs, shown) = (has("AeE"), has("AtT"), has("Aetv"));
                let mut names: Vec<&str> = args.iter().copied().filter(|a| *a == "-" || !a.starts_with('-')).collect();
                if names.is_empty() {
                    names.push("-");
                }
                let mut bytes = Vec::new();
                let mut err = String::new();
                for a in &names {
                    match self.read_operand(a, stdin) {
                        Ok(b) => bytes.extend(b),
                        Err(e) => {
                            // A missing first file is said before anything is printed.
                            self.errors_first |= bytes.is_empty() && err.is_empty();
                            err.push_str(&format!("cat: {e}\n"));
                        }
                    }
                }
                if !has("bnsAeEtTv") {
                    return (i32::from(!err.is_empty()), String::from_utf8_lossy(&bytes).into_owned(), err);
                }
                let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
                let (mut n, mut blank_before) = (0, false);
                for line in bytes.split_inclusive(|b| *b == b'\n') {
                    let (body, newline) = line.strip_suffix(b"\n").map_or((line, false), |b| (b, true));
                    if has("s") && body.is_empty() && newline && blank_before {
                        continue;
                    }
                    blank_before = body.is_empty() && newline;
                    if has("b") && !body.is_empty() || !has("b") && has("n") {
                        n += 1;
                        out.extend(format!("{n:6}\t").bytes());
                    }
                    for &c in body {
                        match c {
                            b'\t' if tabs => out.extend(b"^I"),
                            b'\t' => out.push(c),
                            _ if !shown => out.push(c),
                            128.. => {
                                out.extend(b"M-");
                                match c - 128 {
                                    x @ 0..32 => out.extend([b'^', x + 64]),
                                    127 => out.extend(b"^?"),
                                    x => out.push(x),
                                }
                            }
                            0..32 => out.extend([b'^', c + 64]),
                            127 => out.extend(b"^?"),
                            _ => out.push(c),
                        }
                    }
                    if newline {
                        if ends {
                            out.push(b'$');
                        }
                        out.push(b'\n');
                    }
                }
                (i32::from(!err.is_empty()), String::from_utf8_lossy(&out).into_owned(), err)
            }
            "touch" => {
                // -c: no file is made; -d/-t/-r give a time, which layers do not keep (every mtime is 0).
                let (mut create, mut paths) = (true, Vec::new());
                let mut it = args.iter().copied();
                while let Some(a) = it.next() {
                    match a {
                        "--" => paths.extend(it.by_ref()),
                        o if o.starts_with('-') && o.len() > 1 => {
                            create &= !o.contains('c');
                            if o.ends_with(['d', 't', 'r']) {
                                it.next();
                            }
                        }
                        p => paths.push(p),
                    }
                }
                self.each(&paths, "touch", |sh, path| {
                // An existing file (through its links) gets new times: a
                // change, so overlay2 copies it up and a layer records it.
                let key = sh.root.follow(sh.resolve(path));
                match sh.root.get(&key).cloned() {
                    _ if key.is_empty() => Ok(()),
                    Some(_) if sh.read_only(&key) => Err(format!("{path}: Read-only file system")),
                    Some(_) if !sh.may(&key, 2) => Err(format!("{path}: Permission denied")),
                    Some(node) => sh.root.insert(key, Node { touched: node.touched.wrapping_add(1), ..node }),
                    None if !create => Ok(()),
                    None => sh.write(path, b"", true).map_err(|e| e.replace("can't create ", "").replace("nonexistent directory", "No such file or directory")),
                }
                })
            }
            "mkdir" => {
                // mkdir [-p] [-m MODE] DIR…: -m sets the mode of the directories named, not their parents.
                let (mut parents, mut mode, mut paths) = (false, None, Vec::new());
                let mut it = args.iter().copied();
                while let Some(a) = it.next() {
                    match a {
                        "--" => paths.extend(it.by_ref()),
                        o if o.starts_with('-') && o.len() > 1 => {
                            parents |= o.contains('p');
                            if let Some(i) = o.find('m') {
                                mode = Some(if o.len() > i + 1 { o[i + 1..].to_string() } else { it.next().unwrap_or_default().to_string() });
                            }
                        }
                        p => paths.push(p),
                    }
                }
                if let Some(m) = mode.as_deref().filter(|m| chmod(m, 0o755, true).is_none()) {
                    return fail(1, format!("mkdir: invalid mode '{m}'\n"));
                }
                let verbose = args.iter().any(|a| a.starts_with('-') && a.contains('v'));
                let mut said = String::new();
                let status = self.each(&paths, "mkdir", |sh, path| {
                    // -v names each directory made, parents first: the operand's own prefixes.
                    let made: Vec<String> = if parents { path.match_indices('/').map(|(i, _)| &path[..i]).chain([path.trim_end_matches('/')]).filter(|p| !p.is_empty() && sh.root.get(&sh.resolve(p)).is_none()).map(str::to_string).collect() } else { vec![path.to_string()] };
                    sh.mkdir(path, parents)?;
                    if verbose {
                        for m in made {
                            said.push_str(&if sh.flavour == Flavour::Busybox { format!("created directory: '{m}'\n") } else { format!("mkdir: created directory '{m}'\n") });
                        }
                    }
                    if let Some(m) = &mode {
                        let key = sh.resolve(path);
                        if let Some(mut node) = sh.root.get(&key).cloned() {
                            node.mode = chmod(m, 0o755, true).unwrap_or(node.mode);
                            sh.root.insert(key, node)?;
                        }
                    }
                    Ok(())
                });
                (status.0, said, status.2)
            }
            "rm" => {
                let flags: String = args.iter().filter(|a| a.starts_with('-')).flat_map(|a| a.chars()).collect();
                let (recursive, force) = (flags.contains('r') || flags.contains('R'), flags.contains('f'));
                let paths: Vec<&str> = args.iter().filter(|a| !a.starts_with('-')).copied().collect();
                let verbose = flags.contains('v');
                let mut said = String::new();
                let status = self.each(&paths, "rm", |sh, path| {
                    let key = sh.resolve(path);
                    match sh.root.get(&key) {
                        None if force => Ok(()),
                        None => Err(format!("can't remove '{path}': No such file or directory")),
                        Some(n) if n.is_dir() && !recursive => Err(format!("'{path}' is a directory")),
                        Some(_) if sh.read_only(&key) => Err(format!("can't remove '{path}': Read-only file system")),
                        Some(_) if !sh.may_change(&key) => Err(format!("can't remove '{path}': Permission denied")),
                        // A mount point: what is mounted there can be emptied, not removed.
                        Some(_) if sh.env.get(MOUNTS).is_some_and(|m| m.lines().any(|l| l == display(&key))) => {
                            let inside: Vec<PathKey> = sh.root.descendants(&key).map(|(k, _)| k.clone()).collect();
                            for k in inside.iter().rev() {
                                sh.root.remove(k);
                            }
                            Err(format!("can't remove '{path}': Resource busy"))
                        }
                        Some(n) => {
                            if n.is_dir() && sh.lower.get(&key).is_some_and(Node::is_dir) {
                                sh.removed_dirs.push(key.clone());
                            }
                            if verbose {
                                // What goes, each entry after those below it.
                                let mut gone: Vec<(PathKey, bool)> = sh.root.descendants(&key).map(|(k, n)| (k.clone(), n.is_dir())).collect();
                                gone.push((key.clone(), n.is_dir()));
                                crate::sorting::sort_by(&mut gone, |a, b| children_first(&a.0, &b.0));
                                for (k, dir) in gone {
                                    let shown = if k == key { path.to_string() } else { format!("{}{}", path.trim_end_matches('/'), display(&k[key.len()..])) };
                                    said.push_str(&match (dir, sh.flavour) {
                                        (true, Flavour::Busybox) => format!("removed directory: '{shown}'\n"),
                                        (true, _) => format!("removed directory '{shown}'\n"),
                                        _ => format!("removed '{shown}'\n"),
                                    });
                                }
                            }
                            sh.root.remove(&key);
                            Ok(())
                        }
                    }
                });
                (status.0, said, status.2)
            }
            "rmdir" => {
                // -p: then each parent named in the path, while it is empty.
                let parents = args.iter().any(|a| a.starts_with('-') && a.contains('p'));
                let verbose = args.iter().any(|a| a.starts_with('-') && a.contains('v'));
                let paths: Vec<&str> = args.iter().copied().filter(|a| !a.starts_with('-')).collect();
                let mut said = String::new();
                let status = self.each(&paths, "rmdir", |sh, path| {
                let key = sh.resolve(path);
                let mut tell = |dir: &str| if verbose { said.push_str(&format!("rmdir: removing directory, '{dir}'\n")) };
                match sh.root.get(&key) {
                    Some(n) if n.is_dir() && sh.root.descendants(&key).next().is_none() => {
                        tell(path);
                        sh.root.remove(&key);
                        let mut named = path.trim_end_matches('/');
                        while let Some((parent, _)) = named.rsplit_once('/').filter(|(p, _)| parents && !p.is_empty()) {
                            let up = sh.resolve(parent);
                            if sh.root.descendants(&up).next().is_some() {
                                return Err(format!("'{parent}': Directory not empty"));
                            }
                            tell(parent);
                            sh.root.remove(&up);
                            named = parent;
                        }
                        Ok(())
                    }
                    Some(n) if n.is_dir() => Err(format!("'{path}': Directory not empty")),
                    _ => Err(format!("'{path}': No such file or directory")),
                }
                });
                (status.0, said, status.2)
            }
            "cp" | "mv" => {
                let recursive = cmd == "mv" || args.iter().any(|a| a.starts_with('-') && (a.contains('r') || a.contains('R') || a.contains('a')));
                let paths: Vec<&str> = args.iter().filter(|a| !a.starts_with('-')).copied().collect();
                let Some((dest, srcs)) = paths.split_last().filter(|(_, s)| !s.is_empty()) else {
                    return fail(1, format!("{cmd}: missing file operand\n"));
                };
                let dest_key = self.resolve(dest);
                let into_dir = self.root.get(&self.root.follow(dest_key.clone())).is_some_and(Node::is_dir);
                let verbose = args.iter().any(|a| a.starts_with('-') && a.contains('v'));
                let (mut err, mut said) = (String::new(), String::new());
                for src in srcs {
                    let src_key = self.resolve(src);
                    let Some(node) = self.root.get(&src_key).cloned() else {
                        err.push_str(&format!("{cmd}: can't stat '{src}': No such file or directory\n"));
                        continue;
                    };
                    if node.is_dir() && !recursive {
                        err.push_str(&format!("{cmd}: omitting directory '{src}'\n"));
                        continue;
                    }
                    let mut target = self.root.follow(dest_key.clone());
                    if into_dir {
                        target.extend(src_key.last().cloned());
                    }
                    if target == src_key {
                        err.push_str(&format!("{cmd}: '{src}' and '{dest}' are the same file\n"));
                        continue;
                    }
                    if node.is_dir() && target.starts_with(&src_key) {
                        err.push_str(&format!("{cmd}: can't {} '{src}' into itself\n", if cmd == "mv" { "move" } else { "copy a directory" }));
                        continue;
                    }
                    let below: Vec<(PathKey, Node)> = self.root.descendants(&src_key).map(|(k, n)| (k.clone(), n.clone())).collect();
                    let copy = match node.kind {
                        Kind::HardLink { body, .. } => Node { kind: Kind::File(body), ..node },
                        _ => node,
                    };
                    if let Err(e) = self.root.insert(target.clone(), copy) {
                        err.push_str(&format!("{cmd}: {e}\n"));
                        continue;
                    }
                    // -v: `'SRC' -> 'DEST'` (GNU's mv says "renamed"); cp -r names each entry it copies.
                    let shown = if into_dir { format!("{}/{}", dest.trim_end_matches('/'), src_key.last().map_or("", String::as_str)) } else { dest.to_string() };
                    let mut tell = |from: &str, to: &str| {
                        if verbose {
                            said.push_str(&format!("{}'{from}' -> '{to}'\n", if cmd == "mv" && self.flavour == Flavour::Dash { "renamed " } else { "" }));
                        }
                    };
                    tell(src, &shown);
                    for (k, n) in below {
                        let mut t = target.clone();
                        t.extend_from_slice(&k[src_key.len()..]);
                        if cmd == "cp" {
                            let rest = display(&k[src_key.len()..]);
                            tell(&format!("{}{rest}", src.trim_end_matches('/')), &format!("{}{rest}", shown.trim_end_matches('/')));
                        }
                        let _ = self.root.insert(t, n);
                    }
                    if cmd == "mv" {
                        self.root.remove(&src_key);
                    }
                }
                (i32::from(!err.is_empty()), said, err)
            }
            "ln" => {
                let symbolic = args.iter().any(|a| a.starts_with('-') && a.contains('s'));
                let force = args.iter().any(|a| a.starts_with('-') && a.contains('f'));
                let paths: Vec<&str> = args.iter().filter(|a| !a.starts_with('-')).copied().collect();
                let [target, link] = paths.as_slice() else {
                    return fail(1, "ln: usage: ln [-sf] TARGET LINK\n".into());
                };
                let mut key = self.resolve(link);
                let mut shown = link.to_string();
                if self.root.get(&key).is_some_and(Node::is_dir) {
                    key.extend(components(target).last().cloned());
                    shown = format!("{}/{}", link.trim_end_matches('/'), components(target).last().map_or("", String::as_str));
                }
                // -v: `'LINK' -> 'TARGET'`.
                let said = if args.iter().any(|a| a.starts_with('-') && a.contains('v')) { format!("'{shown}' -> '{target}'\n") } else { String::new() };
                if self.root.get(&key).is_some() {
                    if !force {
                        return fail(1, format!("ln: {link}: File exists\n"));
                    }
                    self.root.remove(&key);
                }
                let node = if symbolic {
                    Node { kind: Kind::Symlink(target.to_string()), mode: 0o777, uid: 0, gid: 0, touched: 0 }
                } else {
                    let tkey = self.resolve(target);
                    match self.root.get(&tkey) {
                        Some(n) if !n.is_dir() => match n.body() {
                            Some(b) => Node { kind: Kind::HardLink { target: tkey.clone(), body: b.clone() }, ..n.clone() },
                            None => return fail(1, format!("ln: {target}: not a regular file\n")),
                        },
                        _ => return fail(1, format!("ln: {target}: No such file or directory\n")),
                    }
                };
                match self.root.insert(key, node) {
                    Ok(()) => ok(said),
                    Err(e) => fail(1, format!("ln: {e}\n")),
                }
            }
            "chmod" | "chown" => self.chmod_chown(&cmd, &args),
            "ls" => {
                let flags: String = args.iter().filter(|a| a.starts_with('-') && a.len() > 1).flat_map(|a| a.chars().skip(1)).collect();
                if let Some(bad) = flags.chars().find(|c| !"aAld1hnrRSst".contains(*c)) {
                    return unrecognized("ls", bad, "aAld1hnrRSst");
                }
                // -s: each entry's 1K blocks first (BusyBox: 6 wide; coreutils: as wide as the widest, -h sized).
                let sizes = flags.contains('s');
                let blocks = |entries: &[(&[String], &Node, &str)]| -> Vec<String> {
                    let cells: Vec<String> = entries
                        .iter()
                        .map(|(_, n, _)| if flags.contains('h') && self.flavour == Flavour::Dash { human_size(kib_blocks(n) * 1024, false) } else { kib_blocks(n).to_string() })
                        .collect();
                    let width = if self.flavour == Flavour::Busybox { 6 } else { cells.iter().map(String::len).max().unwrap_or(0) };
                    cells.into_iter().map(|c| if sizes { format!("{c:>width$} ") } else { String::new() }).collect()
                };
                // -A: the hidden entries too, but not `.` and `..`.
                let (dots, long, itself) = (flags.contains('a'), flags.contains('l') || flags.contains('n'), flags.contains('d'));
                let (human, numeric, recursive) = (flags.contains('h'), flags.contains('n'), flags.contains('R') && !flags.contains('d'));
                let all = dots || flags.contains('A');
                let operands: Vec<&str> = args.iter().filter(|a| !a.starts_with('-') || a.len() == 1).copied().collect();
                let operands = if operands.is_empty() { vec!["."] } else { operands };
                // -R: each directory, then the directories below it, depth first.
                let mut below: Vec<String> = Vec::new();
                for p in operands.iter().filter(|_| recursive) {
                    let dir = self.root.follow(self.resolve(p));
                    if dir.is_empty() || self.root.get(&dir).is_some_and(Node::is_dir) {
                        below.push(p.to_string());
                        let hidden = |k: &PathKey| k[dir.len()..].iter().any(|c| c.starts_with('.'));
                        below.extend(self.root.descendants(&dir).filter(|(k, n)| n.is_dir() && (all || !hidden(k))).map(|(k, _)| format!("{}{}", p.trim_end_matches('/'), display(&k[dir.len()..]))));
                    }
                }
                let several = operands.len() > 1 || recursive;
                let mut paths: Vec<&str> = if recursive { operands.iter().copied().filter(|p| !below.iter().any(|b| b == p)).chain(below.iter().map(String::as_str)).collect() } else { operands };
                // Like ls: what is missing first (as errors), then files, then directories, each sorted by name.
                let rank = |p: &&str| {
                    let key = self.root.follow(self.resolve(p));
                    match self.root.get(&key) {
                        _ if itself => 1,
                        None if !key.is_empty() => 0,
                        Some(n) if !n.is_dir() => 1,
                        _ => 2,
                    }
                };
                if !recursive {
                    crate::sorting::sort_by(&mut paths, |a, b| rank(a).cmp(&rank(b)).then(a.cmp(b)));
                }
                let mut out = String::new();
                let mut err = String::new();
                // On a terminal, names go in columns (BusyBox's or GNU's), unless -1.
                let columns = self.terminal && !long && !flags.contains('1');
                let layout = |named: &[(&[String], &Node, &str)]| -> String {
                    let names: Vec<String> = blocks(named).iter().zip(named).map(|(b, (_, _, n))| format!("{b}{n}")).collect();
                    match (columns, self.flavour) {
                        (false, _) => names.iter().map(|n| format!("{n}\n")).collect(),
                        (true, Flavour::Busybox) => crate::listing::busybox_columns(&names, 80),
                        (true, _) => crate::listing::columns(&names, 80),
                    }
                };
                // The file operands, listed together before the directories.
                let mut files: Vec<(&[String], &Node, &str)> = Vec::new();
                // A symlink is listed itself with -l or -d, followed otherwise.
                let shown_keys: Vec<PathKey> = paths.iter().map(|p| if long || itself { self.resolve(p) } else { self.root.follow(self.resolve(p)) }).collect();
                for (n, (p, shown)) in paths.iter().zip(&shown_keys).enumerate() {
                    let key = self.resolve(p);
                    let node = if shown.is_empty() { None } else { self.root.get(shown) };
                    match node {
                        None if !shown.is_empty() => err.push_str(&format!("ls: {p}: No such file or directory\n")),
                        Some(node) if itself || !self.root.get(&self.root.follow(key.clone())).is_some_and(Node::is_dir) => {
                            let entry = [(shown.as_slice(), node, *p)];
                            if long {
                                out.push_str(&blocks(&entry).concat());
                                out.push_str(&self.long_lines(&entry, (human, numeric)));
                            } else {
                                files.push(entry[0]);
                            }
                        }
                        _ => {
                            out.push_str(&layout(&std::mem::take(&mut files)));
                            let dir = self.root.follow(key);
                            let mut entries: Vec<(&PathKey, &Node)> = self.root.descendants(&dir).filter(|(k, _)| k.len() == dir.len() + 1).filter(|(k, _)| all || k.last().is_some_and(|n| !n.starts_with('.'))).collect();
                            // -S: largest first (a directory counts 4096); -t: every time is the epoch, so by name; -r: reversed.
                            if flags.contains('S') {
                                crate::sorting::sort_by(&mut entries, |a, b| (if b.1.is_dir() { 4096 } else { b.1.size() }).cmp(&(if a.1.is_dir() { 4096 } else { a.1.size() })).then(a.0.cmp(b.0)));
                            }
                            if flags.contains('r') {
                                entries.reverse();
                            }
                            if several {
                                out.push_str(&format!("{}{p}:\n", if n > 0 { "\n" } else { "" }));
                            }
                            if long || sizes {
                                let blocks: u64 = entries.iter().map(|(_, e)| kib_blocks(e)).sum::<u64>() + if dots { 8 } else { 0 };
                                let total = if human && self.flavour == Flavour::Dash { human_size(blocks * 1024, false) } else { blocks.to_string() };
                                out.push_str(&format!("total {total}\n"));
                            }
                            let mut named: Vec<(&[String], &Node, &str)> = Vec::new();
                            // -a lists the directory itself and its parent first (the root is its own parent).
                            let root_node = Node::dir(0o755);
                            let parent = &dir[..dir.len().saturating_sub(1)];
                            if dots {
                                named.push((&dir, self.root.get(&dir).unwrap_or(&root_node), "."));
                                named.push((parent, self.root.get(parent).unwrap_or(&root_node), ".."));
                            }
                            named.extend(entries.iter().map(|(k, e)| (k.as_slice(), *e, k.last().map(String::as_str).unwrap_or_default())));
                            if long {
                                let lines = self.long_lines(&named, (human, numeric));
                                out.extend(blocks(&named).iter().zip(lines.split_inclusive('\n')).map(|(b, l)| format!("{b}{l}")));
                            } else {
                                out.push_str(&layout(&named));
                            }
                        }
                    }
                }
                out.push_str(&layout(&files));
                // GNU ls: 2 when an operand cannot be reached ("serious trouble"); BusyBox: 1.
                let status = match (err.is_empty(), self.flavour) {
                    (true, _) => 0,
                    (false, Flavour::Dash) => 2,
                    (false, _) => 1,
                };
                // ls looks at every operand before it lists: what is missing is said first.
                self.errors_first = !err.is_empty();
                (status, out, err)
            }
            "wc" => {
                let names: Vec<&str> = args.iter().filter(|a| !a.starts_with('-') || **a == "-").copied().collect();
                let gnu = self.flavour == Flavour::Dash;
                let mut err = String::new();
                let texts: Vec<(String, &str)> = if names.is_empty() {
                    vec![(stdin.to_string(), "")]
                } else {
                    let mut parts = Vec::new();
                    for a in &names {
                        match self.read_operand(a, stdin) {
                            Ok(b) => parts.push((String::from_utf8_lossy(&b).into_owned(), *a)),
                            // GNU wc goes on with the other files.
                            Err(e) if gnu => err.push_str(&format!("wc: {e}\n")),
                            Err(e) => return fail(1, format!("wc: {e}\n")),
                        }
                    }
                    parts
                };
                // -l -w -m -c -L (lines, words, characters, bytes, longest line), in that order; none: -lwc.
                let mut flags: String = args.iter().filter(|a| a.starts_with('-') && a.len() > 1).flat_map(|a| a.chars().skip(1)).collect();
                if let Some(bad) = flags.chars().find(|c| !"lwmcL".contains(*c)) {
                    return unrecognized("wc", bad, "lwmcL");
                }
                if flags.is_empty() {
                    flags.push_str("lwc");
                }
                let shown: Vec<usize> = "lwmcL".chars().enumerate().filter(|(_, f)| flags.contains(*f)).map(|(i, _)| i).collect();
                // Column widths: GNU's are as wide as the files' total size (7 with standard input among
                // them), none for one count of one input; BusyBox's are 7.
                let piped = texts.iter().any(|(_, n)| n.is_empty() || *n == "-");
                let width = match (gnu, shown.len() == 1 && texts.len() == 1, piped) {
                    (_, true, _) => 1,
                    (true, false, false) => texts.iter().map(|(t, _)| t.len()).sum::<usize>().to_string().len(),
                    _ => 7,
                };
                // Each file's counts followed by its name (none for standard input), then a total for several.
                let line = |counts: &[usize; 5], name: &str| {
                    let counts = match shown.as_slice() {
                        [one] if !gnu => counts[*one].to_string(),
                        many => many.iter().map(|i| format!("{:>width$}", counts[*i])).collect::<Vec<_>>().join(" "),
                    };
                    if name.is_empty() { format!("{counts}\n") } else { format!("{counts} {name}\n") }
                };
                let counts: Vec<[usize; 5]> = texts.iter().map(|(t, _)| [t.matches('\n').count(), t.split_whitespace().count(), t.chars().count(), t.len(), t.lines().map(|l| l.chars().count()).max().unwrap_or(0)]).collect();
                let mut text: String = counts.iter().zip(&texts).map(|(n, (_, name))| line(n, name)).collect();
                if counts.len() > 1 {
                    let mut total = [0; 5];
                    for n in &counts {
                        for (i, v) in n.iter().enumerate() {
                            total[i] = if i == 4 { total[i].max(*v) } else { total[i] + v };
                        }
                    }
                    text.push_str(&line(&total, "total"));
                }
                (i32::from(!err.is_empty()), text, err)
            }
            "head" | "tail" => self.head_tail(&cmd, &args, stdin),
            "grep" | "egrep" | "fgrep" => self.grep(&cmd, &args, stdin),
            "sed" => {
                let gnu = self.flavour == Flavour::Dash;
                crate::sed::run(&args, stdin, self, gnu)
            }
            "find" => self.find(&args),
            "awk" => {
                let busybox = self.flavour == Flavour::Busybox;
                crate::awk::run(&args, stdin, self, busybox)
            }
            "stat" => self.stat(&args),
            "mktemp" => self.mktemp(&args),
            "getent" => self.getent(&args),
            "xargs" => {
                // xargs [-r] [-n N] [-I R] [CMD ARGS…]: stdin's words as CMD's arguments.
                let (mut batch, mut replace, mut skip_empty, mut i) = (usize::MAX, None, false, 0);
                while let Some(a) = args.get(i) {
                    match *a {
                        "-r" | "--no-run-if-empty" => skip_empty = true,
                        "-n" => {
                            batch = args.get(i + 1).and_then(|n| n.parse().ok()).filter(|n| *n > 0).unwrap_or(1);
                            i += 1;
                        }
                        n if n.starts_with("-n") && n.len() > 2 => batch = n[2..].parse().ok().filter(|n| *n > 0).unwrap_or(1),
                        "-I" => {
                            replace = args.get(i + 1).map(|r| r.to_string());
                            i += 1;
                        }
                        f if f.starts_with('-') => return fail(1, format!("xargs: unrecognized option: {f} (Layer Lab's xargs knows -r, -n and -I)\n")),
                        _ => break,
                    }
                    i += 1;
                }
                let command: Vec<String> = if i < args.len() { args[i..].iter().map(|a| a.to_string()).collect() } else { vec!["echo".to_string()] };
                // -I: one call per input line, R replaced; else the words, N at a time.
                let calls: Vec<Vec<String>> = match &replace {
                    Some(r) => stdin.lines().filter(|l| !l.is_empty()).map(|l| command.iter().map(|w| w.replace(r.as_str(), l)).collect()).collect(),
                    None => {
                        let words: Vec<&str> = stdin.split_whitespace().collect();
                        if words.is_empty() {
                            if skip_empty { vec![] } else { vec![command.clone()] }
                        } else {
                            words.chunks(batch.min(words.len())).map(|chunk| command.iter().cloned().chain(chunk.iter().map(|w| w.to_string())).collect()).collect()
                        }
                    }
                };
                let (mut status, mut out, mut err) = (0, String::new(), String::new());
                for call in calls {
                    let (code, o, e) = self.builtin(&call, "");
                    out.push_str(&o);
                    err.push_str(&e);
                    if code != 0 {
                        status = 123;
                    }
                }
                (status, out, err)
            }
            "dd" => {
                let opt = |k: &str| args.iter().find_map(|a| a.strip_prefix(k));
                let size = |v: &str| -> Option<u64> {
                    let (num, mult) = match v.chars().last()? {
                        'K' | 'k' => (&v[..v.len() - 1], 1024),
                        'M' => (&v[..v.len() - 1], 1024 * 1024),
                        'G' => (&v[..v.len() - 1], 1024 * 1024 * 1024),
                        _ => (v, 1),
                    };
                    num.parse::<u64>().ok().map(|n| n * mult)
                };
                let bs = opt("bs=").and_then(size).unwrap_or(512);
                let count = opt("count=").and_then(|c| c.parse::<u64>().ok()).unwrap_or(1);
                let total = bs.saturating_mul(count);
                if opt("if=").is_some_and(|i| i != "/dev/zero" && i != "/dev/urandom") {
                    return fail(1, "dd: only if=/dev/zero and if=/dev/urandom are simulated\n".into());
                }
                let Some(of) = opt("of=") else { return fail(1, "dd: of=FILE is needed here (no terminal output)\n".into()) };
                let key = self.resolve(of);
                let node = if opt("if=") == Some("/dev/urandom") {
                    Node::synthetic(total, total ^ 0x5eed, 0o644)
                } else if total <= 64 * 1024 * 1024 {
                    Node::file(vec![0; usize::try_from(total).unwrap_or(0)], 0o644)
                } else {
                    return fail(1, "dd: Layer Lab keeps at most 64 MiB from /dev/zero (if=/dev/urandom is not limited)\n".into());
                };
                match self.root.insert(key, node) {
                    Ok(()) => (0, String::new(), format!("{count}+0 records in\n{count}+0 records out\n{total} bytes copied\n")),
                    Err(e) => fail(1, format!("dd: {e}\n")),
                }
            }
            "adduser" | "addgroup" | "deluser" | "delgroup" if self.flavour == Flavour::Dash => {
                fail(1, format!("{cmd}: Debian's {cmd} (a Perl script with its own options) is not simulated in this version of Layer Lab; useradd, groupadd, usermod, userdel and groupdel are\n"))
            }
            "adduser" => self.busybox_adduser(&args),
            "addgroup" => self.busybox_addgroup(&args),
            "deluser" | "delgroup" | "userdel" | "groupdel" if (self.flavour == Flavour::Dash) == cmd.ends_with("del") => self.delete_account(&cmd, &args),
            "useradd" | "groupadd" | "usermod" if self.flavour == Flavour::Dash => self.shadow_account(&cmd, &args),
            "tar" => self.tar(&args),
            "test" | "[" => {
                let args: Vec<&str> = if cmd == "[" { args.strip_suffix(&["]"]).unwrap_or(&args).to_vec() } else { args.clone() };
                match self.test(&args) {
                    Some(true) => ok(String::new()),
                    Some(false) => fail(1, String::new()),
                    None => fail(2, format!("{cmd}: syntax error\n")),
                }
            }
            // nginx's own options: version, configuration test, signals to the running master.
            "nginx" if self.find_in_path("nginx").is_some() => {
                let (status, out, err, signal) = crate::nginx::command(self.root, &words[1..], crate::nginx::version(&self.env), self.network.map(|b| b.now));
                if let (Some(signal), Some(bridge)) = (signal, self.network) {
                    bridge.signals.borrow_mut().push(signal);
                }
                (status, out, err)
            }
            "curl" | "wget" if self.network.is_some() && (cmd == "curl" && self.find_in_path("curl").is_some() || cmd == "wget" && self.flavour == Flavour::Busybox) => self.http_client(&cmd, &words[1..]),
            "apk" if self.root.get(&components("/sbin/apk")).is_some() => {
                let (code, out) = crate::packages::apk(self.root, &args);
                (code, out, String::new())
            }
            "apt-get" | "apt" if self.root.get(&components("/usr/bin/apt-get")).is_some() => {
                let (code, out) = crate::packages::apt_get(self.root, &args);
                (code, out, String::new())
            }
            "apk" | "apt-get" | "apt" => fail(127, self.not_found(&cmd)),
            "yum" | "dnf" | "microdnf" | "pip" | "npm" => fail(
                1,
                format!("{cmd}: installing packages with {cmd} is not simulated in this version of Layer Lab\n"),
            ),
            _ => match self.run_file(words) {
                Some(result) => result,
                None if NETWORK_APPLETS.contains(&cmd.as_str()) && self.flavour == Flavour::Busybox => no_network(&cmd),
                None if UNSIMULATED.contains(&cmd.as_str()) && standard_utility(self.root, &cmd) => {
                    let shell = if self.direct { String::new() } else { format!("{}: ", self.arg0) };
                    fail(127, format!("{shell}{cmd}: the image has it, but Layer Lab does not simulate it in this version\n"))
                }
                None => fail(127, self.not_found(&cmd)),
            },
        }
    }

    /// `curl` (a package's) or BusyBox's `wget`, over the bridge: what they
    /// save goes into the container's files.
    fn http_client(&mut self, cmd: &str, args: &[String]) -> (i32, String, String) {
        let Some(bridge) = self.network else { return no_network(cmd) };
        let run = {
            let view: &Tree = self.root;
            let mut fetch = |req: &crate::http::Request| bridge.fetch(view, req);
            if cmd == "curl" {
                crate::http::curl(args, crate::http::CONTAINER_CURL, &mut fetch)
            } else {
                let exists = |name: &str| view.get(&components(&if name.starts_with('/') { name.to_string() } else { format!("{}/{name}", self.cwd) })).is_some();
                crate::http::busybox_wget(args, &exists, &mut fetch)
            }
        };
        let mut err = run.err;
        let mut status = run.status;
        for (name, bytes) in run.files {
            if let Err(e) = self.write(&name, &bytes, false) {
                err.push_str(&format!("{cmd}: can't open '{name}': {e}\n"));
                status = if cmd == "curl" { 23 } else { 1 };
            }
        }
        (status, String::from_utf8_lossy(&run.out).into_owned(), err)
    }

    /// Runs `f` on each path; errors are printed as `cmd: message`.
    fn each<F>(&mut self, paths: &[&str], cmd: &str, mut f: F) -> (i32, String, String)
    where
        F: FnMut(&mut Shell<'a>, &str) -> Result<(), String>,
    {
        let mut err = String::new();
        for p in paths {
            if let Err(e) = f(self, p) {
                err.push_str(&format!("{cmd}: {e}\n"));
            }
        }
        (i32::from(!err.is_empty()), String::new(), err)
    }

    /// cut, tr, sort and uniq: line filters over files or stdin.
    fn text_filter(&mut self, cmd: &str, args: &[&str], stdin: &str) -> (i32, String, String) {
        // Options (with their values) first, then file names.
        let (mut opts, mut files): (Vec<(char, String)>, Vec<&str>) = (Vec::new(), Vec::new());
        let mut i = 0;
        while let Some(a) = args.get(i) {
            i += 1;
            match a.strip_prefix('-').filter(|o| !o.is_empty()) {
                // Options with a value, attached or the next word: cut -d -f -c (-b is -c: the text is characters), sort -k -t.
                Some(o) if matches!((cmd, o.chars().next()), ("cut", Some('d' | 'f' | 'c' | 'b')) | ("sort", Some('k' | 't'))) => {
                    let flag = o.chars().next().map(|c| if c == 'b' { 'c' } else { c }).unwrap_or('f');
                    let value = if o.len() > 1 { o[1..].to_string() } else { args.get(i).map_or(String::new(), |v| v.to_string()) };
                    if o.len() == 1 {
                        i += 1;
                    }
                    opts.push((flag, value));
                }
                Some(o) if cmd != "tr" || files.is_empty() => opts.extend(o.chars().map(|c| (c, String::new()))),
                _ => files.push(a),
            }
        }
        let known = match cmd {
            "cut" => "dfcsb",
            "tr" => "dsc",
            "sort" => "nrufbskt",
            _ => "cdu",
        };
        if let Some((bad, _)) = opts.iter().find(|(c, _)| !known.contains(*c)) {
            return unrecognized(cmd, *bad, known);
        }
        let has = |c: char| opts.iter().any(|(f, _)| *f == c);
        let value = |c: char| opts.iter().rev().find(|(f, _)| *f == c).map(|(_, v)| v.clone());
        let input = if cmd == "tr" || files.is_empty() {
            stdin.to_string()
        } else {
            let mut text = String::new();
            for f in &files {
                match self.read(f) {
                    Ok(b) => text.push_str(&String::from_utf8_lossy(&b)),
                    Err(e) => return (1, String::new(), format!("{cmd}: {e}\n")),
                }
            }
            text
        };
        let lines: Vec<&str> = input.lines().collect();
        let out: String = match cmd {
            "cut" => {
                let (list, by_char) = match (value('f'), value('c')) {
                    (Some(l), _) => (l, false),
                    (None, Some(l)) => (l, true),
                    _ => return (1, String::new(), "cut: expected a list of bytes, characters, or fields\n".into()),
                };
                let Some(ranges) = cut_list(&list) else {
                    return (1, String::new(), format!("cut: invalid field list '{list}'\n"));
                };
                let delimiter = value('d').and_then(|d| d.chars().next()).unwrap_or('\t');
                let keep = |n: usize| ranges.iter().any(|(a, b)| n >= *a && n <= *b);
                lines
                    .iter()
                    .filter(|l| by_char || !has('s') || l.contains(delimiter))
                    .map(|l| {
                        let picked: Vec<String> = if by_char {
                            vec![l.chars().enumerate().filter(|(n, _)| keep(n + 1)).map(|(_, c)| c).collect()]
                        } else if !l.contains(delimiter) {
                            vec![l.to_string()]
                        } else {
                            l.split(delimiter).enumerate().filter(|(n, _)| keep(n + 1)).map(|(_, f)| f.to_string()).collect()
                        };
                        format!("{}\n", picked.join(&delimiter.to_string()))
                    })
                    .collect()
            }
            "tr" => {
                let sets: Vec<Vec<char>> = files.iter().map(|f| tr_set(f)).collect();
                let Some(from) = sets.first() else {
                    return (1, String::new(), "tr: missing operand\n".into());
                };
                let to = sets.get(1);
                let mut out = String::new();
                // -c: the characters not in the first set (each becomes the second set's last).
                let complement = has('c');
                for c in input.chars() {
                    let at = from.iter().position(|x| *x == c);
                    let at = if complement { if at.is_some() { None } else { Some(usize::MAX) } } else { at };
                    let mapped = match at {
                        Some(_) if has('d') => continue,
                        Some(i) => to.and_then(|t| t.get(i).or(t.last())).copied().unwrap_or(c),
                        None => c,
                    };
                    let squeeze = if has('d') { to } else { to.or(Some(from)) };
                    if has('s') && out.ends_with(mapped) && squeeze.is_some_and(|s| s.contains(&mapped)) {
                        continue;
                    }
                    out.push(mapped);
                }
                return (0, out, String::new());
            }
            "sort" => {
                // Keys: -k F1[.C1][OPTS][,F2[.C2][OPTS]], fields split at -t's character or where blanks begin.
                let separator = value('t').and_then(|t| t.chars().next());
                let fields = |l: &str| -> Vec<(usize, usize)> {
                    let b: Vec<(usize, char)> = l.char_indices().collect();
                    let mut spans = Vec::new();
                    let mut start = 0;
                    for (k, (i, c)) in b.iter().enumerate() {
                        let split = match separator {
                            Some(t) => *c == t,
                            None => !c.is_whitespace() && k > 0 && b[k - 1].1.is_whitespace() && b[..k].iter().any(|(_, p)| !p.is_whitespace()),
                        };
                        if split {
                            spans.push((start, *i));
                            start = if separator.is_some() { i + c.len_utf8() } else { *i };
                            if separator.is_none() {
                                // A blank-split field keeps its leading blanks: they start the next one.
                                let blanks = b[..k].iter().rev().take_while(|(_, p)| p.is_whitespace()).count();
                                let at = b[k - blanks].0;
                                if let Some(last) = spans.last_mut() {
                                    last.1 = at;
                                }
                                start = at;
                            }
                        }
                    }
                    spans.push((start, l.len()));
                    spans
                };
                struct Key { from: (usize, usize), to: Option<(usize, usize)>, opts: String }
                let spec = |p: &str| -> Option<((usize, usize), String)> {
                    let end = p.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(p.len());
                    let (pos, opts) = p.split_at(end);
                    let (f, c) = pos.split_once('.').unwrap_or((pos, "0"));
                    Some(((f.parse().ok().filter(|f| *f > 0)?, c.parse().ok()?), opts.to_string()))
                };
                let mut keys = Vec::new();
                for (_, k) in opts.iter().filter(|(f, _)| *f == 'k') {
                    let (a, b) = k.split_once(',').map_or((k.as_str(), None), |(a, b)| (a, Some(b)));
                    let parsed = spec(a).map(|(from, o)| (from, o, b.map(spec)));
                    match parsed {
                        Some((from, o, None)) => keys.push(Key { from, to: None, opts: o }),
                        Some((from, o, Some(Some((to, o2))))) => keys.push(Key { from, to: Some(to), opts: o + &o2 }),
                        _ => return (2, String::new(), format!("sort: invalid number at field start: invalid count at start of '{k}'\n")),
                    }
                }
                let key_text = |l: &'_ str, k: &Key| -> String {
                    let f = fields(l);
                    let pick = |(field, ch): (usize, usize), end: bool| -> usize {
                        match f.get(field - 1) {
                            None => l.len(),
                            Some((s, e)) if ch == 0 => if end { *e } else { *s },
                            Some((s, e)) => l[*s..*e].char_indices().nth(ch - if end { 0 } else { 1 }).map_or(*e, |(i, _)| s + i),
                        }
                    };
                    let start = pick(k.from, false);
                    let end = k.to.map_or(l.len(), |t| pick(t, true)).max(start);
                    let text = &l[start..end];
                    if k.opts.contains('b') || has('b') { text.trim_start().to_string() } else { text.to_string() }
                };
                let number = |l: &str| -> f64 {
                    let t = l.trim_start();
                    let end = t.char_indices().find(|(i, c)| !(c.is_ascii_digit() || *c == '.' || (*i == 0 && *c == '-'))).map_or(t.len(), |(i, _)| i);
                    t[..end].parse().unwrap_or(0.0)
                };
                let compare = |a: &str, b: &str, o: &str| -> std::cmp::Ordering {
                    let order = if o.contains('n') || (o.is_empty() && has('n')) {
                        number(a).partial_cmp(&number(b)).unwrap_or(std::cmp::Ordering::Equal)
                    } else if o.contains('f') || (o.is_empty() && has('f')) {
                        a.to_uppercase().cmp(&b.to_uppercase())
                    } else {
                        a.cmp(b)
                    };
                    if o.contains('r') { order.reverse() } else { order }
                };
                let mut sorted: Vec<&str> = lines.clone();
                let whole = |a: &str, b: &str| if has('s') || has('u') { std::cmp::Ordering::Equal } else { a.cmp(b) };
                crate::sorting::sort_by(&mut sorted, |a, b| {
                    let by_keys = keys.iter().fold(std::cmp::Ordering::Equal, |o, k| o.then_with(|| compare(&key_text(a, k), &key_text(b, k), &k.opts)));
                    let by_keys = if keys.is_empty() { compare(a, b, "") } else { by_keys };
                    // The last resort compares whole lines, unless -s (stable) or -u.
                    let order = by_keys.then_with(|| if has('n') || has('f') || !keys.is_empty() { whole(a, b) } else { std::cmp::Ordering::Equal });
                    if has('r') { order.reverse() } else { order }
                });
                if has('u') {
                    // Lines whose keys are equal are one.
                    sorted.dedup_by(|a, b| if keys.is_empty() { compare(a, b, "") == std::cmp::Ordering::Equal } else { keys.iter().all(|k| compare(&key_text(a, k), &key_text(b, k), &k.opts) == std::cmp::Ordering::Equal) });
                }
                sorted.iter().map(|l| format!("{l}\n")).collect()
            }
            _ => {
                // uniq: runs of equal adjacent lines.
                let mut out = String::new();
                let mut k = 0;
                while k < lines.len() {
                    let run = lines[k..].iter().take_while(|l| **l == lines[k]).count();
                    if (!has('d') || run > 1) && (!has('u') || run == 1) {
                        out.push_str(&if has('c') { format!("{run:>7} {}\n", lines[k]) } else { format!("{}\n", lines[k]) });
                    }
                    k += run;
                }
                out
            }
        };
        (0, out, String::new())
    }

    fn tar(&mut self, args: &[&str]) -> (i32, String, String) {
        let fail = |e: String| (1, String::new(), format!("tar: {e}\n"));
        let (mut mode, mut file, mut gzip, mut dir, mut verbose) = (None, None, false, None, false);
        let mut paths = Vec::new();
        let mut it = args.iter();
        let mut first = true;
        while let Some(a) = it.next() {
            let bundle = match a.strip_prefix('-') {
                Some(f) if !f.starts_with('-') => Some(f),
                None if first && !a.is_empty() && a.chars().all(|c| "cxtvzfCpo".contains(c)) => Some(*a),
                _ => None,
            };
            first = false;
            if let Some(flags) = bundle {
                for ch in flags.chars() {
                    match ch {
                        'c' | 'x' | 't' => mode = Some(ch),
                        'z' => gzip = true,
                        'v' => verbose = true,
                        'p' | 'o' => {}
                        'f' => file = it.next().copied(),
                        'C' => dir = it.next().copied(),
                        other => return (1, String::new(), format!("tar: invalid option -- '{other}'\n")),
                    }
                }
                continue;
            }
            match a.split_once('=') {
                Some(("--file", v)) => file = Some(v),
                Some(("--directory", v)) => dir = Some(v),
                _ if *a == "--gzip" => gzip = true,
                _ if a.starts_with("--") => return (1, String::new(), format!("tar: unrecognized option '{a}'\n")),
                _ => paths.push(*a),
            }
        }
        let Some(file) = file.filter(|f| *f != "-") else {
            return fail("this terminal has no pipes for archives: name one with -f FILE".to_string());
        };
        let base = self.resolve(dir.unwrap_or("."));
        match mode {
            Some('c') => {
                if paths.is_empty() {
                    return fail("empty archive".to_string());
                }
                // Names in the archive are relative to -C (or the working directory).
                let mut sub = Tree::new();
                for (k, n) in self.root.descendants(&base) {
                    let _ = sub.insert(k[base.len()..].to_vec(), n.clone()); // ok: parents come first
                }
                let keys: Vec<PathKey> = paths.iter().map(|p| components(p)).collect();
                let tar = match crate::layer::pack(&sub, &keys) {
                    Ok(t) => t,
                    Err(e) => return fail(e),
                };
                let bytes = if gzip {
                    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                    let _ = std::io::Write::write_all(&mut enc, &tar);
                    enc.finish().unwrap_or_default()
                } else {
                    tar
                };
                let listing = if verbose { paths.iter().map(|p| format!("{p}\n")).collect() } else { String::new() };
                match self.write(file, &bytes, false) {
                    Ok(()) => (0, listing, String::new()),
                    Err(e) => fail(e),
                }
            }
            Some(m @ ('x' | 't')) => {
                let bytes = match self.read(file) {
                    Ok(b) => b,
                    Err(e) => return fail(e),
                };
                let tree = match crate::layer::unpack_archive(&bytes) {
                    Ok(Some(t)) => t,
                    Ok(None) => return fail("invalid tar magic".to_string()),
                    Err(e) => return fail(e),
                };
                let names: String = tree.iter().map(|(k, n)| format!("{}{}\n", k.join("/"), if n.is_dir() { "/" } else { "" })).collect();
                if m == 't' {
                    return (0, names, String::new());
                }
                for (k, n) in tree.iter() {
                    let mut target = base.clone();
                    target.extend_from_slice(k);
                    if n.is_dir() && self.root.get(&target).is_some_and(Node::is_dir) {
                        continue;
                    }
                    if let Err(e) = self.root.insert(target, n.clone()) {
                        return fail(e);
                    }
                }
                (0, if verbose { names } else { String::new() }, String::new())
            }
            _ => fail("need to specify one of -c, -t, -x".to_string()),
        }
    }

    fn mkdir(&mut self, path: &str, parents: bool) -> Result<(), String> {
        let key = self.resolve(path);
        match self.root.get(&key) {
            Some(n) if n.is_dir() && parents => return Ok(()),
            Some(_) => return Err(format!("can't create directory '{path}': File exists")),
            None => {}
        }
        let parent = &key[..key.len().saturating_sub(1)];
        if !parents && !parent.is_empty() && !self.root.get(parent).is_some_and(Node::is_dir) {
            return Err(format!("can't create directory '{path}': No such file or directory"));
        }
        if self.read_only(&key) {
            return Err(format!("can't create directory '{path}': Read-only file system"));
        }
        if !self.may_change(&key) {
            return Err(format!("can't create directory '{path}': Permission denied"));
        }
        self.root.insert(key.clone(), self.owned(Node::dir(0o755)))?;
        // Removed and made again in this layer: it hides what the layers below had.
        if self.removed_dirs.contains(&key) && !self.opaque.contains(&key) {
            self.opaque.push(key);
        }
        Ok(())
    }

    fn user_id(&self, name: &str, file: &str) -> Option<u32> {
        if let Ok(n) = name.parse() {
            return Some(n);
        }
        let text = self.system_file(file);
        text.lines().find_map(|l| {
            let mut f = l.split(':');
            (f.next()? == name).then(|| f.nth(1)?.parse().ok())?
        })
    }

    fn test(&self, args: &[&str]) -> Option<bool> {
        // The root is a directory though the tree keeps no node for it.
        let exists = |p: &str| {
            let key = self.root.follow(self.resolve(p));
            if key.is_empty() { Some(Node::dir(0o755)) } else { self.root.get(&key).cloned() }
        };
        Some(match args {
            [] => false,
            ["!", rest @ ..] => !self.test(rest)?,
            [s] => !s.is_empty(),
            ["-n", s] => !s.is_empty(),
            ["-z", s] => s.is_empty(),
            ["-e", p] => exists(p).is_some(),
            ["-f", p] => exists(p).is_some_and(|n| n.body().is_some()),
            ["-d", p] => exists(p).is_some_and(|n| n.is_dir()),
            ["-s", p] => exists(p).is_some_and(|n| n.size() > 0),
            ["-x", p] => exists(p).is_some_and(|n| n.mode & 0o111 != 0),
            ["-r", p] => exists(p).is_some() && self.may(&self.root.follow(self.resolve(p)), 4),
            ["-w", p] => exists(p).is_some() && self.may(&self.root.follow(self.resolve(p)), 2) && !self.read_only(&self.root.follow(self.resolve(p))),
            ["-L" | "-h", p] => self.root.get(&self.resolve(p)).is_some_and(|n| matches!(n.kind, Kind::Symlink(_))),
            // No devices, pipes or sockets in a layer's files; no terminal on fd 0-2 unless -t.
            ["-b" | "-c" | "-p" | "-S", _] => false,
            ["-t", fd] => self.terminal && matches!(*fd, "0" | "1" | "2"),
            ["(", inner @ .., ")"] if !inner.is_empty() => self.test(inner)?,
            [a, "=" | "==", b] => a == b,
            [a, "!=", b] => a != b,
            [a, "<", b] => a < b,
            [a, ">", b] => a > b,
            // Every file's time is the epoch: none is newer or older.
            [_, "-nt" | "-ot", _] => false,
            [a, "-ef", b] => exists(a).is_some() && self.root.follow(self.resolve(a)) == self.root.follow(self.resolve(b)),
            [a, "-a", b] => !a.is_empty() && !b.is_empty(),
            [a, "-o", b] => !a.is_empty() || !b.is_empty(),
            // -o binds looser than -a; both looser than the rest.
            _ if args.len() > 3 => {
                let (at, op) = ["-o", "-a"].iter().find_map(|op| (1..args.len() - 1).rev().find(|&i| args[i] == *op).map(|i| (i, *op)))?;
                let (left, right) = (self.test(&args[..at])?, self.test(&args[at + 1..])?);
                if op == "-o" { left || right } else { left && right }
            }
            [a, op @ ("-eq" | "-ne" | "-lt" | "-le" | "-gt" | "-ge"), b] => {
                let (a, b): (i64, i64) = (a.parse().ok()?, b.parse().ok()?);
                match *op {
                    "-eq" => a == b,
                    "-ne" => a != b,
                    "-lt" => a < b,
                    "-le" => a <= b,
                    "-gt" => a > b,
                    _ => a >= b,
                }
            }
            _ => return None,
        })
    }
}

/// grep's pattern: a fixed string with optional `^` and `$` anchors.
/// `cut`'s LIST (`1,3-5,7-`) as 1-based inclusive ranges.
fn cut_list(list: &str) -> Option<Vec<(usize, usize)>> {
    list.split(',')
        .map(|part| {
            let (a, b) = part.split_once('-').unwrap_or((part, part));
            let a = if a.is_empty() { 1 } else { a.parse().ok().filter(|n| *n > 0)? };
            let b = if b.is_empty() { usize::MAX } else { b.parse().ok()? };
            Some((a, b))
        })
        .collect()
}

/// `tr`'s SET: characters, `a-z` ranges, `[:lower:]`-style classes, `\n` and `\t`.
fn tr_set(spec: &str) -> Vec<char> {
    let classes = [
        ("[:lower:]", ('a'..='z').collect::<Vec<_>>()),
        ("[:upper:]", ('A'..='Z').collect()),
        ("[:digit:]", ('0'..='9').collect()),
        ("[:alpha:]", ('a'..='z').chain('A'..='Z').collect()),
        ("[:alnum:]", ('a'..='z').chain('A'..='Z').chain('0'..='9').collect()),
        ("[:space:]", vec![' ', '\t', '\n', '\r', '\u{b}', '\u{c}']),
    ];
    let mut out = Vec::new();
    let mut rest = spec;
    'next: while !rest.is_empty() {
        for (name, set) in &classes {
            if let Some(r) = rest.strip_prefix(name) {
                out.extend(set);
                rest = r;
                continue 'next;
            }
        }
        let mut chars = rest.chars();
        let c = match chars.next() {
            Some('\\') => match chars.next() {
                Some('n') => '\n',
                Some('t') => '\t',
                Some('r') => '\r',
                Some('a') => '\u{7}',
                Some('b') => '\u{8}',
                Some('f') => '\u{c}',
                Some('v') => '\u{b}',
                // \NNN: up to three octal digits (`tr '\0' '|'`).
                Some(d @ '0'..='7') => {
                    let mut n = d.to_digit(8).unwrap_or(0);
                    for _ in 0..2 {
                        match chars.clone().next().and_then(|c| c.to_digit(8)) {
                            Some(x) if n * 8 + x <= 0o377 => {
                                n = n * 8 + x;
                                chars.next();
                            }
                            _ => break,
                        }
                    }
                    char::from_u32(n).unwrap_or('\0')
                }
                Some(other) => other,
                None => '\\',
            },
            Some(c) => c,
            None => break,
        };
        let after = chars.as_str();
        match (after.strip_prefix('-'), after.chars().nth(1)) {
            (Some(r), Some(end)) if end >= c => {
                out.extend(c..=end);
                rest = &r[end.len_utf8()..];
            }
            _ => {
                out.push(c);
                rest = after;
            }
        }
    }
    out
}

fn echo_flags<'b>(args: &'b [&'b str]) -> (bool, bool, &'b [&'b str]) {
    let (mut newline, mut escapes, mut i) = (true, false, 0);
    while let Some(a) = args.get(i) {
        match *a {
            "-n" => newline = false,
            "-e" => escapes = true,
            "-E" => escapes = false,
            "-ne" | "-en" => {
                newline = false;
                escapes = true;
            }
            _ => break,
        }
        i += 1;
    }
    (newline, escapes, &args[i..])
}

/// A size as `ls -h` prints it, in powers of 1024: BusyBox rounds to a
/// tenth (`97.7K`); GNU rounds up, with a tenth below 10 (`98K`, `4.0K`).
pub fn human_size(size: u64, busybox: bool) -> String {
    const UNITS: [&str; 6] = ["K", "M", "G", "T", "P", "E"];
    if size < 1024 {
        return size.to_string();
    }
    let (mut value, mut unit) = (size as f64 / 1024.0, 0);
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if busybox {
        return format!("{value:.1}{}", UNITS[unit]);
    }
    let tenths = (value * 10.0).ceil() / 10.0;
    match (tenths < 10.0, value.ceil()) {
        (true, _) => format!("{tenths:.1}{}", UNITS[unit]),
        (false, c) if c >= 1024.0 && unit + 1 < UNITS.len() => format!("1.0{}", UNITS[unit + 1]),
        (false, c) => format!("{}{}", c as u64, UNITS[unit]), // whole, below 1024
    }
}

/// Paths below a directory before the directory itself; otherwise by name
/// (the order `du` lists and `rm -rv` removes).
fn children_first(a: &[String], b: &[String]) -> std::cmp::Ordering {
    match (a.starts_with(b), b.starts_with(a)) {
        (true, false) => std::cmp::Ordering::Less,
        (false, true) => std::cmp::Ordering::Greater,
        _ => a.cmp(b),
    }
}

/// The `unrecognized option` error of a utility that knows the one-letter options in `known`.
fn unrecognized(cmd: &str, bad: char, known: &str) -> (i32, String, String) {
    let list: Vec<String> = known.chars().map(|c| format!("-{c}")).collect();
    (1, String::new(), format!("{cmd}: unrecognized option: {bad} (Layer Lab's {cmd} knows {})\n", list.join(" ")))
}

/// Whether bash would brace-expand `raw`: an unquoted `{…}` (not `${…}`)
/// holding a `,` or `..` (`{a,b}`, `{1..3}`); `{}` and `{x}` stay as written.
fn has_brace_expansion(raw: &str) -> bool {
    let chars: Vec<char> = raw.chars().collect();
    let (mut i, mut quote) = (0, None::<char>);
    while i < chars.len() {
        let c = chars[i];
        match (quote, c) {
            (None, '\\') => i += 1,
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '{') if i == 0 || chars[i - 1] != '$' => {
                if let Some(end) = chars[i + 1..].iter().position(|c| *c == '}') {
                    let inner: String = chars[i + 1..i + 1 + end].iter().collect();
                    if !inner.contains(['\'', '"', ' ', '$']) && (inner.contains(',') || inner.contains("..")) {
                        return true;
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    false
}

/// A `sleep` argument: a number (with a fraction or not), then `s`, `m`,
/// `h` or `d`; or `inf`.
pub fn valid_interval(arg: &str) -> bool {
    let number = arg.strip_suffix(['s', 'm', 'h', 'd']).unwrap_or(arg);
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    matches!(arg, "inf" | "infinity") || (!number.is_empty() && number != "." && (whole.bytes().chain(fraction.bytes())).all(|b| b.is_ascii_digit()))
}

/// A text utility (`grep`, `wc`, `sort`…) run over `stdin` outside any
/// container: the terminal's `docker ps | grep web`. Returns its status and
/// what it printed, its errors after its output.
pub fn filter(words: &[String], stdin: &str) -> (i32, String) {
    let (mut root, lower, mut opaque) = (Tree::new(), Tree::new(), Vec::new());
    let mut shell = Shell::new(&mut root, &lower, &mut opaque, "/", BTreeMap::new());
    shell.arg0 = "sh".to_string();
    let (status, out, err) = shell.builtin(words, stdin);
    (status, out + &err)
}

/// `text` in single quotes, as `set` and `export -p` print values.
fn sh_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\"'\"'"))
}

/// An octal mode, or `[ugoa]*[+-=][rwxXst]*[,…]` (`X`: execute for a
/// directory or a file someone may already execute).
fn chmod(spec: &str, mode: u32, dir: bool) -> Option<u32> {
    if !spec.is_empty() && spec.chars().all(|c| c.is_digit(8)) {
        return u32::from_str_radix(spec, 8).ok().filter(|m| *m <= 0o7777);
    }
    let mut mode = mode;
    for part in spec.split(',') {
        let op_at = part.find(['+', '-', '='])?;
        let (who, rest) = part.split_at(op_at);
        let op = rest.chars().next()?;
        let mut bits = 0;
        for c in rest[1..].chars() {
            bits |= match c {
                'r' => 0o444,
                'w' => 0o222,
                'x' => 0o111,
                'X' if dir || mode & 0o111 != 0 => 0o111,
                'X' => 0,
                's' => 0o6000,
                't' => 0o1000,
                _ => return None,
            };
        }
        let mask = if who.is_empty() || who.contains('a') {
            0o7777
        } else {
            who.chars().map(|c| match c {
                'u' => 0o4700,
                'g' => 0o2070,
                'o' => 0o1007,
                _ => 0,
            }).sum()
        };
        let bits = bits & mask;
        mode = match op {
            '+' => mode | bits,
            '-' => mode & !bits,
            _ => (mode & !mask) | bits,
        };
    }
    Some(mode)
}
