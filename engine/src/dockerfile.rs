//! Dockerfile instructions for the builder: the parser's AST checked
//! against the instructions Docker knows. What each one means is the
//! builder's business.

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
    /// The instruction as written (continuations joined), for the classic
    /// builder's `Step 2/3 : label author=khaja`.
    pub original: String,
    /// First and last source line (1-based).
    pub start_line: usize,
    pub end_line: usize,
    /// Here-documents (`RUN <<EOF`, `COPY <<EOF /dest`).
    pub heredocs: Vec<crate::parser::Heredoc>,
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

pub use crate::parser::ParseError;

/// The instructions of a Dockerfile, parsed with BuildKit's rules
/// ([`crate::parser`]); an instruction BuildKit does not know is an error,
/// with the near miss suggested.
pub fn parse(src: &str) -> Result<Vec<Instruction>, ParseError> {
    let parsed = crate::parser::parse(src)?;
    parsed
        .root
        .children
        .iter()
        .map(|node| {
            let keyword = node.value.to_ascii_uppercase();
            if !INSTRUCTIONS.contains(&keyword.as_str()) {
                let hint = suggest(&keyword).map(|s| format!(" (did you mean {}?)", s.to_ascii_lowercase())).unwrap_or_default();
                return Err(ParseError { line: node.start_line, message: format!("unknown instruction: {}{hint}", node.value) });
            }
            let original = node.original.trim();
            let args = original[node.value.len()..].trim().to_string();
            Ok(Instruction { keyword, args, original: original.to_string(), start_line: node.start_line, end_line: node.end_line, heredocs: node.heredocs.clone() })
        })
        .collect()
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
