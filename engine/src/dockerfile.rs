//! Dockerfile reading: logical lines (continuations, comments, the `escape`
//! directive) split into instructions. This is the first slice of the
//! frontend: it knows every instruction's name and where each starts and
//! ends; what each one means is the builder's business.

use std::fmt;

/// Every instruction BuildKit knows.
pub const INSTRUCTIONS: [&str; 18] = [
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL", "MAINTAINER",
    "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instruction {
    /// Upper-case name (`FROM`, `COPY`, …).
    pub keyword: String,
    /// The text after the keyword, continuation lines joined, trimmed.
    pub args: String,
    /// First and last source line (1-based).
    pub start_line: usize,
    pub end_line: usize,
}

impl Instruction {
    /// `COPY hello.txt /`: how BuildKit names the step.
    pub fn text(&self) -> String {
        if self.args.is_empty() {
            self.keyword.clone()
        } else {
            format!("{} {}", self.keyword, self.args)
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "dockerfile parse error on line {}: {}", self.line, self.message)
    }
}

/// Reads the `# escape=` directive from the leading comment lines.
fn escape_char(src: &str) -> Result<char, ParseError> {
    for (i, line) in src.lines().enumerate() {
        let Some(rest) = line.trim_start().strip_prefix('#') else { break };
        let Some((key, value)) = rest.split_once('=') else { break };
        let (key, value) = (key.trim().to_ascii_lowercase(), value.trim());
        if key == "escape" {
            return match value {
                "\\" => Ok('\\'),
                "`" => Ok('`'),
                _ => Err(ParseError { line: i + 1, message: format!("invalid escape token '{value}' does not match ` or \\") }),
            };
        }
        if key != "syntax" && key != "check" {
            break;
        }
    }
    Ok('\\')
}

pub fn parse(src: &str) -> Result<Vec<Instruction>, ParseError> {
    let escape = escape_char(src)?;
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, raw) in src.lines().enumerate() {
        let line_no = i + 1;
        let trimmed = raw.trim();
        // Comments are skipped, also inside a continued instruction.
        if trimmed.starts_with('#') || (trimmed.is_empty() && current.is_none()) {
            continue;
        }
        let (body, continues) = match trimmed.strip_suffix(escape) {
            Some(body) => (body, true),
            None => (trimmed, false),
        };
        let (start, mut text) = current.take().unwrap_or((line_no, String::new()));
        text.push_str(body);
        if continues {
            current = Some((start, text));
            continue;
        }
        if let Some(instruction) = split(start, line_no, &text)? {
            out.push(instruction);
        }
    }
    if let Some((start, text)) = current {
        let end = src.lines().count().max(start);
        if let Some(instruction) = split(start, end, &text)? {
            out.push(instruction);
        }
    }
    Ok(out)
}

fn split(start: usize, end: usize, text: &str) -> Result<Option<Instruction>, ParseError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let (word, args) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    let keyword = word.to_ascii_uppercase();
    if !INSTRUCTIONS.contains(&keyword.as_str()) {
        let hint = suggest(&keyword).map(|s| format!(" (did you mean {}?)", s.to_ascii_lowercase())).unwrap_or_default();
        return Err(ParseError { line: start, message: format!("unknown instruction: {word}{hint}") });
    }
    Ok(Some(Instruction { keyword, args: args.trim().to_string(), start_line: start, end_line: end }))
}

/// The known instruction nearest to `word`, if it is a near miss.
fn suggest(word: &str) -> Option<&'static str> {
    INSTRUCTIONS
        .iter()
        .map(|k| (levenshtein(word, k), *k))
        .filter(|(d, k)| *d <= 2.min(k.len() / 2))
        .min()
        .map(|(_, k)| k)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}
