//! The official nginx image's start, as its scripts and the nginx master do
//! it. `/docker-entrypoint.sh nginx …` runs the scripts in
//! `/docker-entrypoint.d` (the image's four are simulated here; others run in
//! the container's shell), then nginx writes its pid file and makes its
//! temporary directories. So a fresh nginx container's `docker diff` shows
//! what a real one's does: the IPv6 `listen` added to default.conf, the pid
//! file, the five temp directories.

use crate::fs::{components, Node, PathKey, Tree};
use std::collections::BTreeMap;

pub const SCRIPTS: &str = "/docker-entrypoint.d";
const DEFAULT_CONF: &str = "/etc/nginx/conf.d/default.conf";

/// What the entrypoint does with one file of [`SCRIPTS`].
#[derive(Debug, PartialEq, Eq)]
pub enum Script {
    /// `*.envsh`, executable: sourced (its variables stay for the next ones).
    Source(String),
    /// `*.sh`, executable: run.
    Launch(String),
    /// The entrypoint's log line for a file it skips.
    Ignore(String),
}

/// The files of [`SCRIPTS`] in `sort -V` order (plain order for the image's
/// numbered names), and what the entrypoint does with each.
pub fn scripts(view: &Tree) -> Vec<Script> {
    let dir = components(SCRIPTS);
    let mut out = Vec::new();
    for (key, node) in view.descendants(&dir) {
        let path = crate::fs::display(key);
        // `find -follow -type f`: regular files, through symlinks.
        let Some((_, file)) = view.resolve(key.clone()) else { continue };
        if file.is_dir() || node.is_dir() {
            continue;
        }
        let executable = file.mode & 0o111 != 0;
        out.push(match (path.rsplit_once('.').map(|(_, e)| e), executable) {
            (Some("envsh"), true) => Script::Source(path),
            (Some("sh"), true) => Script::Launch(path),
            (Some("envsh" | "sh"), false) => Script::Ignore(format!("Ignoring {path}, not executable")),
            _ => Script::Ignore(format!("Ignoring {path}")),
        });
    }
    out
}

/// What a simulated script did: its log and the files it wrote (whole
/// nodes, put over what is there).
#[derive(Debug, Default)]
pub struct Done {
    pub log: String,
    pub writes: Vec<(PathKey, Node)>,
}

/// Runs one of the image's own scripts; None for a script Layer Lab does not
/// know (the caller runs it in the shell). `read_only` says whether a path is
/// on a read-only mount; `env` is the entrypoint's, which a sourced script changes.
pub fn configure(view: &Tree, path: &str, env: &mut BTreeMap<String, String>, read_only: &dyn Fn(&[String]) -> bool) -> Option<Done> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let mut done = Done::default();
    let quiet = env.get("NGINX_ENTRYPOINT_QUIET_LOGS").is_some_and(|v| !v.is_empty());
    let say = |done: &mut Done, line: String| {
        if !quiet {
            done.log.push_str(&format!("{name}: {line}\n"));
        }
    };
    match name {
        "10-listen-on-ipv6-by-default.sh" => {
            let key = components(DEFAULT_CONF);
            let Some(node) = view.get(&key).filter(|n| !n.is_dir()) else {
                say(&mut done, format!("info: {DEFAULT_CONF} is not a file or does not exist"));
                return Some(done);
            };
            // `touch` first: a new mtime is a change, copied up even when nothing else is.
            if read_only(&key) {
                say(&mut done, format!("info: can not modify {DEFAULT_CONF} (read-only file system?)"));
                return Some(done);
            }
            let mut touched = node.clone();
            touched.touched += 1;
            let text = node.body().map(|b| String::from_utf8_lossy(&b.to_vec()).into_owned()).unwrap_or_default();
            if text.contains("listen  [::]:80;") {
                say(&mut done, "info: IPv6 listen already enabled".to_string());
            } else {
                say(&mut done, format!("info: Getting the checksum of {DEFAULT_CONF}"));
                // dpkg's checksum of the file the package installed.
                let packaged = crate::catalogue::catalogue().ok().and_then(|c| c.layers.get("nginx-install")).and_then(|l| l.text(DEFAULT_CONF));
                if packaged != Some(text.as_str()) {
                    say(&mut done, format!("info: {DEFAULT_CONF} differs from the packaged version"));
                } else {
                    // sed -i -E 's,listen       80;,listen       80;\n    listen  [::]:80;,'
                    let text = text.replacen("listen       80;", "listen       80;\n    listen  [::]:80;", 1);
                    touched = Node { kind: Node::file(text.into_bytes(), 0).kind, ..touched };
                    say(&mut done, format!("info: Enabled listen on IPv6 in {DEFAULT_CONF}"));
                }
            }
            done.writes.push((key, touched));
        }
        "15-local-resolvers.envsh" => {
            if env.get("NGINX_ENTRYPOINT_LOCAL_RESOLVERS").is_some_and(|v| !v.is_empty()) {
                let conf = view.get(&components("/etc/resolv.conf")).and_then(Node::body).map(|b| String::from_utf8_lossy(&b.to_vec()).into_owned()).unwrap_or_default();
                let servers: Vec<String> = conf
                    .lines()
                    .filter_map(|l| l.strip_prefix("nameserver"))
                    .map(|s| s.trim())
                    .map(|s| if s.contains(':') { format!("[{s}]") } else { s.to_string() })
                    .collect();
                env.insert("NGINX_LOCAL_RESOLVERS".to_string(), servers.join(" "));
            }
        }
        "20-envsubst-on-templates.sh" => {
            let var = |name: &str, default: &str| env.get(name).filter(|v| !v.is_empty()).cloned().unwrap_or_else(|| default.to_string());
            let (templates, suffix, output) = (var("NGINX_ENVSUBST_TEMPLATE_DIR", "/etc/nginx/templates"), var("NGINX_ENVSUBST_TEMPLATE_SUFFIX", ".template"), var("NGINX_ENVSUBST_OUTPUT_DIR", "/etc/nginx/conf.d"));
            let dir = components(&templates);
            if !view.resolve(dir.clone()).is_some_and(|(_, n)| n.is_dir()) {
                return Some(done);
            }
            let out_dir = components(&output);
            if !view.resolve(out_dir.clone()).is_some_and(|(_, n)| n.is_dir()) || read_only(&out_dir) {
                say(&mut done, format!("ERROR: {templates} exists, but {output} is not writable"));
                return Some(done);
            }
            for (key, node) in view.descendants(&dir) {
                let relative = crate::fs::display(&key[dir.len()..]);
                let Some(stem) = relative.strip_suffix(&suffix).filter(|_| !node.is_dir()) else { continue };
                let template = crate::fs::display(key);
                say(&mut done, format!("Running envsubst on {template} to {output}{stem}"));
                let text = node.body().map(|b| String::from_utf8_lossy(&b.to_vec()).into_owned()).unwrap_or_default();
                done.writes.push((components(&format!("{output}{stem}")), Node::file(envsubst(&text, env).into_bytes(), 0o644)));
            }
            if env.contains_key("NGINX_ENVSUBST_FILTER") || view.descendants(&dir).any(|(k, _)| k.last().is_some_and(|n| n.ends_with(".stream-template"))) {
                done.log.push_str("(Layer Lab: NGINX_ENVSUBST_FILTER and stream templates are not simulated)\n");
            }
        }
        "30-tune-worker-processes.sh" => {
            if env.get("NGINX_ENTRYPOINT_WORKER_PROCESSES_AUTOTUNE").is_some_and(|v| !v.is_empty()) {
                done.log.push_str("(Layer Lab: NGINX_ENTRYPOINT_WORKER_PROCESSES_AUTOTUNE is not simulated: worker_processes stays as nginx.conf says)\n");
            }
        }
        _ => return None,
    }
    Some(done)
}

/// `envsubst "$defined_envs"`: `$NAME` and `${NAME}` of the variables that
/// are set are replaced; nginx's own (`$uri`, `$host`) stay as they are.
pub fn envsubst(text: &str, env: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, len) = match after.strip_prefix('{') {
            Some(inner) => match inner.find('}') {
                Some(end) => (&inner[..end], end + 2),
                None => ("", 0),
            },
            None => {
                let end = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
                (&after[..end], end)
            }
        };
        let valid = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_') && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        match env.get(name).filter(|_| valid) {
            Some(value) => {
                out.push_str(value);
                rest = &after[len..];
            }
            None => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The words of the main-context directive `name` in nginx.conf (`pid`, `user`).
fn main_directive(view: &Tree, name: &str) -> Option<Vec<String>> {
    let conf = view.get(&components("/etc/nginx/nginx.conf")).and_then(Node::body)?.to_vec();
    let text: String = String::from_utf8_lossy(&conf).lines().map(|l| l.split('#').next().unwrap_or_default()).collect::<Vec<_>>().join("\n");
    let (mut depth, mut words) = (0usize, String::new());
    for c in text.chars() {
        match c {
            '{' => {
                depth += 1;
                words.clear();
            }
            '}' => {
                depth = depth.saturating_sub(1);
                words.clear();
            }
            ';' => {
                let parts: Vec<String> = words.split_whitespace().map(str::to_string).collect();
                words.clear();
                if depth == 0 && parts.first().is_some_and(|w| w == name) {
                    return Some(parts[1..].to_vec());
                }
            }
            c => words.push(c),
        }
    }
    None
}

/// The nginx master's start: its notices, its pid file, and the temporary
/// directories it makes (owned by the `user` nginx.conf names, mode 0700).
pub fn master(view: &Tree, version: &str, now: Option<i64>) -> Done {
    let version = format!("1#1: nginx/{version}");
    let log = notices(now, &["1#1: using the \"epoll\" event method", &version, "1#1: built by gcc 12.2.0 (Debian 12.2.0-14)", "1#1: OS: Linux 6.1.0", "1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576", "1#1: start worker processes", "1#1: start worker process 29"]);
    let user = main_directive(view, "user").and_then(|w| w.into_iter().next()).unwrap_or_else(|| "nginx".to_string());
    let passwd = view.get(&components("/etc/passwd")).and_then(Node::body).map(|b| String::from_utf8_lossy(&b.to_vec()).into_owned()).unwrap_or_default();
    let uid = passwd.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.first() == Some(&user.as_str())).then(|| f.get(2).and_then(|u| u.parse().ok())).flatten()
    });
    let mut writes = vec![(pid_file(view), Node::file(b"1\n".to_vec(), 0o644))];
    for temp in ["client_temp", "proxy_temp", "fastcgi_temp", "uwsgi_temp", "scgi_temp"] {
        let key = components(&format!("/var/cache/nginx/{temp}"));
        if view.get(&key).is_none() {
            writes.push((key, Node { uid: uid.unwrap_or(65534), ..Node::dir(0o700) }));
        }
    }
    Done { log, writes }
}

/// What nginx logs when `docker stop` sends it SIGQUIT (its STOPSIGNAL): it
/// shuts down gracefully.
pub fn stopped(now: Option<i64>) -> String {
    notices(now, &["1#1: signal 3 (SIGQUIT) received, shutting down", "29#29: gracefully shutting down", "29#29: exiting", "29#29: exit", "1#1: signal 17 (SIGCHLD) received from 29", "1#1: worker process 29 exited with code 0", "1#1: exit"])
}

/// nginx's error-log lines at level notice, with its timestamp when the clock is known.
fn notices(now: Option<i64>, lines: &[&str]) -> String {
    let stamp = now.map(|t| {
        let (y, m, d, s, _) = crate::listing::civil(t);
        format!("{y}/{m:02}/{d:02} {:02}:{:02}:{:02} ", s / 3600, s / 60 % 60, s % 60)
    });
    lines.iter().map(|l| format!("{}[notice] {l}\n", stamp.as_deref().unwrap_or_default())).collect()
}

/// The pid file nginx removes when it stops gracefully (`docker stop`'s SIGQUIT).
pub fn pid_file(view: &Tree) -> PathKey {
    components(&main_directive(view, "pid").and_then(|w| w.into_iter().next()).unwrap_or_else(|| "/run/nginx.pid".to_string()))
}
