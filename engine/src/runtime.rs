//! Containers and volumes. A container is an image's read-only view (shared,
//! never copied) plus its own writable layer, kept as the changes from that
//! view: overlay2's upper directory. A command runs on the merged view; the
//! new writable layer is the difference between the image and the result, so
//! a changed image file is copied up whole and a deleted one becomes a
//! whiteout, in that container only. Volumes are trees of their own, mounted
//! over the view; what is written under a mount goes to the volume.

use crate::fs::{components, display, Node, PathKey, Tree};
use crate::layer::Change;
use std::collections::BTreeMap;

/// A container's writable layer: the changes from the image's view and the
/// nodes added or modified (copied up).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Writable {
    pub changes: Vec<Change>,
    pub nodes: Tree,
    /// Directories removed and made again (opaque in a committed layer).
    pub opaque: Vec<PathKey>,
}

impl Writable {
    /// Bytes of the files (and symlink targets) in the layer: `docker ps -s` SIZE.
    pub fn size(&self) -> u64 {
        self.nodes.size()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Created,
    Running,
    Paused,
    Exited(i32),
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            State::Created => "created",
            State::Running => "running",
            State::Paused => "paused",
            State::Exited(_) => "exited",
        }
    }
}

/// A volume, or a folder or file of the host (a bind mount), mounted into a container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    /// The volume's name; for a bind mount, the host path (see [`Volume::is_bind`]).
    pub volume: String,
    pub destination: String,
    /// `:ro`, `readonly`: what a command writes under it is discarded.
    pub read_only: bool,
}

/// A mount as the page labels it: `/data ← volume 3f2a…` (a volume's name cut
/// to 12), `/app ← /home/learner/site` (a bind mount's host path).
pub fn mount_label(volume: &str, destination: &str) -> String {
    if volume.starts_with('/') {
        format!("{destination} ← {volume}")
    } else {
        format!("{destination} ← volume {}", volume.chars().take(12).collect::<String>())
    }
}

/// Where a bind mount of one file keeps it in its [`Volume::tree`].
pub const BOUND_FILE: &str = "file";

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Volume {
    pub name: String,
    /// Contents, keyed relative to the volume's root.
    pub tree: Tree,
    /// Made for one container (`VOLUME` in the image, `-v /path`).
    pub anonymous: bool,
    pub created: Option<i64>,
    /// A bind mount of one host file, kept at [`BOUND_FILE`].
    pub file: bool,
}

impl Volume {
    pub fn size(&self) -> u64 {
        self.tree.size()
    }

    /// A bind mount's copy of the host's files, named by the host path (a
    /// volume's name cannot start with `/`): the engine reads it from the
    /// host before each line and writes what changed back after it.
    pub fn is_bind(&self) -> bool {
        self.name.starts_with('/')
    }
}

/// What the main process is, once started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Process {
    /// Ran to completion when started.
    Finished,
    /// Keeps running until stopped: exit code on SIGTERM.
    Service { on_term: i32 },
    /// An interactive shell (`-it … sh`).
    Shell,
}

/// A counter a request moves through `&Engine` (an upstream's turn). It
/// clones by value: a copy of the engine (the page's checks ask one) moves
/// its own, never the original's, so a replayed journal gives the same turns.
#[derive(Debug, Default)]
pub struct Turns(std::sync::atomic::AtomicUsize);

impl Clone for Turns {
    fn clone(&self) -> Turns {
        Turns(std::sync::atomic::AtomicUsize::new(self.0.load(std::sync::atomic::Ordering::Relaxed)))
    }
}

impl Turns {
    /// This turn; the next call gets the next.
    pub fn next(&self) -> usize {
        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }
}

#[derive(Clone, Debug)]
pub struct Container {
    pub id: String,
    pub name: String,
    pub image: crate::Digest,
    /// The image as the user named it (`docker ps` IMAGE).
    pub image_name: String,
    /// Order of creation (`docker ps` lists newest first).
    pub seq: u64,
    pub created: Option<i64>,
    /// The process: entrypoint + command.
    pub argv: Vec<String>,
    /// How many of `argv`'s words are the entrypoint (`--entrypoint` or the
    /// image's ENTRYPOINT); the rest is the command (`inspect`'s Config.Cmd).
    pub entrypoint_len: usize,
    pub env: Vec<String>,
    pub working_dir: String,
    pub tty: bool,
    pub interactive: bool,
    /// `0.0.0.0:32768->8080/tcp`.
    pub ports: Vec<String>,
    pub state: State,
    pub process: Process,
    /// The program that ran as PID 1 when it last started, past entrypoint
    /// scripts and `exec`s (`nginx`, `mysqld`): what listens on the network.
    pub program: String,
    /// PID 1's command line after those hops (`docker top` shows it).
    pub main_argv: Vec<String>,
    /// The site nginx serves: its configuration as loaded at start or the last `nginx -s reload`.
    pub nginx: Option<crate::http::Site>,
    /// Requests nginx has passed to an upstream: its servers take turns.
    pub proxied: Turns,
    pub writable: Writable,
    pub mounts: Vec<Mount>,
    pub logs: String,
    /// When each part of `logs` was written: (its first byte, seconds), for
    /// `docker logs -t`, `--since` and `--until`.
    pub log_times: Vec<(usize, i64)>,
    pub auto_remove: bool,
    /// `--restart` as given (`no` when not): kept for `inspect`; Layer Lab restarts nothing.
    pub restart: String,
    /// `--user`, else the image's USER; empty is root.
    pub user: String,
    pub started: Option<i64>,
    pub finished: Option<i64>,
    pub restart_count: u32,
    /// Its network (`docker run --network`): `bridge`, `host`, `none` or one
    /// `docker network create` made.
    pub network: String,
    /// Its network's addresses are 172.`subnet`.0.0/16 (17: the default
    /// bridge); 0 for `host` and `none`, where it has no address of its own.
    pub subnet: u8,
    /// Its address on its network (172.`subnet`.A.B, A*256+B) while it runs:
    /// the lowest one no other running container there has when it starts.
    pub address: u32,
    /// /etc/hostname, /etc/hosts and /etc/resolv.conf: files the runtime
    /// mounts over the image's (so no layer records them), by path.
    pub etc: BTreeMap<String, Vec<u8>>,
    /// `--hostname`; empty is the short ID, as Docker names it.
    pub hostname: String,
}

/// What Docker's init layer (daemon/initlayer) holds under every container,
/// where the image has nothing there: the mount points of the runtime's
/// files and of the kernel's filesystems, and /.dockerenv. None is a
/// directory, `Some("")` an empty file, another `Some` a symlink's target.
pub const INIT_LAYER: [(&str, Option<&str>); 10] = [
    ("/dev/pts", None),
    ("/dev/shm", None),
    ("/proc", None),
    ("/sys", None),
    ("/.dockerenv", Some("")),
    ("/etc/resolv.conf", Some("")),
    ("/etc/hosts", Some("")),
    ("/etc/hostname", Some("")),
    ("/dev/console", Some("")),
    ("/etc/mtab", Some("/proc/mounts")),
];

/// The files the runtime mounts into a container's /etc.
pub const ETC_FILES: [&str; 3] = ["/etc/hostname", "/etc/hosts", "/etc/resolv.conf"];

impl Container {
    pub fn short_id(&self) -> &str {
        &self.id[..12]
    }

    /// Its host name: `--hostname`, else its short ID.
    pub fn host_name(&self) -> &str {
        if self.hostname.is_empty() { self.short_id() } else { &self.hostname }
    }

    /// Its address on its network, `172.17.0.N` (see [`Container::address`]);
    /// empty on `host` and `none`.
    pub fn ip(&self) -> String {
        if self.subnet == 0 {
            return String::new();
        }
        format!("172.{}.{}.{}", self.subnet, self.address / 256, self.address % 256)
    }

    /// The MAC Docker derives from its address (02:42 and the address's bytes).
    pub fn mac(&self) -> String {
        if self.subnet == 0 {
            return String::new();
        }
        format!("02:42:ac:{:02x}:{:02x}:{:02x}", self.subnet, self.address / 256, self.address % 256)
    }

    /// The process split into its entrypoint (`--entrypoint`'s or the
    /// image's) and its command.
    pub fn entrypoint_and_cmd(&self) -> (&[String], &[String]) {
        self.argv.split_at(self.entrypoint_len.min(self.argv.len()))
    }

    /// `sleep 1d` as `docker ps` quotes it (shell form unwrapped to its script).
    pub fn command(&self) -> String {
        self.argv.join(" ")
    }

    /// The COMMAND column of `docker ps` and `system df -v`: quoted, cut to 20
    /// characters unless `whole`.
    pub fn command_column(&self, whole: bool) -> String {
        let command = self.command();
        if !whole && command.chars().count() > 20 {
            format!("\"{}…\"", command.chars().take(19).collect::<String>())
        } else {
            format!("\"{command}\"")
        }
    }

    /// The environment as a map, for the shell.
    /// What its processes see: the configured variables, and HOSTNAME
    /// (the short ID) and HOME, which the runtime adds, as Docker does.
    /// Appends to the container's output, written at `now` (no clock: untimed).
    pub fn log(&mut self, now: Option<i64>, text: &str) {
        if let Some(t) = now.filter(|_| !text.is_empty()) {
            if self.log_times.last().map(|&(_, last)| last) != Some(t) {
                self.log_times.push((self.logs.len(), t));
            }
        }
        self.logs.push_str(text);
    }

    /// Each line of the output with the time it was written (the start's when unknown).
    pub fn log_lines(&self) -> Vec<(Option<i64>, &str)> {
        // One pass: the lines and the times both go forward.
        let (mut at, mut times, mut time) = (0, self.log_times.iter().peekable(), self.started);
        self.logs
            .lines()
            .map(|line| {
                while let Some(&(_, t)) = times.next_if(|(from, _)| *from <= at) {
                    time = Some(t);
                }
                at += line.len() + 1;
                (time, line)
            })
            .collect()
    }

    /// A process's environment: the container's, HOSTNAME and HOME, and
    /// TERM=xterm when it has a terminal (`-t`), as Docker adds it.
    pub fn env_map(&self, tty: bool) -> BTreeMap<String, String> {
        let mut env = crate::sorting::map_of(self.env.iter().filter_map(|e| e.split_once('=')).map(|(k, v)| (k.to_string(), v.to_string())));
        if tty {
            env.entry("TERM".to_string()).or_insert_with(|| "xterm".to_string());
            env.insert(crate::shell::TERMINAL.to_string(), String::new());
        }
        env.entry("HOSTNAME".to_string()).or_insert_with(|| self.host_name().to_string());
        if self.user.is_empty() || self.user == "root" || self.user == "0" {
            env.entry("HOME".to_string()).or_insert_with(|| "/root".to_string());
        } else {
            env.insert(crate::shell::USER.to_string(), self.user.clone());
        }
        env
    }

    /// The merged view: the image's view, the writable layer over it, the
    /// volumes over both.
    pub fn merged(&self, lower: &Tree, volumes: &BTreeMap<String, Volume>) -> Tree {
        self.view(lower, volumes, true)
    }

    /// The merged view, with the runtime's /etc files or without them (what
    /// the layers and volumes hold: comparing two containers).
    pub fn view(&self, lower: &Tree, volumes: &BTreeMap<String, Volume>, runtime: bool) -> Tree {
        let mut view = self.rootfs(lower);
        if runtime && view.get(&components("/etc")).is_some_and(Node::is_dir) {
            for (path, bytes) in &self.etc {
                let _ = view.insert(components(path), Node::file(bytes.clone(), 0o644)); // ok: /etc is there
            }
        }
        for m in &self.mounts {
            mount(&mut view, m, volumes);
        }
        view
    }

    /// What `docker export` writes: the image's files, the init layer's
    /// empty placeholders ([`INIT_LAYER`]) and the writable layer; of a
    /// volume or a bind mount only its mount point, and none of what the
    /// runtime wrote into its /etc files.
    pub fn exported(&self, lower: &Tree) -> Tree {
        let mut base = lower.clone();
        for (path, kind) in INIT_LAYER {
            let key = components(path);
            if base.get(&key).is_none() {
                let node = match kind {
                    None => Node::dir(0o755),
                    Some("") => Node::file(Vec::new(), 0o755),
                    Some(target) => Node { kind: crate::fs::Kind::Symlink(target.to_string()), mode: 0o777, uid: 0, gid: 0, touched: 0 },
                };
                let _ = base.insert(key, node); // ok: an absolute path's parents are made
            }
        }
        self.rootfs(&base)
    }

    /// The image's view with the writable layer over it, without the volumes
    /// (what `docker commit` takes).
    pub fn rootfs(&self, lower: &Tree) -> Tree {
        let mut view = lower.clone();
        for change in &self.writable.changes {
            match change {
                Change::Deleted(k) => {
                    view.remove(k);
                }
                Change::Added(k) | Change::Modified(k) => {
                    if let Some(n) = self.writable.nodes.get(k) {
                        if view.get(k).is_some_and(|old| old.is_dir() != n.is_dir()) {
                            view.remove(k);
                        }
                        let _ = view.insert(k.clone(), n.clone()); // ok: parents precede children in the changes
                    }
                }
                Change::Opaque(_) => {}
            }
        }
        view
    }

    /// The read-only mounts whose contents `merged` changed: what a command
    /// wrote there, which [`Container::absorb`] discards.
    pub fn read_only_writes(&self, merged: &Tree, volumes: &BTreeMap<String, Volume>) -> Vec<String> {
        self.mounts
            .iter()
            .filter(|m| m.read_only)
            .filter(|m| {
                // What the mount showed: its volume alone, over nothing.
                let mut before = Tree::new();
                mount(&mut before, m, volumes);
                let key = components(&m.destination);
                merged.get(&key) != before.get(&key) || !merged.descendants(&key).eq(before.descendants(&key))
            })
            .map(|m| m.destination.clone())
            .collect()
    }

    /// Takes the result of a command back: what lies under a mount goes to
    /// its volume, the rest becomes the new writable layer. Returns the files
    /// this made newly copied up and newly whited out (for the page).
    pub fn absorb(&mut self, lower: &Tree, merged: &Tree, opaque: &[PathKey], volumes: &mut BTreeMap<String, Volume>) -> (Vec<String>, Vec<String>) {
        // Without mounts the trees are compared as they are; with mounts, copies
        // without what lies under them.
        let mut upper = std::borrow::Cow::Borrowed(merged);
        let mut lower_outside = std::borrow::Cow::Borrowed(lower);
        // The runtime's /etc files keep what was written to them, outside any layer.
        if merged.get(&components("/etc")).is_some_and(Node::is_dir) && !self.etc.is_empty() {
            let (upper, lower_outside) = (upper.to_mut(), lower_outside.to_mut());
            for path in ETC_FILES {
                let key = components(path);
                if let Some(bytes) = merged.get(&key).and_then(Node::body).map(|b| b.to_vec()) {
                    self.etc.insert(path.to_string(), bytes);
                }
                match lower.get(&key) {
                    Some(n) => {
                        let _ = upper.insert(key, n.clone()); // ok: /etc is there
                    }
                    None => {
                        upper.remove(&key);
                        lower_outside.remove(&key);
                    }
                }
            }
        }
        for m in &self.mounts {
            let (upper, lower_outside) = (upper.to_mut(), lower_outside.to_mut());
            let key = components(&m.destination);
            let file = volumes.get(&m.volume).is_some_and(|v| v.file);
            match volumes.get_mut(&m.volume) {
                // A read-only mount keeps what it had.
                _ if m.read_only => {}
                Some(vol) if file => {
                    if let Some(n) = merged.get(&key).filter(|n| !n.is_dir()) {
                        let _ = vol.tree.insert(vec![BOUND_FILE.to_string()], n.clone()); // ok: one component
                    }
                }
                Some(vol) => {
                    let mut tree = Tree::new();
                    for (k, n) in merged.descendants(&key) {
                        let _ = tree.insert(k[key.len()..].to_vec(), n.clone()); // ok: parents come first
                    }
                    vol.tree = tree;
                }
                None => {}
            }
            // The mount point itself is made in the writable layer when the image lacks it
            // (an empty file for a file's bind mount).
            let point = || if file { Node::file(Vec::new(), 0o644) } else { Node::dir(0o755) };
            upper.remove(&key);
            lower_outside.remove(&key);
            if lower.get(&key).is_some_and(|n| n.is_dir() != file) {
                let _ = lower_outside.insert(key.clone(), point());
            }
            let _ = upper.insert(key.clone(), lower_outside.get(&key).cloned().unwrap_or_else(point));
        }
        let changes = crate::layer::diff(&lower_outside, &upper);
        let mut nodes = Tree::new();
        for c in &changes {
            if let Change::Added(k) | Change::Modified(k) = c {
                if let Some(n) = upper.get(k) {
                    let _ = nodes.insert(k.clone(), n.clone()); // ok: parents precede children
                }
            }
        }
        let old = crate::sorting::set_of(self.writable.changes.iter());
        let copied_up = changes.iter().filter(|c| !old.contains(c)).filter_map(|c| match c {
            Change::Modified(k) if !upper.get(k).is_some_and(Node::is_dir) => Some(display(k)),
            _ => None,
        });
        let copied_up: Vec<String> = copied_up.collect();
        let whiteouts: Vec<String> = changes.iter().filter(|c| !old.contains(c)).filter_map(|c| match c {
            Change::Deleted(k) => Some(display(k)),
            _ => None,
        }).collect();
        let mut opaque_dirs = self.writable.opaque.clone();
        for o in opaque {
            if !opaque_dirs.contains(o) && upper.get(o).is_some_and(Node::is_dir) {
                opaque_dirs.push(o.clone());
            }
        }
        opaque_dirs.retain(|o| upper.get(o).is_some_and(Node::is_dir));
        self.writable = Writable { changes, nodes, opaque: opaque_dirs };
        (copied_up, whiteouts)
    }

}

/// A published port, stored as `0.0.0.0:8080->80/tcp`: (host address,
/// host port, container port, protocol).
pub(crate) fn binding(spec: &str) -> Option<(&str, u16, u16, &str)> {
    let (outside, inside) = spec.split_once("->")?;
    let (inside, proto) = inside.split_once('/').unwrap_or((inside, "tcp"));
    let (address, port) = outside.rsplit_once(':')?;
    Some((address, port.parse().ok()?, inside.parse().ok()?, proto))
}

/// Puts what mount `m` shows over `view`: its volume's files under a
/// directory, or a bind-mounted file.
fn mount(view: &mut Tree, m: &Mount, volumes: &BTreeMap<String, Volume>) {
    let key = components(&m.destination);
    view.remove(&key);
    if let Some(vol) = volumes.get(&m.volume).filter(|v| v.file) {
        let node = vol.tree.get(&[BOUND_FILE.to_string()]).cloned().unwrap_or_else(|| Node::file(Vec::new(), 0o644));
        let _ = view.insert(key, node); // ok: an absolute path's parents are made
        return;
    }
    let _ = view.insert(key.clone(), Node::dir(0o755)); // ok: an absolute path's parents are made
    if let Some(vol) = volumes.get(&m.volume) {
        for (k, n) in vol.tree.iter() {
            let mut full = key.clone();
            full.extend_from_slice(k);
            let _ = view.insert(full, n.clone()); // ok: parents come first in a tree's order
        }
    }
}

/// Docker's names for containers without `--name`: an adjective and a
/// scientist, picked from the container's ID.
pub fn generated_name(id: &str, taken: &dyn Fn(&str) -> bool) -> String {
    const LEFT: [&str; 16] = [
        "admiring", "brave", "clever", "eager", "focused", "gallant", "happy", "jolly", "keen", "loving", "modest", "nifty", "quirky", "serene", "tender", "zealous",
    ];
    const RIGHT: [&str; 16] = [
        "babbage", "curie", "darwin", "einstein", "hopper", "johnson", "kepler", "lovelace", "meitner", "noether", "pasteur", "ritchie", "shannon", "tesla", "turing", "wozniak",
    ];
    let bytes = id.as_bytes();
    let base = format!("{}_{}", LEFT[usize::from(bytes[0]) % 16], RIGHT[usize::from(bytes[1]) % 16]);
    if !taken(&base) {
        return base;
    }
    (1..).map(|i| format!("{base}{i}")).find(|n| !taken(n)).unwrap_or(base)
}

/// The /etc/passwd line of a user (by name or UID) in `view`, split at `:`
/// (at least four fields).
pub fn passwd_entry(view: &Tree, who: &str) -> Option<Vec<String>> {
    let passwd = view.get(&view.follow(components("/etc/passwd"))).and_then(Node::body)?.to_vec();
    String::from_utf8_lossy(&passwd).lines().map(|l| l.split(':').map(str::to_string).collect::<Vec<_>>()).find(|f| f.len() > 3 && (f[0] == who || f[2] == who))
}

/// Why `user` (`NAME`, `UID`, with `:GROUP` or not) cannot run in `view`:
/// a name that /etc/passwd (or a group that /etc/group) does not list.
pub fn missing_user(view: &Tree, user: &str) -> Option<String> {
    let listed = |file: &str, name: &str| {
        name.is_empty()
            || name.parse::<u32>().is_ok()
            || view.get(&components(file)).and_then(Node::body).is_some_and(|b| String::from_utf8_lossy(&b.to_vec()).lines().any(|l| l.split(':').next() == Some(name)))
    };
    let (name, group) = user.split_once(':').map_or((user, None), |(u, g)| (u, Some(g)));
    if !listed("/etc/passwd", name) {
        return Some(format!("unable to find user {name}: no matching entries in passwd file"));
    }
    group.filter(|g| !listed("/etc/group", g)).map(|g| format!("unable to find group {g}: no matching entries in group file"))
}

/// Whether a program runs until it is stopped (a server, `sleep 1d`,
/// `tail -f`): as a container's main process, the container keeps running.
pub fn keeps_running(words: &[String]) -> bool {
    let base = words.first().map_or("", |w| w.rsplit('/').next().unwrap_or(w));
    match base {
        // `sleep 1d`, `sleep infinity`; not `sleep 0` nor a bad interval, which end at once.
        "sleep" => words.get(1).is_some_and(|d| crate::shell::valid_interval(d) && (d.starts_with("inf") || d.bytes().any(|b| (b'1'..=b'9').contains(&b)))),
        "top" | "nginx" | "mysqld" | "java" | "postgres" | "grafana" | "grafana-server" => true,
        "tail" => words.iter().any(|w| w == "-f" || w == "-F"),
        _ => false,
    }
}

/// Finds a program the way `exec` does: a path as given, or each PATH entry.
pub fn which(view: &Tree, program: &str, env: &BTreeMap<String, String>, cwd: &str) -> Option<String> {
    let is_exec = |p: &str| view.resolve(components(p)).is_some_and(|(_, n)| !n.is_dir());
    if program.contains('/') {
        let path = if program.starts_with('/') { program.to_string() } else { format!("{cwd}/{program}") };
        return is_exec(&path).then_some(path);
    }
    if crate::shell::standard_utility(view, program) {
        return Some(format!("/bin/{program}"));
    }
    let path = env.get("PATH").cloned().unwrap_or_else(|| "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string());
    path.split(':').map(|dir| format!("{}/{program}", dir.trim_end_matches('/'))).find(|p| is_exec(p))
}
