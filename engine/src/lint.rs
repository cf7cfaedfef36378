//! Lint hints after a build, in hadolint's ids and words (the rules about
//! layers and image size), each tied to what it cost in the layers this
//! build made: the bytes of apt lists or apk caches left in a layer, the
//! extra layers of consecutive RUNs.

use crate::dockerfile::Instruction;
use crate::units::human_size;

/// What a step's layer holds, for costing a hint.
#[derive(Clone, Debug, Default)]
pub struct LayerFiles {
    /// 1-based position of the layer in the image.
    pub index: usize,
    pub size: u64,
    /// Files the layer adds or changes: (absolute path, size).
    pub files: Vec<(String, u64)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hint {
    pub line: usize,
    pub code: &'static str,
    pub severity: &'static str,
    pub message: &'static str,
    /// What it costs in this build's layers (empty when not measured).
    pub cost: String,
}

impl Hint {
    /// hadolint's own line format, and the cost under it.
    pub fn render(&self, file: &str) -> String {
        let mut s = format!("{file}:{} {} {}: {}\n", self.line, self.code, self.severity, self.message);
        if !self.cost.is_empty() {
            s.push_str(&format!("  cost: {}\n", self.cost));
        }
        s
    }
}

const DL3059: &str = "Multiple consecutive `RUN` instructions. Consider consolidation.";
const DL3009: &str = "Delete the apt lists (/var/lib/apt/lists) after installing something";
const DL3015: &str = "Avoid additional packages by specifying `--no-install-recommends`";
const DL3019: &str = "Use the `--no-cache` switch to avoid the need to use `--update` and remove `/var/cache/apk/*` when done installing packages";
const DL3042: &str = "Avoid use of cache directory with pip. Use `pip install --no-cache-dir <package>`";
const DL3010: &str = "Use `ADD` for extracting archives into an image";

/// The simple commands of a shell script (split at `&&`, `||`, `;`, `|`
/// and newlines outside quotes), as words.
fn commands(script: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quote = None;
    let mut chars = script.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quote) {
            ('\'' | '"', None) => quote = Some(c),
            (q, Some(open)) if q == open => quote = None,
            // A backslash-newline joins two lines; any other backslash stays.
            #[allow(clippy::collapsible_match)]
            ('\\', _) => {
                if chars.next_if_eq(&'\n').is_none() {
                    current.push(c);
                }
            }
            ('&' | '|' | ';' | '\n', None) => {
                chars.next_if(|n| *n == c);
                out.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        if c != '\\' {
            current.push(c);
        }
    }
    out.push(current);
    out.into_iter()
        .map(|c| c.split_whitespace().map(|w| w.trim_matches(['\'', '"']).to_string()).collect::<Vec<_>>())
        .filter(|w: &Vec<String>| !w.is_empty())
        .collect()
}

/// `apt-get install …` (also `apt install`).
fn is_cmd(words: &[String], program: &[&str], sub: &str) -> bool {
    words.first().is_some_and(|w| program.contains(&w.rsplit('/').next().unwrap_or(w))) && words.iter().skip(1).any(|w| w == sub)
}

/// The RUN's flags (`--mount=…`) and its script.
fn run_parts(ins: &Instruction) -> (Vec<&str>, &str) {
    let mut rest = ins.args.trim_start();
    let mut flags = Vec::new();
    while rest.starts_with("--") {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        flags.push(&rest[..end]);
        rest = rest[end..].trim_start();
    }
    (flags, rest)
}

fn sum_under(layer: &LayerFiles, prefixes: &[&str]) -> u64 {
    layer.files.iter().filter(|(p, _)| prefixes.iter().any(|pre| p.starts_with(pre))).map(|(_, s)| s).sum()
}

/// The hints for one stage's instructions. `layer_of(line)` tells what the
/// instruction starting on that line put in its layer (None: no layer, or
/// not built).
pub fn lint(instructions: &[Instruction], layer_of: &dyn Fn(usize) -> Option<LayerFiles>) -> Vec<Hint> {
    let mut hints = Vec::new();
    let hint = |line, code, severity, message, cost: String| Hint { line, code, severity, message, cost };
    // DL3059's state: the previous RUN's flags, command count and line.
    let mut previous: Option<(Vec<String>, usize, usize)> = None;
    for (i, ins) in instructions.iter().enumerate() {
        if ins.keyword != "RUN" {
            previous = None;
        }
        let layer = layer_of(ins.start_line);
        match ins.keyword.as_str() {
            "RUN" => {
                let (flags, script) = run_parts(ins);
                let flags: Vec<String> = flags.iter().map(|f| f.to_string()).collect();
                let cmds = commands(script);
                // A chained RUN (`a && b`) counts as more than two.
                let count = if cmds.len() > 1 { cmds.len() + 1 } else { cmds.len() };
                match &previous {
                    Some((pflags, pcount, pline)) if *pflags == flags && count <= 2 && *pcount <= 2 => {
                        let cost = match &layer {
                            Some(l) => format!("layer {} ({}) is one more layer than needed: this RUN could join the one on line {pline}", l.index, human_size(l.size)),
                            None => format!("one more layer than needed: this RUN could join the one on line {pline}"),
                        };
                        hints.push(hint(ins.start_line, "DL3059", "info", DL3059, cost));
                    }
                    _ => previous = Some((flags.clone(), count, ins.start_line)),
                }
                // A cache mount over the directory is hadolint's other accepted fix.
                let cached = |dir: &str| flags.iter().any(|f| f.starts_with("--mount=") && f.contains("type=cache") && f.split(',').any(|p| p.split_once('=').is_some_and(|(k, v)| matches!(k, "target" | "dst" | "destination") && v.trim_end_matches('/') == dir)));
                let updates = cmds.iter().any(|c| is_cmd(c, &["apt-get", "apt"], "update")) && !cached("/var/lib/apt/lists");
                let cleans = cmds.iter().any(|c| c.first().is_some_and(|w| w == "rm") && c.iter().any(|w| w.starts_with("/var/lib/apt/lists")));
                if updates && !cleans {
                    let cost = layer.as_ref().map(|l| format!("{} of apt lists stay in layer {}", human_size(sum_under(l, &["/var/lib/apt/lists/"])), l.index)).unwrap_or_default();
                    hints.push(hint(ins.start_line, "DL3009", "info", DL3009, cost));
                }
                for c in &cmds {
                    if is_cmd(c, &["apt-get", "apt"], "install") && !c.iter().any(|w| w == "--no-install-recommends" || w.contains("Install-Recommends=false")) {
                        let names: Vec<&str> = c.iter().skip(1).filter(|w| !w.starts_with('-') && *w != "install").map(String::as_str).collect();
                        let extra = crate::packages::recommended(&names);
                        let cost = match &layer {
                            Some(l) => {
                                let paths: Vec<&str> = extra.iter().flat_map(|p| crate::packages::files(p)).collect();
                                let bytes = sum_under(l, &paths);
                                format!("{} of recommended packages ({}) in layer {}", human_size(bytes), if extra.is_empty() { "none here".to_string() } else { extra.join(", ") }, l.index)
                            }
                            None => String::new(),
                        };
                        hints.push(hint(ins.start_line, "DL3015", "info", DL3015, cost));
                    }
                    if is_cmd(c, &["apk"], "add") && !c.iter().any(|w| w == "--no-cache") && !cached("/var/cache/apk") {
                        let cost = layer.as_ref().map(|l| format!("{} of apk cache stays in layer {}", human_size(sum_under(l, &["/var/cache/apk/"])), l.index)).unwrap_or_default();
                        hints.push(hint(ins.start_line, "DL3019", "info", DL3019, cost));
                    }
                    let pip = c.first().is_some_and(|w| w.starts_with("pip"));
                    if pip && c.iter().any(|w| w == "install") && !c.iter().any(|w| w == "--no-cache-dir") && !cached("/root/.cache/pip") {
                        hints.push(hint(ins.start_line, "DL3042", "warning", DL3042, "pip is not simulated here: the cache's size is not measured".to_string()));
                    }
                }
            }
            "COPY" => {
                // An archive copied in and unpacked by a later RUN: both stay in the image.
                let words: Vec<&str> = ins.args.split_whitespace().filter(|w| !w.starts_with("--")).collect();
                let Some((_, sources)) = words.split_last() else { continue };
                for src in sources {
                    let name = src.rsplit('/').next().unwrap_or(src);
                    let archive = [".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz"].iter().any(|e| name.ends_with(e));
                    let extracted = instructions[i + 1..].iter().filter(|l| l.keyword == "RUN").any(|l| {
                        commands(run_parts(l).1).iter().any(|c| c.first().is_some_and(|w| w == "tar") && c.iter().any(|w| w.contains(name)) && c.iter().skip(1).any(|w| w.starts_with('-') && w.contains('x') || w == "x" || w.starts_with("x")))
                    });
                    if archive && extracted {
                        let cost = layer.as_ref().map(|l| format!("the archive stays in layer {} ({}) beside what is extracted from it", l.index, human_size(l.size))).unwrap_or_default();
                        hints.push(hint(ins.start_line, "DL3010", "info", DL3010, cost));
                    }
                }
            }
            _ => {}
        }
    }
    hints
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(src: &str) -> Vec<(usize, &'static str)> {
        let ins = crate::dockerfile::parse(src).unwrap(); // ok: a test's fixed Dockerfiles, all valid
        lint(&ins, &|_| None).into_iter().map(|h| (h.line, h.code)).collect()
    }

    #[test]
    fn dl3059_follows_hadolints_spec_cases() {
        let reported = ["RUN /foo.sh\nRUN /bar.sh", "RUN /foo.sh\n# a comment\nRUN /bar.sh", "RUN --mount=type=secret,id=foo /foo.sh\nRUN --mount=type=secret,id=foo /bar.sh", "RUN foo && bar\nRUN foo\nRUN bar"];
        let not_reported = [
            "RUN /foo.sh\nWORKDIR /\nRUN /bar.sh",
            "RUN --mount=type=secret,id=foo /foo.sh\nRUN /bar.sh",
            "RUN --mount=type=secret,id=foo /foo.sh\nRUN --mount=type=secret,id=bar /bar.sh",
            "RUN foo && bar\nRUN foobar",
            "RUN foo; bar\nRUN foobar",
            "RUN foobar\nRUN foo && bar",
            "RUN foobar\nRUN foo; bar",
            "RUN foo && bar\nRUN foo; bar",
        ];
        for src in reported {
            assert!(codes(&format!("FROM scratch\n{src}\n")).iter().any(|(_, c)| *c == "DL3059"), "{src}");
        }
        for src in not_reported {
            assert!(!codes(&format!("FROM scratch\n{src}\n")).iter().any(|(_, c)| *c == "DL3059"), "{src}");
        }
    }

    #[test]
    fn package_manager_rules() {
        let hints = codes("FROM debian\nRUN apt-get update && apt-get install -y curl\nRUN apk add git\nRUN pip install flask\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt\n");
        assert!(hints.contains(&(2, "DL3009")) && hints.contains(&(2, "DL3015")), "{hints:?}");
        assert!(hints.contains(&(3, "DL3019")) && hints.contains(&(4, "DL3042")) && hints.contains(&(5, "DL3010")), "{hints:?}");
        let clean = codes("FROM debian\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\nRUN apk add --no-cache git\nWORKDIR /\nRUN --mount=type=cache,target=/var/cache/apk apk add git\n");
        assert!(clean.is_empty(), "{clean:?}");
    }
}
