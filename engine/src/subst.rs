//! Command substitution, `$(…)` and `` `…` ``, as sh does it: the inner
//! command runs and its output, trailing newlines dropped, takes its place.
//! Shared by the console (`docker rm -f $(docker ps -aq)`) and the shell
//! RUN and `docker exec` use (`echo "built $(cat /etc/alpine-release)"`).
//! Arithmetic, `$((…))`, is found here too: its expression's own
//! substitutions are done first, then the caller evaluates it.

use crate::shell_lex::FIELD_BREAK;

/// What a substitution asks its caller for.
pub enum Inner<'a> {
    /// `$(script)`: what the script prints.
    Command(&'a str),
    /// `$((expr))`: the value, its substitutions already done.
    Arithmetic(&'a str),
}

/// Substitutions inside substitutions, at most: each level runs in a
/// subshell of its own, and the page's WebAssembly stack is 1 MB.
pub const MAX_NESTING: usize = 50;

/// The error for substitutions nested deeper than [`MAX_NESTING`].
pub const TOO_DEEP: &str = "syntax error: substitutions nested more than 50 deep";

/// Where the substitution starting at `chars[start]` (`$(` or `` ` ``)
/// ends: the index of its closing `)` or `` ` ``. Quotes and nested
/// parentheses inside are skipped. None if it is not closed; [`TOO_DEEP`]
/// if it holds substitutions nested too deep.
pub fn end(chars: &[char], start: usize) -> Result<Option<usize>, &'static str> {
    end_nested(chars, start, 0)
}

fn end_nested(chars: &[char], start: usize, depth: usize) -> Result<Option<usize>, &'static str> {
    if depth > MAX_NESTING {
        return Err(TOO_DEEP);
    }
    if chars.get(start) == Some(&'`') {
        let mut i = start + 1;
        while i < chars.len() {
            match chars[i] {
                '\\' => i += 2,
                '`' => return Ok(Some(i)),
                _ => i += 1,
            }
        }
        return Ok(None);
    }
    let mut parens = 0usize;
    let mut i = start + 2;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '\'' => match chars[i + 1..].iter().position(|&c| c == '\'') {
                Some(p) => i += p + 1,
                None => return Ok(None),
            },
            '"' => match quote_end_nested(chars, i, depth)? {
                Some(close) => i = close,
                None => return Ok(None),
            },
            '$' if chars.get(i + 1) == Some(&'(') => match end_nested(chars, i, depth + 1)? {
                Some(close) => i = close,
                None => return Ok(None),
            },
            '(' => parens += 1,
            ')' if parens == 0 => return Ok(Some(i)),
            ')' => parens -= 1,
            _ => {}
        }
        i += 1;
    }
    Ok(None)
}

/// Where the double-quoted string opening at `chars[start]` closes: the
/// index of its closing `"`, past escapes and the substitutions inside.
/// None if it is not closed.
pub fn quote_end(chars: &[char], start: usize) -> Result<Option<usize>, &'static str> {
    quote_end_nested(chars, start, 0)
}

fn quote_end_nested(chars: &[char], start: usize, depth: usize) -> Result<Option<usize>, &'static str> {
    let mut j = start + 1;
    while j < chars.len() {
        match chars[j] {
            '"' => return Ok(Some(j)),
            '\\' => j += 1,
            '$' | '`' if chars[j] == '`' || chars.get(j + 1) == Some(&'(') => match end_nested(chars, j, depth + 1)? {
                Some(close) => j = close,
                None => return Ok(None),
            },
            _ => {}
        }
        j += 1;
    }
    Ok(None)
}

/// How the output of a substitution that stood unquoted is read.
#[derive(Clone, Copy)]
pub enum Split<'a> {
    /// Kept whole, as in `x=$(…)`.
    No,
    /// Words at blanks and line breaks (the console's docker command lines).
    Blanks,
    /// Fields at IFS, as sh splits them ([`crate::shell_lex::ifs_split`]),
    /// ended by [`FIELD_BREAK`]s.
    Ifs(&'a str),
}

/// Replaces each command substitution in `text` outside single quotes by
/// what `run` prints for its inner command, quoted so that it is read as
/// plain text: split into words where it stood unquoted (as `split` says),
/// one string inside double quotes, as sh does (the output is not globbed
/// here). An arithmetic expansion's value, or its error, comes from `run` too.
pub fn substitute(text: &str, split: Split, run: &mut dyn FnMut(Inner) -> Result<String, String>) -> Result<String, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let (mut single, mut double) = (false, false);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if !single => {
                out.push(c);
                if let Some(&n) = chars.get(i + 1) {
                    out.push(n);
                }
                i += 2;
                continue;
            }
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '$' | '`' if !single && (c == '`' || chars.get(i + 1) == Some(&'(')) => {
                let close = end(&chars, i)?.ok_or(if c == '`' { "syntax error: unexpected end of line: missing closing `" } else { "syntax error: unexpected end of line: missing closing )" })?;
                let inner: String = chars[i + if c == '`' { 1 } else { 2 }..close].iter().collect();
                let arithmetic = c == '$' && inner.len() >= 2 && inner.starts_with('(') && inner.ends_with(')');
                let printed = if arithmetic {
                    // The expression's own `$(…)` and `$((…))` first, kept whole.
                    let expr = substitute(&inner[1..inner.len() - 1], Split::No, run)?;
                    run(Inner::Arithmetic(&expr))?
                } else {
                    run(Inner::Command(&inner))?
                };
                let printed = printed.trim_end_matches('\n');
                match split {
                    _ if double => out.push_str(&quote(printed, true)),
                    Split::Blanks => out.push_str(&quote(printed, false)),
                    Split::Ifs(ifs) => out.push_str(&fields(printed, ifs)),
                    Split::No => {
                        out.push('"');
                        out.push_str(&quote(printed, true));
                        out.push('"');
                    }
                }
                i = close + 1;
                continue;
            }
            _ => {}
        }
        out.push(c);
        i += 1;
    }
    Ok(out)
}

/// Unquoted output split at IFS: each field quoted (an empty one as `""`),
/// each break a [`FIELD_BREAK`].
fn fields(text: &str, ifs: &str) -> String {
    let split = crate::shell_lex::ifs_split(text, ifs);
    let mut out = String::with_capacity(text.len() + 8);
    if split.leading {
        out.push(FIELD_BREAK);
    }
    for (i, field) in split.fields.iter().enumerate() {
        if i > 0 {
            out.push(FIELD_BREAK);
        }
        if field.is_empty() {
            out.push_str("\"\"");
        }
        for c in field.chars() {
            if !plain(c) {
                out.push('\\');
            }
            out.push(c);
        }
    }
    if split.trailing {
        out.push(FIELD_BREAK);
    }
    out
}

/// `text` as literal characters: inside double quotes only `\ " $ `` ` ``
/// need a backslash; unquoted, every character but blanks does, and line
/// breaks become blanks (they separate words).
fn quote(text: &str, double: bool) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' | '"' | '$' | '`' if double => {
                out.push('\\');
                out.push(c);
            }
            _ if double => out.push(c),
            '\n' | '\t' | ' ' => out.push(' '),
            c if plain(c) => out.push(c),
            c => {
                out.push('\\');
                out.push(c);
            }
        }
    }
    out
}

/// A character that means itself unquoted (no backslash needed).
fn plain(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':' | '=' | ',' | '+' | '@' | '%')
}
