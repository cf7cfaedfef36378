//! The Dockerfile parser, following BuildKit's `frontend/dockerfile/parser`:
//! parser directives, line continuations with the escape token, comments,
//! flags, and each instruction's argument rules. [`Node::dump`] prints the
//! AST in BuildKit's `Dump()` format, which the conformance tests compare
//! byte for byte with BuildKit's own test data.

use std::fmt::Write as _;

/// A node of the AST. The root has one child per instruction; an
/// instruction's arguments are `next`; ONBUILD's inner instruction is the
/// only child of its single argument node.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Node {
    pub value: String,
    pub next: Vec<Node>,
    pub children: Vec<Node>,
    pub flags: Vec<String>,
    /// The instruction line as read (continuations joined).
    pub original: String,
    /// The arguments were given as a JSON array.
    pub json: bool,
    pub start_line: usize,
    pub end_line: usize,
    /// `<<EOF` documents of RUN, COPY and ADD, in order.
    pub heredocs: Vec<Heredoc>,
}

/// A here-document: `<<EOF` (variables expanded), `<<"EOF"` (taken as is),
/// `<<-EOF` (leading tabs removed from its lines).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Heredoc {
    pub name: String,
    pub content: String,
    pub expand: bool,
    pub chomp: bool,
}

/// The heredoc markers among a line's words (`<<EOF`, `<<-'EOF'`).
pub fn heredoc_markers(line: &str) -> Vec<Heredoc> {
    let mut out = Vec::new();
    for word in line.split_whitespace() {
        // `2<<EOF` and `cat<<EOF` carry the marker inside the word.
        let Some(pos) = word.find("<<") else { continue };
        let rest = &word[pos + 2..];
        if rest.starts_with('<') {
            continue; // `<<<` is a here-string
        }
        let (chomp, rest) = match rest.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, rest),
        };
        let quoted = rest.len() >= 2 && ((rest.starts_with('"') && rest.ends_with('"')) || (rest.starts_with('\'') && rest.ends_with('\'')));
        let name = if quoted { &rest[1..rest.len() - 1] } else { rest };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/')) {
            continue;
        }
        out.push(Heredoc { name: name.to_string(), content: String::new(), expand: !quoted, chomp });
    }
    out
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "dockerfile parse error on line {}: {}", self.line, self.message)
    }
}

/// What the parser found besides the instructions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    pub root: Node,
    pub escape: char,
    pub syntax: Option<String>,
    pub warnings: Vec<String>,
}

struct Directives {
    escape: char,
    syntax: Option<String>,
    seen: Vec<String>,
    done: bool,
}

impl Directives {
    /// `# key=value` lines at the very top; the first other line ends them.
    fn possible_directive(&mut self, line: &str, line_no: usize) -> Result<(), ParseError> {
        if self.done {
            return Ok(());
        }
        let Some(rest) = line.strip_prefix('#') else {
            self.done = true;
            return Ok(());
        };
        let rest = rest.trim_start();
        let key_len = rest.chars().take_while(|c| c.is_ascii_alphanumeric()).count();
        let (key, after) = rest.split_at(key_len);
        let value = after.trim_start().strip_prefix('=').map(str::trim);
        let key_ok = key.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
        let (Some(value), true) = (value.filter(|v| !v.is_empty()), key_ok) else {
            self.done = true;
            return Ok(());
        };
        let key = key.to_ascii_lowercase();
        if !matches!(key.as_str(), "syntax" | "escape" | "check") {
            self.done = true;
            return Ok(());
        }
        if self.seen.contains(&key) {
            return Err(ParseError { line: line_no, message: format!("only one {key} parser directive can be used") });
        }
        self.seen.push(key.clone());
        match key.as_str() {
            "escape" => {
                self.escape = match value {
                    "\\" => '\\',
                    "`" => '`',
                    _ => return Err(ParseError { line: line_no, message: format!("invalid escape token '{value}' does not match ` or \\") }),
                }
            }
            "syntax" => self.syntax = Some(value.to_string()),
            _ => {}
        }
        Ok(())
    }
}

fn is_comment(line: &str) -> bool {
    line.trim_start().starts_with('#')
}

/// Removes a trailing escape token (and blanks after it); returns whether
/// the line ends the instruction. `\\` at the end (an escaped escape) does
/// not continue.
fn trim_continuation(line: &str, escape: char) -> (String, bool) {
    let trimmed = line.trim_end_matches([' ', '\t']);
    if let Some(before) = trimmed.strip_suffix(escape) {
        if before.is_empty() || !before.ends_with(escape) {
            return (before.to_string(), false);
        }
    }
    (line.to_string(), true)
}

/// Parses a Dockerfile.
pub fn parse(src: &str) -> Result<Parsed, ParseError> {
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let lines: Vec<&str> = src.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    // A final newline does not start another line.
    let count = if src.ends_with('\n') { lines.len() - 1 } else { lines.len() };
    let mut d = Directives { escape: '\\', syntax: None, seen: Vec::new(), done: false };
    let mut root = Node::default();
    let mut warnings = Vec::new();
    let mut i = 0;
    while i < count {
        let raw = lines[i];
        i += 1;
        let start = i;
        let token = raw.trim_start();
        d.possible_directive(token, start)?;
        let token = if token.starts_with('#') { "" } else { token };
        let (mut line, mut end_of_line) = trim_continuation(token, d.escape);
        if end_of_line && line.is_empty() {
            continue;
        }
        let mut empty_continuation = false;
        while !end_of_line && i < count {
            let next = lines[i];
            i += 1;
            d.possible_directive(next, i)?;
            if is_comment(next) {
                continue;
            }
            if next.trim_start().is_empty() {
                empty_continuation = true;
                continue;
            }
            let (more, end) = trim_continuation(next, d.escape);
            line.push_str(&more);
            end_of_line = end;
        }
        if empty_continuation {
            warnings.push(format!("Empty continuation line found in: {line}"));
        }
        let mut node = node_from_line(&line, d.escape).map_err(|message| ParseError { line: start, message })?;
        // RUN, COPY and ADD may read here-documents from the lines that follow.
        if matches!(node.value.to_ascii_lowercase().as_str(), "run" | "copy" | "add") && !node.json {
            for mut doc in heredoc_markers(&line) {
                let mut terminated = false;
                while i < count {
                    let body = lines[i];
                    i += 1;
                    let candidate = if doc.chomp { body.trim_start_matches('\t') } else { body };
                    if candidate == doc.name {
                        terminated = true;
                        break;
                    }
                    doc.content.push_str(candidate);
                    doc.content.push('\n');
                }
                if !terminated {
                    return Err(ParseError { line: start, message: format!("unterminated heredoc {}", doc.name) });
                }
                node.heredocs.push(doc);
            }
        }
        node.start_line = start;
        node.end_line = i;
        if root.children.is_empty() {
            root.start_line = start;
        }
        root.end_line = i;
        root.children.push(node);
    }
    if root.children.is_empty() {
        return Err(ParseError { line: count.max(1), message: "file with no instructions".to_string() });
    }
    Ok(Parsed { root, escape: d.escape, syntax: d.syntax, warnings })
}

fn is_go_space(c: char) -> bool {
    matches!(c, '\t' | '\u{0b}' | '\u{0c}' | '\r' | ' ')
}

/// Splits on `[\t\v\f\r ]+` (the input is already trimmed).
fn split_ws(s: &str) -> Vec<String> {
    s.split(is_go_space).filter(|w| !w.is_empty()).map(str::to_string).collect()
}

fn node_from_line(line: &str, escape: char) -> Result<Node, String> {
    let trimmed = line.trim();
    let (cmd, rest) = match trimmed.find(is_go_space) {
        Some(p) => (&trimmed[..p], trimmed[p..].trim_start_matches(is_go_space)),
        None => (trimmed, ""),
    };
    let (args, flags) = extract_flags(rest, escape);
    let args = args.trim();
    let (next, json) = match cmd.to_ascii_lowercase().as_str() {
        "add" | "copy" | "volume" => maybe_json_to_list(args)?,
        "arg" => (words(args, escape).into_iter().map(leaf).collect(), false),
        "cmd" | "entrypoint" | "run" | "shell" => maybe_json(args)?,
        "env" | "label" => (name_val(args, &cmd.to_ascii_uppercase(), escape)?, false),
        "expose" | "from" => (split_ws(args).into_iter().map(leaf).collect(), false),
        "healthcheck" => health(args)?,
        "maintainer" | "stopsignal" | "user" | "workdir" => (if args.is_empty() { Vec::new() } else { vec![leaf(args.to_string())] }, false),
        "onbuild" => {
            if args.is_empty() {
                (Vec::new(), false)
            } else {
                let inner = node_from_line(args, escape)?;
                (vec![Node { children: vec![inner], ..Node::default() }], false)
            }
        }
        _ => (vec![Node::default()], false),
    };
    Ok(Node { value: cmd.to_string(), next, flags, original: line.to_string(), json, ..Node::default() })
}

fn leaf(value: String) -> Node {
    Node { value, ..Node::default() }
}

/// Leading `--flag` words (quotes removed, escapes applied); a bare `--`
/// ends them. Returns the rest of the line and the flags.
fn extract_flags(line: &str, escape: char) -> (String, Vec<String>) {
    let chars: Vec<char> = line.chars().collect();
    let mut flags = Vec::new();
    let mut pos = 0;
    loop {
        while pos < chars.len() && chars[pos].is_whitespace() {
            pos += 1;
        }
        if pos >= chars.len() {
            return (String::new(), flags);
        }
        if !(chars[pos] == '-' && chars.get(pos + 1) == Some(&'-')) {
            return (chars[pos..].iter().collect(), flags);
        }
        let mut word = String::new();
        let mut blank_ok = false;
        let mut quote: Option<char> = None;
        while pos < chars.len() {
            let ch = chars[pos];
            match quote {
                None if ch.is_whitespace() => break,
                None if ch == '\'' || ch == '"' => {
                    quote = Some(ch);
                    blank_ok = true;
                }
                Some(q) if ch == q => quote = None,
                _ if ch == escape => {
                    if pos + 1 < chars.len() {
                        pos += 1;
                        word.push(chars[pos]);
                    } else {
                        quote = None;
                    }
                }
                _ => word.push(ch),
            }
            pos += 1;
        }
        if word == "--" {
            return (chars[pos..].iter().collect(), flags);
        }
        if blank_ok || !word.is_empty() {
            flags.push(word);
        }
    }
}

/// BuildKit's `parseWords`: splits on whitespace, keeping quotes and
/// escapes in the words.
pub fn words(rest: &str, escape: char) -> Vec<String> {
    let chars: Vec<char> = rest.chars().collect();
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut blank_ok = false;
    let mut pos = 0;
    while pos < chars.len() {
        let ch = chars[pos];
        if !in_word && quote.is_none() {
            if ch.is_whitespace() {
                pos += 1;
                continue;
            }
            in_word = true;
        }
        match quote {
            None => {
                if ch.is_whitespace() {
                    if blank_ok || !word.is_empty() {
                        words.push(std::mem::take(&mut word));
                    }
                    word.clear();
                    blank_ok = false;
                    in_word = false;
                    pos += 1;
                    continue;
                }
                if ch == '\'' || ch == '"' {
                    quote = Some(ch);
                    blank_ok = true;
                }
                if ch == escape {
                    if pos + 1 == chars.len() {
                        pos += 1;
                        continue;
                    }
                    word.push(ch);
                    pos += 1;
                    word.push(chars[pos]);
                    pos += 1;
                    continue;
                }
                word.push(ch);
            }
            Some(q) => {
                let mut c = ch;
                if ch == q {
                    quote = None;
                    in_word = true;
                } else if ch == escape && q != '\'' {
                    if pos + 1 == chars.len() {
                        quote = None;
                        pos += 1;
                        continue;
                    }
                    word.push(ch);
                    pos += 1;
                    c = chars[pos];
                }
                word.push(c);
            }
        }
        pos += 1;
    }
    if (in_word || quote.is_some()) && (blank_ok || !word.is_empty()) {
        words.push(word);
    }
    words
}

/// A JSON array of strings, if the text is one. `Err` only for an array
/// holding something other than strings.
fn json_array(rest: &str) -> Result<Option<Vec<String>>, String> {
    let rest = rest.trim_start();
    if !rest.starts_with('[') {
        return Ok(None);
    }
    let Ok(values) = serde_json::from_str::<Vec<serde_json::Value>>(rest) else {
        return Ok(None);
    };
    values
        .into_iter()
        .map(|v| match v {
            serde_json::Value::String(s) => Ok(s),
            _ => Err("when using JSON array syntax, arrays must be comprised of strings only".to_string()),
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

fn maybe_json(rest: &str) -> Result<(Vec<Node>, bool), String> {
    if rest.is_empty() {
        return Ok((Vec::new(), false));
    }
    Ok(match json_array(rest)? {
        Some(list) => (list.into_iter().map(leaf).collect(), true),
        None => (vec![leaf(rest.to_string())], false),
    })
}

fn maybe_json_to_list(rest: &str) -> Result<(Vec<Node>, bool), String> {
    Ok(match json_array(rest)? {
        Some(list) => (list.into_iter().map(leaf).collect(), true),
        None => (split_ws(rest).into_iter().map(leaf).collect(), false),
    })
}

/// ENV and LABEL: (key, value, separator) triples; `KEY value…` is the old form.
fn name_val(rest: &str, keyword: &str, escape: char) -> Result<Vec<Node>, String> {
    let ws = words(rest, escape);
    let Some(first) = ws.first() else { return Ok(Vec::new()) };
    if !first.contains('=') {
        let Some(p) = rest.find(is_go_space) else {
            return Err(format!("{keyword} must have two arguments"));
        };
        let value = rest[p..].trim_start_matches(is_go_space);
        return Ok(vec![leaf(rest[..p].to_string()), leaf(value.to_string()), leaf(String::new())]);
    }
    let mut out = Vec::new();
    for w in ws {
        let (k, v) = w.split_once('=').ok_or_else(|| format!("Syntax error - can't find = in {w:?}. Must be of the form: name=value"))?;
        out.extend([leaf(k.to_string()), leaf(v.to_string()), leaf("=".to_string())]);
    }
    Ok(out)
}

fn health(rest: &str) -> Result<(Vec<Node>, bool), String> {
    let sep = rest.find(char::is_whitespace).unwrap_or(rest.len());
    if sep == 0 {
        return Ok((Vec::new(), false));
    }
    let (typ, cmd) = rest.split_at(sep);
    let (mut next, json) = maybe_json(cmd.trim_start())?;
    next.insert(0, leaf(typ.to_string()));
    Ok((next, json))
}

/// Go's `strconv.Quote`.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{07}' => out.push_str("\\a"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{0b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if is_go_printable(c) => out.push(c),
            c if (c as u32) <= 0xffff => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// Go's `unicode.IsPrint`, for the characters Dockerfiles hold: not a
/// control, not a space other than ' ', not a format character.
fn is_go_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    !(c.is_control() || c.is_whitespace() || matches!(c as u32, 0xad | 0x600..=0x605 | 0x200b..=0x200f | 0x202a..=0x202e | 0x2060..=0x2064 | 0xfeff | 0xfff9..=0xfffb | 0xe000..=0xf8ff))
}

impl Node {
    /// BuildKit's `Node.Dump()`.
    pub fn dump(&self) -> String {
        let mut s = self.value.to_lowercase();
        if !self.flags.is_empty() {
            let quoted: Vec<String> = self.flags.iter().map(|f| go_quote(f)).collect();
            let _ = write!(s, " [{}]", quoted.join(" "));
        }
        for c in &self.children {
            let _ = writeln!(s, "({})", c.dump());
        }
        for n in &self.next {
            s.push(' ');
            if n.children.is_empty() {
                s.push_str(&go_quote(&n.value));
            } else {
                s.push_str(&n.dump());
            }
        }
        s.trim().to_string()
    }
}
