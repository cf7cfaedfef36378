//! `find`: GNU findutils' expression language (BusyBox's is the same, less
//! a few GNU tests), over the shell's tree. Starting points, then an
//! expression of tests, actions and operators (`!`, `-a`, `-o`, `( )`),
//! evaluated left to right for each entry with `-a` binding tighter than
//! `-o`; with no action but `-prune`, `-print` is implied. Entries come in
//! name order (a real directory's order varies); `-depth` and `-delete`
//! list a directory after what is below it. Layers keep no times, so every
//! file's is the epoch: `-mtime +1` holds for all, `-newer` for none.

use super::{children_first, Flavour, Kind, Node, PathKey, Shell};

/// A numeric argument: `+N` more than N, `-N` less, `N` exactly.
#[derive(Clone, Copy)]
enum Cmp {
    More(u64),
    Less(u64),
    Exactly(u64),
}

impl Cmp {
    fn holds(self, n: u64) -> bool {
        match self {
            Cmp::More(m) => n > m,
            Cmp::Less(m) => n < m,
            Cmp::Exactly(m) => n == m,
        }
    }
}

enum Test {
    /// `-name`/`-iname` (folded), `-path`/`-ipath`: a glob.
    Name(Vec<char>, bool),
    Path(Vec<char>, bool),
    Type(Vec<char>),
    /// `-size`: the unit in bytes, sizes rounded up to it.
    Size(Cmp, u64),
    Empty,
    /// `-perm MODE` (exactly), `-MODE` (all of these bits), `/MODE` (any).
    Perm(char, u32),
    User(u32),
    Group(u32),
    /// `-mtime`/`-atime`/`-ctime` (days) and `-mmin`/`-amin`/`-cmin`: the age in that unit.
    Age(Cmp, u64),
    Newer,
    /// `-readable` (4), `-writable` (2), `-executable` (1).
    Access(u32),
    Const(bool),
}

enum Action {
    /// `-print` (`\n`) and `-print0` (`\0`).
    Print(char),
    Printf(String),
    Delete,
    /// `-exec … ;` and `-exec … {} +` (by its index among the batches).
    Exec(Vec<String>, Option<usize>),
    Prune,
    Quit,
}

enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Test(Test),
    Action(Action),
}

/// The settings the expression's options give.
struct Settings {
    min_depth: usize,
    max_depth: usize,
    depth_first: bool,
    /// -exec … + batches: the words before `{}`.
    batches: Vec<Vec<String>>,
    acts: bool,
}

struct Parser<'w, 'a, 's, 'sh> {
    words: &'w [&'a str],
    pos: usize,
    shell: &'s Shell<'sh>,
    settings: Settings,
}

impl<'a> Parser<'_, 'a, '_, '_> {
    fn gnu(&self) -> bool {
        self.shell.flavour == Flavour::Dash
    }

    fn missing(&self, what: &str) -> String {
        if self.gnu() { format!("missing argument to `{what}'") } else { format!("{what} requires an argument") }
    }

    fn value(&mut self, what: &str) -> Result<&'a str, String> {
        let v = self.words.get(self.pos).copied().ok_or_else(|| self.missing(what))?;
        self.pos += 1;
        Ok(v)
    }

    fn number(&mut self, what: &str) -> Result<Cmp, String> {
        let v = self.value(what)?;
        let (kind, digits) = match v.as_bytes().first() {
            Some(b'+') => ('+', &v[1..]),
            Some(b'-') => ('-', &v[1..]),
            _ => ('=', v),
        };
        let n: u64 = digits.parse().map_err(|_| if self.gnu() { format!("invalid argument `{v}' to `{what}'") } else { format!("invalid number '{v}'") })?;
        Ok(match kind {
            '+' => Cmp::More(n),
            '-' => Cmp::Less(n),
            _ => Cmp::Exactly(n),
        })
    }

    /// or := and (-o and)*
    fn or(&mut self) -> Result<Expr, String> {
        let mut left = self.and()?;
        while matches!(self.words.get(self.pos), Some(&("-o" | "-or"))) {
            self.pos += 1;
            if self.at_end_of_group() {
                return Err("invalid expression; you have used a binary operator '-o' with nothing after it.".to_string());
            }
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn at_end_of_group(&self) -> bool {
        matches!(self.words.get(self.pos), None | Some(&(")" | "-o" | "-or" | "-a" | "-and")))
    }

    /// and := not ((-a)? not)*
    fn and(&mut self) -> Result<Expr, String> {
        if let Some(w @ ("-o" | "-or" | "-a" | "-and")) = self.words.get(self.pos).copied() {
            return Err(format!("invalid expression; you have used a binary operator '{w}' with nothing before it."));
        }
        let mut left = self.not()?;
        loop {
            match self.words.get(self.pos) {
                None | Some(&(")" | "-o" | "-or")) => return Ok(left),
                Some(&("-a" | "-and")) => {
                    self.pos += 1;
                    if self.at_end_of_group() {
                        return Err("invalid expression; you have used a binary operator '-a' with nothing after it.".to_string());
                    }
                }
                _ => {}
            }
            left = Expr::And(Box::new(left), Box::new(self.not()?));
        }
    }

    fn not(&mut self) -> Result<Expr, String> {
        if matches!(self.words.get(self.pos), Some(&("!" | "-not"))) {
            self.pos += 1;
            if self.at_end_of_group() {
                return Err("invalid expression; you have used a unary operator '!' with nothing after it.".to_string());
            }
            return Ok(Expr::Not(Box::new(self.not()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, String> {
        let word = self.value("")?;
        let test = |t| Ok(Expr::Test(t));
        let glob = |s: &str, fold: bool| (if fold { s.to_lowercase() } else { s.to_string() }).chars().collect::<Vec<char>>();
        match word {
            "(" => {
                if self.words.get(self.pos) == Some(&")") {
                    return Err("invalid expression; empty parentheses are not allowed.".to_string());
                }
                let inner = self.or()?;
                if self.words.get(self.pos) != Some(&")") {
                    return Err("invalid expression; I was expecting to find a ')' somewhere but did not see one.".to_string());
                }
                self.pos += 1;
                Ok(inner)
            }
            ")" => Err("you have too many ')'".to_string()),
            "-name" | "-iname" => test(Test::Name(glob(self.value(word)?, word == "-iname"), word == "-iname")),
            "-path" | "-wholename" | "-ipath" | "-iwholename" => {
                let fold = word.starts_with("-i");
                test(Test::Path(glob(self.value(word)?, fold), fold))
            }
            "-type" => {
                let v = self.value(word)?;
                let kinds: Vec<char> = v.split(',').map(|k| k.chars().next().filter(|_| k.len() == 1).unwrap_or('?')).collect();
                if let Some(bad) = kinds.iter().find(|k| !"bcdpflsD".contains(**k)) {
                    return Err(if self.gnu() { format!("Unknown argument to -type: {bad}") } else { format!("invalid argument '{v}' to '-type'") });
                }
                test(Test::Type(kinds))
            }
            "-size" => {
                let v = self.value(word)?;
                let (digits, unit) = match v.chars().last() {
                    Some(u) if u.is_ascii_alphabetic() => (&v[..v.len() - 1], u),
                    _ => (v, 'b'),
                };
                let unit = match unit {
                    'c' => 1,
                    'w' => 2,
                    'b' => 512,
                    'k' => 1024,
                    'M' => 1 << 20,
                    'G' => 1 << 30,
                    other => return Err(format!("invalid -size type `{other}'")),
                };
                let cmp = match digits.as_bytes().first() {
                    Some(b'+') => digits[1..].parse().map(Cmp::More),
                    Some(b'-') => digits[1..].parse().map(Cmp::Less),
                    _ => digits.parse().map(Cmp::Exactly),
                }
                .map_err(|_| format!("invalid argument `{v}' to `-size'"))?;
                test(Test::Size(cmp, unit))
            }
            "-empty" => test(Test::Empty),
            "-perm" => {
                let v = self.value(word)?;
                let (kind, octal) = match v.as_bytes().first() {
                    Some(b'-') => ('-', &v[1..]),
                    Some(b'/') => ('/', &v[1..]),
                    _ => ('=', v),
                };
                // Octal, or a symbolic mode as chmod reads it, applied to 0.
                let mode = u32::from_str_radix(octal, 8).ok().filter(|m| *m <= 0o7777).or_else(|| super::chmod(octal, 0, false)).ok_or_else(|| format!("invalid mode '{v}'"))?;
                test(Test::Perm(kind, mode))
            }
            "-user" | "-uid" | "-group" | "-gid" => {
                let v = self.value(word)?;
                let group = word.starts_with("-g");
                let id = self.shell.user_id(v, if group { "/etc/group" } else { "/etc/passwd" }).ok_or_else(|| {
                    if group { format!("'{v}' is not the name of an existing group") } else { format!("'{v}' is not the name of a known user") }
                })?;
                test(if group { Test::Group(id) } else { Test::User(id) })
            }
            "-mtime" | "-atime" | "-ctime" | "-mmin" | "-amin" | "-cmin" => {
                let cmp = self.number(word)?;
                test(Test::Age(cmp, if word.ends_with("min") { 60 } else { 86_400 }))
            }
            "-newer" | "-anewer" | "-cnewer" => {
                let v = self.value(word)?;
                if self.shell.root.get(&self.shell.resolve(v)).is_none() {
                    return Err(format!("'{v}': No such file or directory"));
                }
                test(Test::Newer)
            }
            "-readable" => test(Test::Access(4)),
            "-writable" => test(Test::Access(2)),
            "-executable" => test(Test::Access(1)),
            "-true" => test(Test::Const(true)),
            "-false" => test(Test::Const(false)),
            // Options: they hold wherever they stand.
            "-maxdepth" | "-mindepth" => {
                let n = match self.number(word)? {
                    Cmp::Exactly(n) => usize::try_from(n).unwrap_or(usize::MAX),
                    _ => return Err(format!("Expected a positive decimal integer argument to {word}, but got `{}'", self.words[self.pos - 1])),
                };
                if word == "-maxdepth" {
                    self.settings.max_depth = n;
                } else {
                    self.settings.min_depth = n;
                }
                test(Test::Const(true))
            }
            "-depth" | "-d" => {
                self.settings.depth_first = true;
                test(Test::Const(true))
            }
            // One filesystem: the container's tree is one.
            "-xdev" | "-mount" | "-noleaf" | "-ignore_readdir_race" => test(Test::Const(true)),
            "-print" | "-print0" => {
                self.settings.acts = true;
                Ok(Expr::Action(Action::Print(if word == "-print" { '\n' } else { '\0' })))
            }
            "-printf" => {
                self.settings.acts = true;
                Ok(Expr::Action(Action::Printf(self.value(word)?.to_string())))
            }
            "-delete" => {
                self.settings.acts = true;
                self.settings.depth_first = true;
                Ok(Expr::Action(Action::Delete))
            }
            "-exec" => {
                self.settings.acts = true;
                let rest = &self.words[self.pos..];
                let end = rest.iter().position(|w| *w == ";" || *w == "+").ok_or_else(|| self.missing("-exec"))?;
                let command: Vec<String> = rest[..end].iter().map(|w| w.to_string()).collect();
                let batch = rest[end] == "+" && command.last().is_some_and(|w| w == "{}");
                self.pos += end + 1;
                if command.is_empty() {
                    return Err(self.missing("-exec"));
                }
                if rest[end] == "+" && !batch {
                    return Err("In '-exec ... {} +' the '{}' must appear by itself at the end, before the '+'".to_string());
                }
                let batch = batch.then(|| {
                    self.settings.batches.push(command[..command.len() - 1].to_vec());
                    self.settings.batches.len() - 1
                });
                Ok(Expr::Action(Action::Exec(command, batch)))
            }
            "-prune" => Ok(Expr::Action(Action::Prune)),
            "-quit" => Ok(Expr::Action(Action::Quit)),
            "-ls" | "-fls" | "-fprint" | "-fprintf" | "-execdir" | "-ok" | "-okdir" | "-regex" | "-iregex" | "-samefile" | "-inum" | "-links" | "-lname" | "-ilname" | "-nouser" | "-nogroup" | "-follow" | "-fstype" => {
                Err(format!("{word} is not simulated in this version of Layer Lab"))
            }
            w if w.starts_with('-') && w.len() > 1 => Err(if self.gnu() { format!("unknown predicate `{w}'") } else { format!("unrecognized: {w}") }),
            w => Err(if self.gnu() { format!("paths must precede expression: `{w}'") } else { format!("unrecognized: {w}") }),
        }
    }
}

/// One entry as the expression sees it.
struct Entry<'a> {
    key: &'a [String],
    node: &'a Node,
    /// The path as find prints it (the starting point, then the names below it).
    shown: &'a str,
    start: &'a str,
    depth: usize,
}

/// What evaluating the expression does besides its truth.
#[derive(Default)]
struct Effects {
    out: String,
    err: String,
    status: i32,
    prune: bool,
    quit: bool,
    /// The paths each `-exec … {} +` collects.
    batched: Vec<Vec<String>>,
    /// Entries `-delete` removes, once the walk is done.
    deletions: Vec<(PathKey, String)>,
}

impl Shell<'_> {
    pub(super) fn find(&mut self, args: &[&str]) -> (i32, String, String) {
        let split = args.iter().position(|a| (a.starts_with('-') && a.len() > 1) || *a == "!" || *a == "(").unwrap_or(args.len());
        let (starts, words) = args.split_at(split);
        let starts: Vec<&str> = if starts.is_empty() { vec!["."] } else { starts.to_vec() };
        let settings = Settings { min_depth: 0, max_depth: usize::MAX, depth_first: false, batches: Vec::new(), acts: false };
        let (expr, settings) = {
            let mut p = Parser { words, pos: 0, shell: self, settings };
            let parsed = if words.is_empty() { Ok(Expr::Test(Test::Const(true))) } else { p.or() };
            match parsed {
                // Only a `)` can stop the parser before the end.
                Ok(_) if p.pos < words.len() => return (1, String::new(), "find: you have too many ')'\n".to_string()),
                Ok(e) => (e, p.settings),
                Err(e) => return (1, String::new(), format!("find: {e}\n")),
            }
        };
        // No action: each entry the expression holds for is printed.
        let expr = if settings.acts { expr } else { Expr::And(Box::new(expr), Box::new(Expr::Action(Action::Print('\n')))) };
        let gnu = self.flavour == Flavour::Dash;
        let mut fx = Effects { batched: vec![Vec::new(); settings.batches.len()], ..Effects::default() };
        'starts: for start in &starts {
            let key = self.resolve(start);
            let Some(top) = (if key.is_empty() { Some(Node::dir(0o755)) } else { self.root.get(&key).cloned() }) else {
                fx.err.push_str(&if gnu { format!("find: '{start}': No such file or directory\n") } else { format!("find: {start}: No such file or directory\n") });
                fx.status = 1;
                continue;
            };
            let mut entries: Vec<(PathKey, Node)> = vec![(key.clone(), top)];
            entries.extend(self.root.descendants(&key).map(|(k, n)| (k.clone(), n.clone())));
            if settings.depth_first {
                crate::sorting::sort_by(&mut entries, |a, b| children_first(&a.0, &b.0));
            }
            let mut pruned: Option<PathKey> = None;
            for (k, node) in &entries {
                if pruned.as_ref().is_some_and(|p| k.len() > p.len() && k.starts_with(p)) {
                    continue;
                }
                let depth = k.len() - key.len();
                let shown = if depth == 0 { start.to_string() } else { format!("{}/{}", start.trim_end_matches('/'), k[key.len()..].join("/")) };
                if depth >= settings.min_depth && depth <= settings.max_depth {
                    fx.prune = false;
                    let entry = Entry { key: k, node, shown: &shown, start, depth };
                    self.eval(&expr, &entry, &mut fx);
                    if fx.prune && !settings.depth_first && node.is_dir() {
                        pruned = Some(k.clone());
                    }
                    if fx.quit {
                        break 'starts;
                    }
                }
                // Below -maxdepth nothing more is looked at.
                if depth >= settings.max_depth && node.is_dir() && !settings.depth_first {
                    pruned = Some(k.clone());
                }
            }
        }
        for (i, paths) in std::mem::take(&mut fx.batched).into_iter().enumerate() {
            if !paths.is_empty() {
                let mut call = settings.batches[i].clone();
                call.extend(paths);
                self.exec_into(&call, &mut fx);
            }
        }
        for (k, shown) in std::mem::take(&mut fx.deletions) {
            if let Err(e) = self.delete_entry(&k) {
                fx.err.push_str(&if gnu { format!("find: cannot delete '{shown}': {e}\n") } else { format!("find: {shown}: {e}\n") });
                fx.status = 1;
            }
        }
        (fx.status, fx.out, fx.err)
    }

    fn exec_into(&mut self, call: &[String], fx: &mut Effects) -> bool {
        let (code, o, e) = self.builtin(call, "");
        fx.out.push_str(&o);
        fx.err.push_str(&e);
        if code != 0 {
            fx.status = 1;
        }
        code == 0
    }

    /// Removes one entry for `-delete` (a directory only when empty by then).
    fn delete_entry(&mut self, k: &PathKey) -> Result<(), &'static str> {
        if !self.may_change(k) {
            return Err("Permission denied");
        }
        if self.root.get(k).is_some_and(Node::is_dir) && self.root.descendants(k).next().is_some() {
            return Err("Directory not empty");
        }
        if self.lower.get(k).is_some_and(Node::is_dir) {
            self.removed_dirs.push(k.clone());
        }
        self.root.remove(k);
        Ok(())
    }

    fn eval(&mut self, expr: &Expr, e: &Entry, fx: &mut Effects) -> bool {
        match expr {
            Expr::And(a, b) => self.eval(a, e, fx) && !fx.quit && self.eval(b, e, fx),
            Expr::Or(a, b) => self.eval(a, e, fx) || (!fx.quit && self.eval(b, e, fx)),
            Expr::Not(a) => !self.eval(a, e, fx),
            Expr::Test(t) => self.holds(t, e),
            Expr::Action(a) => match a {
                Action::Print(end) => {
                    fx.out.push_str(e.shown);
                    fx.out.push(*end);
                    true
                }
                Action::Printf(format) => {
                    let text = self.printf_entry(format, e);
                    fx.out.push_str(&text);
                    true
                }
                Action::Delete => {
                    if e.depth > 0 || !e.key.is_empty() {
                        fx.deletions.push((e.key.to_vec(), e.shown.to_string()));
                    }
                    true
                }
                Action::Exec(words, None) => {
                    let call: Vec<String> = words.iter().map(|w| w.replace("{}", e.shown)).collect();
                    self.exec_into(&call, fx)
                }
                Action::Exec(_, Some(i)) => {
                    fx.batched[*i].push(e.shown.to_string());
                    true
                }
                Action::Prune => {
                    fx.prune = true;
                    true
                }
                Action::Quit => {
                    fx.quit = true;
                    true
                }
            },
        }
    }

    fn holds(&self, t: &Test, e: &Entry) -> bool {
        let node = e.node;
        let size = if node.is_dir() { 4096 } else { node.size() };
        match t {
            Test::Name(glob, fold) => {
                // The root's name is `/`; a starting point's own name is its last part.
                let base = if e.depth == 0 { e.start.trim_end_matches('/').rsplit('/').next().filter(|b| !b.is_empty()).unwrap_or("/").to_string() } else { e.key.last().cloned().unwrap_or_default() };
                let base = if *fold { base.to_lowercase() } else { base };
                crate::shell_lex::glob(glob, &base.chars().collect::<Vec<_>>())
            }
            Test::Path(glob, fold) => {
                let shown = if *fold { e.shown.to_lowercase() } else { e.shown.to_string() };
                crate::shell_lex::glob(glob, &shown.chars().collect::<Vec<_>>())
            }
            Test::Type(kinds) => kinds.iter().any(|k| match k {
                'd' => node.is_dir(),
                'l' => matches!(node.kind, Kind::Symlink(_)),
                'f' => !node.is_dir() && !matches!(node.kind, Kind::Symlink(_)),
                _ => false,
            }),
            Test::Size(cmp, unit) => cmp.holds(size.div_ceil(*unit)),
            Test::Empty => match node.kind {
                Kind::Dir => self.root.descendants(e.key).next().is_none(),
                Kind::Symlink(_) => false,
                _ => node.size() == 0,
            },
            Test::Perm(kind, mode) => {
                let m = node.mode & 0o7777;
                match kind {
                    '-' => m & mode == *mode,
                    '/' => *mode == 0 || m & mode != 0,
                    _ => m == *mode,
                }
            }
            Test::User(id) => node.uid == *id,
            Test::Group(id) => node.gid == *id,
            // Every time in a layer is the epoch.
            Test::Age(cmp, unit) => cmp.holds(u64::try_from(self.network.map_or(0, |b| b.now)).unwrap_or(0) / unit),
            Test::Newer => false,
            Test::Access(want) => self.may(e.key, *want),
            Test::Const(b) => *b,
        }
    }

    /// `-printf`: `%p %f %h %P %s %m %u %g %U %G %d %y %l %k %%`, widths
    /// (`%-10s`), and `\n \t \0 \\`.
    fn printf_entry(&self, format: &str, e: &Entry) -> String {
        let node = e.node;
        let mut out = String::new();
        let mut chars = format.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('0') => out.push('\0'),
                    Some('\\') => out.push('\\'),
                    Some(other) => {
                        out.push('\\');
                        out.push(other);
                    }
                    None => out.push('\\'),
                },
                '%' => {
                    let mut spec = String::new();
                    while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit() || **d == '-') {
                        spec.push(d);
                        chars.next();
                    }
                    let (left, width) = (spec.starts_with('-'), spec.trim_start_matches('-').parse::<usize>().unwrap_or(0));
                    let size = if node.is_dir() { 4096 } else { node.size() };
                    let base = e.shown.rsplit('/').next().unwrap_or(e.shown);
                    let value = match chars.next() {
                        Some('p') => e.shown.to_string(),
                        Some('f') => base.to_string(),
                        Some('h') => e.shown.rsplit_once('/').map_or(".".to_string(), |(h, _)| if h.is_empty() { "/".to_string() } else { h.to_string() }),
                        Some('P') => e.shown.strip_prefix(e.start).map(|p| p.trim_start_matches('/').to_string()).unwrap_or_default(),
                        Some('s') => size.to_string(),
                        Some('k') => super::kib_blocks(node).to_string(),
                        Some('m') => format!("{:o}", node.mode & 0o7777),
                        Some('u') => self.account("/etc/passwd", node.uid),
                        Some('g') => self.account("/etc/group", node.gid),
                        Some('U') => node.uid.to_string(),
                        Some('G') => node.gid.to_string(),
                        Some('d') => e.depth.to_string(),
                        Some('y') => match node.kind {
                            Kind::Dir => "d",
                            Kind::Symlink(_) => "l",
                            _ => "f",
                        }
                        .to_string(),
                        Some('l') => match &node.kind {
                            Kind::Symlink(t) => t.clone(),
                            _ => String::new(),
                        },
                        Some('%') => "%".to_string(),
                        Some(other) => format!("%{spec}{other}"),
                        None => "%".to_string(),
                    };
                    out.push_str(&if left { format!("{value:<width$}") } else { format!("{value:>width$}") });
                }
                c => out.push(c),
            }
        }
        out
    }
}
