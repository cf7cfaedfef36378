//! Command substitution, `$(…)` and `` `…` ``, as sh does it: the inner
//! command runs and its output, trailing newlines dropped, takes its place.
//! Shared by the console (`docker rm -f $(docker ps -aq)`) and the shell
//! RUN and `docker exec` use (`echo "built $(cat /etc/alpine-release)"`).

/// Where the substitution starting at `chars[start]` (`$(` or `` ` ``)
/// ends: the index of its closing `)` or `` ` ``. Quotes and nested
/// parentheses inside are skipped. None if it is not closed.
pub fn end(chars: &[char], start: usize) -> Option<usize> {
    if chars.get(start) == Some(&'`') {
        let mut i = start + 1;
        while i < chars.len() {
            match chars[i] {
                '\\' => i += 2,
                '`' => return Some(i),
                _ => i += 1,
            }
        }
        return None;
    }
    let mut depth = 0usize;
    let mut i = start + 2;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '\'' => i += chars[i + 1..].iter().position(|&c| c == '\'')? + 1,
            '"' => {
                let mut j = i + 1;
                while j < chars.len() && chars[j] != '"' {
                    if chars[j] == '\\' {
                        j += 1;
                    } else if chars[j] == '$' && chars.get(j + 1) == Some(&'(') {
                        j = end(chars, j)?;
                    }
                    j += 1;
                }
                if j >= chars.len() {
                    return None;
                }
                i = j;
            }
            '$' if chars.get(i + 1) == Some(&'(') => i = end(chars, i)?,
            '(' => depth += 1,
            ')' if depth == 0 => return Some(i),
            ')' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

/// Replaces each command substitution in `text` outside single quotes by
/// what `run` prints for its inner command, quoted so that it is read as
/// plain text: split into words where it stood unquoted (unless `split` is
/// false, as in `x=$(…)`), one string inside double quotes, as sh does (the
/// output is not globbed here).
pub fn substitute(text: &str, split: bool, run: &mut dyn FnMut(&str) -> String) -> Result<String, String> {
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
                let close = end(&chars, i).ok_or(if c == '`' { "unexpected end of line: missing closing `" } else { "unexpected end of line: missing closing )" })?;
                let inner: String = chars[i + if c == '`' { 1 } else { 2 }..close].iter().collect();
                let printed = run(&inner);
                let printed = printed.trim_end_matches('\n');
                if double || split {
                    out.push_str(&quote(printed, double));
                } else {
                    out.push('"');
                    out.push_str(&quote(printed, true));
                    out.push('"');
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
            c if c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':' | '=' | ',' | '+' | '@' | '%') => out.push(c),
            c => {
                out.push('\\');
                out.push(c);
            }
        }
    }
    out
}
