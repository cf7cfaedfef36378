//! `stat -c FORMAT`, `mktemp` and `getent`: what Dockerfiles ask of a
//! file's metadata, a temporary name, and the account databases.

use super::{kib_blocks, Flavour, Kind, Node, Shell};

impl Shell<'_> {
    /// The next number of this shell's deterministic generator (as `$RANDOM`'s).
    pub(super) fn next_random(&self) -> u64 {
        let mut x = self.random.get() ^ u64::from(self.own_pid()).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let next = crate::fs::xorshift(&mut x);
        self.random.set(next);
        next
    }

    /// `stat -c FORMAT`, `--format=FORMAT`, `--printf=FORMAT` (`-L` follows a
    /// symlink). Layers keep no times (all are the epoch) and no inode or
    /// device numbers, so `%i`, `%d` and stat's default report are refused.
    pub(super) fn stat(&self, args: &[&str]) -> (i32, String, String) {
        let gnu = self.flavour == Flavour::Dash;
        let (mut format, mut printf, mut follow, mut files) = (None, false, false, Vec::new());
        let mut it = args.iter().copied();
        while let Some(a) = it.next() {
            match a {
                "-c" => format = it.next().map(str::to_string),
                "-L" | "--dereference" => follow = true,
                "-t" | "--terse" | "-f" | "--file-system" => return (1, String::new(), format!("stat: {a} is not simulated in this version of Layer Lab; stat -c FORMAT is\n")),
                f if f.starts_with("--format=") => format = Some(f["--format=".len()..].to_string()),
                f if f.starts_with("--printf=") => {
                    format = Some(f["--printf=".len()..].to_string());
                    printf = true;
                }
                f if f.starts_with("-c") => format = Some(f[2..].to_string()),
                f if f.starts_with('-') && f.len() > 1 => return (1, String::new(), if gnu { format!("stat: invalid option -- '{}'\nTry 'stat --help' for more information.\n", &f[1..]) } else { format!("stat: unrecognized option: {}\n", &f[1..]) }),
                f => files.push(f),
            }
        }
        if files.is_empty() {
            return (1, String::new(), if gnu { "stat: missing operand\nTry 'stat --help' for more information.\n".to_string() } else { "Usage: stat [-ltf] [-c FMT] FILE...\n".to_string() });
        }
        let (mut out, mut err, mut status) = (String::new(), String::new(), 0);
        for f in files {
            let key = if follow { self.root.follow(self.resolve(f)) } else { self.resolve(f) };
            let root = Node::dir(0o755);
            let Some(node) = (if key.is_empty() { Some(&root) } else { self.root.get(&key) }) else {
                err.push_str(&if gnu { format!("stat: cannot statx '{f}': No such file or directory\n") } else { format!("stat: can't stat '{f}': No such file or directory\n") });
                status = 1;
                continue;
            };
            let Some(format) = &format else {
                if !err.contains("full report") {
                    err.push_str("stat: its full report (inode, device, times) is not simulated in this version of Layer Lab; stat -c FORMAT is (%n %s %a %A %U %G %u %g %F %h %b %y %Y…)\n");
                }
                status = 1;
                continue;
            };
            match self.stat_line(format, printf, f, &key, node) {
                Ok(line) => out.push_str(&line),
                Err(e) => return (1, out, format!("stat: {e}\n")),
            }
        }
        (status, out, err)
    }

    fn stat_line(&self, format: &str, printf: bool, name: &str, key: &[String], node: &Node) -> Result<String, String> {
        let cells = self.long_line(key, node, name, (false, true));
        let mut out = String::new();
        let mut chars = format.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' if printf => match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('\\') => out.push('\\'),
                    Some(o) => {
                        out.push('\\');
                        out.push(o);
                    }
                    None => out.push('\\'),
                },
                '%' => {
                    let size = if node.is_dir() { 4096 } else { node.size() };
                    out.push_str(&match chars.next() {
                        Some('n') => name.to_string(),
                        Some('N') => match &node.kind {
                            Kind::Symlink(t) => format!("'{name}' -> '{t}'"),
                            _ => format!("'{name}'"),
                        },
                        Some('s') => size.to_string(),
                        Some('a') => format!("{:o}", node.mode & 0o7777),
                        Some('f') => format!("{:x}", node.mode | match node.kind { Kind::Dir => 0o040_000, Kind::Symlink(_) => 0o120_000, _ => 0o100_000 }),
                        Some('A') => cells[0].clone(),
                        Some('h') => cells[1].clone(),
                        Some('U') => self.account("/etc/passwd", node.uid),
                        Some('G') => self.account("/etc/group", node.gid),
                        Some('u') => node.uid.to_string(),
                        Some('g') => node.gid.to_string(),
                        Some('F') => match node.kind {
                            Kind::Dir => "directory",
                            Kind::Symlink(_) => "symbolic link",
                            _ if size == 0 => "regular empty file",
                            _ => "regular file",
                        }
                        .to_string(),
                        Some('b') => (kib_blocks(node) * 2).to_string(),
                        Some('B') => "512".to_string(),
                        Some('o') => "4096".to_string(),
                        Some('x' | 'y' | 'z') => "1970-01-01 00:00:00.000000000 +0000".to_string(),
                        Some('X' | 'Y' | 'Z' | 'W') => "0".to_string(),
                        Some('w') => "-".to_string(),
                        Some('%') => "%".to_string(),
                        Some(d @ ('i' | 'd' | 'D' | 't' | 'T' | 'm' | 'C' | 'r' | 'R')) => return Err(format!("%{d} is not simulated in this version of Layer Lab (layers keep no inode or device numbers)")),
                        Some(other) => format!("?{other}"),
                        None => "%".to_string(),
                    });
                }
                c => out.push(c),
            }
        }
        if !printf {
            out.push('\n');
        }
        Ok(out)
    }

    /// `mktemp [-d] [-q] [-u] [-p DIR] [-t] [TEMPLATE]`: a new file (0600) or
    /// directory (0700) under a name whose trailing X's are random.
    pub(super) fn mktemp(&mut self, args: &[&str]) -> (i32, String, String) {
        let gnu = self.flavour == Flavour::Dash;
        let (mut dir, mut quiet, mut dry, mut under, mut in_tmp, mut template) = (false, false, false, None, false, None);
        let mut it = args.iter().copied();
        while let Some(a) = it.next() {
            match a {
                "-d" | "--directory" => dir = true,
                "-q" | "--quiet" => quiet = true,
                "-u" | "--dry-run" => dry = true,
                "-t" => in_tmp = true,
                "-p" | "--tmpdir" => under = it.next().map(str::to_string),
                f if f.starts_with("--tmpdir=") => under = Some(f["--tmpdir=".len()..].to_string()),
                f if f.starts_with('-') && f.len() > 1 && f[1..].chars().all(|c| "dqut".contains(c)) => {
                    dir |= f.contains('d');
                    quiet |= f.contains('q');
                    dry |= f.contains('u');
                    in_tmp |= f.contains('t');
                }
                f if f.starts_with('-') && f.len() > 1 => return (1, String::new(), if gnu { format!("mktemp: invalid option -- '{}'\nTry 'mktemp --help' for more information.\n", &f[1..]) } else { format!("mktemp: unrecognized option: {}\n", &f[1..]) }),
                t => template = Some(t.to_string()),
            }
        }
        let default = if gnu { "tmp.XXXXXXXXXX" } else { "tmp.XXXXXX" };
        let base = template.clone().unwrap_or_else(|| default.to_string());
        let xs = base.len() - base.trim_end_matches('X').len();
        if xs < 3 {
            return (1, String::new(), if quiet { String::new() } else { format!("mktemp: too few X's in template '{base}'\n") });
        }
        // A directory: -p's, else $TMPDIR or /tmp for -t and for no template; a template alone is a path.
        let tmp = self.env.get("TMPDIR").cloned().filter(|t| !t.is_empty()).unwrap_or_else(|| "/tmp".to_string());
        let place = match (under, in_tmp || template.is_none()) {
            (Some(d), _) => Some(d),
            (None, true) => Some(tmp),
            (None, false) => None,
        };
        const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        for _ in 0..100 {
            let tail: String = (0..xs).map(|_| ALNUM[(self.next_random() % ALNUM.len() as u64) as usize] as char).collect();
            let name = format!("{}{tail}", &base[..base.len() - xs]);
            let path = match &place {
                Some(d) => format!("{}/{name}", d.trim_end_matches('/')),
                None => name,
            };
            let key = self.resolve(&path);
            if self.root.get(&key).is_some() {
                continue;
            }
            if !dry {
                let parent = &key[..key.len().saturating_sub(1)];
                if !parent.is_empty() && !self.root.get(parent).is_some_and(Node::is_dir) || !self.may_change(&key) {
                    let why = if self.root.get(parent).is_some_and(Node::is_dir) || parent.is_empty() { "Permission denied" } else { "No such file or directory" };
                    let what = if dir { "directory" } else { "file" };
                    return (1, String::new(), if quiet { String::new() } else if gnu { format!("mktemp: failed to create {what} via template '{path}': {why}\n") } else { format!("mktemp: (null): {why}\n") });
                }
                let node = if dir { Node::dir(0o700) } else { Node::file(Vec::new(), 0o600) };
                let (uid, gid) = self.ids();
                if let Err(e) = self.root.insert(key, Node { uid, gid, ..node }) {
                    return (1, String::new(), format!("mktemp: {e}\n"));
                }
            }
            return (0, format!("{path}\n"), String::new());
        }
        (1, String::new(), "mktemp: no free name found\n".to_string())
    }

    /// `getent passwd|group [KEY…]`: the lines of /etc/passwd or /etc/group,
    /// or those whose name or id is KEY (status 2 when one is missing).
    pub(super) fn getent(&self, args: &[&str]) -> (i32, String, String) {
        let Some((&db, keys)) = args.split_first() else {
            return (1, String::new(), "getent: wrong number of arguments\n".to_string());
        };
        let file = match db {
            "passwd" => "/etc/passwd",
            "group" => "/etc/group",
            "hosts" => "/etc/hosts",
            "shadow" | "gshadow" | "services" | "protocols" | "networks" | "ahosts" | "ahostsv4" | "initgroups" | "netgroup" | "rpc" | "ethers" | "aliases" => {
                return (1, String::new(), format!("getent: the {db} database is not simulated in this version of Layer Lab (passwd, group and hosts are)\n"));
            }
            other => return (1, String::new(), format!("Unknown database: {other}\nTry `getent --help' or `getent --usage' for more information.\n")),
        };
        let text = self.system_file(file);
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')).collect();
        if keys.is_empty() {
            return (0, lines.iter().map(|l| format!("{l}\n")).collect(), String::new());
        }
        let (mut out, mut status) = (String::new(), 0);
        for k in keys {
            let hit = lines.iter().find(|l| {
                if db == "hosts" {
                    l.split_whitespace().skip(1).any(|n| n == *k) || l.split_whitespace().next() == Some(*k)
                } else {
                    let f: Vec<&str> = l.split(':').collect();
                    f.first() == Some(k) || f.get(2) == Some(k)
                }
            });
            match hit {
                Some(l) => out.push_str(&format!("{l}\n")),
                None => status = 2,
            }
        }
        (status, out, String::new())
    }
}
