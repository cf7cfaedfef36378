//! `sed` as Dockerfiles use it: `sed -i 's/^#x/x/' FILE`, `-n`, `-e`,
//! `-E`; the commands `s` (flags `g`, `p`, `i`, a count), `d`, `p` and `q`,
//! each with an optional address (a line number, `$`, `/RE/`).

use crate::regex::Regex;

/// Where sed reads and writes files: the shell's tree.
pub trait Files {
    fn read(&mut self, path: &str) -> Result<String, String>;
    fn write(&mut self, path: &str, text: &str) -> Result<(), String>;
}

enum Address {
    Line(usize),
    Last,
    Match(Regex),
}

enum Action {
    /// Pattern, replacement, every match (`g`) or the Nth, print (`p`).
    Substitute(Regex, String, Option<usize>, bool),
    Delete,
    Print,
    Quit,
}

struct Cmd {
    address: Option<Address>,
    action: Action,
}

/// Runs sed; returns (status, stdout, stderr).
pub fn run(args: &[&str], stdin: &str, files: &mut dyn Files) -> (i32, String, String) {
    let fail = |e: String| (1, String::new(), format!("sed: {e}\n"));
    let (mut quiet, mut in_place, mut extended) = (false, false, false);
    let mut scripts = Vec::new();
    let mut operands = Vec::new();
    let mut i = 0;
    while let Some(a) = args.get(i) {
        i += 1;
        match *a {
            "-n" | "--quiet" | "--silent" => quiet = true,
            "-i" => in_place = true,
            "-E" | "-r" => extended = true,
            "-e" => match args.get(i) {
                Some(s) => {
                    scripts.push(s.to_string());
                    i += 1;
                }
                None => return fail("option requires an argument -- 'e'".into()),
            },
            // Grouped flags (`-ni`, `-Ei`).
            f if f.len() > 1 && f.starts_with('-') && f[1..].chars().all(|c| matches!(c, 'n' | 'i' | 'E' | 'r')) => {
                quiet |= f.contains('n');
                in_place |= f.contains('i');
                extended |= f.contains('E') || f.contains('r');
            }
            f if f.starts_with('-') && f.len() > 1 => return fail(format!("unknown option -- '{}'", &f[1..])),
            other => operands.push(other.to_string()),
        }
    }
    if scripts.is_empty() {
        if operands.is_empty() {
            return (1, String::new(), "Usage: sed [-inrE] [-e CMD]... [CMD] [FILE]...\n".into());
        }
        scripts.push(operands.remove(0));
    }
    let cmds = match parse(&scripts.join("\n"), extended) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    if operands.is_empty() {
        if in_place {
            return fail("no input files".into());
        }
        return (0, edit(&cmds, stdin, quiet), String::new());
    }
    let mut out = String::new();
    let mut joined = String::new();
    for path in &operands {
        let text = match files.read(path) {
            Ok(t) => t,
            Err(e) => return (2, out, format!("sed: {e}\n")),
        };
        if in_place {
            if let Err(e) = files.write(path, &edit(&cmds, &text, quiet)) {
                return (4, out, format!("sed: {e}\n"));
            }
        } else {
            joined.push_str(&text);
        }
    }
    if !in_place {
        out = edit(&cmds, &joined, quiet);
    }
    (0, out, String::new())
}

fn parse(script: &str, extended: bool) -> Result<Vec<Cmd>, String> {
    let chars: Vec<char> = script.chars().collect();
    let mut cmds = Vec::new();
    let mut i = 0;
    let skip = |i: &mut usize| {
        while chars.get(*i).is_some_and(|c| c.is_whitespace() || *c == ';') {
            *i += 1;
        }
    };
    loop {
        skip(&mut i);
        let Some(&c) = chars.get(i) else { break };
        let address = match c {
            '0'..='9' => {
                let start = i;
                while chars.get(i).is_some_and(char::is_ascii_digit) {
                    i += 1;
                }
                Some(Address::Line(chars[start..i].iter().collect::<String>().parse().map_err(|_| "invalid line number")?))
            }
            '$' => {
                i += 1;
                Some(Address::Last)
            }
            '/' => {
                let (re, next) = delimited(&chars, i + 1, '/').ok_or("unterminated address regex")?;
                i = next;
                Some(Address::Match(Regex::new(&re, extended, false)?))
            }
            _ => None,
        };
        while chars.get(i).is_some_and(|c| *c == ' ') {
            i += 1;
        }
        let command = *chars.get(i).ok_or("missing command")?;
        i += 1;
        let action = match command {
            'd' => Action::Delete,
            'p' => Action::Print,
            'q' => Action::Quit,
            's' => {
                let delimiter = *chars.get(i).ok_or("unterminated `s' command")?;
                if delimiter == '\\' || delimiter == '\n' {
                    return Err("unterminated `s' command".into());
                }
                let (pattern, next) = delimited(&chars, i + 1, delimiter).ok_or("unterminated `s' command")?;
                let (replacement, next) = delimited(&chars, next, delimiter).ok_or("unterminated `s' command")?;
                i = next;
                let (mut global, mut print, mut ignore_case, mut nth) = (false, false, false, 1);
                while let Some(&f) = chars.get(i) {
                    match f {
                        'g' => global = true,
                        'p' => print = true,
                        'i' | 'I' => ignore_case = true,
                        '0'..='9' => nth = f.to_digit(10).map_or(1, |d| d as usize),
                        ';' | '\n' | ' ' | '}' => break,
                        other => return Err(format!("unknown option to `s': {other}")),
                    }
                    i += 1;
                }
                Action::Substitute(Regex::new(&pattern, extended, ignore_case)?, replacement, (!global).then_some(nth), print)
            }
            other => return Err(format!("unsupported command {other} (Layer Lab's sed runs s, d, p and q)")),
        };
        cmds.push(Cmd { address, action });
    }
    Ok(cmds)
}

/// The text from `start` to the next `delimiter` not escaped, and the index
/// after it. `\DELIMITER` becomes the delimiter itself.
fn delimited(chars: &[char], start: usize, delimiter: char) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut i = start;
    while let Some(&c) = chars.get(i) {
        if c == delimiter {
            return Some((out, i + 1));
        }
        if c == '\\' && chars.get(i + 1) == Some(&delimiter) {
            out.push(delimiter);
            i += 2;
            continue;
        }
        if c == '\\' {
            out.push(c);
            if let Some(&n) = chars.get(i + 1) {
                out.push(n);
            }
            i += 2;
            continue;
        }
        out.push(c);
        i += 1;
    }
    None
}

fn edit(cmds: &[Cmd], text: &str, quiet: bool) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    'lines: for (n, line) in lines.iter().enumerate() {
        let mut space = line.to_string();
        for cmd in cmds {
            let hit = match &cmd.address {
                None => true,
                Some(Address::Line(l)) => *l == n + 1,
                Some(Address::Last) => n + 1 == lines.len(),
                Some(Address::Match(re)) => re.is_match(&space),
            };
            if !hit {
                continue;
            }
            match &cmd.action {
                Action::Delete => continue 'lines,
                Action::Print => out.push_str(&format!("{space}\n")),
                Action::Quit => {
                    if !quiet {
                        out.push_str(&format!("{space}\n"));
                    }
                    break 'lines;
                }
                Action::Substitute(re, replacement, nth, print) => {
                    let (changed, replaced) = substitute(re, &space, replacement, *nth);
                    space = changed;
                    if replaced && *print {
                        out.push_str(&format!("{space}\n"));
                    }
                }
            }
        }
        if !quiet {
            out.push_str(&format!("{space}\n"));
        }
    }
    out
}

/// `s/RE/REPLACEMENT/`: every match when `nth` is None, else the nth.
fn substitute(re: &Regex, line: &str, replacement: &str, nth: Option<usize>) -> (String, bool) {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::new();
    let (mut pos, mut count, mut replaced) = (0, 0, false);
    let mut previous_end = None;
    while pos <= chars.len() {
        let Some(groups) = re.find_at(&chars, pos) else { break };
        let Some((start, end)) = groups[0] else { break };
        if start == end && previous_end == Some(start) {
            // No empty match right after a match (`s/b*/X/g` on abc is XaXcX).
            out.extend(&chars[pos..(start + 1).min(chars.len())]);
            pos = start + 1;
            continue;
        }
        previous_end = (end > start).then_some(end);
        count += 1;
        out.extend(&chars[pos..start]);
        if nth.is_none_or(|n| n == count) {
            out.push_str(&expand(replacement, &groups, &chars));
            replaced = true;
        } else {
            out.extend(&chars[start..end]);
        }
        if end == start {
            // An empty match: keep the next character and move past it.
            if let Some(c) = chars.get(end) {
                out.push(*c);
            }
            pos = end + 1;
        } else {
            pos = end;
        }
        if nth.is_some_and(|n| count >= n) {
            break;
        }
    }
    if pos < chars.len() {
        out.extend(&chars[pos..]);
    }
    (out, replaced)
}

/// A replacement's `&`, `\1`…`\9`, `\n` and escapes.
fn expand(replacement: &str, groups: &[Option<(usize, usize)>], text: &[char]) -> String {
    let span = |g: usize| groups.get(g).copied().flatten().map(|(a, b)| text[a..b].iter().collect::<String>()).unwrap_or_default();
    let mut out = String::new();
    let mut chars = replacement.chars();
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str(&span(0)),
            '\\' => match chars.next() {
                Some(d @ '1'..='9') => out.push_str(&span(d.to_digit(10).map_or(0, |d| d as usize))),
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            },
            other => out.push(other),
        }
    }
    out
}
