//! `sed` as GNU sed 4 runs it (Debian's and Ubuntu's; alpine's BusyBox sed
//! takes the same scripts): addresses (`N`, `$`, `/RE/`, `\cREc`, `I`,
//! `first~step`, ranges with `,N` `,/RE/` `,+N` `,~N`, `0,/RE/`, `!`),
//! blocks, the commands `s y d D p P n N g G h H x z = l a i c r w q Q b t
//! T :` and `#`, and the options `-n -e -f -E/-r -s -i[SUFFIX]`. Errors are
//! GNU's, with the expression and character they are at.

use crate::regex::Regex;

/// Where sed reads and writes files: the shell's tree.
pub trait Files {
    fn read(&mut self, path: &str) -> Result<String, String>;
    fn write(&mut self, path: &str, text: &str) -> Result<(), String>;
}

enum Addr {
    Line(usize),
    Last,
    /// `/RE/`; None is `//`, the last regular expression used.
    Match(Option<Regex>),
    /// GNU's `first~step`.
    Step(usize, usize),
    /// `0` in `0,/RE/`: the range is open before the first line.
    Zero,
}

/// Where a range ends.
enum End {
    At(Addr),
    /// `,+N`: N lines more.
    Plus(usize),
    /// `,~N`: up to a line whose number is a multiple of N.
    Multiple(usize),
}

struct Substitution {
    re: Option<Regex>,
    replacement: String,
    /// Replace the Nth match, and (`g`) every one after it.
    nth: usize,
    global: bool,
    print: bool,
    write: Option<String>,
}

enum Op {
    /// `{`: the index of its `}`.
    Open(usize),
    Close,
    Sub(Box<Substitution>),
    Translate(Vec<(char, char)>),
    /// `a`, `i` or `c` and its text.
    Text(char, String),
    /// `b`, `t` or `T` and the command it jumps to (None: the end of the script).
    Branch(char, Option<usize>),
    Label,
    Read(String),
    Write(String),
    Quit(bool, i32),
    /// `d D p P n N g G h H x z = l F`.
    Simple(char),
}

struct Cmd {
    first: Option<Addr>,
    end: Option<End>,
    negate: bool,
    op: Op,
}

/// The script, every expression (`-e`, `-f`, the operand) on its own lines.
struct Source {
    chars: Vec<char>,
    /// Where each expression starts in `chars`.
    starts: Vec<usize>,
    pos: usize,
    extended: bool,
    /// A regex came before: `//` has one to stand for.
    regexes: bool,
}

impl Source {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn blanks(&mut self) {
        while self.peek().is_some_and(|c| c == ' ' || c == '\t') {
            self.pos += 1;
        }
    }

    /// GNU's error, placed: `-e expression #N, char M: TEXT`.
    fn error(&self, text: &str) -> String {
        let at = self.pos.min(self.chars.len());
        let n = self.starts.iter().rposition(|s| *s <= at).unwrap_or(0);
        format!("-e expression #{}, char {}: {text}", n + 1, at - self.starts[n])
    }

    fn number(&mut self) -> Option<usize> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        (self.pos > start).then(|| self.chars[start..self.pos].iter().collect::<String>().parse().unwrap_or(usize::MAX))
    }

    /// Text up to the next `delimiter` not escaped, past it: `\DELIMITER` is
    /// the delimiter itself and `\n` a newline (in a regex, `newline`);
    /// other escapes stay for the regex or the replacement.
    fn delimited(&mut self, delimiter: char, regex: bool) -> Option<String> {
        let mut out = String::new();
        while let Some(c) = self.peek() {
            self.pos += 1;
            if c == delimiter {
                return Some(out);
            }
            // A line break must be escaped (it ends the command).
            if c == '\n' {
                self.pos -= 1;
                return None;
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            let next = self.peek()?;
            self.pos += 1;
            match next {
                d if d == delimiter => out.push(d),
                'n' if regex => out.push('\n'),
                '\n' => out.push('\n'),
                other => {
                    out.push('\\');
                    out.push(other);
                }
            }
        }
        None
    }

    /// An address's `/RE/` after its delimiter, and its `I` flag.
    fn address_regex(&mut self, delimiter: char) -> Result<Option<Regex>, String> {
        let text = self.delimited(delimiter, true).ok_or_else(|| self.error("unterminated address regex"))?;
        let mut ignore_case = false;
        while let Some(f @ ('I' | 'M')) = self.peek() {
            if f == 'M' {
                return Err(self.error("the M flag (multi-line mode) is not simulated in this version of Layer Lab"));
            }
            ignore_case = true;
            self.pos += 1;
        }
        self.compile(&text, ignore_case)
    }

    /// A regex as sed reads it (`.` matches a newline in the pattern space); None for `//`.
    fn compile(&mut self, text: &str, ignore_case: bool) -> Result<Option<Regex>, String> {
        if text.is_empty() {
            if !self.regexes {
                let n = self.starts.iter().rposition(|s| *s <= self.pos).unwrap_or(0);
                return Err(format!("-e expression #{}, char 0: no previous regular expression", n + 1));
            }
            return Ok(None);
        }
        self.regexes = true;
        Regex::new(text, self.extended, ignore_case).map(|r| Some(r.dot_all())).map_err(|e| self.error(&e))
    }

    fn address(&mut self) -> Result<Option<Addr>, String> {
        Ok(Some(match self.peek() {
            Some(c) if c.is_ascii_digit() => {
                let n = self.number().unwrap_or(0);
                if self.peek() == Some('~') {
                    self.pos += 1;
                    Addr::Step(n, self.number().unwrap_or(0))
                } else {
                    Addr::Line(n)
                }
            }
            Some('$') => {
                self.pos += 1;
                Addr::Last
            }
            Some(c @ ('/' | '\\')) => {
                self.pos += 1;
                let delimiter = if c == '\\' {
                    let d = self.peek().ok_or_else(|| self.error("unexpected `,'"))?;
                    self.pos += 1;
                    d
                } else {
                    '/'
                };
                Addr::Match(self.address_regex(delimiter)?)
            }
            _ => return Ok(None),
        }))
    }

    /// The rest of the line (a file name, a label's, `a` text's).
    fn rest_of_line(&mut self) -> String {
        let start = self.pos;
        while self.peek().is_some_and(|c| c != '\n') {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect()
    }

    /// `a`, `i` and `c` text: `a\` and lines after it, or GNU's `a text`;
    /// a line ending in a backslash goes on to the next.
    fn text(&mut self) -> Result<String, String> {
        self.blanks();
        if self.peek() == Some('\\') {
            self.pos += 1;
            if self.peek() == Some('\n') {
                self.pos += 1;
            }
        }
        let mut out = String::new();
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                '\\' => match self.peek() {
                    Some(n) => {
                        out.push(n);
                        self.pos += 1;
                    }
                    None => break,
                },
                '\n' => break,
                c => out.push(c),
            }
        }
        if out.is_empty() {
            return Err(self.error("expected \\ after `a', `c' or `i'"));
        }
        Ok(out)
    }

    /// After a command: blanks, then its end (`;`, a newline, `}`, `#` or the end).
    fn end_of_command(&mut self, what: &str) -> Result<(), String> {
        self.blanks();
        match self.peek() {
            None | Some(';' | '\n' | '}' | '#') => Ok(()),
            Some(_) => {
                self.pos += 1;
                Err(self.error(what))
            }
        }
    }

    fn substitution(&mut self) -> Result<Substitution, String> {
        let delimiter = self.peek().filter(|d| *d != '\n' && *d != '\\').ok_or_else(|| self.error("unterminated `s' command"))?;
        self.pos += 1;
        let pattern = self.delimited(delimiter, true).ok_or_else(|| self.error("unterminated `s' command"))?;
        let replacement = self.delimited(delimiter, false).ok_or_else(|| self.error("unterminated `s' command"))?;
        let (mut nth, mut global, mut print, mut ignore_case, mut write) = (None, false, false, false, None);
        loop {
            match self.peek() {
                Some('g') => global = true,
                Some('p') => print = true,
                Some('i' | 'I') => ignore_case = true,
                Some(c) if c.is_ascii_digit() => {
                    if nth.is_some() {
                        self.pos += 1;
                        return Err(self.error("multiple number options to `s' command"));
                    }
                    let n = self.number().unwrap_or(0);
                    if n == 0 {
                        return Err(self.error("number option to `s' command may not be zero"));
                    }
                    nth = Some(n);
                    continue;
                }
                Some('w') => {
                    self.pos += 1;
                    self.blanks();
                    write = Some(self.rest_of_line());
                    break;
                }
                Some(f @ ('e' | 'm' | 'M')) => {
                    self.pos += 1;
                    return Err(self.error(&format!("the s command's {f} flag is not simulated in this version of Layer Lab")));
                }
                _ => break,
            }
            self.pos += 1;
        }
        self.end_of_command("unknown option to `s'")?;
        let re = self.compile(&pattern, ignore_case)?;
        Ok(Substitution { re, replacement, nth: nth.unwrap_or(1), global, print, write })
    }

    fn translate(&mut self) -> Result<Vec<(char, char)>, String> {
        let delimiter = self.peek().filter(|d| *d != '\n' && *d != '\\').ok_or_else(|| self.error("unterminated `y' command"))?;
        self.pos += 1;
        let mut sides = Vec::new();
        for _ in 0..2 {
            let raw = self.delimited(delimiter, true).ok_or_else(|| self.error("unterminated `y' command"))?;
            let mut side = Vec::new();
            let mut chars = raw.chars();
            while let Some(c) = chars.next() {
                side.push(match c {
                    '\\' => match chars.next() {
                        Some('\\') => '\\',
                        Some('t') => '\t',
                        Some(other) => return Err(self.error(&format!("unknown escape \\{other} in `y' command"))),
                        None => '\\',
                    },
                    c => c,
                });
            }
            sides.push(side);
        }
        if sides[0].len() != sides[1].len() {
            return Err(self.error("strings for `y' command are different lengths"));
        }
        self.end_of_command("extra characters after command")?;
        Ok(sides[0].iter().copied().zip(sides[1].iter().copied()).collect())
    }

    fn parse(&mut self) -> Result<Vec<Cmd>, String> {
        let mut cmds: Vec<Cmd> = Vec::new();
        let mut open: Vec<(usize, usize)> = Vec::new();
        let mut labels: Vec<(String, usize)> = Vec::new();
        let mut jumps: Vec<(usize, String)> = Vec::new();
        loop {
            while self.peek().is_some_and(|c| c.is_whitespace() || c == ';') {
                self.pos += 1;
            }
            let Some(c) = self.peek() else { break };
            if c == '#' {
                self.rest_of_line();
                continue;
            }
            let mut first = self.address()?;
            let mut end = None;
            if first.is_some() && self.peek() == Some(',') {
                self.pos += 1;
                self.blanks();
                end = Some(match self.peek() {
                    Some(m @ ('+' | '~')) => {
                        self.pos += 1;
                        let n = self.number().ok_or_else(|| self.error("expected newer version of sed"))?;
                        if m == '+' { End::Plus(n) } else { End::Multiple(n) }
                    }
                    _ => End::At(self.address()?.ok_or_else(|| self.error("unexpected `,'"))?),
                });
            }
            self.blanks();
            let mut negate = false;
            while self.peek() == Some('!') {
                negate = true;
                self.pos += 1;
                self.blanks();
            }
            let command = self.peek().ok_or_else(|| self.error("missing command"))?;
            self.pos += 1;
            if let Some(Addr::Line(0)) = first {
                match end {
                    Some(End::At(Addr::Match(_))) => first = Some(Addr::Zero),
                    _ => return Err(self.error("invalid usage of line address 0")),
                }
            }
            let addressed = first.is_some();
            let op = match command {
                '{' => {
                    open.push((cmds.len(), self.pos));
                    Op::Open(0)
                }
                '}' => {
                    if addressed {
                        return Err(self.error("} doesn't want any addresses"));
                    }
                    let Some((at, _)) = open.pop() else {
                        return Err(self.error("unexpected `}'"));
                    };
                    cmds[at].op = Op::Open(cmds.len());
                    self.end_of_command("extra characters after command")?;
                    Op::Close
                }
                ':' => {
                    if addressed {
                        return Err(self.error(": doesn't want any addresses"));
                    }
                    self.blanks();
                    let label = self.label();
                    if label.is_empty() {
                        return Err(self.error("\":\" lacks a label"));
                    }
                    labels.push((label, cmds.len()));
                    Op::Label
                }
                'b' | 't' | 'T' => {
                    self.blanks();
                    let label = self.label();
                    if !label.is_empty() {
                        jumps.push((cmds.len(), label));
                    }
                    Op::Branch(command, None)
                }
                's' => Op::Sub(Box::new(self.substitution()?)),
                'y' => Op::Translate(self.translate()?),
                'a' | 'i' | 'c' => Op::Text(command, self.text()?),
                'r' | 'w' => {
                    self.blanks();
                    let file = self.rest_of_line();
                    if file.is_empty() {
                        return Err(self.error("missing filename in r/R/w/W commands"));
                    }
                    if command == 'r' { Op::Read(file) } else { Op::Write(file) }
                }
                'q' | 'Q' => {
                    self.blanks();
                    let code = self.number().unwrap_or(0);
                    self.end_of_command("extra characters after command")?;
                    Op::Quit(command == 'q', i32::try_from(code).unwrap_or(i32::MAX))
                }
                'l' => {
                    self.blanks();
                    self.number();
                    self.end_of_command("extra characters after command")?;
                    Op::Simple('l')
                }
                'd' | 'D' | 'p' | 'P' | 'n' | 'N' | 'g' | 'G' | 'h' | 'H' | 'x' | 'z' | '=' | 'F' => {
                    self.end_of_command("extra characters after command")?;
                    Op::Simple(command)
                }
                'e' | 'R' | 'W' | 'v' => return Err(self.error(&format!("the {command} command is not simulated in this version of Layer Lab"))),
                other => return Err(self.error(&format!("unknown command: `{other}'"))),
            };
            cmds.push(Cmd { first, end, negate, op });
        }
        if let Some((_, at)) = open.pop() {
            self.pos = at - 1;
            let n = self.starts.iter().rposition(|s| *s <= self.pos).unwrap_or(0);
            return Err(format!("-e expression #{}, char 0: unmatched `{{'", n + 1));
        }
        for (at, label) in jumps {
            let target = labels.iter().find(|(l, _)| *l == label).map(|(_, i)| *i).ok_or(format!("can't find label for jump to `{label}'"))?;
            if let Op::Branch(_, to) = &mut cmds[at].op {
                *to = Some(target);
            }
        }
        Ok(cmds)
    }

    /// A label: up to a semicolon or the end of the line, blanks trimmed.
    fn label(&mut self) -> String {
        let start = self.pos;
        while self.peek().is_some_and(|c| c != '\n' && c != ';') {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect::<String>().trim_end().to_string()
    }
}

/// The options, script and files of one sed.
struct Options {
    quiet: bool,
    /// `-i`: the files are edited, each backed up with this suffix if it is not empty.
    in_place: Option<String>,
    separate: bool,
    extended: bool,
    scripts: Vec<String>,
    files: Vec<String>,
}

/// GNU sed's usage, as it prints it on a bad option or no script (`--help` adds a line).
const USAGE: &str = "Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...

  -n, --quiet, --silent
                 suppress automatic printing of pattern space
      --debug
                 annotate program execution
  -e script, --expression=script
                 add the script to the commands to be executed
  -f script-file, --file=script-file
                 add the contents of script-file to the commands to be executed
  --follow-symlinks
                 follow symlinks when processing in place
  -i[SUFFIX], --in-place[=SUFFIX]
                 edit files in place (makes backup if SUFFIX supplied)
  -l N, --line-length=N
                 specify the desired line-wrap length for the `l' command
  --posix
                 disable all GNU extensions.
  -E, -r, --regexp-extended
                 use extended regular expressions in the script
                 (for portability use POSIX -E).
  -s, --separate
                 consider files as separate rather than as a single,
                 continuous long stream.
      --sandbox
                 operate in sandbox mode (disable e/r/w commands).
  -u, --unbuffered
                 load minimal amounts of data from the input files and flush
                 the output buffers more often
  -z, --null-data
                 separate lines by NUL characters
      --help     display this help and exit
      --version  output version information and exit

If no -e, --expression, -f, or --file option is given, then the first
non-option argument is taken as the sed script to interpret.  All
remaining arguments are names of input files; if no input files are
specified, then the standard input is read.

GNU sed home page: <https://www.gnu.org/software/sed/>.
General help using GNU software: <https://www.gnu.org/gethelp/>.
";

/// BusyBox's usage lines for its sed (alpine, busybox).
const BUSYBOX_USAGE: &str = "Usage: sed [-i[SFX]] [-nrE] [-f FILE]... [-e CMD]... [FILE]...\nor: sed [-i[SFX]] [-nrE] CMD [FILE]...\n";

const VERSION: &str = "sed (GNU sed) 4.9\nPackaged by Debian\nCopyright (C) 2022 Free Software Foundation, Inc.\nLicense GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>.\nThis is free software: you are free to change and redistribute it.\nThere is NO WARRANTY, to the extent permitted by law.\n\nWritten by Jay Fenlason, Tom Lord, Ken Pizzini,\nPaolo Bonzini, Jim Meyering, and Assaf Gordon.\n\nThis sed program was built with SELinux support.\nSELinux is disabled on this system.\n\nGNU sed home page: <https://www.gnu.org/software/sed/>.\nGeneral help using GNU software: <https://www.gnu.org/gethelp/>.\nE-mail bug reports to: <bug-sed@gnu.org>.\n";

fn options(args: &[&str], files: &mut dyn Files, gnu: bool) -> Result<Options, (i32, String)> {
    let usage = if gnu { USAGE } else { BUSYBOX_USAGE };
    let mut o = Options { quiet: false, in_place: None, separate: false, extended: false, scripts: Vec::new(), files: Vec::new() };
    let mut i = 0;
    let mut script_file = |o: &mut Options, path: &str| -> Result<(), (i32, String)> {
        let text = files.read(path).map_err(|e| (1, format!("sed: couldn't open file {e}\n")))?;
        o.scripts.push(text.strip_suffix('\n').unwrap_or(&text).to_string());
        Ok(())
    };
    while let Some(&a) = args.get(i) {
        i += 1;
        if a == "--" {
            o.files.extend(args[i..].iter().map(|s| s.to_string()));
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            let (name, value) = long.split_once('=').map_or((long, None), |(n, v)| (n, Some(v)));
            match name {
                "quiet" | "silent" => o.quiet = true,
                "regexp-extended" => o.extended = true,
                "separate" => o.separate = true,
                "in-place" => o.in_place = Some(value.unwrap_or("").to_string()),
                "posix" | "unbuffered" | "sandbox" | "follow-symlinks" => {}
                "help" if gnu => return Err((0, format!("{USAGE}E-mail bug reports to: <bug-sed@gnu.org>.\n"))),
                "help" => return Err((0, BUSYBOX_USAGE.to_string())),
                "version" => return Err((0, if gnu { VERSION.to_string() } else { "This is not GNU sed version 4.0\n".to_string() })),
                "expression" | "file" => {
                    let value = match value {
                        Some(v) => v.to_string(),
                        None => {
                            i += 1;
                            args.get(i - 1).ok_or((1, format!("sed: option '--{name}' requires an argument\n{usage}")))?.to_string()
                        }
                    };
                    if name == "file" {
                        script_file(&mut o, &value)?;
                    } else {
                        o.scripts.push(value);
                    }
                }
                _ => return Err((1, format!("sed: unrecognized option '{a}'\n{usage}"))),
            }
            continue;
        }
        let Some(flags) = a.strip_prefix('-').filter(|f| !f.is_empty()) else {
            o.files.push(a.to_string());
            continue;
        };
        for (k, f) in flags.char_indices() {
            let rest = &flags[k + f.len_utf8()..];
            match f {
                'n' => o.quiet = true,
                'E' | 'r' => o.extended = true,
                's' => o.separate = true,
                'u' => {}
                // -i takes what follows it as the backup suffix (so -ie is suffix "e").
                'i' => {
                    o.in_place = Some(rest.to_string());
                    break;
                }
                'e' | 'f' | 'l' => {
                    let value = if rest.is_empty() {
                        i += 1;
                        args.get(i - 1).ok_or((1, format!("sed: option requires an argument -- '{f}'\n{usage}")))?.to_string()
                    } else {
                        rest.to_string()
                    };
                    match f {
                        'e' => o.scripts.push(value),
                        'f' => script_file(&mut o, &value)?,
                        _ => {}
                    }
                    break;
                }
                'z' => return Err((1, "sed: -z (NUL-separated lines) is not simulated in this version of Layer Lab\n".to_string())),
                other => return Err((1, format!("sed: invalid option -- '{other}'\n{usage}"))),
            }
        }
    }
    if o.scripts.is_empty() {
        if o.files.is_empty() {
            return Err((1, usage.to_string()));
        }
        o.scripts.push(o.files.remove(0));
    }
    Ok(o)
}

/// Runs sed; returns (status, stdout, stderr).
/// `gnu`: GNU sed's usage and version (Debian, Ubuntu), else BusyBox's.
pub fn run(args: &[&str], stdin: &str, files: &mut dyn Files, gnu: bool) -> (i32, String, String) {
    let o = match options(args, files, gnu) {
        Ok(o) => o,
        Err((0, help)) => return (0, help, String::new()),
        Err((status, err)) => return (status, String::new(), err),
    };
    // `#n` as the script's first line is -n.
    let quiet = o.quiet || o.scripts[0] == "#n" || o.scripts[0].starts_with("#n\n");
    let mut source = Source { chars: Vec::new(), starts: Vec::new(), pos: 0, extended: o.extended, regexes: false };
    for s in &o.scripts {
        source.starts.push(source.chars.len());
        source.chars.extend(s.chars());
        source.chars.push('\n');
    }
    let cmds = match source.parse() {
        Ok(c) => c,
        // A missing label is found after the script is read: GNU's "panic" status.
        Err(e) => return (if e.starts_with("can't find label") { 4 } else { 1 }, String::new(), format!("sed: {e}\n")),
    };
    let mut sed = Sed { cmds: &cmds, quiet, ranges: vec![None; cmds.len()], last_re: None, out: String::new(), err: String::new(), written: Vec::new(), status: 0, jumps: 0 };
    // `w` files are made (emptied) before the first line is read.
    for cmd in &cmds {
        let file = match &cmd.op {
            Op::Write(f) => Some(f),
            Op::Sub(s) => s.write.as_ref(),
            _ => None,
        };
        if let Some(f) = file.filter(|f| !f.starts_with("/dev/std") && !sed.written.iter().any(|(w, _)| w == *f)) {
            sed.written.push((f.clone(), String::new()));
        }
    }
    if o.in_place.is_some() && o.files.is_empty() {
        return (4, String::new(), "sed: no input files\n".to_string());
    }
    let names: Vec<String> = if o.files.is_empty() { vec!["-".to_string()] } else { o.files.clone() };
    let mut texts = Vec::new();
    for name in &names {
        match if name == "-" { Ok(stdin.to_string()) } else { files.read(name) } {
            Ok(t) => texts.push((name.clone(), t)),
            Err(e) if o.in_place.is_some() && e.ends_with("Is a directory") => {
                return (4, String::new(), format!("sed: couldn't edit {name}: not a regular file\n"));
            }
            Err(e) => {
                sed.err.push_str(&format!("sed: can't read {e}\n"));
                sed.status = 2;
            }
        }
    }
    if let Some(suffix) = &o.in_place {
        for (name, text) in &texts {
            sed.ranges = vec![None; cmds.len()];
            let stdout = std::mem::take(&mut sed.out);
            let quit = sed.stream(&[(name.clone(), text.clone())], files);
            let edited = std::mem::replace(&mut sed.out, stdout);
            if !suffix.is_empty() {
                let backup = if suffix.contains('*') { suffix.replace('*', name.rsplit('/').next().unwrap_or(name)) } else { format!("{name}{suffix}") };
                if let Err(e) = files.write(&backup, text) {
                    sed.err.push_str(&format!("sed: couldn't open file {e}\n"));
                    return (4, sed.out, sed.err);
                }
            }
            if let Err(e) = files.write(name, &edited) {
                sed.err.push_str(&format!("sed: couldn't edit {e}\n"));
                return (4, sed.out, sed.err);
            }
            if quit {
                break;
            }
        }
    } else if o.separate {
        for t in &texts {
            sed.ranges = vec![None; cmds.len()];
            if sed.stream(std::slice::from_ref(t), files) {
                break;
            }
        }
    } else {
        sed.stream(&texts, files);
    }
    for (path, text) in std::mem::take(&mut sed.written) {
        if let Err(e) = files.write(&path, &text) {
            sed.err.push_str(&format!("sed: couldn't open file {e}\n"));
            sed.status = 4;
        }
    }
    (sed.status, sed.out, sed.err)
}

/// Jumps (`b`, `t`, `T`, and `D` restarts) one sed may take, and the bytes
/// its pattern and hold space may hold when it jumps: `:a;ba` and `G;D`
/// never end, and `:a;s/x/xx/g;ta` doubles its line each turn.
const MAX_JUMPS: usize = 1_000_000;
const MAX_SPACE: usize = 1 << 20;

struct Sed<'a> {
    cmds: &'a [Cmd],
    quiet: bool,
    /// Each range's state: the line it began on while it is open.
    ranges: Vec<Option<usize>>,
    last_re: Option<Regex>,
    out: String,
    err: String,
    /// What `w` wrote, by file, in the order first written.
    written: Vec<(String, String)>,
    status: i32,
    jumps: usize,
}

/// The input as sed reads it: lines, whether the last had its newline, and
/// the file each came from.
struct Input {
    lines: Vec<(String, usize)>,
    names: Vec<String>,
    /// The last line ended with a newline.
    newline: bool,
    next: usize,
}

impl Input {
    fn read(&mut self) -> Option<String> {
        let line = self.lines.get(self.next)?.0.clone();
        self.next += 1;
        Some(line)
    }
    fn at_end(&self) -> bool {
        self.next >= self.lines.len()
    }
    /// The newline after the line just read (none after a last line that had none).
    fn newline(&self) -> &'static str {
        if self.at_end() && !self.newline { "" } else { "\n" }
    }
}

impl Sed<'_> {
    /// Runs the script over one stream of files; true if it quit.
    fn stream(&mut self, texts: &[(String, String)], files: &mut dyn Files) -> bool {
        let mut input = Input { lines: Vec::new(), names: texts.iter().map(|(n, _)| n.clone()).collect(), newline: true, next: 0 };
        for (i, (_, text)) in texts.iter().enumerate() {
            input.lines.extend(text.split_inclusive('\n').map(|l| (l.strip_suffix('\n').unwrap_or(l).to_string(), i)));
            if i + 1 == texts.len() || !text.is_empty() {
                input.newline = text.is_empty() || text.ends_with('\n');
            }
        }
        let (mut hold, mut pattern) = (String::new(), String::new());
        let mut again = false;
        loop {
            if !again {
                match input.read() {
                    Some(l) => pattern = l,
                    None => return false,
                }
            }
            again = false;
            let (mut appended, mut substituted) = (String::new(), false);
            let mut pc = 0;
            // What ends the cycle: print the pattern space (unless -n or deleted), and quit.
            let (mut print, mut quit) = (!self.quiet, None);
            while let Some(cmd) = self.cmds.get(pc) {
                pc += 1;
                let line = input.next;
                match self.selected(pc - 1, cmd, line, input.at_end(), &pattern) {
                    Ok(true) => {}
                    Ok(false) => {
                        if let Op::Open(close) = cmd.op {
                            pc = close + 1;
                        }
                        continue;
                    }
                    Err(e) => {
                        self.err.push_str(&format!("sed: {e}\n"));
                        self.status = 1;
                        return true;
                    }
                }
                match &cmd.op {
                    Op::Open(_) | Op::Close | Op::Label => {}
                    Op::Sub(s) => match self.substitute(s, &pattern) {
                        Ok(Some(changed)) => {
                            pattern = changed;
                            substituted = true;
                            if s.print {
                                self.put(&pattern, input.newline());
                            }
                            if let Some(file) = &s.write {
                                self.write(file, &pattern);
                            }
                        }
                        Ok(None) => {}
                        Err(e) => {
                            self.err.push_str(&format!("sed: {e}\n"));
                            self.status = 1;
                            return true;
                        }
                    },
                    Op::Translate(map) => pattern = pattern.chars().map(|c| map.iter().find(|(a, _)| *a == c).map_or(c, |(_, b)| *b)).collect(),
                    Op::Text('i', text) => self.put(text, "\n"),
                    Op::Text('a', text) => appended.push_str(&format!("{text}\n")),
                    Op::Text(_, text) => {
                        // `c`: over a range, the text once, at its end.
                        if cmd.end.is_none() || cmd.negate || self.ranges[pc - 1].is_none() {
                            self.put(text, "\n");
                        }
                        print = false;
                        break;
                    }
                    Op::Branch(kind, to) => {
                        let jump = match kind {
                            't' => std::mem::take(&mut substituted),
                            'T' => !std::mem::take(&mut substituted),
                            _ => true,
                        };
                        if jump {
                            pc = to.unwrap_or(self.cmds.len());
                            if self.looped(pattern.len() + hold.len()) {
                                return true;
                            }
                        }
                    }
                    Op::Read(file) => {
                        if let Ok(text) = files.read(file) {
                            appended.push_str(&text);
                            if !text.is_empty() && !text.ends_with('\n') {
                                appended.push('\n');
                            }
                        }
                    }
                    Op::Write(file) => self.write(file, &pattern),
                    Op::Quit(p, code) => {
                        print &= *p;
                        quit = Some(*code);
                        break;
                    }
                    Op::Simple(c) => match c {
                        'd' => {
                            print = false;
                            break;
                        }
                        'D' => {
                            print = false;
                            if let Some((_, rest)) = pattern.split_once('\n') {
                                pattern = rest.to_string();
                                again = true;
                                if self.looped(pattern.len() + hold.len()) {
                                    return true;
                                }
                            }
                            break;
                        }
                        'p' => self.put(&pattern, input.newline()),
                        'P' => self.put(pattern.split('\n').next().unwrap_or(""), "\n"),
                        'n' | 'N' if input.at_end() => {
                            // GNU prints the pattern space when there is no next line (POSIX would not, for N).
                            quit = Some(0);
                            break;
                        }
                        'n' => {
                            if !self.quiet {
                                self.put(&pattern, "\n");
                            }
                            self.flush(&mut appended);
                            pattern = input.read().unwrap_or_default();
                        }
                        'N' => {
                            self.flush(&mut appended);
                            pattern.push('\n');
                            pattern.push_str(&input.read().unwrap_or_default());
                        }
                        'g' => pattern.clone_from(&hold),
                        'G' => {
                            pattern.push('\n');
                            pattern.push_str(&hold);
                        }
                        'h' => hold.clone_from(&pattern),
                        'H' => {
                            hold.push('\n');
                            hold.push_str(&pattern);
                        }
                        'x' => std::mem::swap(&mut pattern, &mut hold),
                        'z' => pattern.clear(),
                        '=' => self.put(&line.to_string(), "\n"),
                        'F' => {
                            let file = input.lines.get(line.saturating_sub(1)).map_or(0, |(_, f)| *f);
                            self.put(input.names.get(file).map_or("-", String::as_str), "\n");
                        }
                        _ => self.put(&visible(&pattern), ""),
                    },
                }
            }
            if print {
                self.put(&pattern, input.newline());
            }
            self.flush(&mut appended);
            if let Some(code) = quit {
                self.status = code;
                return true;
            }
        }
    }

    /// Counts a jump or a `D` restart; true (with the error) once the script
    /// has taken too many, or its spaces hold too much ([`MAX_JUMPS`]).
    fn looped(&mut self, space: usize) -> bool {
        self.jumps += 1;
        if self.jumps <= MAX_JUMPS && space <= MAX_SPACE {
            return false;
        }
        self.err.push_str(&format!("sed: the script looped past {MAX_JUMPS} jumps or {} MB of pattern and hold space and was stopped (a loop that never ends would hang the page)\n", MAX_SPACE >> 20));
        self.status = 1;
        true
    }

    /// Output, after the newline a last line went without if more follows it (as GNU sed does).
    fn put(&mut self, text: &str, newline: &str) {
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
        self.out.push_str(text);
        self.out.push_str(newline);
    }

    fn flush(&mut self, appended: &mut String) {
        if !appended.is_empty() {
            self.put(appended, "");
        }
        appended.clear();
    }

    fn write(&mut self, file: &str, line: &str) {
        match file {
            "/dev/stdout" => return self.put(line, "\n"),
            "/dev/stderr" => return self.err.push_str(&format!("{line}\n")),
            _ => {}
        }
        match self.written.iter_mut().find(|(f, _)| f == file) {
            Some((_, text)) => text.push_str(&format!("{line}\n")),
            None => self.written.push((file.to_string(), format!("{line}\n"))),
        }
    }

    /// The regex `re` stands for (`//` is the last one used), remembered as the last.
    fn regex(&mut self, re: &Option<Regex>) -> Result<Regex, String> {
        match re {
            Some(r) => {
                self.last_re = Some(r.clone());
                Ok(r.clone())
            }
            None => self.last_re.clone().ok_or_else(|| "no previous regular expression".to_string()),
        }
    }

    fn matches(&mut self, addr: &Addr, line: usize, last: bool, pattern: &str) -> Result<bool, String> {
        Ok(match addr {
            Addr::Line(n) => line == *n,
            Addr::Last => last,
            Addr::Match(re) => self.regex(re)?.is_match(pattern),
            Addr::Step(first, 0) => line == *first,
            Addr::Step(first, step) => line >= *first && (line - first).is_multiple_of(*step),
            Addr::Zero => false,
        })
    }

    /// Whether command `i` applies to this line (number `line`), its range's state updated.
    fn selected(&mut self, i: usize, cmd: &Cmd, line: usize, last: bool, pattern: &str) -> Result<bool, String> {
        let Some(first) = &cmd.first else { return Ok(true) };
        let hit = match &cmd.end {
            None => self.matches(first, line, last, pattern)?,
            Some(end) => {
                // 0,/RE/: open before the first line, so the first line may close it.
                if matches!(first, Addr::Zero) && line == 1 {
                    self.ranges[i] = Some(0);
                }
                let state = self.ranges[i];
                match state {
                    Some(start) => {
                        let closes = match end {
                            End::At(Addr::Line(n)) => line >= *n,
                            End::At(a) => self.matches(a, line, last, pattern)?,
                            End::Plus(n) => line >= start.saturating_add(*n),
                            End::Multiple(m) => *m == 0 || line.is_multiple_of(*m),
                        };
                        if closes {
                            self.ranges[i] = None;
                        }
                        true
                    }
                    None if self.matches(first, line, last, pattern)? => {
                        // The range opens; it may end on this same line.
                        let one_line = match end {
                            End::At(Addr::Line(n)) => *n <= line,
                            End::At(Addr::Last) => last,
                            End::At(_) => false,
                            End::Plus(n) => *n == 0,
                            End::Multiple(m) => *m == 0 || line.is_multiple_of(*m),
                        };
                        if !one_line {
                            self.ranges[i] = Some(line);
                        }
                        true
                    }
                    None => false,
                }
            }
        };
        Ok(hit != cmd.negate)
    }

    /// `s`: the pattern space changed, or None when nothing matched.
    fn substitute(&mut self, s: &Substitution, pattern: &str) -> Result<Option<String>, String> {
        let re = self.regex(&s.re)?;
        let chars: Vec<char> = pattern.chars().collect();
        let (out, replaced) = re.replace(&chars, &mut |n, groups| {
            let hit = n == s.nth || (s.global && n > s.nth);
            (hit.then(|| expand(&s.replacement, groups, &chars)), s.global || n < s.nth)
        });
        Ok((replaced > 0).then_some(out))
    }
}

/// `l`: the pattern space with escapes, `$` at its end, folded at 69 characters.
fn visible(pattern: &str) -> String {
    let mut cells: Vec<String> = Vec::new();
    for b in pattern.bytes() {
        cells.push(match b {
            b'\\' => "\\\\".to_string(),
            7 => "\\a".to_string(),
            8 => "\\b".to_string(),
            9 => "\\t".to_string(),
            10 => "\\n".to_string(),
            11 => "\\v".to_string(),
            12 => "\\f".to_string(),
            13 => "\\r".to_string(),
            32..=126 => (b as char).to_string(),
            _ => format!("\\{b:03o}"),
        });
    }
    let mut out = String::new();
    let mut width = 0;
    for cell in cells {
        if width + cell.len() > 69 {
            out.push_str("\\\n");
            width = 0;
        }
        width += cell.len();
        out.push_str(&cell);
    }
    out.push_str("$\n");
    out
}

/// A replacement's `&`, `\0`…`\9`, `\n`, escapes, and GNU's case changes
/// (`\U` `\L` up to `\E`, `\u` `\l` for one character).
fn expand(replacement: &str, groups: &[Option<(usize, usize)>], text: &[char]) -> String {
    let span = |g: usize| groups.get(g).copied().flatten().map(|(a, b)| text[a..b].iter().collect::<String>()).unwrap_or_default();
    let mut out = String::new();
    let (mut case, mut once): (Option<char>, Option<char>) = (None, None);
    let push = |out: &mut String, s: &str, case: Option<char>, once: &mut Option<char>| {
        for c in s.chars() {
            let c = match once.take().or(case) {
                Some('U' | 'u') => c.to_uppercase().next().unwrap_or(c),
                Some('L' | 'l') => c.to_lowercase().next().unwrap_or(c),
                _ => c,
            };
            out.push(c);
        }
    };
    let mut chars = replacement.chars();
    while let Some(c) = chars.next() {
        match c {
            '&' => push(&mut out, &span(0), case, &mut once),
            '\\' => match chars.next() {
                Some(d @ '0'..='9') => push(&mut out, &span(d.to_digit(10).map_or(0, |d| d as usize)), case, &mut once),
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(k @ ('U' | 'L')) => case = Some(k),
                Some('E') => case = None,
                Some(k @ ('u' | 'l')) => once = Some(k),
                Some(other) => push(&mut out, &other.to_string(), case, &mut once),
                None => out.push('\\'),
            },
            other => push(&mut out, &other.to_string(), case, &mut once),
        }
    }
    out
}
