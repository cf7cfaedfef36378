//! Dockerfile syntax highlighting for the page's editor: the text cut into
//! spans by what they are (instruction, comment, flag, variable, string,
//! here-document). It follows the parser's line rules (continuations with the
//! escape character, `# escape=` directive, `<<EOF` bodies) but never fails:
//! text it does not know stays plain.

/// What a span of Dockerfile text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Token {
    Plain,
    /// `FROM`, `RUN`… at the start of an instruction.
    Instruction,
    /// `# comment` or `# syntax=…` (a parser directive).
    Comment,
    /// `--from=build`, `--mount=type=cache,…`.
    Flag,
    /// `$NAME`, `${NAME:-x}`.
    Variable,
    /// `"…"` or `'…'`.
    String,
    /// A here-document's body and terminator.
    Heredoc,
}

impl Token {
    /// The CSS class the page gives it.
    pub fn class(self) -> &'static str {
        match self {
            Token::Plain => "",
            Token::Instruction => "tok-instruction",
            Token::Comment => "tok-comment",
            Token::Flag => "tok-flag",
            Token::Variable => "tok-variable",
            Token::String => "tok-string",
            Token::Heredoc => "tok-heredoc",
        }
    }
}

/// `text` as (token, slice) pairs; concatenated they give `text` back.
pub fn highlight(text: &str) -> Vec<(Token, &str)> {
    let mut out: Vec<(Token, &str)> = Vec::new();
    let mut escape = '\\';
    let mut continued = false;
    let mut directives = true;
    let mut heredocs: Vec<String> = Vec::new();
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim_start();
        let lead = body.len() - trimmed.len();
        if let Some(name) = heredocs.first() {
            let terminator = body.trim_start_matches('\t') == name;
            push(&mut out, Token::Heredoc, line);
            if terminator {
                heredocs.remove(0);
            }
            continue;
        }
        if trimmed.starts_with('#') {
            if directives {
                if let Some(e) = trimmed.trim_start_matches('#').trim().to_ascii_lowercase().strip_prefix("escape=") {
                    escape = e.trim().chars().next().unwrap_or('\\');
                }
            }
            push(&mut out, Token::Plain, &line[..lead]);
            push(&mut out, Token::Comment, &line[lead..]);
            continue;
        }
        if !trimmed.is_empty() {
            directives = false;
        }
        push(&mut out, Token::Plain, &line[..lead]);
        let mut rest = &line[lead..];
        if !continued {
            let word_end = rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len());
            if crate::dockerfile::INSTRUCTIONS.iter().any(|i| i.eq_ignore_ascii_case(&rest[..word_end])) {
                push(&mut out, Token::Instruction, &rest[..word_end]);
                rest = &rest[word_end..];
                // Flags right after the instruction.
                loop {
                    let spaces = rest.len() - rest.trim_start_matches([' ', '\t']).len();
                    let after = &rest[spaces..];
                    if !after.starts_with("--") {
                        break;
                    }
                    push(&mut out, Token::Plain, &rest[..spaces]);
                    let end = after.find(char::is_whitespace).unwrap_or(after.len());
                    push(&mut out, Token::Flag, &after[..end]);
                    rest = &after[end..];
                }
                heredocs.extend(crate::parser::heredoc_markers(rest).into_iter().map(|h| h.name));
            }
        }
        words(&mut out, rest, escape);
        continued = body.trim_end().ends_with(escape);
    }
    out
}

/// Adds a span (empty ones are dropped).
fn push<'a>(out: &mut Vec<(Token, &'a str)>, token: Token, text: &'a str) {
    if !text.is_empty() {
        out.push((token, text));
    }
}

/// Strings and variables within the rest of a line.
fn words<'a>(out: &mut Vec<(Token, &'a str)>, text: &'a str, escape: char) {
    let mut plain = 0;
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < text.len() {
        let c = bytes[i];
        let span = match c {
            b'"' | b'\'' => {
                let close = text[i + 1..].find([c as char, '\n']).map_or(text.len(), |p| i + 1 + p + 1).min(text.len());
                Some((Token::String, close))
            }
            b'$' => {
                let rest = &text[i + 1..];
                let len = if rest.starts_with('{') {
                    rest.find('}').map_or(rest.len(), |p| p + 1)
                } else {
                    rest.find(|x: char| !(x.is_ascii_alphanumeric() || x == '_')).unwrap_or(rest.len())
                };
                (len > 0).then_some((Token::Variable, i + 1 + len))
            }
            _ if c as char == escape && i + 1 < text.len() => {
                // An escaped character is plain: `\"` opens no string.
                i += 1 + text[i + 1..].chars().next().map_or(1, char::len_utf8);
                continue;
            }
            _ => None,
        };
        match span {
            Some((token, end)) => {
                push(out, Token::Plain, &text[plain..i]);
                push(out, token, &text[i..end]);
                i = end;
                plain = end;
            }
            None => i += text[i..].chars().next().map_or(1, char::len_utf8),
        }
    }
    push(out, Token::Plain, &text[plain..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(text: &str) -> String {
        highlight(text).into_iter().filter(|(t, _)| *t != Token::Plain).map(|(t, s)| format!("{}[{}]", t.class().trim_start_matches("tok-"), s.trim_end())).collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn spans_give_the_text_back() {
        let text = "# syntax=docker/dockerfile:1\nFROM alpine AS b\nRUN --mount=type=cache,target=/c echo \"$HOME\" \\\n  'x' ${A:-b}\nCOPY <<EOF /x\nhello $X\nEOF\nrun echo é\n";
        assert_eq!(highlight(text).into_iter().map(|(_, s)| s).collect::<String>(), text);
        assert_eq!(
            show(text),
            "comment[# syntax=docker/dockerfile:1] instruction[FROM] instruction[RUN] flag[--mount=type=cache,target=/c] string[\"$HOME\"] string['x'] variable[${A:-b}] instruction[COPY] heredoc[hello $X] heredoc[EOF] instruction[run]"
        );
    }

    #[test]
    fn continuation_lines_start_no_instruction_and_escapes_follow_the_directive() {
        assert_eq!(show("RUN echo \\\n  run now\n"), "instruction[RUN]");
        assert_eq!(show("# escape=`\nRUN echo `\n  RUN x\nRUN \\\"\n"), "comment[# escape=`] instruction[RUN] instruction[RUN] string[\"]");
        assert_eq!(show("RUN echo \\\"not a string\\\"\n"), "instruction[RUN]");
        assert_eq!(show("FROM x\n  # indented comment\n$\n"), "instruction[FROM] comment[# indented comment]");
    }

    proptest::proptest! {
        /// Any text, however broken, comes back whole and never panics.
        #[test]
        fn any_text_comes_back(text in "(FROM|RUN|#|<<EOF|EOF|\\$|\\|\\n|\n|\"|'|\\$\\{|--|[a-zé ]|`|\t){0,40}") {
            let back: String = highlight(&text).into_iter().map(|(_, s)| s).collect();
            proptest::prop_assert_eq!(back, text);
        }
    }
}
