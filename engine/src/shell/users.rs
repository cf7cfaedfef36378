//! Accounts: `id` and `groups` for any user, BusyBox's `adduser`,
//! `addgroup`, `deluser` and `delgroup` (alpine, busybox: its
//! `loginutils/adduser.c` rules), and shadow's `useradd`, `groupadd`,
//! `usermod`, `userdel` and `groupdel` (Debian, Ubuntu: their login.defs
//! ranges). They edit /etc/passwd, /etc/group and, where the image has it,
//! /etc/shadow in the tree. Debian's own `adduser` (a Perl script with
//! other options) is refused by name.

use super::{components, Flavour, Kind, Node, Shell};

type Rows = Vec<Vec<String>>;

/// Options and their values, in the order given.
type Opts = Vec<(String, String)>;

/// The first free id from `from` up to `to`, or down to it when `to < from`.
fn free_id(from: u32, to: u32, taken: impl Fn(u32) -> bool) -> Option<u32> {
    if from <= to { (from..=to).find(|i| !taken(*i)) } else { (to..=from).rev().find(|i| !taken(*i)) }
}

/// Options as getopt reads them: `-abc`, `-uVALUE`, `-u VALUE`, `--long`,
/// `--long=VALUE`, `--long VALUE`; `valued` lists the letters and long names
/// that take a value. Returns (option, value) pairs and the operands.
fn getopt<'a>(args: &[&'a str], valued: &[&str]) -> Result<(Opts, Vec<&'a str>), String> {
    let (mut opts, mut operands) = (Vec::new(), Vec::new());
    let mut i = 0;
    while let Some(&a) = args.get(i) {
        i += 1;
        if let Some(long) = a.strip_prefix("--").filter(|l| !l.is_empty()) {
            let (name, value) = long.split_once('=').map_or((long, None), |(n, v)| (n, Some(v.to_string())));
            let value = match value {
                Some(v) => v,
                None if valued.contains(&name) => {
                    i += 1;
                    args.get(i - 1).ok_or_else(|| format!("option '--{name}' requires an argument"))?.to_string()
                }
                None => String::new(),
            };
            opts.push((name.to_string(), value));
        } else if let Some(flags) = a.strip_prefix('-').filter(|f| !f.is_empty()) {
            for (k, f) in flags.char_indices() {
                let letter = f.to_string();
                if valued.contains(&letter.as_str()) {
                    let rest = &flags[k + f.len_utf8()..];
                    let value = if rest.is_empty() {
                        i += 1;
                        args.get(i - 1).ok_or_else(|| format!("option requires an argument -- '{f}'"))?.to_string()
                    } else {
                        rest.to_string()
                    };
                    opts.push((letter, value));
                    break;
                }
                opts.push((letter, String::new()));
            }
        } else {
            operands.push(a);
        }
    }
    Ok((opts, operands))
}

/// BusyBox's id for a new user (`kind` 'u') or group ('g'): the one given if
/// free, else the first free from 100 (system, to 999) or 1000 (to 60000).
fn busybox_id(given: Option<&str>, system: bool, kind: char, taken: impl Fn(u32) -> bool) -> Result<u32, String> {
    match given {
        Some(v) => match v.parse::<u32>() {
            Ok(id) if taken(id) => Err(format!("{kind}id '{id}' in use")),
            Ok(id) => Ok(id),
            Err(_) => Err(format!("invalid number '{v}'")),
        },
        None => free_id(if system { 100 } else { 1000 }, if system { 999 } else { 60_000 }, taken).ok_or_else(|| format!("no {kind}ids left")),
    }
}

fn opt<'o>(opts: &'o [(String, String)], names: &[&str]) -> Option<&'o str> {
    opts.iter().rev().find(|(n, _)| names.contains(&n.as_str())).map(|(_, v)| v.as_str())
}

impl Shell<'_> {
    fn rows(&self, path: &str) -> Rows {
        self.system_file(path).lines().filter(|l| !l.is_empty()).map(|l| l.split(':').map(str::to_string).collect()).collect()
    }

    fn save_rows(&mut self, path: &str, rows: &Rows) -> Result<(), String> {
        let text: String = rows.iter().map(|r| format!("{}\n", r.join(":"))).collect();
        let key = components(path);
        let mode = self.root.get(&key).map_or(0o644, |n| n.mode);
        let mut node = Node::file(text.into_bytes(), mode);
        if let Some(old) = self.root.get(&key) {
            (node.uid, node.gid) = (old.uid, old.gid);
        }
        self.root.insert(key, node)
    }

    fn has_file(&self, path: &str) -> bool {
        self.root.get(&components(path)).is_some()
    }

    /// The days since the epoch a new /etc/shadow line records (0 in a build).
    fn shadow_day(&self) -> i64 {
        self.network.map_or(0, |b| b.now) / 86_400
    }

    /// A group's gid, by name or number.
    fn group_gid(groups: &Rows, spec: &str) -> Option<u32> {
        groups.iter().find(|g| g[0] == spec).and_then(|g| g.get(2)?.parse().ok()).or_else(|| spec.parse::<u32>().ok().filter(|n| groups.iter().any(|g| g.get(2).is_some_and(|x| x == &n.to_string()))))
    }

    /// Adds `user` to the member list of the group row `g`.
    fn add_member(g: &mut Vec<String>, user: &str) {
        while g.len() < 4 {
            g.push(String::new());
        }
        if !g[3].split(',').any(|m| m == user) {
            g[3] = if g[3].is_empty() { user.to_string() } else { format!("{},{user}", g[3]) };
        }
    }

    /// A home directory made for a new user: /etc/skel copied into it, all theirs.
    fn make_home(&mut self, dir: &str, uid: u32, gid: u32, mode: u32) {
        let key = components(dir);
        if self.root.get(&key).is_none() {
            let skel = components("/etc/skel");
            let copies: Vec<(Vec<String>, Node)> = self.root.descendants(&skel).map(|(k, n)| (k.clone(), n.clone())).collect();
            let _ = self.root.insert(key.clone(), Node { kind: Kind::Dir, mode, uid, gid, touched: 0 });
            for (k, n) in copies {
                let mut to = key.clone();
                to.extend(k[skel.len()..].iter().cloned());
                let _ = self.root.insert(to, Node { uid, gid, ..n });
            }
        } else if let Some(mut n) = self.root.get(&key).cloned() {
            (n.uid, n.gid, n.mode) = (uid, gid, mode);
            let _ = self.root.insert(key, n);
        }
    }

    /// `id [-u|-g|-G] [-n] [USER]`: this shell's user, or USER from /etc/passwd,
    /// with the groups whose member lists name them.
    pub(super) fn id(&self, cmd: &str, args: &[&str]) -> (i32, String, String) {
        let gnu = self.flavour == Flavour::Dash;
        let (flags, users): (Vec<&str>, Vec<&str>) = args.iter().partition(|a| a.starts_with('-') && a.len() > 1);
        let flags: String = flags.iter().map(|f| f.trim_start_matches('-')).collect();
        if let Some(bad) = flags.chars().find(|c| !"ugGnr".contains(*c)) {
            return super::unrecognized(cmd, bad, "ugGnr");
        }
        let (uid, gid, name) = match users.first() {
            Some(u) => match self.passwd_entry(u) {
                Some(f) => (f[2].parse().unwrap_or(0), f[3].parse().unwrap_or(0), f[0].clone()),
                None => return (1, String::new(), if gnu { format!("{cmd}: '{u}': no such user\n") } else { format!("{cmd}: unknown user {u}\n") }),
            },
            None => {
                let (uid, gid) = self.ids();
                (uid, gid, self.account("/etc/passwd", uid))
            }
        };
        let mut groups = vec![gid];
        for g in self.rows("/etc/group") {
            if let (Some(id), Some(members)) = (g.get(2).and_then(|x| x.parse().ok()), g.get(3)) {
                if members.split(',').any(|m| m == name) && !groups.contains(&id) {
                    groups.push(id);
                }
            }
        }
        let named = |id: u32, file: &str| self.account(file, id);
        let shown = |id: u32, file: &str| if flags.contains('n') { named(id, file) } else { id.to_string() };
        if cmd == "groups" {
            let names: Vec<String> = groups.iter().map(|g| named(*g, "/etc/group")).collect();
            let prefix = if users.is_empty() || !gnu { String::new() } else { format!("{name} : ") };
            return (0, format!("{prefix}{}\n", names.join(" ")), String::new());
        }
        let line = if flags.contains('u') {
            shown(uid, "/etc/passwd")
        } else if flags.contains('g') {
            shown(gid, "/etc/group")
        } else if flags.contains('G') {
            groups.iter().map(|g| shown(*g, "/etc/group")).collect::<Vec<_>>().join(" ")
        } else {
            let label = |id: u32, file: &str| Some(named(id, file)).filter(|n| n != &id.to_string()).map_or(String::new(), |n| format!("({n})"));
            let list: Vec<String> = groups.iter().map(|g| format!("{g}{}", label(*g, "/etc/group"))).collect();
            format!("uid={uid}{} gid={gid}{} groups={}", label(uid, "/etc/passwd"), label(gid, "/etc/group"), list.join(","))
        };
        (0, format!("{line}\n"), String::new())
    }

    /// BusyBox's `adduser [-h DIR] [-g GECOS] [-s SHELL] [-G GRP] [-S] [-D] [-H] [-u UID] USER [GROUP]`.
    pub(super) fn busybox_adduser(&mut self, args: &[&str]) -> (i32, String, String) {
        let fail = |e: String| (1, String::new(), format!("adduser: {e}\n"));
        if self.ids().0 != 0 {
            return fail("permission denied (are you root?)".to_string());
        }
        let long = ["home", "gecos", "shell", "ingroup", "uid", "skel"];
        let (opts, names) = match getopt(args, &["h", "g", "s", "G", "u", "k", long[0], long[1], long[2], long[3], long[4], long[5]]) {
            Ok(p) => p,
            Err(e) => return fail(e),
        };
        let known = ["h", "g", "s", "G", "D", "S", "H", "u", "k", "home", "gecos", "shell", "ingroup", "disabled-password", "empty-password", "system", "no-create-home", "uid", "skel"];
        if let Some((bad, _)) = opts.iter().find(|(n, _)| !known.contains(&n.as_str())) {
            return fail(format!("unrecognized option: {bad}"));
        }
        let has = |names: &[&str]| opts.iter().any(|(n, _)| names.contains(&n.as_str()));
        let Some(&name) = names.first() else { return (1, String::new(), "Usage: adduser [OPTIONS] USER [GROUP]\n".to_string()) };
        let (mut passwd, mut groups) = (self.rows("/etc/passwd"), self.rows("/etc/group"));
        // Two names and no option: add the user to the group.
        if let (true, Some(group)) = (opts.is_empty(), names.get(1)) {
            return self.busybox_add_member("adduser", name, group);
        }
        if passwd.iter().any(|p| p[0] == name) {
            return fail(format!("user '{name}' in use"));
        }
        let system = has(&["S", "system"]);
        let root_shell = passwd.iter().find(|p| p.get(2).is_some_and(|u| u == "0")).and_then(|p| p.get(6).cloned()).unwrap_or_else(|| "/bin/sh".to_string());
        let shell = opt(&opts, &["s", "shell"]).map(str::to_string).unwrap_or(if system { "/bin/false".to_string() } else { root_shell });
        let gecos = opt(&opts, &["g", "gecos"]).unwrap_or("Linux User,,,").to_string();
        let home = opt(&opts, &["h", "home"]).map_or_else(|| format!("/home/{name}"), str::to_string);
        let usegroup = opt(&opts, &["G", "ingroup"]).or(system.then_some("nogroup"));
        let gid = match usegroup {
            Some(g) => match Self::group_gid(&groups, g) {
                Some(id) => Some(id),
                None => return fail(format!("unknown group {g}")),
            },
            None => None,
        };
        let taken = |id: u32| passwd.iter().any(|p| p.get(2).is_some_and(|x| x == &id.to_string())) || (gid.is_none() && groups.iter().any(|g| g.get(2).is_some_and(|x| x == &id.to_string())));
        let uid = match busybox_id(opt(&opts, &["u", "uid"]), system, 'u', taken) {
            Ok(u) => u,
            Err(e) => return fail(e),
        };
        let gid = match gid {
            Some(g) => g,
            None if groups.iter().any(|g| g[0] == name) => return fail(format!("group '{name}' in use")),
            None => uid,
        };
        passwd.push(vec![name.into(), "x".into(), uid.to_string(), gid.to_string(), gecos, home.clone(), shell]);
        if let Err(e) = self.save_rows("/etc/passwd", &passwd) {
            return fail(e);
        }
        if self.has_file("/etc/shadow") {
            let mut shadow = self.rows("/etc/shadow");
            shadow.push([name, "!", &self.shadow_day().to_string(), "0", "99999", "7", "", "", ""].map(str::to_string).to_vec());
            let _ = self.save_rows("/etc/shadow", &shadow);
        }
        match usegroup {
            Some(g) => {
                if let Some(row) = groups.iter_mut().find(|r| r[0] == g || r.get(2).is_some_and(|x| x == g)) {
                    Self::add_member(row, name);
                }
            }
            None => groups.push(vec![name.into(), "x".into(), gid.to_string(), String::new()]),
        }
        if let Err(e) = self.save_rows("/etc/group", &groups) {
            return fail(e);
        }
        if !has(&["H", "no-create-home"]) {
            self.make_home(&home, uid, gid, 0o2755);
        }
        // Without -D (or -S), adduser runs passwd, which asks for a password.
        if !has(&["D", "S", "system", "disabled-password", "empty-password"]) {
            return fail(format!("the user {name} was made, but adduser then asks for a password, which Layer Lab does not simulate (use -D, as Dockerfiles do)"));
        }
        (0, String::new(), String::new())
    }

    /// `addgroup USER GROUP` and `adduser USER GROUP`: USER joins GROUP.
    fn busybox_add_member(&mut self, cmd: &str, user: &str, group: &str) -> (i32, String, String) {
        let fail = |e: String| (1, String::new(), format!("{cmd}: {e}\n"));
        if self.passwd_entry(user).is_none() {
            return fail(format!("unknown user {user}"));
        }
        let mut groups = self.rows("/etc/group");
        let Some(row) = groups.iter_mut().find(|r| r[0] == group) else { return fail(format!("unknown group {group}")) };
        Self::add_member(row, user);
        match self.save_rows("/etc/group", &groups) {
            Ok(()) => (0, String::new(), String::new()),
            Err(e) => fail(e),
        }
    }

    /// BusyBox's `addgroup [-g GID] [-S] [USER] GROUP`.
    pub(super) fn busybox_addgroup(&mut self, args: &[&str]) -> (i32, String, String) {
        let fail = |e: String| (1, String::new(), format!("addgroup: {e}\n"));
        if self.ids().0 != 0 {
            return fail("permission denied (are you root?)".to_string());
        }
        let (opts, names) = match getopt(args, &["g", "gid"]) {
            Ok(p) => p,
            Err(e) => return fail(e),
        };
        if let Some((bad, _)) = opts.iter().find(|(n, _)| !["g", "S", "gid", "system"].contains(&n.as_str())) {
            return fail(format!("unrecognized option: {bad}"));
        }
        match names.as_slice() {
            [user, group] => return self.busybox_add_member("addgroup", user, group),
            [_] => {}
            _ => return (1, String::new(), "Usage: addgroup [-g GID] [-S] [USER] GROUP\n".to_string()),
        }
        let name = names[0];
        let mut groups = self.rows("/etc/group");
        if groups.iter().any(|g| g[0] == name) {
            return fail(format!("group '{name}' in use"));
        }
        let taken = |id: u32| groups.iter().any(|g| g.get(2).is_some_and(|x| x == &id.to_string()));
        let system = opts.iter().any(|(n, _)| n == "S" || n == "system");
        let gid = match busybox_id(opt(&opts, &["g", "gid"]), system, 'g', taken) {
            Ok(g) => g,
            Err(e) => return fail(e),
        };
        groups.push(vec![name.into(), "x".into(), gid.to_string(), String::new()]);
        match self.save_rows("/etc/group", &groups) {
            Ok(()) => (0, String::new(), String::new()),
            Err(e) => fail(e),
        }
    }

    /// BusyBox's `deluser USER [GROUP]` and `delgroup [USER] GROUP`, and shadow's
    /// `userdel [-r] USER` and `groupdel GROUP`.
    pub(super) fn delete_account(&mut self, cmd: &str, args: &[&str]) -> (i32, String, String) {
        let gnu = matches!(cmd, "userdel" | "groupdel");
        let fail = |code: i32, e: String| (code, String::new(), format!("{cmd}: {e}\n"));
        if self.ids().0 != 0 {
            return fail(1, if gnu { "Permission denied.".to_string() } else { "permission denied (are you root?)".to_string() });
        }
        let (flags, names): (Vec<&str>, Vec<&str>) = args.iter().partition(|a| a.starts_with('-'));
        if let Some(bad) = flags.iter().find(|f| !(cmd == "userdel" && matches!(**f, "-r" | "--remove" | "-f" | "--force"))) {
            return fail(2, format!("unrecognized option '{bad}'"));
        }
        let (mut passwd, mut groups) = (self.rows("/etc/passwd"), self.rows("/etc/group"));
        let group_cmd = cmd.contains("group");
        match (group_cmd, names.as_slice()) {
            // A user leaves a group.
            (_, [user, group]) if !gnu => {
                let Some(row) = groups.iter_mut().find(|r| r[0] == *group) else { return fail(1, format!("unknown group {group}")) };
                let Some(members) = row.get_mut(3).filter(|m| m.split(',').any(|x| x == *user)) else { return fail(1, format!("can't find {user} in /etc/group")) };
                *members = members.split(',').filter(|x| x != user).collect::<Vec<_>>().join(",");
            }
            (false, [user]) => {
                let Some(at) = passwd.iter().position(|p| p[0] == *user) else {
                    return if gnu { fail(6, format!("user '{user}' does not exist")) } else { fail(1, format!("unknown user {user}")) };
                };
                let row = passwd.remove(at);
                for g in groups.iter_mut() {
                    if let Some(m) = g.get_mut(3) {
                        *m = m.split(',').filter(|x| x != user).collect::<Vec<_>>().join(",");
                    }
                }
                // The user's own group goes with them when no one else is in it.
                if let Some(at) = groups.iter().position(|g| g[0] == *user && g.get(2) == row.get(3) && g.get(3).is_none_or(String::is_empty)) {
                    if !passwd.iter().any(|p| p.get(3) == row.get(3)) {
                        groups.remove(at);
                    }
                }
                if self.has_file("/etc/shadow") {
                    let shadow: Rows = self.rows("/etc/shadow").into_iter().filter(|s| s[0] != *user).collect();
                    let _ = self.save_rows("/etc/shadow", &shadow);
                }
                if flags.iter().any(|f| matches!(*f, "-r" | "--remove")) {
                    // The home directory goes with what is in it.
                    if let Some(home) = row.get(5) {
                        self.root.remove(&components(home));
                    }
                }
            }
            (true, [group]) => {
                let Some(at) = groups.iter().position(|g| g[0] == *group) else {
                    return if gnu { fail(6, format!("group '{group}' does not exist")) } else { fail(1, format!("unknown group {group}")) };
                };
                if let Some(user) = passwd.iter().find(|p| p.get(3) == groups[at].get(2)) {
                    return if gnu { fail(8, format!("cannot remove the primary group of user '{}'", user[0])) } else { fail(1, format!("'{}' still has '{group}' as their primary group!", user[0])) };
                }
                groups.remove(at);
            }
            _ => return fail(2, "missing name".to_string()),
        }
        match self.save_rows("/etc/passwd", &passwd).and_then(|()| self.save_rows("/etc/group", &groups)) {
            Ok(()) => (0, String::new(), String::new()),
            Err(e) => fail(1, e),
        }
    }

    /// shadow's `useradd`, `groupadd` and `usermod`, with Debian's defaults
    /// (/bin/sh, no home unless -m, a group per user; ids from 1000 up, or for
    /// `-r` from 999 down).
    pub(super) fn shadow_account(&mut self, cmd: &str, args: &[&str]) -> (i32, String, String) {
        let fail = |code: i32, e: String| (code, String::new(), format!("{cmd}: {e}\n"));
        if self.ids().0 != 0 {
            return fail(1, format!("Permission denied.\n{cmd}: cannot lock /etc/{}; try again later.", if cmd == "groupadd" { "group" } else { "passwd" }));
        }
        let valued = ["u", "g", "G", "s", "d", "c", "k", "e", "f", "p", "K", "uid", "gid", "groups", "shell", "home-dir", "home", "comment", "skel", "expiredate", "inactive", "password", "key", "login"];
        let (opts, names) = match getopt(args, &valued) {
            Ok(p) => p,
            Err(e) => return fail(2, e),
        };
        let known: &[&str] = match cmd {
            "useradd" => &["u", "g", "G", "s", "d", "c", "k", "e", "f", "p", "K", "m", "M", "r", "N", "U", "o", "l", "uid", "gid", "groups", "shell", "home-dir", "comment", "skel", "expiredate", "inactive", "password", "key", "create-home", "no-create-home", "system", "no-user-group", "user-group", "non-unique", "no-log-init"],
            "groupadd" => &["g", "r", "f", "o", "K", "p", "gid", "system", "force", "non-unique", "key", "password"],
            _ => &["a", "G", "g", "s", "d", "m", "c", "u", "o", "l", "L", "U", "e", "f", "append", "groups", "gid", "shell", "home", "move-home", "comment", "uid", "non-unique", "login", "lock", "unlock", "expiredate", "inactive"],
        };
        if let Some((bad, _)) = opts.iter().find(|(n, _)| !known.contains(&n.as_str())) {
            return fail(2, if bad.len() == 1 { format!("invalid option -- '{bad}'") } else { format!("unrecognized option '--{bad}'") });
        }
        let has = |names: &[&str]| opts.iter().any(|(n, _)| names.contains(&n.as_str()));
        let [name] = names.as_slice() else { return (2, String::new(), format!("Usage: {cmd} [options] {}\n", if cmd == "groupadd" { "GROUP" } else { "LOGIN" })) };
        let name = *name;
        let (mut passwd, mut groups) = (self.rows("/etc/passwd"), self.rows("/etc/group"));
        let system = has(&["r", "system"]);
        let used = |rows: &Rows, id: u32| rows.iter().any(|r| r.get(2).is_some_and(|x| x == &id.to_string()));
        // Normal ids: one past the highest in 1000–60000; system ids: below the lowest in 100–999.
        let allocate = |rows: &Rows, also: &dyn Fn(u32) -> bool| -> Option<u32> {
            let ids: Vec<u32> = rows.iter().filter_map(|r| r.get(2)?.parse().ok()).collect();
            if system {
                let next = ids.iter().filter(|i| (100..=999).contains(*i)).min().map_or(999, |m| m.saturating_sub(1));
                free_id(next.max(100), 100, |i| ids.contains(&i) || also(i)).or_else(|| free_id(999, 100, |i| ids.contains(&i) || also(i)))
            } else {
                let next = ids.iter().filter(|i| (1000..=60_000).contains(*i)).max().map_or(1000, |m| m + 1);
                free_id(next, 60_000, |i| ids.contains(&i) || also(i)).or_else(|| free_id(1000, 60_000, |i| ids.contains(&i) || also(i)))
            }
        };
        let number = |v: &str, what: &str| v.parse::<u32>().map_err(|_| format!("invalid {what} '{v}'"));
        match cmd {
            "groupadd" => {
                if groups.iter().any(|g| g[0] == name) {
                    return if has(&["f", "force"]) { (0, String::new(), String::new()) } else { fail(9, format!("group '{name}' already exists")) };
                }
                let gid = match opt(&opts, &["g", "gid"]) {
                    Some(g) => match number(g, "group ID") {
                        Ok(g) if used(&groups, g) && !has(&["o", "non-unique"]) => return fail(4, format!("GID '{g}' already exists")),
                        Ok(g) => g,
                        Err(e) => return fail(3, e),
                    },
                    None => match allocate(&groups, &|_| false) {
                        Some(g) => g,
                        None => return fail(4, "can't create group".to_string()),
                    },
                };
                groups.push(vec![name.into(), "x".into(), gid.to_string(), String::new()]);
            }
            "useradd" => {
                if passwd.iter().any(|p| p[0] == name) {
                    return fail(9, format!("user '{name}' already exists"));
                }
                let own_group = !has(&["g", "gid", "N", "no-user-group"]);
                if own_group && groups.iter().any(|g| g[0] == name) {
                    return fail(9, format!("group {name} exists - if you want to add this user to that group, use -g."));
                }
                let gid = match opt(&opts, &["g", "gid"]) {
                    Some(g) => match Self::group_gid(&groups, g) {
                        Some(id) => Some(id),
                        None => return fail(6, format!("group '{g}' does not exist")),
                    },
                    None => None,
                };
                let extra: Vec<&str> = opt(&opts, &["G", "groups"]).map(|g| g.split(',').filter(|s| !s.is_empty()).collect()).unwrap_or_default();
                if let Some(missing) = extra.iter().find(|g| Self::group_gid(&groups, g).is_none()) {
                    return fail(6, format!("group '{missing}' does not exist"));
                }
                let uid = match opt(&opts, &["u", "uid"]) {
                    Some(u) => match number(u, "user ID") {
                        Ok(u) if used(&passwd, u) && !has(&["o", "non-unique"]) => return fail(4, format!("UID {u} is not unique")),
                        Ok(u) => u,
                        Err(e) => return fail(3, e),
                    },
                    None => match allocate(&passwd, &|i| own_group && used(&groups, i)) {
                        Some(u) => u,
                        None => return fail(4, "can't create user".to_string()),
                    },
                };
                let gid = match gid {
                    Some(g) => g,
                    None if own_group => {
                        let g = if used(&groups, uid) { allocate(&groups, &|_| false).unwrap_or(uid) } else { uid };
                        groups.push(vec![name.into(), "x".into(), g.to_string(), String::new()]);
                        g
                    }
                    // -N: the default group (Debian: 100, users).
                    None => 100,
                };
                for g in &extra {
                    if let Some(row) = groups.iter_mut().find(|r| r[0] == *g || r.get(2).is_some_and(|x| x == g)) {
                        Self::add_member(row, name);
                    }
                }
                let home = opt(&opts, &["d", "home-dir"]).map_or_else(|| format!("/home/{name}"), str::to_string);
                let shell = opt(&opts, &["s", "shell"]).unwrap_or("/bin/sh").to_string();
                let comment = opt(&opts, &["c", "comment"]).unwrap_or("").to_string();
                passwd.push(vec![name.into(), "x".into(), uid.to_string(), gid.to_string(), comment, home.clone(), shell]);
                if self.has_file("/etc/shadow") {
                    let mut shadow = self.rows("/etc/shadow");
                    shadow.push([name, "!", &self.shadow_day().to_string(), "0", "99999", "7", "", "", ""].map(str::to_string).to_vec());
                    let _ = self.save_rows("/etc/shadow", &shadow);
                }
                if has(&["m", "create-home"]) && !has(&["M", "no-create-home"]) {
                    self.make_home(&home, uid, gid, 0o755);
                }
            }
            _ => {
                let Some(at) = passwd.iter().position(|p| p[0] == name) else { return fail(6, format!("user '{name}' does not exist")) };
                if let Some(list) = opt(&opts, &["G", "groups"]) {
                    let wanted: Vec<&str> = list.split(',').filter(|s| !s.is_empty()).collect();
                    if let Some(missing) = wanted.iter().find(|g| Self::group_gid(&groups, g).is_none()) {
                        return fail(6, format!("group '{missing}' does not exist"));
                    }
                    let append = has(&["a", "append"]);
                    for row in groups.iter_mut() {
                        let named = wanted.iter().any(|g| row[0] == *g || row.get(2).is_some_and(|x| x == g));
                        if named {
                            Self::add_member(row, name);
                        } else if !append {
                            if let Some(m) = row.get_mut(3) {
                                *m = m.split(',').filter(|x| *x != name).collect::<Vec<_>>().join(",");
                            }
                        }
                    }
                } else if has(&["a", "append"]) {
                    return fail(2, "-a flag is ONLY allowed with the -G flag".to_string());
                }
                if let Some(g) = opt(&opts, &["g", "gid"]) {
                    match Self::group_gid(&groups, g) {
                        Some(id) => passwd[at][3] = id.to_string(),
                        None => return fail(6, format!("group '{g}' does not exist")),
                    }
                }
                if let Some(s) = opt(&opts, &["s", "shell"]) {
                    passwd[at][6] = s.to_string();
                }
                if let Some(c) = opt(&opts, &["c", "comment"]) {
                    passwd[at][4] = c.to_string();
                }
                if let Some(d) = opt(&opts, &["d", "home"]) {
                    passwd[at][5] = d.to_string();
                }
                if let Some(u) = opt(&opts, &["u", "uid"]) {
                    match number(u, "user ID") {
                        Ok(u) if used(&passwd, u) && passwd[at][2] != u.to_string() && !has(&["o", "non-unique"]) => return fail(4, format!("UID '{u}' already exists")),
                        Ok(u) => passwd[at][2] = u.to_string(),
                        Err(e) => return fail(3, e),
                    }
                }
                if let Some((bad, _)) = opts.iter().find(|(n, _)| matches!(n.as_str(), "l" | "L" | "U" | "m" | "login" | "lock" | "unlock" | "move-home" | "e" | "f" | "expiredate" | "inactive")) {
                    return fail(2, format!("-{bad} is not simulated in this version of Layer Lab"));
                }
            }
        }
        match self.save_rows("/etc/passwd", &passwd).and_then(|()| self.save_rows("/etc/group", &groups)) {
            Ok(()) => (0, String::new(), String::new()),
            Err(e) => fail(1, e),
        }
    }
}
