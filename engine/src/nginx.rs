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

/// The nginx version a process's environment names (the image sets NGINX_VERSION).
pub fn version(env: &BTreeMap<String, String>) -> &str {
    env.get("NGINX_VERSION").map_or("1.27.4", String::as_str)
}

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
            let text = contents(node);
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
                let conf = text(view, "/etc/resolv.conf").unwrap_or_default();
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
                done.writes.push((components(&format!("{output}{stem}")), Node::file(envsubst(&contents(node), env).into_bytes(), 0o644)));
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
    let mut depth = 0usize;
    for s in statements(&text(view, NGINX_CONF)?, 0, NGINX_CONF).ok()? {
        match s.end {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            _ if depth == 0 && s.words[0] == name => return Some(s.words[1..].to_vec()),
            _ => {}
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
    let uid = crate::runtime::passwd_entry(view, &user).and_then(|f| f[2].parse().ok());
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

/// What nginx prints when its configuration does not load at start: the
/// error log's line, then its own.
pub fn emerg(now: Option<i64>, message: &str) -> String {
    error_log(now, "emerg", &[&format!("1#1: {message}")]) + &format!("nginx: [emerg] {message}\n")
}

fn notices(now: Option<i64>, lines: &[&str]) -> String {
    error_log(now, "notice", lines)
}

/// nginx's error-log lines (`2026/11/24 18:04:05 [LEVEL] PID#TID: …`),
/// without the time when the clock is not known.
pub fn error_log(now: Option<i64>, level: &str, lines: &[&str]) -> String {
    let stamp = now.map(|t| crate::date::strftime(t, "%Y/%m/%d %H:%M:%S "));
    lines.iter().map(|l| format!("{}[{level}] {l}\n", stamp.as_deref().unwrap_or_default())).collect()
}

/// The pid file nginx removes when it stops gracefully (`docker stop`'s SIGQUIT).
pub fn pid_file(view: &Tree) -> PathKey {
    components(&main_directive(view, "pid").and_then(|w| w.into_iter().next()).unwrap_or_else(|| "/run/nginx.pid".to_string()))
}

const NGINX_CONF: &str = "/etc/nginx/nginx.conf";

/// Directives nginx knows (core, events, http and its common modules). A
/// name outside it is nginx's `unknown directive`; inside `map`, `types`
/// and the like the lines are data, not directives.
const DIRECTIVES: &str = "absolute_redirect access_log add_header aio alias allow auth_basic auth_basic_user_file autoindex autoindex_exact_size \
autoindex_format autoindex_localtime break charset charset_types chunked_transfer_encoding client_body_buffer_size client_body_temp_path \
client_body_timeout client_header_buffer_size client_header_timeout client_max_body_size daemon default_type deny directio disable_symlinks \
env error_log error_page etag events expires fastcgi_buffers fastcgi_index fastcgi_param fastcgi_pass fastcgi_read_timeout fastcgi_split_path_info \
geo grpc_pass gzip gzip_buffers gzip_comp_level gzip_disable gzip_http_version gzip_min_length gzip_proxied gzip_static gzip_types gzip_vary \
hash http http2 if if_modified_since ignore_invalid_headers include index internal ip_hash keepalive keepalive_disable keepalive_requests \
keepalive_timeout large_client_header_buffers least_conn limit_conn limit_conn_zone limit_except limit_rate limit_req limit_req_zone \
lingering_close listen load_module location lock_file log_format log_not_found map map_hash_bucket_size master_process merge_slashes \
multi_accept open_file_cache open_file_cache_valid open_log_file_cache output_buffers pcre_jit pid port_in_redirect postpone_output \
proxy_buffer_size proxy_buffering proxy_buffers proxy_cache proxy_cache_path proxy_cache_valid proxy_connect_timeout proxy_hide_header \
proxy_http_version proxy_intercept_errors proxy_next_upstream proxy_pass proxy_pass_header proxy_read_timeout proxy_redirect \
proxy_send_timeout proxy_set_header proxy_ssl_server_name proxy_ssl_verify real_ip_header recursive_error_pages reset_timedout_connection \
resolver resolver_timeout return rewrite rewrite_log root scgi_pass send_timeout sendfile sendfile_max_chunk server server_name \
server_name_in_redirect server_names_hash_bucket_size server_names_hash_max_size server_tokens set set_real_ip_from split_clients ssi \
ssl_certificate ssl_certificate_key ssl_ciphers ssl_dhparam ssl_prefer_server_ciphers ssl_protocols ssl_session_cache ssl_session_tickets \
ssl_session_timeout ssl_stapling stream stub_status sub_filter sub_filter_once tcp_nodelay tcp_nopush thread_pool timer_resolution try_files \
types types_hash_bucket_size types_hash_max_size underscores_in_headers upstream use user uwsgi_param uwsgi_pass valid_referers \
variables_hash_max_size worker_connections worker_cpu_affinity worker_priority worker_processes worker_rlimit_nofile worker_shutdown_timeout \
working_directory zone";

/// Blocks whose lines are data (`text/html html;`, `default 0;`), not directives.
const DATA_BLOCKS: [&str; 5] = ["types", "map", "geo", "split_clients", "upstream"];

/// One statement of a configuration file: its words, what ends it (`;`,
/// `{` or `}`), the file and the line it ends on.
struct Statement {
    words: Vec<String>,
    end: char,
    file: usize,
    line: usize,
}

/// nginx's configuration as `nginx -t` reads it: nginx.conf and the files
/// it includes, in order (`-T` prints them), and the site it serves.
pub struct Config {
    pub files: Vec<(String, String)>,
    pub site: Option<crate::http::Site>,
    /// The hosts it proxies to (`HOST[:PORT]`) and where each is written:
    /// nginx resolves them when it starts.
    pub passes: Vec<(String, String)>,
}

/// A file's text, through symlinks; None for a directory or nothing.
fn text(view: &Tree, path: &str) -> Option<String> {
    let (_, node) = view.resolve(components(path))?;
    (!node.is_dir()).then(|| contents(node))
}

fn contents(node: &Node) -> String {
    node.body().map(|b| String::from_utf8_lossy(&b.to_vec()).into_owned()).unwrap_or_default()
}

/// Splits one file into statements, as nginx's tokenizer does: words,
/// quoted strings, `#` comments; `;`, `{` and `}` end a statement.
fn statements(source: &str, file: usize, name: &str) -> Result<Vec<Statement>, String> {
    let (mut out, mut words, mut word, mut line) = (Vec::new(), Vec::new(), None::<String>, 1usize);
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | ' ' | '\t' | '\r' => {
                words.extend(word.take());
                if c == '\n' {
                    line += 1;
                }
            }
            '#' if word.is_none() => {
                while chars.peek().is_some_and(|&n| n != '\n') {
                    chars.next();
                }
            }
            '"' | '\'' if word.is_none() => {
                let mut quoted = String::new();
                loop {
                    match chars.next() {
                        Some(q) if q == c => break,
                        Some('\\') => quoted.extend(chars.next()),
                        Some(ch) => {
                            line += usize::from(ch == '\n');
                            quoted.push(ch);
                        }
                        None => return Err(format!("unexpected end of file, expecting \";\" or \"}}\" in {name}:{line}")),
                    }
                }
                words.push(quoted);
            }
            ';' | '{' | '}' => {
                words.extend(word.take());
                if c == '}' && !words.is_empty() || c != '}' && words.is_empty() {
                    return Err(format!("unexpected \"{c}\" in {name}:{line}"));
                }
                out.push(Statement { words: std::mem::take(&mut words), end: c, file, line });
            }
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word.take());
    if !words.is_empty() {
        return Err(format!("unexpected end of file, expecting \";\" or \"}}\" in {name}:{line}"));
    }
    // Each file closes its own blocks.
    let mut depth = 0usize;
    for s in &out {
        match s.end {
            '{' => depth += 1,
            '}' if depth == 0 => return Err(format!("unexpected \"}}\" in {name}:{}", s.line)),
            '}' => depth -= 1,
            _ => {}
        }
    }
    if depth > 0 {
        return Err(format!("unexpected end of file, expecting \"}}\" in {name}:{line}"));
    }
    Ok(out)
}

/// Reads `path` and what it includes into `files` and `out`, in order.
fn read(view: &Tree, path: &str, files: &mut Vec<(String, String)>, out: &mut Vec<Statement>) -> Result<(), String> {
    if files.len() > 64 {
        return Err(format!("too many included files at {path}"));
    }
    let source = text(view, path).ok_or_else(|| format!("open() \"{path}\" failed (2: No such file or directory)"))?;
    let file = files.len();
    files.push((path.to_string(), source.clone()));
    for s in statements(&source, file, path)? {
        if s.end != ';' || s.words[0] != "include" {
            out.push(s);
            continue;
        }
        let at = format!("{path}:{}", s.line);
        let [_, pattern] = s.words.as_slice() else { return Err(format!("invalid number of arguments in \"include\" directive in {at}")) };
        let pattern = if pattern.starts_with('/') { pattern.clone() } else { format!("/etc/nginx/{pattern}") };
        let paths = match pattern.rsplit_once('/') {
            // A glob in the last part (`conf.d/*.conf`): the files that match, in order; none is fine.
            Some((dir, glob)) if glob.contains('*') => {
                let (before, after) = glob.split_once('*').unwrap_or((glob, ""));
                let dir_key = components(dir);
                view.descendants(&dir_key)
                    .filter(|(k, n)| k.len() == dir_key.len() + 1 && !n.is_dir() && k.last().is_some_and(|l| l.starts_with(before) && l.ends_with(after) && l.len() >= before.len() + after.len()))
                    .map(|(k, _)| crate::fs::display(k))
                    .collect()
            }
            _ => vec![pattern],
        };
        for p in paths {
            read(view, &p, files, out).map_err(|e| if e.starts_with("open()") { format!("{e} in {at}") } else { e })?;
        }
    }
    Ok(())
}

/// Loads nginx's configuration as nginx does at start, `-t` and reload;
/// Err: its `[emerg]` message.
pub fn load(view: &Tree) -> Result<Config, String> {
    let (mut files, mut all) = (Vec::new(), Vec::new());
    read(view, NGINX_CONF, &mut files, &mut all)?;
    // The blocks open around each statement, to know when lines are data.
    let mut open: Vec<&str> = Vec::new();
    let mut events = false;
    // The first server block of http: what it listens on and serves from.
    let (mut server, mut site, mut listened) = (None::<usize>, None::<crate::http::Site>, false);
    let mut upstreams: Vec<(String, Vec<String>)> = Vec::new();
    // Where each proxy_pass and upstream server is written (file:line), for a host nginx cannot find.
    let mut passes: Vec<(String, String)> = Vec::new();
    for s in &all {
        if s.end == '}' {
            if server == Some(open.len()) {
                server = None;
            }
            open.pop();
            continue;
        }
        let name = s.words[0].as_str();
        let data = open.last().is_some_and(|b| DATA_BLOCKS.contains(b));
        let at = format!("{}:{}", files[s.file].0, s.line);
        if data && open.last() == Some(&"upstream") && name == "server" && s.end == ';' {
            if let (Some(u), Some(address)) = (upstreams.last_mut(), s.words.get(1)) {
                u.1.push(address.clone());
                passes.push((address.clone(), at.clone()));
            }
        }
        if !data && !DIRECTIVES.split_whitespace().any(|d| d == name) {
            return Err(format!("unknown directive \"{name}\" in {}:{}", files[s.file].0, s.line));
        }
        events |= open.is_empty() && name == "events";
        if s.end == '{' {
            if name == "upstream" && !data {
                upstreams.push((s.words.get(1).cloned().unwrap_or_default(), Vec::new()));
            }
            if let (Some(site), true, "location") = (site.as_mut(), server.is_some(), name) {
                // `location /p`, `location = /p`; regular expressions (`~`) are not matched.
                match s.words.as_slice() {
                    [_, path] => site.locations.push(crate::http::Location { exact: false, path: path.clone(), pass: None }),
                    [_, eq, path] if eq == "=" || eq == "^~" => site.locations.push(crate::http::Location { exact: eq == "=", path: path.clone(), pass: None }),
                    _ => {}
                }
            }
            open.push(if data { "" } else { name });
            if name == "server" && open == ["http", "server"] && site.is_none() {
                server = Some(open.len());
                site = Some(crate::http::Site { ports: Vec::new(), root: "/usr/share/nginx/html".to_string(), index: vec!["index.html".to_string()], locations: Vec::new(), upstreams: Vec::new() });
            }
            continue;
        }
        let Some(site) = site.as_mut().filter(|_| server.is_some()) else { continue };
        match s.words.as_slice() {
            [_, addr, ..] if name == "listen" => {
                // `80`, `127.0.0.1:80`, `*:80` are IPv4; `[::]:80` is IPv6 only (nginx sets ipv6only).
                let port = addr.rsplit(':').next().and_then(|p| p.parse().ok()).unwrap_or(80);
                if !addr.starts_with('[') && !site.ports.contains(&port) {
                    site.ports.push(port);
                }
                listened = true;
            }
            [_, path] if name == "root" => site.root.clone_from(path),
            [_, names @ ..] if name == "index" => site.index = names.to_vec(),
            [_, url] if name == "proxy_pass" && open.last() == Some(&"location") => {
                if let Some(location) = site.locations.last_mut() {
                    location.pass = Some(url.clone());
                }
                passes.push((url.trim_start_matches("http://").split('/').next().unwrap_or_default().to_string(), at));
            }
            _ => {}
        }
    }
    if !events {
        return Err("no \"events\" section in configuration".to_string());
    }
    if let Some(site) = site.as_mut() {
        if !listened {
            site.ports.push(80);
        }
        site.upstreams = upstreams.clone();
    }
    // A proxy_pass to an upstream is checked at its servers.
    passes.retain(|(host, _)| !upstreams.iter().any(|(name, _)| name == host));
    Ok(Config { site, files, passes })
}

/// What `nginx ARGS` in a container does: (status, stdout, stderr, the
/// signal `-s` sends to the running master).
pub fn command(view: &Tree, args: &[String], version: &str, now: Option<i64>) -> (i32, String, String, Option<String>) {
    let emerg = |e: String, test: bool| {
        let failed = if test { format!("nginx: configuration file {NGINX_CONF} test failed\n") } else { String::new() };
        (1, String::new(), format!("nginx: [emerg] {e}\n{failed}"), None)
    };
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["-v"] => (0, String::new(), format!("nginx version: nginx/{version}\n"), None),
        ["-V"] => (0, String::new(), format!("nginx version: nginx/{version}\nbuilt by gcc 12.2.0 (Debian 12.2.0-14)\nbuilt with OpenSSL 3.0.15 3 Sep 2024\nTLS SNI support enabled\nconfigure arguments: --prefix=/etc/nginx --sbin-path=/usr/sbin/nginx --modules-path=/usr/lib/nginx/modules --conf-path=/etc/nginx/nginx.conf --error-log-path=/var/log/nginx/error.log --http-log-path=/var/log/nginx/access.log --pid-path=/run/nginx.pid --lock-path=/run/nginx.lock --http-client-body-temp-path=/var/cache/nginx/client_temp --http-proxy-temp-path=/var/cache/nginx/proxy_temp --http-fastcgi-temp-path=/var/cache/nginx/fastcgi_temp --http-uwsgi-temp-path=/var/cache/nginx/uwsgi_temp --http-scgi-temp-path=/var/cache/nginx/scgi_temp --user=nginx --group=nginx (simulated by Layer Lab)\n"), None),
        [t @ ("-t" | "-T")] => match load(view) {
            Ok(config) => {
                let mut out = String::new();
                if *t == "-T" {
                    for (path, source) in &config.files {
                        out.push_str(&format!("# configuration file {path}:\n{source}{}\n", if source.ends_with('\n') { "" } else { "\n" }));
                    }
                }
                (0, out, format!("nginx: the configuration file {NGINX_CONF} syntax is ok\nnginx: configuration file {NGINX_CONF} test is successful\n"), None)
            }
            Err(e) => emerg(e, true),
        },
        ["-s", signal] => {
            if !matches!(*signal, "stop" | "quit" | "reopen" | "reload") {
                return (1, String::new(), format!("nginx: invalid option: \"-s {signal}\"\n"), None);
            }
            if let Err(e) = load(view) {
                return emerg(e, false);
            }
            let pid = pid_file(view);
            if view.get(&pid).is_none() {
                return (1, String::new(), format!("nginx: [error] open() \"{}\" failed (2: No such file or directory)\n", crate::fs::display(&pid)), None);
            }
            (0, String::new(), notices(now, &["64#64: signal process started"]), Some(signal.to_string()))
        }
        _ => (126, String::new(), "nginx: starting another nginx in this container is not simulated in Layer Lab (-v, -V, -t, -T and -s are)\n".to_string(), None),
    }
}

/// What the master logs when `nginx -s reload` reconfigures it.
pub fn reloaded(now: Option<i64>) -> String {
    notices(now, &["1#1: signal 1 (SIGHUP) received from 64, reconfiguring", "1#1: reconfiguring", "1#1: using the \"epoll\" event method", "1#1: start worker processes", "1#1: start worker process 65", "29#29: gracefully shutting down", "29#29: exiting", "29#29: exit", "1#1: signal 17 (SIGCHLD) received from 29", "1#1: worker process 29 exited with code 0", "1#1: signal 29 (SIGIO) received"])
}
