//! Variable substitution as BuildKit's shell lexer does it
//! (`frontend/dockerfile/shell/lex.go`): quotes, escapes, `$VAR`, `${VAR}`,
//! `${VAR:-x}`, `${VAR-x}`, `${VAR:+x}`, `${VAR+x}`, `${VAR:?x}`, `${VAR?x}`,
//! `${VAR#p}`, `${VAR##p}`, `${VAR%p}`, `${VAR%%p}`, `${VAR/p/r}`,
//! `${VAR//p/r}`. Checked against BuildKit's own test data
//! (../shared/conformance/buildkit-shell). The shell's words add sh's own:
//! `${#VAR}`, `${VAR:=x}`, `${VAR=x}`, and per [`Env`] ash's and bash's
//! `${VAR:OFFSET:LENGTH}` and bash's `${VAR^^}`/`${VAR,,}`.

/// A variable lookup: `Some` when the variable is set (perhaps to "").
pub trait Env {
    fn get(&self, name: &str) -> Option<String>;
    /// Parameters as sh reads them, not as BuildKit does: `$10` is `${1}0`
    /// (not `${10}`), an unset `${x?}` says `x: parameter not set`, and
    /// errors do not name the word.
    fn sh(&self) -> bool {
        false
    }
    /// BusyBox ash's and bash's `${x:OFFSET[:LENGTH]}` and `${x/p/r}` (a shell's; BuildKit has the latter).
    fn substrings(&self) -> bool {
        false
    }
    /// bash's `${x^^}`, `${x,,}`, `${x^}`, `${x,}`.
    fn case_changes(&self) -> bool {
        false
    }
    /// `${x:=w}` and `${x=w}` set the variable: the shell keeps it.
    fn assign(&self, _name: &str, _value: &str) {}
    /// `$x` or `${x}` with x unset: an error under `set -u`.
    fn unset(&self, _name: &str) -> Result<(), String> {
        Ok(())
    }
}

impl<F: Fn(&str) -> Option<String>> Env for F {
    fn get(&self, name: &str) -> Option<String> {
        self(name)
    }
}

/// `ProcessWord`: one string, quotes removed, no word splitting.
pub fn process_word(word: &str, env: &dyn Env, escape: char) -> Result<String, String> {
    Lexer::new(word, env, escape).run(None, false).map(|(w, _)| w).map_err(|e| failed(word, env, e))
}

fn failed(word: &str, env: &dyn Env, e: String) -> String {
    if env.sh() { e } else { format!("failed to process {word:?}: {e}") }
}

/// `ProcessWords`: the words after expansion; unquoted expansions split on whitespace.
pub fn process_words(word: &str, env: &dyn Env, escape: char) -> Result<Vec<String>, String> {
    Lexer::new(word, env, escape).run(None, false).map(|(_, w)| w).map_err(|e| failed(word, env, e))
}

struct Lexer<'a> {
    chars: Vec<char>,
    pos: usize,
    env: &'a dyn Env,
    escape: char,
}

#[derive(Default)]
struct Words {
    word: String,
    words: Vec<String>,
    in_word: bool,
    /// A shell keeps a quoted empty word (`f ""` passes one argument); BuildKit drops it.
    keep_empty: bool,
    /// A shell's IFS when set (BuildKit splits at whitespace): its blanks
    /// run together, each other character of it ends a field.
    ifs: Option<String>,
}

/// Where a shell's command substitution ended a field in the text it
/// inlined ([`crate::subst::substitute`]): the output's own characters
/// are all quoted there, so this one, unquoted, can only be a break.
pub const FIELD_BREAK: char = '\u{E000}';

/// An expansion's text split at IFS as POSIX says (2.6.5): IFS blanks
/// (space, tab, newline) run together and are dropped at either end;
/// every other IFS character ends a field, empty or not, and the blanks
/// around it belong to it.
pub struct Fields {
    /// The text began with a delimiter: it ends whatever came before.
    pub leading: bool,
    pub fields: Vec<String>,
    /// The text ended with a delimiter: what comes after starts a new field.
    pub trailing: bool,
}

pub fn ifs_split(text: &str, ifs: &str) -> Fields {
    let blank = |c: char| matches!(c, ' ' | '\t' | '\n') && ifs.contains(c);
    let other = |c: char| !blank(c) && ifs.contains(c);
    let chars: Vec<char> = text.chars().collect();
    let mut i = chars.iter().take_while(|&&c| blank(c)).count();
    let (leading, mut fields, mut trailing) = (i > 0, Vec::new(), false);
    while i < chars.len() {
        trailing = false;
        let start = i;
        while i < chars.len() && !ifs.contains(chars[i]) {
            i += 1;
        }
        fields.push(chars[start..i].iter().collect());
        if i == chars.len() {
            break;
        }
        while i < chars.len() && blank(chars[i]) {
            i += 1;
        }
        if i < chars.len() && other(chars[i]) {
            i += 1;
            while i < chars.len() && blank(chars[i]) {
                i += 1;
            }
        }
        trailing = true;
    }
    Fields { leading, fields, trailing }
}

impl Words {
    fn add_char(&mut self, ch: char) {
        if ch.is_whitespace() {
            if self.in_word && (self.keep_empty || !self.word.is_empty()) {
                self.words.push(std::mem::take(&mut self.word));
                self.in_word = false;
            }
        } else {
            self.add_raw_char(ch);
        }
    }
    /// Ends the field being built, if one is.
    fn break_field(&mut self) {
        if self.in_word {
            self.words.push(std::mem::take(&mut self.word));
            self.in_word = false;
        }
    }
    /// An unquoted expansion's text, split at IFS when a shell sets it.
    fn add_expansion(&mut self, s: &str) {
        for (n, s) in s.split(FIELD_BREAK).enumerate() {
            if n > 0 {
                self.break_field();
            }
            let Some(ifs) = self.ifs.clone() else {
                s.chars().for_each(|c| self.add_char(c));
                continue;
            };
            let split = ifs_split(s, &ifs);
            if split.leading {
                self.break_field();
            }
            for (i, field) in split.fields.iter().enumerate() {
                if i > 0 {
                    self.break_field();
                }
                self.add_raw_string(field);
            }
            if split.trailing {
                self.break_field();
            }
        }
    }
    fn add_raw_char(&mut self, ch: char) {
        self.word.push(ch);
        self.in_word = true;
    }
    fn add_raw_string(&mut self, s: &str) {
        self.word.push_str(s);
        self.in_word = true;
    }
    fn finish(mut self) -> Vec<String> {
        if !self.word.is_empty() || (self.keep_empty && self.in_word) {
            self.words.push(self.word);
        }
        self.words
    }
}

fn is_special_param(c: char) -> bool {
    matches!(c, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0')
}

impl<'a> Lexer<'a> {
    fn new(word: &str, env: &'a dyn Env, escape: char) -> Lexer<'a> {
        Lexer { chars: word.chars().collect(), pos: 0, env, escape }
    }
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }
    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    /// Processes until `stop` (consumed) or the end.
    fn run(&mut self, stop: Option<char>, raw_escapes: bool) -> Result<(String, Vec<String>), String> {
        let mut result = String::new();
        let mut words = Words { keep_empty: self.env.sh(), ifs: self.env.get("IFS").filter(|_| self.env.sh()), ..Words::default() };
        while let Some(ch) = self.peek() {
            if Some(ch) == stop {
                self.next();
                return Ok((result, words.finish()));
            }
            match ch {
                '\'' | '"' | '$' => {
                    let tmp = match ch {
                        '\'' => self.single_quote()?,
                        '"' => self.double_quote()?,
                        _ => self.dollar()?,
                    };
                    result.push_str(&tmp);
                    if ch == '$' {
                        words.add_expansion(&tmp);
                    } else {
                        words.add_raw_string(&tmp);
                    }
                }
                _ => {
                    self.next();
                    if ch == self.escape {
                        if raw_escapes {
                            words.add_raw_char(ch);
                            result.push(ch);
                        }
                        match self.next() {
                            None => break,
                            Some(c) => {
                                words.add_raw_char(c);
                                result.push(c);
                            }
                        }
                    } else if ch == FIELD_BREAK {
                        words.break_field();
                        result.push(ch);
                    } else if words.ifs.is_some() {
                        // Only what expansions give is split at IFS; the shell split its words already.
                        words.add_raw_char(ch);
                        result.push(ch);
                    } else {
                        words.add_char(ch);
                        result.push(ch);
                    }
                }
            }
        }
        if let Some(stop) = stop {
            return Err(format!("unexpected end of statement while looking for matching {stop}"));
        }
        Ok((result, words.finish()))
    }

    fn single_quote(&mut self) -> Result<String, String> {
        self.next();
        let mut out = String::new();
        loop {
            match self.next() {
                None => return Err("unexpected end of statement while looking for matching single-quote".to_string()),
                Some('\'') => return Ok(out),
                Some(c) => out.push(c),
            }
        }
    }

    fn double_quote(&mut self) -> Result<String, String> {
        self.next();
        let mut out = String::new();
        loop {
            match self.peek() {
                None => return Err("unexpected end of statement while looking for matching double-quote".to_string()),
                Some('"') => {
                    self.next();
                    return Ok(out);
                }
                Some('$') => out.push_str(&self.dollar()?),
                Some(_) => {
                    let mut ch = self.next().unwrap_or_default();
                    if ch == self.escape {
                        match self.peek() {
                            None => continue,
                            Some(c) if c == '"' || c == '$' || c == self.escape => {
                                ch = c;
                                self.next();
                            }
                            Some(_) => {}
                        }
                    }
                    out.push(ch);
                }
            }
        }
    }

    fn name(&mut self, braced: bool) -> String {
        let mut name = String::new();
        while let Some(ch) = self.peek() {
            if name.is_empty() && ch.is_ascii_digit() {
                while let Some(d) = self.peek().filter(char::is_ascii_digit) {
                    name.push(d);
                    self.next();
                    if !braced && self.env.sh() {
                        break;
                    }
                }
                return name;
            }
            if name.is_empty() && is_special_param(ch) {
                self.next();
                return ch.to_string();
            }
            if !(ch.is_alphanumeric() || ch == '_') {
                break;
            }
            name.push(ch);
            self.next();
        }
        name
    }

    /// `$name` or `${name}`: its value, empty when unset (unless the shell says otherwise).
    fn plain(&self, name: &str) -> Result<String, String> {
        match self.env.get(name) {
            Some(v) => Ok(v),
            None => self.env.unset(name).map(|()| String::new()),
        }
    }

    /// BuildKit names the modifier it lacks; a shell says "bad substitution".
    fn unsupported(&self, modifier: &str) -> String {
        if self.env.sh() { "syntax error: bad substitution".to_string() } else { format!("unsupported modifier ({modifier}) in substitution") }
    }

    fn dollar(&mut self) -> Result<String, String> {
        self.next();
        if self.peek() != Some('{') {
            let name = self.name(false);
            if name.is_empty() {
                return Ok("$".to_string());
            }
            return self.plain(&name);
        }
        self.next();
        match self.peek() {
            None => return Err("syntax error: missing '}'".to_string()),
            Some('{' | '}' | ':') => return Err("syntax error: bad substitution".to_string()),
            _ => {}
        }
        // `${#x}`: the length of x, in characters (`${#}` is the count of parameters).
        if self.env.sh() && self.peek() == Some('#') && self.chars.get(self.pos + 1).is_some_and(|c| *c != '}') {
            self.next();
            let name = self.name(true);
            return match self.next() {
                Some('}') if !name.is_empty() => Ok(self.env.get(&name).unwrap_or_default().chars().count().to_string()),
                _ => Err("syntax error: bad substitution".to_string()),
            };
        }
        let name = self.name(true);
        let Some(mut ch) = self.next() else {
            return Err("syntax error: missing '}'".to_string());
        };
        let mut modifier = ch.to_string();
        match ch {
            '}' => self.plain(&name),
            ':' if self.env.substrings() && !matches!(self.peek(), Some('+' | '-' | '?' | '=')) => {
                // `${x:OFFSET[:LENGTH]}`: arithmetic is not read here, numbers are.
                let (spec, _) = self.run(Some('}'), true)?;
                let (offset, length) = spec.split_once(':').map_or((spec.as_str(), None), |(o, l)| (o, Some(l)));
                let number = |t: &str| t.trim().parse::<i64>().map_err(|_| format!("{}: arithmetic syntax error", t.trim()));
                let value: Vec<char> = self.env.get(&name).unwrap_or_default().chars().collect();
                let len = value.len() as i64;
                let start = number(offset)?;
                let start = if start < 0 { (len + start).max(0) } else { start.min(len) };
                let end = match length.map(number).transpose()? {
                    None => len,
                    Some(l) if l < 0 => (len + l).max(start),
                    Some(l) => (start + l).min(len),
                };
                Ok(value[start as usize..end.max(start) as usize].iter().collect()) // 0 <= start <= end <= len
            }
            '^' | ',' if self.env.case_changes() => {
                let all = self.peek() == Some(ch);
                if all {
                    self.next();
                }
                if self.next() != Some('}') {
                    return Err("syntax error: bad substitution".to_string());
                }
                let value = self.env.get(&name).unwrap_or_default();
                let change = |t: &str| if ch == '^' { t.to_uppercase() } else { t.to_lowercase() };
                Ok(match (all, value.chars().next()) {
                    (true, _) => change(&value),
                    (false, Some(first)) => change(&first.to_string()) + &value[first.len_utf8()..],
                    (false, None) => String::new(),
                })
            }
            ':' | '+' | '-' | '?' | '#' | '%' | '=' => {
                let null_is_unset = ch == ':';
                if null_is_unset {
                    ch = self.next().unwrap_or('\0');
                    modifier.push(ch);
                    let posix = matches!(ch, '+' | '-' | '?') || (ch == '=' && self.env.sh());
                    if !posix {
                        return Err(self.unsupported(&modifier));
                    }
                }
                if ch == '=' && !self.env.sh() {
                    return Err(self.unsupported(&modifier));
                }
                let raw = ch == '#' || ch == '%';
                let word = match self.run(Some('}'), raw) {
                    Ok((w, _)) => w,
                    Err(e) if self.peek().is_none() => return Err(if e.contains("matching }") { "syntax error: missing '}'".to_string() } else { e }),
                    Err(e) => return Err(e),
                };
                let value = self.env.get(&name);
                let empty = value.as_deref().is_none_or(|v| null_is_unset && v.is_empty());
                match ch {
                    '-' => Ok(if empty { word } else { value.unwrap_or_default() }),
                    '=' if empty => {
                        self.env.assign(&name, &word);
                        Ok(word)
                    }
                    '=' => Ok(value.unwrap_or_default()),
                    '+' => Ok(if empty { String::new() } else { word }),
                    '?' => match value {
                        None => Err(format!("{name}: {}", if !word.is_empty() { &word } else if self.env.sh() { if null_is_unset { "parameter not set or null" } else { "parameter not set" } } else { "is not allowed to be unset" })),
                        Some(v) if null_is_unset && v.is_empty() => {
                            Err(format!("{name}: {}", if !word.is_empty() { &word } else if self.env.sh() { "parameter not set or null" } else { "is not allowed to be empty" }))
                        }
                        Some(v) => Ok(v),
                    },
                    _ => {
                        let (greedy, pattern) = match word.strip_prefix(ch) {
                            Some(rest) => (true, rest.to_string()),
                            None => (false, word),
                        };
                        let value = value.unwrap_or_default();
                        Ok(if ch == '#' { trim_prefix(&pattern, &value, greedy) } else { trim_suffix(&pattern, &value, greedy) })
                    }
                }
            }
            // Not in dash: ash and bash replace.
            '/' if self.env.sh() && !self.env.substrings() => Err(self.unsupported(&modifier)),
            '/' => {
                let all = self.peek() == Some('/');
                if all {
                    self.next();
                }
                let (pattern, _) = self.run(Some('/'), true)?;
                let (replacement, _) = self.run(Some('}'), true)?;
                let value = self.env.get(&name).unwrap_or_default();
                Ok(replace(&pattern, &replacement, &value, all))
            }
            _ => Err(self.unsupported(&modifier)),
        }
    }
}

/// Shell pattern matching (`*`, `?`, `[…]`, `\x`) of the whole of `text`.
pub fn glob(pattern: &[char], text: &[char]) -> bool {
    match pattern.first() {
        None => text.is_empty(),
        Some('*') => (0..=text.len()).any(|i| glob(&pattern[1..], &text[i..])),
        Some('?') => !text.is_empty() && glob(&pattern[1..], &text[1..]),
        Some('[') => {
            let Some(close) = pattern.iter().skip(1).position(|c| *c == ']').map(|p| p + 1) else {
                return text.first() == Some(&'[') && glob(&pattern[1..], &text[1..]);
            };
            let Some(c) = text.first() else { return false };
            let class = &pattern[1..close];
            let (negate, class) = match class.first() {
                Some('!' | '^') => (true, &class[1..]),
                _ => (false, class),
            };
            let mut hit = false;
            let mut i = 0;
            while i < class.len() {
                if i + 2 < class.len() && class[i + 1] == '-' {
                    hit |= (class[i]..=class[i + 2]).contains(c);
                    i += 3;
                } else {
                    hit |= class[i] == *c;
                    i += 1;
                }
            }
            hit != negate && glob(&pattern[close + 1..], &text[1..])
        }
        Some('\\') if pattern.len() > 1 => text.first() == Some(&pattern[1]) && glob(&pattern[2..], &text[1..]),
        Some(p) => text.first() == Some(p) && glob(&pattern[1..], &text[1..]),
    }
}

fn trim_prefix(pattern: &str, value: &str, greedy: bool) -> String {
    let (p, v): (Vec<char>, Vec<char>) = (pattern.chars().collect(), value.chars().collect());
    let mut ends: Box<dyn Iterator<Item = usize>> = if greedy { Box::new((0..=v.len()).rev()) } else { Box::new(0..=v.len()) };
    ends.find(|&i| glob(&p, &v[..i])).map_or_else(|| value.to_string(), |i| v[i..].iter().collect())
}

fn trim_suffix(pattern: &str, value: &str, greedy: bool) -> String {
    let (p, v): (Vec<char>, Vec<char>) = (pattern.chars().collect(), value.chars().collect());
    let mut starts: Box<dyn Iterator<Item = usize>> = if greedy { Box::new(0..=v.len()) } else { Box::new((0..=v.len()).rev()) };
    starts.find(|&i| glob(&p, &v[i..])).map_or_else(|| value.to_string(), |i| v[..i].iter().collect())
}

/// `${VAR/p/r}` and `${VAR//p/r}`: the leftmost, longest matches replaced.
fn replace(pattern: &str, replacement: &str, value: &str, all: bool) -> String {
    let (p, v): (Vec<char>, Vec<char>) = (pattern.chars().collect(), value.chars().collect());
    if p.is_empty() {
        return value.to_string();
    }
    let mut out = String::new();
    let mut i = 0;
    let mut replaced = false;
    while i < v.len() {
        if !replaced || all {
            if let Some(end) = (i + 1..=v.len()).rev().find(|&e| glob(&p, &v[i..e])) {
                out.push_str(replacement);
                i = end;
                replaced = true;
                continue;
            }
        }
        out.push(v[i]);
        i += 1;
    }
    out
}
