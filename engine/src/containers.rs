//! `docker run`, `exec`, `ps`, `diff`, `commit`, `rm` and the other
//! container and volume commands, over [`crate::runtime`]. Errors are in
//! Docker's words; a failed command leaves every container as it was.

use crate::console::Output;
use crate::flags::{self, flag, opt, Spec};
use crate::fs::{components, display, Node, Tree};
use crate::host::Host;
use crate::layer::Change;
use crate::runtime::{generated_name, Container, Mount, Process, State, Volume, Writable};
use crate::units::human_size;
use crate::{Digest, Engine, Event};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One row of `docker system df`: (total, active, size, reclaimable).
pub(crate) type DfRow = (usize, usize, u64, u64);
use std::sync::Arc;

/// An interactive session the terminal is in (`docker exec -it c sh`).
#[derive(Clone, Debug)]
pub enum Session {
    Shell { container: String, cwd: String, env: BTreeMap<String, String>, main: bool },
    Sql { container: String, db: Option<String>, pending: String },
}

const RUN_FLAGS: &[Spec] = &[
    flag(Some('d'), "detach"),
    flag(Some('i'), "interactive"),
    flag(Some('t'), "tty"),
    flag(None, "rm"),
    flag(Some('P'), "publish-all"),
    opt(None, "name"),
    opt(Some('e'), "env"),
    opt(Some('p'), "publish"),
    opt(Some('v'), "volume"),
    opt(None, "mount"),
    opt(Some('w'), "workdir"),
    opt(None, "entrypoint"),
    opt(Some('h'), "hostname"),
    opt(Some('u'), "user"),
    opt(None, "restart"),
    opt(None, "network"),
    opt(None, "net"),
    opt(None, "env-file"),
];

/// Options of `docker run` that limit or secure what a container may do,
/// which nothing here would show: refused by name, not as unknown.
const UNSIMULATED_RUN_FLAGS: &[&str] = &[
    "read-only", "memory", "m", "memory-swap", "cpus", "cpu-shares", "c", "init", "privileged", "cap-add", "cap-drop", "security-opt", "add-host", "dns",
    "label", "l", "log-driver", "log-opt", "platform", "pull", "stop-signal", "stop-timeout", "health-cmd", "tmpfs", "ulimit", "shm-size", "gpus", "ipc",
    "pid", "device", "link", "expose", "label-file", "cidfile", "sig-proxy", "detach-keys", "attach", "a", "oom-kill-disable", "pids-limit", "runtime",
];

fn fail(text: impl Into<String>, status: i32) -> Output {
    Output { text: text.into(), status, events: Vec::new() }
}

fn ok(text: impl Into<String>) -> Output {
    Output { text: text.into(), status: 0, events: Vec::new() }
}

/// What hello-world's `/hello` prints.
const HELLO: &str = "\nHello from Docker!\nThis message shows that your installation appears to be working correctly.\n\nTo generate this message, Docker took the following steps:\n 1. The Docker client contacted the Docker daemon.\n 2. The Docker daemon pulled the \"hello-world\" image from the Docker Hub.\n    (amd64)\n 3. The Docker daemon created a new container from that image which runs the\n    executable that produces the output you are currently reading.\n 4. The Docker daemon streamed that output to the Docker client, which sent it\n    to your terminal.\n\nTo try something more ambitious, you can run an Ubuntu container with:\n $ docker run -it ubuntu bash\n\nShare images, automate workflows, and more with a free Docker ID:\n https://hub.docker.com/\n\nFor more examples and ideas, visit:\n https://docs.docker.com/get-started/\n\n";

/// A bind mount's source (`.`, `./site`, `$(pwd)/site`, an absolute path):
/// (the host path, the path in the host's folder). The host has one folder,
/// the one the terminal is in (the build context); a path outside it is refused.
fn bind_source(src: &str, cwd: &str) -> Result<(String, String), String> {
    let base = crate::fs::display(&components(cwd));
    let full = crate::fs::display(&components(&if src.starts_with('/') { src.to_string() } else { format!("{base}/{src}") }));
    let rel = if full == base { "" } else { full.strip_prefix(&format!("{base}/")).ok_or_else(|| format!("bind mounts reach only the folder this terminal is in ({base}, the build context): {src} is outside it"))? };
    Ok((full.clone(), rel.to_string()))
}

/// A bind mount's source on the host: (a single file?, its files). None when
/// there is nothing there.
fn read_bind(host: &dyn Host, rel: &str) -> Option<(bool, Tree)> {
    if let Some(bytes) = Some(rel).filter(|r| !r.is_empty()).and_then(|r| host.read_file(r).ok()) {
        let mut tree = Tree::new();
        let _ = tree.insert(vec![crate::runtime::BOUND_FILE.to_string()], Node::file(bytes, 0o644)); // ok: one component
        return Some((true, tree));
    }
    host.context(rel).ok().map(|t| (false, t))
}

/// `docker volume inspect`'s object for one volume.
pub(crate) fn volume_json(v: &Volume) -> serde_json::Value {
    serde_json::json!({
        "CreatedAt": v.created.map_or("0001-01-01T00:00:00Z".to_string(), crate::date::rfc3339),
        "Driver": "local",
        "Labels": if v.anonymous { serde_json::json!({"com.docker.volume.anonymous": ""}) } else { serde_json::json!(null) },
        "Mountpoint": format!("/var/lib/docker/volumes/{}/_data", v.name),
        "Name": v.name,
        "Options": null,
        "Scope": "local"
    })
}

/// A container's NetworkSettings as `docker inspect` shows them: its
/// address on its network, gateway and MAC while it runs, empty once it
/// stopped (the top-level fields are the default bridge's only).
/// `docker inspect`'s HostConfig: how the container was run (`-v`, `-p`, `--network`, `--rm`, `--restart`).
fn host_config(c: &Container, volumes: &BTreeMap<String, Volume>) -> serde_json::Value {
    // Binds: bind mounts and named volumes as `-v` gives them; anonymous volumes are not there.
    let binds: Vec<String> = c
        .mounts
        .iter()
        .filter(|m| !volumes.get(&m.volume).is_some_and(|v| v.anonymous))
        .map(|m| format!("{}:{}{}", m.volume, m.destination, if m.read_only { ":ro" } else { "" }))
        .collect();
    let mut bindings: serde_json::Map<String, serde_json::Value> = serde_json::Map::new();
    for (address, port, inner, proto) in c.ports.iter().filter_map(|p| crate::runtime::binding(p)) {
        let entry = bindings.entry(format!("{inner}/{proto}")).or_insert_with(|| serde_json::json!([]));
        if let Some(list) = entry.as_array_mut() {
            list.push(serde_json::json!({ "HostIp": if address == "0.0.0.0" { "" } else { address }, "HostPort": port.to_string() }));
        }
    }
    let (policy, retries) = c.restart.split_once(':').map_or((c.restart.as_str(), 0), |(n, r)| (n, r.parse::<u32>().unwrap_or(0)));
    serde_json::json!({
        "Binds": if binds.is_empty() { serde_json::Value::Null } else { serde_json::json!(binds) },
        "LogConfig": { "Type": "json-file", "Config": {} },
        "NetworkMode": c.network,
        "PortBindings": bindings,
        "RestartPolicy": { "Name": policy, "MaximumRetryCount": retries },
        "AutoRemove": c.auto_remove,
        "Privileged": false,
        "ReadonlyRootfs": false,
    })
}

fn network_settings(c: &Container, network_id: &str, running: bool) -> serde_json::Value {
    let ports: serde_json::Map<_, _> = c
        .ports
        .iter()
        .filter_map(|p| crate::runtime::binding(p))
        .map(|(address, port, inner, proto)| (format!("{inner}/{proto}"), serde_json::json!([{"HostIp": address, "HostPort": port.to_string()}])))
        .collect();
    let id = |what: &str| Digest::of(format!("{what} {}", c.id).as_bytes()).hex().to_string();
    let (ip, mac, gateway, prefix, endpoint) = if running && c.subnet > 0 {
        (c.ip(), c.mac(), format!("172.{}.0.1", c.subnet), 16, id("endpoint"))
    } else {
        Default::default()
    };
    // The top-level fields describe the default bridge only.
    let top = if c.network == "bridge" { (endpoint.clone(), gateway.clone(), ip.clone(), prefix, mac.clone()) } else { Default::default() };
    let dns = if c.subnet > 17 { serde_json::json!([c.name, c.short_id()]) } else { serde_json::Value::Null };
    serde_json::json!({
        "Bridge": "", "SandboxID": if running { id("sandbox") } else { String::new() }, "HairpinMode": false,
        "Ports": ports, "EndpointID": top.0, "Gateway": top.1, "IPAddress": top.2, "IPPrefixLen": top.3, "MacAddress": top.4,
        "Networks": { c.network.clone(): {
            "IPAMConfig": null, "Links": null, "Aliases": null, "MacAddress": mac,
            "NetworkID": network_id, "EndpointID": endpoint, "Gateway": gateway,
            "IPAddress": ip, "IPPrefixLen": prefix, "IPv6Gateway": "", "GlobalIPv6Address": "", "GlobalIPv6PrefixLen": 0, "DNSNames": dns
        } }
    })
}

pub(crate) fn since(t: Option<i64>, now: Option<i64>) -> String {
    match (t, now) {
        (Some(t), Some(n)) => crate::units::human_duration(n - t),
        _ => "Less than a second".into(),
    }
}

/// `docker ps -s` SIZE: the writable layer and, when there is one, the
/// virtual size, both to 3 significant digits as Docker's CLI prints them.
fn size_column(size: u64, virt: u64) -> String {
    let p3 = |n| crate::units::human_size_precision(n, 3);
    if virt > 0 { format!("{} (virtual {})", p3(size), p3(virt)) } else { p3(size) }
}

/// `docker ps` STATUS.
pub(crate) fn status_text(c: &Container, now: Option<i64>) -> String {
    match c.state {
        State::Created => "Created".into(),
        State::Running => format!("Up {}", since(c.started, now)),
        State::Paused => format!("Up {} (Paused)", since(c.started, now)),
        State::Exited(code) => format!("Exited ({code}) {} ago", since(c.finished, now)),
    }
}

impl Engine {
    /// Leaves the interactive session, if any (the container goes on).
    pub fn leave_session(&mut self) {
        self.session = None;
    }

    /// The prompt of the session the terminal is in, if any.
    pub fn prompt(&self) -> Option<String> {
        match self.session.as_ref()? {
            Session::Shell { container, cwd, env, .. } => {
                let c = self.containers.get(container)?;
                let busybox = self.lower(&c.image).ok()?.get(&components("/bin/busybox")).is_some();
                // A user other than root gets sh's `$` instead of `#`.
                let user = env.get(crate::shell::USER).map(|u| u.split(':').next().unwrap_or(u).to_string());
                let sign = if user.is_some() { '$' } else { '#' };
                let bash = crate::shell::runs_bash(env);
                Some(if busybox {
                    format!("{cwd} {sign} ")
                } else if bash {
                    // Debian's and Ubuntu's PS1 for bash, `\u@\h:\w\$ `: the home directory as ~.
                    let home = env.get("HOME").map_or("/root", String::as_str);
                    let w = match cwd.strip_prefix(home) {
                        Some(rest) if home != "/" && (rest.is_empty() || rest.starts_with('/')) => format!("~{rest}"),
                        _ => cwd.clone(),
                    };
                    format!("{}@{}:{w}{sign} ", user.unwrap_or_else(|| "root".into()), c.host_name())
                } else {
                    // dash's own prompt.
                    format!("{sign} ")
                })
            }
            Session::Sql { pending, .. } => Some(if pending.trim().is_empty() { "mysql> ".into() } else { "    -> ".into() }),
        }
    }

    /// The image's read-only view, shared (never copied per container).
    pub(crate) fn lower(&self, image: &Digest) -> Result<Arc<Tree>, String> {
        let img = self.images.get(image).ok_or_else(|| format!("image {image} is gone"))?;
        match self.snapshots.top(img.diff_ids()) {
            Some(top) => self.snapshots.view_arc(&top).ok_or_else(|| "the image's layers are gone".to_string()),
            None => Ok(Arc::new(Tree::new())),
        }
    }

    /// A container by name, full ID or unique ID prefix.
    pub fn container_id(&self, name: &str) -> Option<String> {
        let name = name.trim_start_matches('/');
        if let Some(c) = self.containers.values().find(|c| c.name == name) {
            return Some(c.id.clone());
        }
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let mut m = self.containers.keys().filter(|id| id.starts_with(name));
        match (m.next(), m.next()) {
            (Some(one), None) => Some(one.clone()),
            _ => None,
        }
    }

    /// A container's merged view (image, writable layer, volumes), by name or ID.
    pub fn container_fs(&self, name: &str) -> Result<Tree, String> {
        self.container_view(name, true)
    }

    /// A container's view with the runtime's /etc files (what its processes
    /// see) or without them (what its layers and volumes hold).
    pub fn container_view(&self, name: &str, runtime: bool) -> Result<Tree, String> {
        let id = self.container_id(name).ok_or_else(|| format!("No such container: {name}"))?;
        let c = &self.containers[&id];
        Ok(c.view(&*self.lower(&c.image)?, &self.volumes, runtime))
    }

    pub fn containers(&self) -> impl Iterator<Item = &Container> {
        self.containers.values()
    }

    /// The volumes (not the bind mounts' copies of host files).
    pub fn volumes(&self) -> impl Iterator<Item = &Volume> {
        self.volumes.values().filter(|v| !v.is_bind())
    }

    fn no_such(name: &str) -> Output {
        fail(format!("Error response from daemon: No such container: {name}\n"), 1)
    }

    /// Runs a line in the interactive session.
    pub(crate) fn session_line(&mut self, line: &str, host: &mut dyn Host) -> Output {
        match self.session.clone() {
            Some(Session::Shell { container, cwd, mut env, main }) => {
                // The shell keeps the lines typed into it, for `history`.
                if !line.trim().is_empty() {
                    env.entry(crate::shell::HISTORY.to_string()).or_default().push_str(&format!("{line}\u{0}"));
                }
                self.shell_line(&container, cwd, env, main, line, host)
            }
            Some(Session::Sql { container, db, pending }) => self.sql_line(&container, db, pending, line),
            None => ok(""),
        }
    }

    /// Changes a container's files: `change` gets its merged view, the
    /// image's view, and where to note directories it replaced. The result is
    /// taken back (under a mount into the volume, the rest into the writable
    /// layer) and its copy-ups and whiteouts reported.
    pub(crate) fn alter<R>(&mut self, id: &str, events: &mut Vec<Event>, change: impl FnOnce(&mut Tree, &Tree, &mut Vec<crate::fs::PathKey>) -> R) -> Result<R, String> {
        self.alter_with(id, events, |_, merged, lower, opaque| change(merged, lower, opaque))
    }

    /// [`Engine::alter`], where `change` also sees the engine as it was (the
    /// other containers, which the network reaches).
    fn alter_with<R>(&mut self, id: &str, events: &mut Vec<Event>, change: impl FnOnce(&Self, &mut Tree, &Tree, &mut Vec<crate::fs::PathKey>) -> R) -> Result<R, String> {
        let c = self.containers.get(id).ok_or("no such container")?;
        let lower = self.lower(&c.image)?;
        let mut merged = c.merged(&lower, &self.volumes);
        let mut opaque = Vec::new();
        let result = change(self, &mut merged, &lower, &mut opaque);
        // A read-only mount refuses writes; here they are found after the command, and discarded.
        if let Some(c) = self.containers.get(id) {
            for path in c.read_only_writes(&merged, &self.volumes) {
                self.notes.push(format!("layerlab: {path} is mounted read-only: what the command wrote under it was discarded (a real container's write fails with \"Read-only file system\")\n"));
            }
        }
        let mut volumes = std::mem::take(&mut self.volumes);
        let absorbed = self.containers.get_mut(id).map(|c| c.absorb(&lower, &merged, &opaque, &mut volumes));
        self.volumes = volumes;
        let (copied, whiteouts) = absorbed.ok_or("no such container")?;
        events.extend(copied.into_iter().map(|path| Event::CopyUp { container: id.to_string(), path }));
        events.extend(whiteouts.into_iter().map(|path| Event::Whiteout { container: id.to_string(), path }));
        Ok(result)
    }

    /// Runs `script` (or `argv`, exec form) in the container and keeps the
    /// result. Returns (status, output, cwd, env).
    fn exec_script(&mut self, id: &str, script: Option<&str>, argv: &[String], cwd: &str, mut env: BTreeMap<String, String>, events: &mut Vec<Event>) -> Result<(i32, String, String, BTreeMap<String, String>), String> {
        // Its mount points, which rm cannot remove.
        if let Some(c) = self.containers.get(id) {
            let mounts: Vec<&str> = c.etc.keys().map(String::as_str).chain(c.mounts.iter().map(|m| m.destination.as_str())).collect();
            env.insert(crate::shell::MOUNTS.to_string(), mounts.join("\n"));
            let read_only: Vec<&str> = c.mounts.iter().filter(|m| m.read_only).map(|m| m.destination.as_str()).collect();
            if !read_only.is_empty() {
                env.insert(crate::shell::READ_ONLY.to_string(), read_only.join("\n"));
            }
        }
        let now = self.now.unwrap_or(0);
        let (result, log, signals) = self.alter_with(id, events, |engine, merged, lower, opaque| {
            let bridge = crate::http::Bridge { engine, id: id.to_string(), now, log: Default::default(), signals: Default::default() };
            let mut shell = crate::shell::Shell::new(merged, lower, opaque, cwd, env);
            shell.network = Some(&bridge);
            // A user other than root: HOME from /etc/passwd, as Docker's runtime sets it.
            if shell.env.contains_key(crate::shell::USER) && !shell.env.contains_key("HOME") {
                let home = shell.home();
                shell.env.insert("HOME".to_string(), home);
            }
            let status = match script {
                // `sh -c SCRIPT NAME ARGS…`: `argv` holds NAME and ARGS.
                Some(s) => {
                    // An interactive shell's next line keeps its `$0` and `set --` (`env`'s ARG0).
                    if let Some((name, args)) = argv.split_first() {
                        shell.arg0.clone_from(name);
                        shell.args = args.to_vec();
                    }
                    shell.run_script(s)
                }
                None => shell.run_argv(argv),
            };
            let result = (status, std::mem::take(&mut shell.output), shell.cwd.clone(), shell.state());
            drop(shell);
            (result, bridge.log.into_inner(), bridge.signals.into_inner())
        })?;
        self.keep_access_log(log);
        for signal in signals {
            self.nginx_signal(id, &signal, events);
        }
        Ok(result)
    }

    fn shell_line(&mut self, id: &str, cwd: String, env: BTreeMap<String, String>, main: bool, line: &str, host: &dyn Host) -> Output {
        // `clear` (BusyBox's applet, ncurses' program): the terminal empties its screen.
        if line.trim() == "clear" && self.container_fs(id).is_ok_and(|view| crate::shell::standard_utility(&view, "clear")) {
            self.session = Some(Session::Shell { container: id.to_string(), cwd, env, main });
            return Output { text: String::new(), status: 0, events: vec![Event::ClearScreen] };
        }
        let mut events = Vec::new();
        let prompt = self.prompt().unwrap_or_default();
        let bash = crate::shell::runs_bash(&env);
        match self.exec_script(id, Some(line), &[], &cwd, env, &mut events) {
            Ok((status, mut text, cwd, mut env)) => {
                let code = env.remove(crate::shell::EXIT);
                // An interactive bash says `exit` as it leaves.
                if code.is_some() && bash {
                    text.push_str("exit\n");
                }
                // The main process's terminal is its log: the prompt, the line echoed, the output.
                if let Some(c) = self.containers.get_mut(id).filter(|c| main && c.tty) {
                    c.log(host.now(), &format!("{prompt}{line}\n{text}"));
                }
                if let Some(code) = code {
                    self.session = None;
                    let code: i32 = code.parse().unwrap_or(status);
                    if main {
                        self.finish(id, code, host.now(), &mut events);
                    }
                    return Output { text, status: code, events };
                }
                self.session = Some(Session::Shell { container: id.to_string(), cwd, env, main });
                Output { text, status, events }
            }
            Err(e) => {
                self.session = None;
                fail(format!("{e}\n"), 1)
            }
        }
    }

    /// The main process ended with `code`.
    fn finish(&mut self, id: &str, code: i32, now: Option<i64>, events: &mut Vec<Event>) {
        let remove = match self.containers.get_mut(id) {
            Some(c) => {
                c.state = State::Exited(code);
                c.finished = now;
                c.auto_remove
            }
            None => false,
        };
        events.push(Event::ContainerStopped { id: id.to_string() });
        if remove {
            self.remove_container(id, true, events);
        }
    }

    fn remove_container(&mut self, id: &str, anonymous_volumes: bool, events: &mut Vec<Event>) {
        if let Some(c) = self.containers.remove(id) {
            if anonymous_volumes {
                for m in &c.mounts {
                    let used = self.containers.values().any(|o| o.mounts.iter().any(|om| om.volume == m.volume));
                    if !used && self.volumes.get(&m.volume).is_some_and(|v| v.anonymous) {
                        self.volumes.remove(&m.volume);
                        events.push(Event::VolumeRemoved { name: m.volume.clone() });
                    }
                }
            }
            events.push(Event::ContainerRemoved { id: id.to_string() });
        }
    }

    /// Reads each bind mount's host files again (the page's editor may have
    /// changed them since), and keeps what was read to find what the line changes.
    pub(crate) fn load_binds(&mut self, host: &dyn Host) {
        let cwd = host.cwd();
        for v in self.volumes.values_mut().filter(|v| v.is_bind()) {
            let Ok((_, rel)) = bind_source(&v.name, &cwd) else { continue };
            v.tree = read_bind(host, &rel).map(|(_, t)| t).unwrap_or_default();
            self.binds_read.insert(v.name.clone(), v.tree.clone());
        }
    }

    /// Writes back to the host what the line changed under bind mounts
    /// (mounted before it or by it): files written and files removed. The
    /// host keeps files only, so an empty folder or a symlink made there
    /// stays in the container. Then drops the copies no container mounts.
    pub(crate) fn store_binds(&mut self, host: &mut dyn Host, out: &mut Output) {
        let cwd = host.cwd();
        for (name, before) in std::mem::take(&mut self.binds_read) {
            let (Some(v), Ok((_, rel))) = (self.volumes.get(&name), bind_source(&name, &cwd)) else { continue };
            let path_of = |k: &[String]| match (v.file, rel.is_empty()) {
                (true, _) => rel.clone(),
                (false, true) => k.join("/"),
                (false, false) => format!("{rel}/{}", k.join("/")),
            };
            for (k, n) in v.tree.iter().filter(|(k, n)| before.get(k) != Some(*n)) {
                if let Some(body) = n.body() {
                    if let Err(e) = host.write_file(&path_of(k), &body.to_vec()) {
                        out.text.push_str(&format!("layerlab: could not write {} to the host: {e}\n", path_of(k)));
                    }
                }
            }
            for (k, _) in before.iter().filter(|(k, n)| n.body().is_some() && v.tree.get(k).is_none()) {
                if let Err(e) = host.remove_file(&path_of(k)) {
                    out.text.push_str(&format!("layerlab: could not remove {} from the host: {e}\n", path_of(k)));
                }
            }
        }
        let mounted: Vec<&String> = self.containers.values().flat_map(|c| c.mounts.iter().map(|m| &m.volume)).collect();
        let unused: Vec<String> = self.volumes.values().filter(|v| v.is_bind() && !mounted.contains(&&v.name)).map(|v| v.name.clone()).collect();
        for name in unused {
            self.volumes.remove(&name);
        }
    }

    /// Makes a volume if it does not exist; returns whether it was made.
    fn ensure_volume(&mut self, name: &str, anonymous: bool, now: Option<i64>) -> bool {
        if self.volumes.contains_key(name) {
            return false;
        }
        self.volumes.insert(name.to_string(), Volume { name: name.to_string(), tree: Tree::new(), anonymous, created: now, file: false });
        true
    }

    pub(crate) fn cmd_run(&mut self, args: &[&str], host: &mut dyn Host, create_only: bool) -> Output {
        let p = match flags::parse(args, RUN_FLAGS, true) {
            Ok(p) => p,
            Err(e) => {
                // A real option of docker run that changes nothing Layer Lab shows: say so.
                let flag = e.strip_prefix("unknown flag: ").or_else(|| e.strip_prefix("unknown shorthand flag: '").and_then(|f| f.split('\'').next()));
                if let Some(f) = flag.filter(|f| UNSIMULATED_RUN_FLAGS.contains(&f.trim_start_matches('-'))) {
                    let shown = if f.starts_with('-') { f.to_string() } else { format!("-{f}") };
                    return fail(format!("docker run: {shown} is a real option, but Layer Lab does not simulate it in this version\n"), 125);
                }
                return fail(format!("{e}\nSee 'docker run --help'.\n"), 125);
            }
        };
        let Some((image_name, cmd)) = p.args.split_first() else {
            let what = if create_only { "create" } else { "run" };
            return fail(format!("\"docker {what}\" requires at least 1 argument.\nSee 'docker {what} --help'.\n"), 125);
        };
        // --env-file: KEY=VALUE lines from a file beside the build context (# comments, blank lines skipped);
        // then -e, which wins.
        let mut variables = Vec::new();
        for file in p.values("env-file") {
            let Ok(bytes) = host.read_file(file) else {
                return fail(format!("docker: open {file}: no such file or directory\n\nRun 'docker run --help' for more information\n"), 125);
            };
            let text = String::from_utf8_lossy(&bytes).into_owned();
            variables.extend(text.lines().map(str::trim_start).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_string));
        }
        variables.extend(p.values("env").iter().map(|e| e.to_string()));
        let mut text = String::new();
        let mut events = Vec::new();
        // A missing image is pulled first, as docker run does.
        if self.image(image_name).is_none() {
            let reference = crate::image::normalize_reference(image_name).unwrap_or_else(|_| image_name.clone());
            let _ = writeln!(text, "Unable to find image '{reference}' locally");
            let pulled = self.run_words(&["docker".to_string(), "pull".to_string(), image_name.clone()], host);
            // docker run prints the pull's progress, not its final reference line.
            let progress: Vec<&str> = pulled.text.lines().filter(|l| *l != "Using default tag: latest" && !l.starts_with("docker.io/")).collect();
            for l in progress {
                let _ = writeln!(text, "{l}");
            }
            events.extend(pulled.events);
            if pulled.status != 0 {
                return Output { text, status: 125, events };
            }
        }
        let Some(image) = self.image(image_name).cloned() else {
            return fail(format!("{text}Unable to find image '{image_name}' locally\n"), 125);
        };
        let name = match p.value("name") {
            Some(n) if self.containers.values().any(|c| c.name == n) => {
                let other = self.containers.values().find(|c| c.name == n).map(|c| c.id.clone()).unwrap_or_default();
                return fail(format!("{text}docker: Error response from daemon: Conflict. The container name \"/{n}\" is already in use by container \"{other}\". You have to remove (or rename) that container to be able to reuse that name.\n\nRun 'docker run --help' for more information\n"), 125);
            }
            Some(n) if !n.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c)) || !n.starts_with(|c: char| c.is_ascii_alphanumeric()) => {
                return fail(format!("docker: Error response from daemon: Invalid container name ({n}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed.\n"), 125);
            }
            other => other.map(str::to_string),
        };
        // The process: --entrypoint, then the image's ENTRYPOINT; CMD from the command line or the image.
        let cfg = &image.config.config;
        let entrypoint: Vec<String> = match p.value("entrypoint") {
            Some("") => Vec::new(),
            Some(e) => vec![e.to_string()],
            None => cfg.entrypoint.clone().unwrap_or_default(),
        };
        let command: Vec<String> = if !cmd.is_empty() { cmd.to_vec() } else if p.value("entrypoint").is_some() { Vec::new() } else { cfg.cmd.clone().unwrap_or_default() };
        let entrypoint_len = entrypoint.len();
        let argv: Vec<String> = entrypoint.into_iter().chain(command).collect();
        if argv.is_empty() {
            return fail(format!("{text}docker: Error response from daemon: no command specified\n"), 125);
        }
        let mut env: Vec<String> = cfg.env.clone().unwrap_or_default();
        for e in &variables {
            let (k, v) = match e.split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => (e.to_string(), String::new()),
            };
            env.retain(|x| x.split('=').next() != Some(k.as_str()));
            env.push(format!("{k}={v}"));
        }
        let wanted = p.value("network").or(p.value("net")).unwrap_or("bridge");
        let Some((network, _, _)) = self.network(wanted) else {
            return fail(format!("{text}docker: Error response from daemon: network {wanted} not found\n\nRun 'docker run --help' for more information\n"), 125);
        };
        self.seq += 1;
        let seq = self.seq;
        let id = Digest::of(format!("container {seq} {} {}", image.id, argv.join(" ")).as_bytes()).hex().to_string();
        let name = name.unwrap_or_else(|| {
            let names: Vec<String> = self.containers.values().map(|c| c.name.clone()).collect();
            generated_name(&id, &|n| names.iter().any(|x| x == n))
        });
        // Ports: -p HOST:CONTAINER, -P publishes every exposed port on the next free host port from 32768 on.
        let mut ports: Vec<String> = Vec::new();
        let used: Vec<u32> = self.containers.values().flat_map(|c| c.ports.iter()).filter_map(|p| crate::runtime::binding(p)).map(|b| u32::from(b.1)).collect();
        let mut next_port = used.iter().copied().filter(|p| *p >= 32768).max().map_or(32768, |p| p + 1);
        for spec in p.values("publish") {
            let parts: Vec<&str> = spec.split(':').collect();
            // [ADDRESS:][HOST:]CONTAINER; no host port is the next free one.
            let (address, host_port, container_port) = match parts.as_slice() {
                [c] => ("0.0.0.0", "", *c),
                [h, c] => ("0.0.0.0", *h, *c),
                [a, h, c] => (*a, *h, *c),
                _ => return fail(format!("docker: invalid publish opts format: {spec}\n"), 125),
            };
            let host_port = if host_port.is_empty() {
                next_port += 1;
                (next_port - 1).to_string()
            } else {
                host_port.to_string()
            };
            let inner = container_port.split('/').next().unwrap_or_default();
            if host_port.contains('-') || inner.contains('-') {
                return fail(format!("docker: port ranges ({spec}) are not simulated in this version of Layer Lab: publish each port with its own -p\n"), 125);
            }
            if host_port.parse::<u16>().is_err() {
                return fail(format!("docker: Invalid hostPort: {host_port}.\nSee 'docker run --help'.\n"), 125);
            }
            if inner.parse::<u16>().is_err() {
                return fail(format!("docker: Invalid containerPort: {inner}.\nSee 'docker run --help'.\n"), 125);
            }
            let proto = if container_port.contains('/') { String::new() } else { "/tcp".to_string() };
            ports.push(format!("{address}:{host_port}->{container_port}{proto}"));
        }
        if p.has("publish-all") {
            for port in cfg.exposed_ports.iter().flat_map(|m| m.keys()) {
                ports.push(format!("0.0.0.0:{next_port}->{port}"));
                next_port += 1;
            }
        }
        // On the host's network a server listens on the host's ports itself.
        if network == "host" && !ports.is_empty() {
            text.push_str("WARNING: Published ports are discarded when using host network mode\n");
            ports.clear();
        }
        // Volumes: -v NAME:/path (named), -v /path (anonymous), --mount type=volume,…, and the image's VOLUMEs.
        // (volume name, or None for an anonymous one; destination; read-only)
        let mut mounts: Vec<(Option<String>, String, bool)> = Vec::new();
        // Bind mounts of the host's files: (host path, path in the context, destination, read-only).
        let mut binds: Vec<(String, String, String, bool)> = Vec::new();
        let cwd = host.cwd();
        for v in p.values("volume") {
            let parts: Vec<&str> = v.split(':').collect();
            let ro = parts.get(2).is_some_and(|o| o.split(',').any(|x| x == "ro"));
            match parts.as_slice() {
                [dest] if dest.starts_with('/') => mounts.push((None, dest.to_string(), false)),
                [src, dest, ..] if dest.starts_with('/') && (src.starts_with('/') || src.starts_with('.')) => match bind_source(src, &cwd) {
                    // -v makes a missing host folder, as Docker does (here: an empty one).
                    Ok((path, rel)) => binds.push((path, rel, dest.to_string(), ro)),
                    Err(e) => return fail(format!("{text}docker: {e}\n"), 125),
                },
                [src, dest, ..] if dest.starts_with('/') => mounts.push((Some(src.to_string()), dest.to_string(), ro)),
                _ => return fail(format!("{text}docker: Error response from daemon: invalid volume specification: '{v}'\n"), 125),
            }
        }
        for m in p.values("mount") {
            let kv: BTreeMap<&str, &str> = crate::sorting::map_of(m.split(',').filter_map(|x| x.split_once('=')));
            let ro = m.split(',').any(|x| matches!(x, "readonly" | "ro" | "readonly=true" | "ro=true" | "readonly=1"));
            let source = kv.get("source").or(kv.get("src")).map(|s| s.to_string());
            match (kv.get("type").copied().unwrap_or("volume"), kv.get("target").or(kv.get("destination")).or(kv.get("dst"))) {
                (_, None) => return fail(format!("invalid argument \"{m}\" for \"--mount\" flag: target is required\n"), 125),
                ("volume", Some(dest)) => mounts.push((source, dest.to_string(), ro)),
                ("bind", Some(dest)) => {
                    let Some(src) = source else {
                        return fail(format!("{text}docker: Error response from daemon: invalid mount config for type \"bind\": field Source must not be empty\n"), 125);
                    };
                    let (path, rel) = match bind_source(&src, &cwd) {
                        Ok(found) => found,
                        Err(e) => return fail(format!("{text}docker: {e}\n"), 125),
                    };
                    // --mount does not make a missing source.
                    if read_bind(host, &rel).is_none() {
                        return fail(format!("{text}docker: Error response from daemon: invalid mount config for type \"bind\": bind source path does not exist: {path}\n"), 125);
                    }
                    binds.push((path, rel, dest.to_string(), ro));
                }
                (other, _) => return fail(format!("docker: --mount type={other} is not available in Layer Lab (type=volume and type=bind are)\n"), 125),
            }
        }
        for dest in cfg.volumes.iter().flat_map(|v| v.keys()) {
            if !mounts.iter().any(|(_, d, _)| d == dest) && !binds.iter().any(|b| &b.2 == dest) {
                mounts.push((None, dest.clone(), false));
            }
        }
        let lower = match self.lower(&image.id) {
            Ok(l) => l,
            Err(e) => return fail(format!("{text}docker: Error response from daemon: {e}\n"), 125),
        };
        let working_dir = p.value("workdir").map(str::to_string).or_else(|| cfg.working_dir.clone().filter(|w| !w.is_empty())).unwrap_or_else(|| "/".into());
        let mut container_mounts = Vec::new();
        for (i, (src, dest, read_only)) in mounts.iter().enumerate() {
            let (vol, anonymous) = match src {
                Some(s) => (s.clone(), false),
                None => (Digest::of(format!("volume {id} {i}").as_bytes()).hex().to_string(), true),
            };
            if self.ensure_volume(&vol, anonymous, host.now()) {
                events.push(Event::VolumeCreated { name: vol.clone() });
            }
            // An empty volume is filled from the image's directory on first mount.
            if let Some(v) = self.volumes.get_mut(&vol).filter(|v| v.tree.is_empty()) {
                let key = components(dest);
                for (k, n) in lower.descendants(&key) {
                    let _ = v.tree.insert(k[key.len()..].to_vec(), n.clone()); // ok: parents come first
                }
            }
            container_mounts.push(Mount { volume: vol, destination: dest.clone(), read_only: *read_only });
        }
        // A bind mount hides what the image has there; the host's files are read now.
        for (path, rel, dest, read_only) in binds {
            let (file, tree) = read_bind(host, &rel).unwrap_or_default();
            self.binds_read.entry(path.clone()).or_insert_with(|| tree.clone());
            self.volumes.insert(path.clone(), Volume { name: path.clone(), tree, anonymous: false, created: None, file });
            container_mounts.push(Mount { volume: path, destination: dest, read_only });
        }
        let c = Container {
            id: id.clone(),
            name: name.clone(),
            image: image.id.clone(),
            image_name: image_name.clone(),
            seq,
            created: host.now(),
            entrypoint_len,
            argv,
            env,
            working_dir: working_dir.clone(),
            tty: p.has("tty"),
            interactive: p.has("interactive"),
            ports,
            state: State::Created,
            process: Process::Finished,
            writable: Writable::default(),
            mounts: container_mounts,
            logs: String::new(),
            log_times: Vec::new(),
            auto_remove: p.has("rm"),
            restart: p.value("restart").unwrap_or("no").to_string(),
            user: p.value("user").map(str::to_string).or_else(|| image.config.config.user.clone()).unwrap_or_default(),
            started: None,
            finished: None,
            restart_count: 0,
            network: network.clone(),
            subnet: 0,
            address: 0,
            etc: BTreeMap::new(),
            hostname: p.value("hostname").unwrap_or_default().to_string(),
            program: String::new(),
            main_argv: Vec::new(),
            nginx: None,
            proxied: Default::default(),
        };
        self.containers.insert(id.clone(), c);
        // The mount points and the working directory exist in the container's layer.
        let wd = components(&working_dir);
        let made = self.alter(&id, &mut events, |merged, _, _| {
            if !wd.is_empty() && merged.get(&wd).is_none() {
                let _ = merged.insert(wd, Node::dir(0o755)); // ok: an absolute path's parents are made
            }
        });
        if let Err(e) = made {
            self.containers.remove(&id);
            return fail(format!("{text}docker: Error response from daemon: {e}\n"), 125);
        }
        events.push(Event::ContainerCreated { id: id.clone(), name: name.clone() });
        if create_only {
            let _ = writeln!(text, "{id}");
            return Output { text, status: 0, events };
        }
        match self.start_process(&id, host.now(), &mut events) {
            Err((message, code)) => {
                let _ = writeln!(text, "docker: Error response from daemon: {message}\n\nRun 'docker run --help' for more information");
                if let Some(c) = self.containers.get_mut(&id) {
                    c.state = State::Created;
                    c.logs.clear();
                    c.log_times.clear();
                }
                if p.has("rm") {
                    self.remove_container(&id, true, &mut events);
                }
                Output { text, status: code, events }
            }
            Ok(()) => {
                let c = &self.containers[&id];
                if p.has("detach") {
                    let _ = writeln!(text, "{id}");
                    return Output { text, status: 0, events };
                }
                match (c.process, c.state) {
                    (Process::Shell, State::Running) => {
                        self.attach_shell(&id);
                        Output { text, status: 0, events }
                    }
                    (Process::Service { .. }, State::Running) => {
                        text.push_str(&c.logs);
                        let _ = writeln!(text, "(Layer Lab: {name} keeps running; this terminal does not stay attached to it — `docker logs {name}` shows its output, -d starts it detached)");
                        Output { text, status: 0, events }
                    }
                    (_, state) => {
                        text.push_str(&c.logs);
                        let code = if let State::Exited(code) = state { code } else { 0 };
                        if c.auto_remove {
                            self.remove_container(&id, true, &mut events);
                        }
                        Output { text, status: code, events }
                    }
                }
            }
        }
    }

    /// Starts the main process. Err: Docker's message when it cannot start, and the exit code.
    fn start_process(&mut self, id: &str, now: Option<i64>, events: &mut Vec<Event>) -> Result<(), (String, i32)> {
        // A host port is published by one running container at a time (0.0.0.0 takes every address).
        if let Some(c) = self.containers.get(id) {
            for (address, port, _, proto) in c.ports.iter().filter_map(|p| crate::runtime::binding(p)) {
                let clash = |other: &str| crate::runtime::binding(other).is_some_and(|(a, p, _, pr)| p == port && pr == proto && (a == address || a == "0.0.0.0" || address == "0.0.0.0"));
                if self.containers.values().any(|o| o.id != id && matches!(o.state, State::Running | State::Paused) && o.ports.iter().any(|p| clash(p))) {
                    return Err((format!("driver failed programming external connectivity on endpoint {} ({}): Bind for {address}:{port} failed: port is already allocated", c.name, c.id), 125));
                }
            }
        }
        // Its address on its network, and the /etc files the runtime writes with it.
        let network = self.containers.get(id).map(|c| c.network.clone()).unwrap_or_default();
        let Some((_, _, subnet)) = self.network(&network) else { return Err((format!("network {network} not found"), 1)) };
        let taken: Vec<u32> = self.containers.values().filter(|o| o.id != id && o.network == network && matches!(o.state, State::Running | State::Paused)).map(|o| o.address).collect();
        let address = (2..).find(|a| !taken.contains(a)).unwrap_or(2);
        let c = self.containers.get_mut(id).ok_or(("no such container".to_string(), 1))?;
        (c.address, c.subnet) = (address, subnet);
        // /etc/hosts is written at each start (with the address), the others once.
        let host = c.host_name().to_string();
        c.etc.entry("/etc/hostname".to_string()).or_insert_with(|| format!("{host}\n").into_bytes());
        // A network of its own has Docker's embedded DNS, which finds the other containers by name.
        let dns: &[u8] = if subnet > 17 { b"nameserver 127.0.0.11\noptions ndots:0\n" } else { b"nameserver 8.8.8.8\nnameserver 8.8.4.4\n" };
        c.etc.entry("/etc/resolv.conf".to_string()).or_insert_with(|| dns.to_vec());
        let own = if subnet == 0 { String::new() } else { format!("{}\t{host}\n", c.ip()) };
        let hosts = format!("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::\tip6-localnet\nff00::\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n{own}");
        c.etc.insert("/etc/hosts".to_string(), hosts.into_bytes());
        let c = c.clone();
        let view = self.container_fs(id).map_err(|e| (e, 1))?;
        if let Some(why) = crate::runtime::missing_user(&view, &c.user) {
            return Err((format!("failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: {why}: unknown"), 126));
        }
        let env = c.env_map(c.tty);
        let mut argv: Vec<String> = c.argv.clone();
        let mut logs = String::new();
        // Programs that took the main process's place (`exec "$@"`, a script's `sleep 1d`).
        let mut hops = 0;
        // The program PID 1 runs once the hops are done.
        let mut pid1 = String::new();
        let (process, status) = loop {
            // The simulated entrypoint scripts only `exec "$@"` (nginx's configures first, below).
            let via_entrypoint = argv.len() > 1 && argv[0].ends_with("docker-entrypoint.sh");
            while argv.len() > 1 && argv[0].ends_with("docker-entrypoint.sh") {
                argv.remove(0);
            }
            let program = argv.first().cloned().unwrap_or_default();
            if crate::runtime::which(&view, &program, &env, &c.working_dir).is_none() {
                if hops > 0 {
                    logs.push_str(&format!("/bin/sh: exec: {program}: not found\n"));
                    break (Process::Finished, 127);
                }
                return Err((
                    format!("failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: \"{program}\": executable file not found in $PATH: unknown"),
                    127,
                ));
            }
            // The program that runs: a shell form's script names it.
            let script = (argv.len() >= 3 && matches!(argv[0].rsplit('/').next(), Some("sh" | "bash" | "ash" | "dash")) && argv[1] == "-c").then(|| argv[2].clone());
            let words: Vec<String> = match &script {
                Some(s) => s.split_whitespace().map(str::to_string).collect(),
                None => argv.to_vec(),
            };
            let base = words.first().map(|w| w.rsplit('/').next().unwrap_or(w).to_string()).unwrap_or_default();
            pid1.clone_from(&base);
            let service = |on_term| Process::Service { on_term };
            break match base.as_str() {
                // `sleep 0` or a bad interval ends at once: the shell below runs it.
                "sleep" | "top" | "tail" if crate::runtime::keeps_running(&words) => (service(137), 0),
                "nginx" => {
                    // Its entrypoint configures when the command is `nginx` itself.
                    if via_entrypoint && argv[0] == "nginx" {
                        if let Err(status) = self.nginx_configure(id, &c, env.clone(), &mut logs, events) {
                            break (Process::Finished, status);
                        }
                    }
                    let view = self.container_fs(id).map_err(|e| (e, 1))?;
                    // `nginx -t`, `-v`, `-s …`: one run of the command, not the server.
                    if !matches!(words.get(1).map(String::as_str), None | Some("-g")) {
                        let (status, out, err, _) = crate::nginx::command(&view, &words[1..], crate::nginx::version(&env), now);
                        logs.push_str(&out);
                        logs.push_str(&err);
                        break (Process::Finished, status);
                    }
                    // A configuration nginx cannot load stops it at once.
                    let loaded = crate::nginx::load(&view).and_then(|config| match self.unresolved(&c, &config.passes) {
                        Some(e) => Err(e),
                        None => Ok(config),
                    });
                    let site = match loaded {
                        Ok(config) => config.site,
                        Err(e) => {
                            logs.push_str(&crate::nginx::emerg(now, &e));
                            break (Process::Finished, 1);
                        }
                    };
                    if let Some(c) = self.containers.get_mut(id) {
                        c.nginx = site;
                    }
                    let started = crate::nginx::master(&view, crate::nginx::version(&env), now);
                    logs.push_str(&started.log);
                    self.write_nodes(id, started.writes, events);
                    (service(0), 0)
                }
                "mysqld" if crate::mysql::initialised(&view) => {
                    logs.push_str("[System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '9.2.0'  port: 3306\n");
                    (service(0), 0)
                }
                "mysqld" => match crate::mysql::start(&env) {
                    Ok((files, out)) => {
                        logs.push_str(&out);
                        let files: Vec<(String, Node)> = files;
                        self.service_nodes(id, files, events);
                        (service(0), 0)
                    }
                    Err(out) => {
                        logs.push_str(&out);
                        (Process::Finished, 1)
                    }
                },
                // hello-world's one program: its message, then it exits.
                "hello" if view.get(&components("/hello")).is_some() && words[0] == "/hello" => {
                    logs.push_str(HELLO);
                    (Process::Finished, 0)
                }
                "java" => {
                    let jar = words.iter().position(|w| w == "-jar").and_then(|i| words.get(i + 1));
                    match jar {
                        // The jar: a path, relative to the working directory unless absolute.
                        Some(j) if view.get(&components(&if j.starts_with('/') { j.clone() } else { format!("{}/{j}", c.working_dir) })).is_some_and(|n| !n.is_dir()) => {
                            logs.push_str("  .   ____          _            __ _ _\n /\\\\ / ___'_ __ _ _(_)_ __  __ _ \\ \\ \\ \\\n( ( )\\___ | '_ | '_| | '_ \\/ _` | \\ \\ \\ \\\n \\\\/  ___)| |_)| | | | | || (_| |  ) ) ) )\n  '  |____| .__|_| |_|_| |_\\__, | / / / /\n =========|_|==============|___/=/_/_/_/\n\nINFO  Tomcat initialized with port(s): 8080 (http)\nINFO  Tomcat started on port(s): 8080 (http) with context path ''\nINFO  Started application (simulated by Layer Lab)\n");
                            self.service_files(id, &[("/tmp/hsperfdata_root/1", "simulated JVM performance data\n")], events);
                            // Spring Boot's embedded Tomcat: its work and document-base directories.
                            self.service_nodes(id, vec![("/tmp/tomcat.8080.1/work/Tomcat/localhost/ROOT".to_string(), Node::dir(0o755)), ("/tmp/tomcat-docbase.8080.1".to_string(), Node::dir(0o755))], events);
                            (service(143), 0)
                        }
                        Some(j) => {
                            logs.push_str(&format!("Error: Unable to access jarfile {j}\n"));
                            (Process::Finished, 1)
                        }
                        None => {
                            logs.push_str("Usage: java [options] <mainclass> [args...]\n           (to execute a class)\n   or  java [options] -jar <jarfile> [args...]\n");
                            (Process::Finished, 1)
                        }
                    }
                }
                "postgres" => {
                    if env.contains_key("POSTGRES_PASSWORD") || env.get("POSTGRES_HOST_AUTH_METHOD").is_some_and(|v| v == "trust") {
                        logs.push_str("The files belonging to this database system will be owned by user \"postgres\".\n...\nPostgreSQL init process complete; ready for start up.\n\nLOG:  database system is ready to accept connections\n");
                        self.service_files(id, &[("/var/lib/postgresql/data/PG_VERSION", "17\n"), ("/var/lib/postgresql/data/postgresql.conf", "# simulated by Layer Lab\n")], events);
                        (service(0), 0)
                    } else {
                        logs.push_str("Error: Database is uninitialized and superuser password is not specified.\n       You must specify POSTGRES_PASSWORD to a non-empty value for the\n       superuser. For example, \"-e POSTGRES_PASSWORD=password\" on \"docker run\".\n");
                        (Process::Finished, 1)
                    }
                }
                "run.sh" | "grafana" | "grafana-server" if view.get(&components("/usr/share/grafana/bin/grafana")).is_some() => {
                    pid1 = "grafana".to_string();
                    logs.push_str("logger=settings msg=\"Starting Grafana\" version=11.5.2 (simulated by Layer Lab)\nlogger=http.server msg=\"HTTP Server Listen\" address=[::]:3000 protocol=http\n");
                    self.service_files(id, &[("/var/lib/grafana/grafana.db", "SQLite format 3 (simulated by Layer Lab)\n")], events);
                    (service(0), 0)
                }
                "sh" | "bash" | "ash" | "dash" if script.is_none() && words.len() == 1 => {
                    if c.interactive && c.tty {
                        (Process::Shell, 0)
                    } else {
                        // No terminal: the shell reads an empty input and exits.
                        (Process::Finished, 0)
                    }
                }
                _ => {
                    // PID 1: a program that keeps running, or an `exec`, takes its place.
                    let mut main_env = env.clone();
                    main_env.insert(crate::shell::MAIN.to_string(), String::new());
                    // `sh -c SCRIPT` with no NAME: `$0` is the shell as it was started.
                    main_env.insert(crate::shell::ARG0.to_string(), argv.first().cloned().unwrap_or_default());
                    let (status, out, _, end_env) = match &script {
                        Some(s) => self.exec_script(id, Some(s), argv.get(3..).unwrap_or_default(), &c.working_dir, main_env, events),
                        None => self.exec_script(id, None, &argv, &c.working_dir, main_env, events),
                    }
                    .map_err(|e| (e, 1))?;
                    logs.push_str(&out);
                    match end_env.get(crate::shell::EXEC) {
                        Some(next) if hops < 16 => {
                            hops += 1;
                            argv = next.split('\u{0}').map(str::to_string).collect();
                            continue;
                        }
                        Some(_) => {
                            logs.push_str("/bin/sh: exec: the program replaced itself 16 times and was stopped\n");
                            (Process::Finished, 1)
                        }
                        None => (Process::Finished, status),
                    }
                }
            };
        };
        let c = self.containers.get_mut(id).ok_or(("no such container".to_string(), 1))?;
        c.log(now, &logs);
        c.process = process;
        c.program = pid1;
        c.main_argv = argv;
        c.started = now;
        c.state = match process {
            Process::Finished => {
                c.finished = now;
                State::Exited(status)
            }
            _ => State::Running,
        };
        events.push(Event::ContainerStarted { id: id.to_string() });
        Ok(())
    }

    /// The nginx image's `/docker-entrypoint.sh nginx …`: the scripts in
    /// /docker-entrypoint.d, in order, and its log lines. Err: the status of a
    /// script that failed, which ends the start (the entrypoint runs `set -e`).
    fn nginx_configure(&mut self, id: &str, c: &Container, mut env: BTreeMap<String, String>, logs: &mut String, events: &mut Vec<Event>) -> Result<(), i32> {
        use crate::nginx::Script;
        let quiet = env.get("NGINX_ENTRYPOINT_QUIET_LOGS").is_some_and(|v| !v.is_empty());
        let say = |logs: &mut String, line: &str| {
            if !quiet {
                logs.push_str(&format!("/docker-entrypoint.sh: {line}\n"));
            }
        };
        let scripts = crate::nginx::scripts(&self.container_fs(id).map_err(|_| 1)?);
        if scripts.is_empty() {
            say(logs, "No files found in /docker-entrypoint.d/, skipping configuration");
            return Ok(());
        }
        say(logs, "/docker-entrypoint.d/ is not empty, will attempt to perform configuration");
        say(logs, "Looking for shell scripts in /docker-entrypoint.d/");
        let read_only: Vec<crate::fs::PathKey> = c.mounts.iter().filter(|m| m.read_only).map(|m| components(&m.destination)).collect();
        for script in scripts {
            let (path, sourced) = match script {
                Script::Source(path) => {
                    say(logs, &format!("Sourcing {path}"));
                    (path, true)
                }
                Script::Launch(path) => {
                    say(logs, &format!("Launching {path}"));
                    (path, false)
                }
                Script::Ignore(line) => {
                    say(logs, &line);
                    continue;
                }
            };
            let view = self.container_fs(id).map_err(|_| 1)?;
            match crate::nginx::configure(&view, &path, &mut env, &|key| read_only.iter().any(|r| key.starts_with(r))) {
                Some(done) => {
                    logs.push_str(&done.log);
                    self.write_nodes(id, done.writes, events);
                }
                // A script of the learner's own: the container's shell runs it (or sources it).
                None => {
                    let sourcing = format!(". {path}");
                    let (script, argv) = if sourced { (Some(sourcing.as_str()), Vec::new()) } else { (None, vec![path.clone()]) };
                    let (status, out, _, end_env) = self.exec_script(id, script, &argv, &c.working_dir, env.clone(), events).map_err(|_| 1)?;
                    logs.push_str(&out);
                    if status != 0 {
                        return Err(status);
                    }
                    if sourced {
                        env = end_env.into_iter().filter(|(k, _)| !k.is_empty() && k.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_')).collect();
                    }
                }
            }
        }
        say(logs, "Configuration complete; ready for start up");
        Ok(())
    }

    /// Delivers what `nginx -s SIGNAL` sent to the container's nginx master.
    fn nginx_signal(&mut self, id: &str, signal: &str, events: &mut Vec<Event>) {
        let now = self.now;
        let Some(c) = self.containers.get(id).filter(|c| c.program == "nginx" && c.state == State::Running) else { return };
        let on_term = match c.process {
            Process::Service { on_term } => on_term,
            _ => 0,
        };
        match signal {
            "reload" => {
                // `-s` loaded the configuration before it sent the signal; the master resolves its upstreams too.
                let config = self.container_fs(id).ok().and_then(|view| crate::nginx::load(&view).ok());
                let unresolved = config.as_ref().and_then(|config| self.unresolved(c, &config.passes));
                let Some(c) = self.containers.get_mut(id) else { return };
                match (config, unresolved) {
                    (Some(config), None) => {
                        c.nginx = config.site;
                        c.log(now, &crate::nginx::reloaded(now));
                    }
                    // It keeps the configuration it has.
                    (_, why) => {
                        let why = why.unwrap_or_else(|| "the configuration did not load".to_string());
                        c.log(now, &crate::nginx::error_log(now, "emerg", &[&format!("1#1: {why}")]));
                    }
                }
            }
            "stop" | "quit" => {
                self.nginx_quits(id, events);
                self.finish(id, on_term, now, events);
            }
            _ => {}
        }
    }

    /// nginx's graceful shutdown (SIGQUIT: `docker stop`, `nginx -s quit`):
    /// its pid file removed, its shutdown logged.
    fn nginx_quits(&mut self, id: &str, events: &mut Vec<Event>) {
        let now = self.now;
        let _ = self.alter(id, events, |merged, _, _| {
            let pid = crate::nginx::pid_file(merged);
            merged.remove(&pid);
        });
        if let Some(c) = self.containers.get_mut(id) {
            c.log(now, &crate::nginx::stopped(now));
        }
    }

    /// Files a process writes, over what is there.
    fn write_nodes(&mut self, id: &str, writes: Vec<(crate::fs::PathKey, Node)>, events: &mut Vec<Event>) {
        let _ = self.alter(id, events, |merged, _, _| {
            for (key, node) in writes {
                let _ = merged.insert(key, node); // ok: parents are made
            }
        });
    }

    /// Files a service writes when it starts (pid files, caches); ones already there stay.
    fn service_files(&mut self, id: &str, files: &[(&str, &str)], events: &mut Vec<Event>) {
        let nodes = files.iter().map(|(p, t)| (p.to_string(), Node::file(t.as_bytes().to_vec(), 0o644))).collect();
        self.service_nodes(id, nodes, events);
    }

    fn service_nodes(&mut self, id: &str, files: Vec<(String, Node)>, events: &mut Vec<Event>) {
        let _ = self.alter(id, events, |merged, _, _| {
            for (path, node) in files {
                let key = components(&path);
                if merged.get(&key).is_none() {
                    let _ = merged.insert(key, node); // ok: parents are made
                }
            }
        });
    }

    /// `docker VERB [flags] CONTAINER…`: reads the flags, then runs `f` on
    /// each container named; prints the name when it succeeds and Docker's
    /// error line when not (`No such container` for an unknown name).
    fn for_each_container(
        &mut self,
        verb: &str,
        args: &[&str],
        specs: &[Spec],
        mut f: impl FnMut(&mut Engine, &flags::Parsed, &str, &str, &mut Vec<Event>) -> Result<(), String>,
    ) -> Output {
        let p = match flags::parse(args, specs, false) {
            Ok(p) => p,
            Err(e) => return fail(format!("{e}\n"), 1),
        };
        if p.args.is_empty() {
            return fail(format!("\"docker {verb}\" requires at least 1 argument.\nSee 'docker {verb} --help'.\n"), 1);
        }
        let mut out = Output::default();
        for name in &p.args {
            let result = match self.container_id(name) {
                Some(id) => f(self, &p, name, &id, &mut out.events),
                None => Err(format!("No such container: {name}")),
            };
            match result {
                Ok(()) => out.text.push_str(&format!("{name}\n")),
                Err(e) => {
                    out.text.push_str(&format!("Error response from daemon: {e}\n"));
                    out.status = 1;
                }
            }
        }
        out
    }

    /// The terminal leaves a session in a container that stops or goes.
    fn leave_session_of(&mut self, id: &str) {
        if self.session.as_ref().is_some_and(|s| matches!(s, Session::Shell { container, .. } | Session::Sql { container, .. } if *container == id)) {
            self.session = None;
        }
    }

    pub(crate) fn cmd_start(&mut self, args: &[&str], host: &dyn Host) -> Output {
        let now = host.now();
        let specs = [flag(Some('a'), "attach"), flag(Some('i'), "interactive")];
        if flags::parse(args, &specs, false).is_ok_and(|p| p.has("attach") && p.args.len() > 1) {
            return fail("you cannot start and attach multiple containers at once\n", 1);
        }
        // -a: the container this terminal attaches to, and where its output starts.
        let (mut attached, mut started) = (None, Vec::new());
        let mut out = self.for_each_container("start", args, &specs, |e, p, name, id, events| {
            let from = e.containers[id].logs.len();
            if !matches!(e.containers[id].state, State::Running | State::Paused) {
                e.start_process(id, now, events).map_err(|(message, _)| message)?;
            }
            if p.has("attach") {
                attached = Some((id.to_string(), from, p.has("interactive")));
            }
            started.push(name.to_string());
            Ok(())
        });
        // The CLI names the containers that did not start, after each one's error.
        if out.status != 0 {
            let named = flags::parse(args, &specs, false).map(|p| p.args).unwrap_or_default();
            let failed: Vec<String> = named.into_iter().filter(|n| !started.contains(n)).collect();
            out.text.push_str(&format!("Error: failed to start containers: {}\n", failed.join(", ")));
        }
        if let Some((id, from, interactive)) = attached.filter(|_| out.status == 0) {
            // Attached, the terminal shows what the container prints, not its name;
            // with -i, a shell's prompt (`docker start -ai` after `docker run -it … bash`).
            let Some(c) = self.containers.get(&id) else { return out };
            out.text = c.logs.get(from..).unwrap_or_default().to_string();
            if interactive && c.process == Process::Shell && c.state == State::Running {
                self.attach_shell(&id);
            }
        }
        out
    }

    /// The terminal becomes the container's main shell (`run -it`, `start -ai`).
    fn attach_shell(&mut self, id: &str) {
        let Some(c) = self.containers.get(id) else { return };
        let mut env = c.env_map(c.tty);
        env.insert(crate::shell::ARG0.to_string(), c.argv.first().cloned().unwrap_or_default());
        self.session = Some(Session::Shell { container: id.to_string(), cwd: c.working_dir.clone(), env, main: true });
    }

    /// stop, kill, restart, pause, unpause.
    pub(crate) fn cmd_lifecycle(&mut self, verb: &str, args: &[&str], host: &dyn Host) -> Output {
        let now = host.now();
        self.for_each_container(verb, args, &[opt(Some('t'), "time"), opt(Some('s'), "signal")], |e, _, name, id, events| {
            let c = &e.containers[id];
            let (state, process) = (c.state, c.process);
            let running = matches!(state, State::Running | State::Paused);
            match (verb, state) {
                ("pause", State::Paused) => return Err(format!("container {id} is already paused")),
                ("pause", s) if s != State::Running => return Err(format!("container {id} is not running")),
                ("unpause", s) if s != State::Paused => return Err(format!("Container {id} is not paused")),
                ("kill", _) if !running => return Err(format!("cannot kill container: {name}: container {id} is not running")),
                _ => {}
            }
            match verb {
                "pause" | "unpause" => {
                    if let Some(c) = e.containers.get_mut(id) {
                        c.state = if verb == "pause" { State::Paused } else { State::Running };
                    }
                }
                _ => {
                    if running {
                        let code = match (verb, process) {
                            (_, Process::Service { on_term }) if verb != "kill" => on_term,
                            _ => 137,
                        };
                        e.leave_session_of(id);
                        // nginx removes its pid file when it stops gracefully (SIGQUIT), not when killed.
                        if verb != "kill" && e.containers[id].program == "nginx" {
                            e.nginx_quits(id, events);
                        }
                        if let Some(c) = e.containers.get_mut(id) {
                            // A restart keeps a --rm container.
                            c.auto_remove &= verb != "restart";
                        }
                        e.finish(id, code, now, events);
                    }
                    if verb == "restart" {
                        if let Some(c) = e.containers.get_mut(id) {
                            c.restart_count += u32::from(running);
                        }
                        e.start_process(id, now, events).map_err(|(message, _)| message)?;
                    }
                }
            }
            Ok(())
        })
    }

    pub(crate) fn cmd_rm(&mut self, args: &[&str]) -> Output {
        self.for_each_container("rm", args, &[flag(Some('f'), "force"), flag(Some('v'), "volumes"), flag(Some('l'), "link")], |e, p, _, id, events| {
            let c = &e.containers[id];
            if matches!(c.state, State::Running | State::Paused) && !p.has("force") {
                let what = if c.state == State::Paused { "container is paused and must be unpaused first" } else { "container is running: stop the container before removing or force remove" };
                return Err(format!("cannot remove container \"/{}\": {what}", c.name));
            }
            e.leave_session_of(id);
            e.remove_container(id, p.has("volumes"), events);
            Ok(())
        })
    }

    /// `docker ps --filter KEY=VALUE`s, checked: the keys Layer Lab knows.
    fn ps_filters<'a>(&self, given: &[&'a str]) -> Result<Vec<(&'a str, &'a str)>, String> {
        given
            .iter()
            .map(|f| match f.split_once('=') {
                Some((k @ ("name" | "id" | "status" | "ancestor" | "volume"), v)) => {
                    if k == "status" && !["created", "restarting", "running", "removing", "paused", "exited", "dead"].contains(&v) {
                        return Err(format!("invalid filter 'status={v}'"));
                    }
                    Ok((k, v))
                }
                Some((k, _)) => Err(format!("invalid filter '{k}'")),
                None => Err("bad format of filter (expected name=value)".to_string()),
            })
            .collect()
    }

    /// Docker's rule: values of one key are alternatives, different keys must all match.
    fn ps_matches(&self, c: &Container, filters: &[(&str, &str)]) -> bool {
        let one = |key: &str, value: &str| match key {
            "name" => c.name.contains(value.trim_start_matches('/')),
            "id" => c.id.starts_with(value),
            "status" => c.state.name() == value,
            "ancestor" => self.image(value).is_some_and(|i| i.id == c.image),
            _ => c.mounts.iter().any(|m| m.volume == value || m.destination == value),
        };
        let keys = crate::sorting::set_of(filters.iter().map(|(k, _)| *k));
        keys.iter().all(|k| filters.iter().any(|(key, v)| key == k && one(k, v)))
    }

    pub(crate) fn cmd_ps(&self, args: &[&str], host: &dyn Host) -> Output {
        let specs = [flag(Some('a'), "all"), flag(Some('s'), "size"), flag(Some('q'), "quiet"), flag(None, "no-trunc"), opt(None, "format"), opt(Some('f'), "filter"), flag(Some('l'), "latest"), opt(Some('n'), "last")];
        let p = match flags::parse(args, &specs, false) {
            Ok(p) => p,
            Err(e) => return fail(format!("{e}\nSee 'docker ps --help'.\n"), 1),
        };
        if let Some(a) = p.args.first() {
            return fail(format!("\"docker ps\" accepts no arguments (got {a}).\nSee 'docker ps --help'.\n"), 1);
        }
        let filters = match self.ps_filters(&p.values("filter")) {
            Ok(f) => f,
            Err(e) => return fail(format!("Error response from daemon: {e}\n"), 1),
        };
        // -n N: the N last created, in any state (-1, the default, is no limit).
        let last = match p.value("last").map(str::parse::<i64>).transpose() {
            Ok(n) => n.filter(|n| *n >= 0),
            Err(_) => {
                let v = p.value("last").unwrap_or_default();
                return fail(format!("invalid argument \"{v}\" for \"-n, --last\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\nSee 'docker ps --help'.\n"), 1);
            }
        };
        // A status filter shows stopped containers too, as -a does.
        let all = p.has("all") || p.has("latest") || last.is_some() || filters.iter().any(|(k, _)| *k == "status");
        let mut list: Vec<&Container> = self
            .containers
            .values()
            .filter(|c| all || matches!(c.state, State::Running | State::Paused))
            .filter(|c| self.ps_matches(c, &filters))
            .collect();
        crate::sorting::sort_by(&mut list, |a, b| b.seq.cmp(&a.seq));
        if p.has("latest") {
            list.truncate(1);
        }
        if let Some(n) = last {
            list.truncate(usize::try_from(n).unwrap_or(usize::MAX));
        }
        let now = host.now();
        if p.has("quiet") {
            return ok(list.iter().map(|c| format!("{}\n", if p.has("no-trunc") { &c.id } else { c.short_id() })).collect::<String>());
        }
        if let Some(format) = p.value("format") {
            let format = match crate::template::ListFormat::parse(format) {
                Ok(f) => f,
                Err(e) => return fail(format!("{e}\n"), 1),
            };
            let values: Vec<_> = list
                .iter()
                .map(|c| {
                    let (size, virt) = self.container_sizes(c);
                    serde_json::json!({
                        "ID": if p.has("no-trunc") { c.id.as_str() } else { c.short_id() }, "Image": c.image_name, "Command": c.command_column(p.has("no-trunc")), "CreatedAt": c.created.map(crate::listing::go_time).unwrap_or_default(),
                        "RunningFor": format!("{} ago", since(c.created, now)), "Status": status_text(c, now), "State": c.state.name(),
                        "Ports": c.ports.join(", "), "Names": c.name, "Size": size_column(size, virt),
                        "Mounts": c.mounts.iter().map(|m| m.volume.clone()).collect::<Vec<_>>().join(","),
                        "LocalVolumes": c.mounts.len().to_string(), "Networks": "bridge", "Labels": "", "Platform": "linux/amd64",
                    })
                })
                .collect();
            const HEADERS: [(&str, &str); 15] = [
                ("ID", "CONTAINER ID"), ("Image", "IMAGE"), ("Command", "COMMAND"), ("CreatedAt", "CREATED AT"), ("RunningFor", "CREATED"), ("Ports", "PORTS"),
                ("Status", "STATUS"), ("State", "STATE"), ("Size", "SIZE"), ("Names", "NAMES"), ("Labels", "LABELS"), ("Mounts", "MOUNTS"),
                ("LocalVolumes", "LOCAL VOLUMES"), ("Networks", "NETWORKS"), ("Platform", "PLATFORM"),
            ];
            if let Some(result) = format.render(&values, "*formatter.ContainerContext", &HEADERS) {
                return crate::listing::formatted(result);
            }
        }
        let mut header = vec!["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"];
        if p.has("size") {
            header.push("SIZE");
        }
        let mut rows = vec![header.into_iter().map(String::from).collect::<Vec<_>>()];
        for c in list {
            let mut row = vec![
                c.short_id().to_string(),
                c.image_name.clone(),
                c.command_column(p.has("no-trunc")),
                format!("{} ago", since(c.created, now)),
                status_text(c, now),
                c.ports.join(", "),
                c.name.clone(),
            ];
            if p.has("size") {
                let (size, virt) = self.container_sizes(c);
                row.push(size_column(size, virt));
            }
            rows.push(row);
        }
        ok(crate::listing::table(&rows))
    }

    /// (writable layer, image + writable layer): `docker ps -s`.
    pub fn container_sizes(&self, c: &Container) -> (u64, u64) {
        let size = c.writable.size();
        let image = self.images.get(&c.image).map_or(0, |i| i.size());
        (size, image + size)
    }

    pub(crate) fn cmd_exec(&mut self, args: &[&str]) -> Output {
        let specs = [flag(Some('i'), "interactive"), flag(Some('t'), "tty"), flag(Some('d'), "detach"), opt(Some('e'), "env"), opt(Some('w'), "workdir"), opt(Some('u'), "user")];
        let p = match flags::parse(args, &specs, true) {
            Ok(p) => p,
            Err(e) => return fail(format!("{e}\nSee 'docker exec --help'.\n"), 1),
        };
        let (Some(name), Some(cmd)) = (p.args.first(), p.args.get(1)) else {
            return fail("\"docker exec\" requires at least 2 arguments.\nSee 'docker exec --help'.\n", 1);
        };
        let Some(id) = self.container_id(name) else { return Self::no_such(name) };
        let c = &self.containers[&id];
        match c.state {
            State::Running => {}
            State::Paused => return fail(format!("Error response from daemon: container {id} is paused, unpause the container before exec\n"), 1),
            _ => return fail(format!("Error response from daemon: container {id} is not running\n"), 1),
        }
        let argv: Vec<String> = p.args[1..].to_vec();
        let mut env = c.env_map(p.has("tty"));
        for e in p.values("env") {
            if let Some((k, v)) = e.split_once('=') {
                env.insert(k.to_string(), v.to_string());
            }
        }
        // `exec -u USER`: this command runs as USER, whoever the container runs as.
        match p.value("user") {
            Some("root" | "0") => {
                env.remove(crate::shell::USER);
            }
            Some(u) => {
                env.insert(crate::shell::USER.to_string(), u.to_string());
            }
            None => {}
        }
        let cwd = p.value("workdir").map(str::to_string).unwrap_or_else(|| c.working_dir.clone());
        let base = cmd.rsplit('/').next().unwrap_or(cmd).to_string();
        // For ps: PID 1, the container's main process.
        let mut processes = format!("1\t{}\t{}\n", c.user, c.command());
        let view = match self.container_fs(&id) {
            Ok(v) => v,
            Err(e) => return fail(format!("{e}\n"), 1),
        };
        if let Some(why) = p.value("user").and_then(|u| crate::runtime::missing_user(&view, u)) {
            return fail(format!("OCI runtime exec failed: exec failed: unable to start container process: {why}: unknown\n"), 126);
        }
        if crate::runtime::which(&view, cmd, &env, &cwd).is_none() {
            return fail(format!("OCI runtime exec failed: exec failed: unable to start container process: exec: \"{cmd}\": executable file not found in $PATH: unknown\n"), 127);
        }
        if base == "mysql" {
            return self.mysql_client(&id, &argv[1..], p.has("interactive") && p.has("tty"));
        }
        let interactive_shell = matches!(base.as_str(), "sh" | "bash" | "ash" | "dash") && argv.len() == 1;
        if interactive_shell {
            processes.push_str(&format!("7\t{}\t{cmd}\n", env.get(crate::shell::USER).map_or("", String::as_str)));
        }
        env.insert(crate::shell::PROCESSES.to_string(), processes);
        if interactive_shell {
            if p.has("interactive") && p.has("tty") {
                env.insert(crate::shell::ARG0.to_string(), cmd.to_string());
                self.session = Some(Session::Shell { container: id, cwd, env, main: false });
            }
            return ok("");
        }
        let mut events = Vec::new();
        match self.exec_script(&id, None, &argv, &cwd, env, &mut events) {
            Ok((status, text, _, _)) => {
                // The program itself missing (not something a script it ran could not find).
                let text = if status == 127 && text.lines().count() == 1 && text.ends_with(&format!(": {cmd}: not found\n")) {
                    format!("OCI runtime exec failed: exec failed: unable to start container process: exec: \"{cmd}\": executable file not found in $PATH: unknown\n")
                } else {
                    text
                };
                // -d: it runs in the background; the terminal sees nothing of it.
                if p.has("detach") {
                    return Output { text: String::new(), status: 0, events };
                }
                Output { text, status, events }
            }
            Err(e) => fail(format!("{e}\n"), 1),
        }
    }

    /// `docker wait`: a stopped container's exit code. A running one would
    /// block until it stops, and commands here do not wait: it says so.
    pub(crate) fn cmd_wait(&self, args: &[&str]) -> Output {
        if args.is_empty() {
            return fail("\"docker wait\" requires at least 1 argument.\nSee 'docker wait --help'.\n".to_string(), 1);
        }
        let mut text = String::new();
        for name in args {
            let Some(id) = self.container_id(name) else { return fail(format!("{text}Error response from daemon: No such container: {name}\n"), 1) };
            match self.containers[&id].state {
                State::Exited(code) => text.push_str(&format!("{code}\n")),
                ref state => {
                    let state = state.name();
                    return fail(format!("{text}docker wait: {name} is {state}: docker wait would block until it exits, and Layer Lab's terminal does not wait (docker stop it first)\n"), 1);
                }
            }
        }
        ok(text)
    }

    pub(crate) fn cmd_logs(&mut self, args: &[&str]) -> Output {
        let specs = [flag(Some('f'), "follow"), flag(Some('t'), "timestamps"), opt(Some('n'), "tail"), opt(None, "since"), opt(None, "until"), flag(None, "details")];
        let p = match flags::parse(args, &specs, false) {
            Ok(p) => p,
            Err(e) => return fail(format!("{e}\n"), 1),
        };
        let Some(name) = p.args.first() else { return fail("\"docker logs\" requires exactly 1 argument.\n", 1) };
        let Some(id) = self.container_id(name) else { return Self::no_such(name) };
        // --since and --until: an RFC 3339 time, Unix seconds, or a duration back from now (10m, 1h30m).
        let now = self.now.unwrap_or(0);
        let mut bounds = [None, None];
        for (bound, key) in bounds.iter_mut().zip(["since", "until"]) {
            let Some(value) = p.value(key) else { continue };
            let parsed = crate::date::parse_time(value)
                .or_else(|| value.split('.').next().and_then(|s| s.parse::<i64>().ok()))
                .or_else(|| crate::build::parse_duration(value).map(|ns| now - i64::try_from(ns / 1_000_000_000).unwrap_or(i64::MAX / 2)));
            match parsed {
                Some(t) => *bound = Some(t),
                None => return fail(format!("Error response from daemon: failed to parse value as time or duration: {value:?}\n"), 1),
            }
        }
        let c = &self.containers[&id];
        let lines: Vec<(Option<i64>, &str)> = c.log_lines().into_iter().filter(|(t, _)| bounds[0].is_none_or(|s| t.is_none_or(|t| t >= s)) && bounds[1].is_none_or(|u| t.is_none_or(|t| t <= u))).collect();
        let from = p.value("tail").and_then(|n| n.parse::<usize>().ok()).map_or(0, |n| lines.len().saturating_sub(n));
        // -t: each line's time, as Docker prints it.
        let stamp = |t: Option<i64>| match (p.has("timestamps"), t) {
            (true, Some(t)) => format!("{} ", crate::date::rfc3339(t).replace('Z', ".000000000Z")),
            _ => String::new(),
        };
        let text = lines[from..].iter().map(|(t, l)| format!("{}{l}\n", stamp(*t))).collect::<String>();
        if p.has("follow") && matches!(c.state, State::Running | State::Paused) {
            let name = c.name.clone();
            self.notes.push(format!("layerlab: docker logs -f would keep following {name}'s output until Ctrl-C; this terminal prints what is there and returns (run it again for new lines)\n"));
        }
        ok(text)
    }

    pub(crate) fn cmd_diff(&self, args: &[&str]) -> Output {
        let Some(name) = args.first() else { return fail("\"docker diff\" requires exactly 1 argument.\n", 1) };
        let Some(id) = self.container_id(name) else { return Self::no_such(name) };
        let c = &self.containers[&id];
        let lower = match self.lower(&c.image) {
            Ok(l) => l,
            Err(e) => return fail(format!("{e}\n"), 1),
        };
        // Docker lists a changed path's directories in the image as changed (their mtime moved).
        let mut marks: BTreeMap<Vec<String>, char> = BTreeMap::new();
        for change in &c.writable.changes {
            let (key, mark) = match change {
                Change::Added(k) => (k, 'A'),
                Change::Modified(k) => (k, 'C'),
                Change::Deleted(k) => (k, 'D'),
                Change::Opaque(k) => (k, 'C'),
            };
            for i in 1..key.len() {
                if lower.get(&key[..i]).is_some() {
                    marks.entry(key[..i].to_vec()).or_insert('C');
                }
            }
            marks.insert(key.clone(), mark);
        }
        ok(marks.iter().map(|(k, m)| format!("{m} {}\n", display(k))).collect::<String>())
    }

    pub(crate) fn cmd_rename(&mut self, args: &[&str]) -> Output {
        let [old, new] = args else { return fail("\"docker rename\" requires exactly 2 arguments.\n", 1) };
        let Some(id) = self.container_id(old) else { return Self::no_such(old) };
        if let Some(other) = self.containers.values().find(|c| c.name == *new) {
            return fail(format!("Error response from daemon: Conflict. The container name \"/{new}\" is already in use by container \"{}\". You have to remove (or rename) that container to be able to reuse that name.\n", other.id), 1);
        }
        if let Some(c) = self.containers.get_mut(&id) {
            c.name = new.to_string();
        }
        ok("")
    }

    pub(crate) fn cmd_top(&self, args: &[&str]) -> Output {
        let Some(name) = args.first() else { return fail("\"docker top\" requires at least 1 argument.\n", 1) };
        let Some(id) = self.container_id(name) else { return Self::no_such(name) };
        let c = &self.containers[&id];
        if !matches!(c.state, State::Running | State::Paused) {
            return fail(format!("Error response from daemon: container {id} is not running\n"), 1);
        }
        let pid = 3000 + (c.seq * 37) % 5000;
        let row = |uid: &str, pid: u64, ppid: u64, cmd: String| vec![uid.to_string(), pid.to_string(), ppid.to_string(), "0".into(), "00:00".into(), if c.tty { "pts/0" } else { "?" }.into(), "00:00:00".into(), cmd];
        // The host's ps: PID 1's command line as the last exec left it.
        let argv = if c.main_argv.is_empty() { c.command() } else { c.main_argv.join(" ") };
        let mut rows = vec![["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"].map(String::from).to_vec()];
        if c.program == "nginx" {
            // nginx names its processes; its worker runs as nginx.conf's user (the host shows the number).
            rows.push(row("root", pid, pid - 21, format!("nginx: master process {argv}")));
            rows.push(row("101", pid + 52, pid, "nginx: worker process".to_string()));
        } else {
            // The database entrypoints drop to their own user (999); otherwise --user or USER, as a number where it is one.
            let user = c.user.split(':').next().unwrap_or_default();
            let uid = match c.program.as_str() {
                "mysqld" | "postgres" => "999",
                _ if user.is_empty() || user == "0" => "root",
                _ => user,
            };
            rows.push(row(uid, pid, pid - 21, argv));
        }
        ok(crate::listing::table(&rows))
    }

    /// `docker port CONTAINER`: each published port, as `80/tcp -> 0.0.0.0:8080`.
    pub(crate) fn cmd_port(&self, args: &[&str]) -> Output {
        let Some(name) = args.first() else {
            return fail("\"docker port\" requires at least 1 argument.\nSee 'docker port --help'.\n".to_string(), 1);
        };
        let Some(c) = self.container_id(name).and_then(|id| self.containers.get(&id)) else {
            return Self::no_such(name);
        };
        let mut text = String::new();
        for p in &c.ports {
            // Stored as `0.0.0.0:8080->80/tcp`.
            if let Some((host, inner)) = p.split_once("->") {
                if args.get(1).is_none_or(|want| inner == *want || inner.split('/').next() == Some(*want)) {
                    text.push_str(&format!("{inner} -> {host}\n"));
                }
            }
        }
        ok(text)
    }

    pub(crate) fn cmd_container_prune(&mut self, args: &[&str]) -> Output {
        if !args.iter().any(|a| *a == "-f" || *a == "--force") {
            return fail("WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] \n(this terminal cannot answer prompts: add -f to prune)\n", 1);
        }
        crate::listing::with_total(self.prune_containers())
    }

    /// Removes every stopped container: what `container prune` prints
    /// before its total, and the bytes their writable layers held.
    pub(crate) fn prune_containers(&mut self) -> (Output, u64) {
        let victims: Vec<String> = self.containers.values().filter(|c| matches!(c.state, State::Exited(_) | State::Created)).map(|c| c.id.clone()).collect();
        let mut out = Output::default();
        let mut reclaimed = 0;
        if !victims.is_empty() {
            out.text.push_str("Deleted Containers:\n");
        }
        for id in victims {
            reclaimed += self.containers[&id].writable.size();
            out.text.push_str(&format!("{id}\n"));
            self.remove_container(&id, false, &mut out.events);
        }
        if !out.text.is_empty() {
            out.text.push('\n');
        }
        (out, reclaimed)
    }

    /// The IDs of the containers that mount volume `name`.
    fn volume_users(&self, name: &str) -> Vec<String> {
        self.containers.values().filter(|c| c.mounts.iter().any(|m| m.volume == name)).map(|c| c.id.clone()).collect()
    }

    /// Removes the volumes no container uses (anonymous ones unless `all`):
    /// what `volume prune` prints before its total, and the bytes they held.
    pub(crate) fn prune_volumes(&mut self, all: bool) -> (Output, u64) {
        let victims: Vec<String> = self.volumes().filter(|v| (all || v.anonymous) && self.volume_users(&v.name).is_empty()).map(|v| v.name.clone()).collect();
        let mut out = Output::default();
        let mut reclaimed = 0;
        if !victims.is_empty() {
            out.text.push_str("Deleted Volumes:\n");
        }
        for v in victims {
            reclaimed += self.volumes.get(&v).map_or(0, Volume::size);
            self.volumes.remove(&v);
            out.text.push_str(&format!("{v}\n"));
            out.events.push(Event::VolumeRemoved { name: v });
        }
        if !out.text.is_empty() {
            out.text.push('\n');
        }
        (out, reclaimed)
    }

    /// `docker inspect` of a container.
    pub fn container_inspect(&self, c: &Container, size: bool) -> serde_json::Value {
        let image = self.images.get(&c.image);
        let chains = image.map(|i| crate::digest::chain_ids(i.diff_ids())).unwrap_or_default();
        let dir = |d: &Digest| format!("{}/diff", crate::image::overlay2_dir(d).trim_end_matches("/diff"));
        let own = Digest::of(format!("rw {}", c.id).as_bytes());
        let root = crate::image::overlay2_dir(&own).trim_end_matches("/diff").to_string();
        let mut lower: Vec<String> = vec![format!("{root}-init/diff")];
        lower.extend(chains.iter().rev().map(dir));
        let (exit, running, paused) = match c.state {
            State::Exited(code) => (code, false, false),
            State::Running => (0, true, false),
            State::Paused => (0, true, true),
            State::Created => (0, false, false),
        };
        let time = |t: Option<i64>| t.map_or("0001-01-01T00:00:00Z".to_string(), crate::date::rfc3339);
        let mounts: Vec<serde_json::Value> = c.mounts.iter().map(|m| if m.volume.starts_with('/') {
            serde_json::json!({ "Type": "bind", "Source": m.volume, "Destination": m.destination, "Mode": "", "RW": !m.read_only, "Propagation": "rprivate" })
        } else {
            serde_json::json!({
                "Type": "volume", "Name": m.volume, "Source": format!("/var/lib/docker/volumes/{}/_data", m.volume),
                "Destination": m.destination, "Driver": "local", "Mode": "z", "RW": !m.read_only, "Propagation": ""
            })
        }).collect();
        let (args0, rest) = c.argv.split_first().map(|(a, r)| (a.clone(), r.to_vec())).unwrap_or_default();
        let (entrypoint, cmd) = c.entrypoint_and_cmd();
        let list = |words: &[String]| if words.is_empty() { serde_json::Value::Null } else { serde_json::json!(words) };
        // Config.Volumes: the image's VOLUMEs and `-v /path`, the anonymous ones.
        let volumes: serde_json::Map<_, _> = c
            .mounts
            .iter()
            .filter(|m| self.volumes.get(&m.volume).is_some_and(|v| v.anonymous))
            .map(|m| (m.destination.clone(), serde_json::json!({})))
            .collect();
        let image_config = self.images.get(&c.image).map(|i| &i.config.config);
        let mut v = serde_json::json!({
            "Id": c.id,
            "Created": time(c.created),
            "Path": args0,
            "Args": rest,
            "State": {
                "Status": c.state.name(), "Running": running, "Paused": paused, "Restarting": false, "OOMKilled": false,
                "Dead": false, "Pid": if running { 3000 + (c.seq * 37) % 5000 } else { 0 }, "ExitCode": exit, "Error": "",
                "StartedAt": time(c.started), "FinishedAt": time(c.finished)
            },
            "Image": c.image.to_string(),
            "Name": format!("/{}", c.name),
            "RestartCount": c.restart_count,
            "Driver": "overlay2",
            "HostConfig": host_config(c, &self.volumes),
            "GraphDriver": {
                "Data": {
                    "LowerDir": lower.join(":"),
                    "MergedDir": format!("{root}/merged"),
                    "UpperDir": format!("{root}/diff"),
                    "WorkDir": format!("{root}/work"),
                },
                "Name": "overlay2"
            },
            "Mounts": mounts,
            "Config": {
                "Hostname": c.host_name(), "User": c.user, "Tty": c.tty, "OpenStdin": c.interactive,
                "Env": c.env, "Cmd": list(cmd), "Image": c.image_name,
                "Volumes": if volumes.is_empty() { serde_json::Value::Null } else { serde_json::Value::Object(volumes) },
                "WorkingDir": c.working_dir, "Entrypoint": list(entrypoint), "OnBuild": null,
                "Labels": image_config.and_then(|i| i.labels.clone()).unwrap_or_default(),
            },
            "NetworkSettings": network_settings(c, &self.network(&c.network).map(|n| n.1).unwrap_or_default(), running),
        });
        // Left out when empty, as Docker's `omitempty` does.
        if let Some(ports) = image_config.and_then(|i| i.exposed_ports.clone()) {
            v["Config"]["ExposedPorts"] = serde_json::json!(ports);
        }
        if let Some(check) = image_config.and_then(|i| i.healthcheck.clone()) {
            v["Config"]["Healthcheck"] = check;
        }
        if size {
            let (rw, all) = self.container_sizes(c);
            v["SizeRw"] = serde_json::json!(rw);
            v["SizeRootFs"] = serde_json::json!(all);
        }
        v
    }

    pub(crate) fn cmd_commit(&mut self, args: &[&str]) -> Output {
        let specs = [opt(Some('m'), "message"), opt(Some('a'), "author"), opt(Some('c'), "change"), flag(Some('p'), "pause")];
        let p = match flags::parse(args, &specs, false) {
            Ok(p) => p,
            Err(e) => return fail(format!("{e}\n"), 1),
        };
        let Some(name) = p.args.first() else { return fail("\"docker commit\" requires at least 1 and at most 2 arguments.\n", 1) };
        let Some(id) = self.container_id(name) else { return Self::no_such(name) };
        let reference = match p.args.get(1).map(|r| crate::image::normalize_reference(r)).transpose() {
            Ok(r) => r,
            Err(e) => return fail(format!("Error response from daemon: {e}\n"), 1),
        };
        let c = self.containers[&id].clone();
        let Some(image) = self.images.get(&c.image).cloned() else { return fail("Error response from daemon: the container's image is gone\n", 1) };
        let lower = match self.lower(&c.image) {
            Ok(l) => l,
            Err(e) => return fail(format!("{e}\n"), 1),
        };
        let parent = self.snapshots.top(image.diff_ids());
        let mut active = match self.snapshots.prepare(parent.as_ref()) {
            Ok(a) => a,
            Err(e) => return fail(format!("Error response from daemon: {e}\n"), 1),
        };
        active.upper = c.rootfs(&lower);
        active.opaque = c.writable.opaque.clone();
        let commit = match self.snapshots.commit(active) {
            Ok(x) => x,
            Err(e) => return fail(format!("Error response from daemon: {e}\n"), 1),
        };
        let mut config = image.config.clone();
        let (entrypoint, cmd) = c.entrypoint_and_cmd();
        if entrypoint != image.config.config.entrypoint.as_deref().unwrap_or_default() {
            config.config.entrypoint = (!entrypoint.is_empty()).then(|| entrypoint.to_vec());
        }
        config.config.cmd = Some(cmd.to_vec());
        config.config.env = Some(c.env.clone());
        for line in p.values("change") {
            if let Err(e) = crate::build::change(line, &mut config.config) {
                return fail(format!("Error response from daemon: {e}\n"), 1);
            }
        }
        config.author = p.value("author").unwrap_or_default().to_string();
        config.created = crate::build::BUILD_TIME.to_string();
        config.history.push(crate::image::History {
            created: crate::build::BUILD_TIME.to_string(),
            created_by: c.command(),
            comment: p.value("message").unwrap_or("").to_string(),
            empty_layer: false,
        });
        config.rootfs.diff_ids.push(commit.layer.diff_id.clone());
        let mut sizes = image.layer_sizes.clone();
        sizes.push(commit.layer.size);
        let bytes = match config.to_bytes() {
            Ok(b) => b,
            Err(e) => return fail(format!("{e}\n"), 1),
        };
        let (new_id, mut events) = self.store_image(bytes, config, vec![commit], sizes);
        // The committed image is made on the container's (`docker history` shows its ID).
        if new_id != c.image {
            self.parents.insert(new_id.clone(), c.image.clone());
        }
        if let Some(r) = reference {
            self.tag(&r, &new_id);
            events.push(Event::Tagged { reference: r, id: new_id.clone() });
        }
        Output { text: format!("{new_id}\n"), status: 0, events }
    }

    pub(crate) fn cmd_export(&self, args: &[&str], host: &mut dyn Host) -> Output {
        let p = match flags::parse(args, &[opt(Some('o'), "output")], false) {
            Ok(p) => p,
            Err(e) => return fail(format!("{e}\n"), 1),
        };
        let Some(name) = p.args.first() else { return fail("\"docker export\" requires exactly 1 argument.\n", 1) };
        let Some(file) = p.value("output") else { return fail("cowardly refusing to save to a terminal. Use the -o flag or redirect\n", 1) };
        let Some(id) = self.container_id(name) else { return Self::no_such(name) };
        let tree = match self.lower(&self.containers[&id].image) {
            Ok(lower) => self.containers[&id].exported(&lower),
            Err(e) => return fail(format!("{e}\n"), 1),
        };
        match crate::layer::pack(&tree, &[Vec::new()]).and_then(|b| host.write_file(file, &b).map(|_| b.len())) {
            Ok(len) => Output { text: String::new(), status: 0, events: vec![Event::FileWritten { path: file.to_string(), size: len as u64 }] },
            Err(e) => fail(format!("Error response from daemon: {e}\n"), 1),
        }
    }

    pub(crate) fn cmd_cp(&mut self, args: &[&str], host: &mut dyn Host) -> Output {
        let [src, dest] = args else { return fail("\"docker cp\" requires exactly 2 arguments.\nSee 'docker cp --help'.\n", 1) };
        let split = |s: &str| s.split_once(':').filter(|(c, _)| !c.contains('/')).map(|(c, p)| (c.to_string(), p.to_string()));
        match (split(src), split(dest)) {
            (Some((name, path)), None) => {
                let view = match self.container_fs(&name) {
                    Ok(v) => v,
                    Err(_) => return Self::no_such(&name),
                };
                let key = components(&path);
                match view.get(&key) {
                    Some(n) if !n.is_dir() => {
                        let bytes = n.body().map(|b| b.to_vec()).unwrap_or_default();
                        // Into a folder (`.`, `dir/`, or one that exists): under the file's own name.
                        let name = key.last().cloned().unwrap_or_default();
                        let target = if dest.ends_with('/') || host.context(dest).is_ok() { format!("{}/{name}", dest.trim_end_matches('/')) } else { dest.to_string() };
                        let target = target.strip_prefix("./").map_or(target.clone(), str::to_string);
                        match host.write_file(&target, &bytes) {
                            Ok(()) => Output { text: format!("Successfully copied {} to {target}\n", human_size(bytes.len() as u64)), status: 0, events: vec![Event::FileWritten { path: target, size: bytes.len() as u64 }] },
                            Err(e) => fail(format!("{e}\n"), 1),
                        }
                    }
                    Some(_) => {
                        let mut total = 0;
                        for (k, n) in view.descendants(&key).filter(|(_, n)| !n.is_dir()) {
                            let rel = k[key.len() - 1..].join("/");
                            let bytes = n.body().map(|b| b.to_vec()).unwrap_or_default();
                            total += bytes.len();
                            if let Err(e) = host.write_file(&format!("{}/{rel}", dest.trim_end_matches('/')), &bytes) {
                                return fail(format!("{e}\n"), 1);
                            }
                        }
                        ok(format!("Successfully copied {} to {dest}\n", human_size(total as u64)))
                    }
                    None => fail(format!("Error response from daemon: Could not find the file {path} in container {name}\n"), 1),
                }
            }
            (None, Some((name, path))) => {
                let Some(id) = self.container_id(&name) else { return Self::no_such(&name) };
                let bytes = match host.read_file(src) {
                    Ok(b) => b,
                    Err(e) => return fail(format!("lstat {src}: no such file or directory ({e})\n"), 1),
                };
                let mut events = Vec::new();
                let size = bytes.len() as u64;
                let copied = self.alter(&id, &mut events, |merged, _, _| {
                    let mut key = components(&path);
                    if path.ends_with('/') || merged.get(&key).is_some_and(Node::is_dir) {
                        key.push(src.rsplit('/').next().unwrap_or(src).to_string());
                    }
                    merged.insert(key, Node::file(bytes, 0o644))
                });
                if let Err(e) = copied.and_then(|inserted| inserted) {
                    return fail(format!("Error response from daemon: {e}\n"), 1);
                }
                Output { text: format!("Successfully copied {} to {name}:{path}\n", human_size(size)), status: 0, events }
            }
            _ => fail("copying between containers is not supported (nor within the host): one side must be CONTAINER:PATH\n", 1),
        }
    }

    pub(crate) fn cmd_volume(&mut self, args: &[&str], host: &dyn Host) -> Output {
        let Some((sub, rest)) = args.split_first() else {
            return ok("Usage:  docker volume COMMAND\n\nManage volumes\n\nCommands:\n  create      Create a volume\n  inspect     Display detailed information on one or more volumes\n  ls          List volumes\n  prune       Remove unused local volumes\n  rm          Remove one or more volumes\n\nRun 'docker volume COMMAND --help' for more information on a command.\n");
        };
        match *sub {
            "--help" => self.cmd_volume(&[], host),
            "create" => {
                let name = rest.iter().find(|a| !a.starts_with('-')).map(|s| s.to_string()).unwrap_or_else(|| Digest::of(format!("volume {}", self.volumes.len() + self.seq as usize).as_bytes()).hex().to_string());
                let valid = |n: &str| n.len() > 1 && n.starts_with(|c: char| c.is_ascii_alphanumeric()) && n.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
                if !valid(&name) {
                    return fail(format!("Error response from daemon: create {name}: \"{name}\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path\n"), 1);
                }
                let mut out = ok(format!("{name}\n"));
                if self.ensure_volume(&name, false, host.now()) {
                    out.events.push(Event::VolumeCreated { name });
                }
                out
            }
            "ls" | "list" => {
                if rest.contains(&"-q") || rest.contains(&"--quiet") {
                    return ok(self.volumes().map(|v| format!("{}\n", v.name)).collect::<String>());
                }
                let mut rows = vec![vec!["DRIVER".to_string(), "VOLUME NAME".to_string()]];
                rows.extend(self.volumes().map(|v| vec!["local".to_string(), v.name.clone()]));
                ok(crate::listing::table(&rows))
            }
            "inspect" => self.cmd_inspect_kind(rest, Some("volume")),
            "rm" | "remove" => {
                let mut out = Output::default();
                for name in rest.iter().filter(|a| !a.starts_with('-')) {
                    let users = self.volume_users(name);
                    if self.volumes.get(*name).is_none_or(|v| v.is_bind()) {
                        out.text.push_str(&format!("Error response from daemon: get {name}: no such volume\n"));
                        out.status = 1;
                    } else if !users.is_empty() {
                        out.text.push_str(&format!("Error response from daemon: remove {name}: volume is in use - [{}]\n", users.join(", ")));
                        out.status = 1;
                    } else {
                        self.volumes.remove(*name);
                        out.events.push(Event::VolumeRemoved { name: name.to_string() });
                        out.text.push_str(&format!("{name}\n"));
                    }
                }
                out
            }
            "prune" => {
                let force = rest.iter().any(|a| matches!(*a, "-f" | "--force" | "-af" | "-fa"));
                let all = rest.iter().any(|a| matches!(*a, "-a" | "--all" | "-af" | "-fa"));
                if !force {
                    let what = if all { "all local volumes not used by at least one container" } else { "all anonymous local volumes not used by at least one container" };
                    return fail(format!("WARNING! This will remove {what}.\nAre you sure you want to continue? [y/N] \n(this terminal cannot answer prompts: add -f to prune)\n"), 1);
                }
                crate::listing::with_total(self.prune_volumes(all))
            }
            other => fail(format!("docker: 'volume {other}' is not a docker command.\nSee 'docker volume --help'\n"), 1),
        }
    }

    pub(crate) fn cmd_info(&self, args: &[&str]) -> Output {
        let p = match flags::parse(args, &[opt(Some('f'), "format")], false) {
            Ok(p) => p,
            Err(e) => return fail(format!("{e}\nSee 'docker info --help'.\n"), 1),
        };
        if let Some(a) = p.args.first() {
            return fail(format!("\"docker info\" accepts no arguments (got {a}).\nSee 'docker info --help'.\n"), 1);
        }
        let running = self.containers.values().filter(|c| c.state == State::Running).count();
        let paused = self.containers.values().filter(|c| c.state == State::Paused).count();
        let stopped = self.containers.len() - running - paused;
        if let Some(format) = p.value("format") {
            // The fields of Docker's info JSON that Layer Lab has.
            let v = serde_json::json!({
                "Containers": self.containers.len(), "ContainersRunning": running, "ContainersPaused": paused, "ContainersStopped": stopped,
                "Images": self.images.len(), "Driver": "overlay2", "DriverStatus": [["Backing Filesystem", "extfs"], ["Supports d_type", "true"], ["Using metacopy", "false"], ["Native Overlay Diff", "true"], ["userxattr", "false"]],
                "LoggingDriver": "json-file", "CgroupDriver": "systemd", "CgroupVersion": "2", "KernelVersion": "6.1.0 (simulated)",
                "OperatingSystem": "Layer Lab (in your browser; no Docker daemon runs)", "OSType": "linux", "Architecture": "x86_64",
                "DockerRootDir": "/var/lib/docker", "ServerVersion": "28.5.1 (simulated by Layer Lab)", "DefaultRuntime": "runc",
            });
            return match crate::template::Template::parse(format).and_then(|t| t.execute(&v)) {
                Ok(text) => ok(format!("{text}\n")),
                Err(e) => fail(format!("{e}\n"), 1),
            };
        }
        let text = format!(
            "Client:\n Version:    28.5.1 (simulated by Layer Lab)\n Context:    default\n Debug Mode: false\n\nServer:\n Containers: {}\n  Running: {running}\n  Paused: {paused}\n  Stopped: {stopped}\n Images: {}\n Server Version: 28.5.1 (simulated by Layer Lab)\n Storage Driver: overlay2\n  Backing Filesystem: extfs\n  Supports d_type: true\n  Using metacopy: false\n  Native Overlay Diff: true\n  userxattr: false\n Logging Driver: json-file\n Cgroup Driver: systemd\n Cgroup Version: 2\n Plugins:\n  Volume: local\n  Network: bridge host ipvlan macvlan null overlay\n  Log: awslogs fluentd gcplogs gelf journald json-file local splunk syslog\n Swarm: inactive\n Runtimes: io.containerd.runc.v2 runc\n Default Runtime: runc\n Kernel Version: 6.1.0 (simulated)\n Operating System: Layer Lab (in your browser; no Docker daemon runs)\n OSType: linux\n Architecture: x86_64\n Docker Root Dir: /var/lib/docker\n Debug Mode: false\n Experimental: false\n Live Restore Enabled: false\n\n(Layer Lab shows the classic overlay2 storage driver the classroom notes use; Docker Engine 29 defaults to the containerd image store.)\n",
            self.containers.len(),
            self.images.len()
        );
        ok(text)
    }

    /// Disk use under overlay2 (layers shared, each container only its upper
    /// layer) and under vfs (every layer a full copy of the ones below it,
    /// every container a full copy of its image): the seeds' comparison.
    pub(crate) fn storage_drivers(&self) -> String {
        let mut unique: BTreeMap<Digest, u64> = BTreeMap::new();
        let mut vfs_layers: BTreeMap<Digest, u64> = BTreeMap::new();
        for img in self.images.values() {
            let chains = crate::digest::chain_ids(img.diff_ids());
            let mut cumulative = 0;
            for ((d, s), chain) in img.diff_ids().iter().zip(&img.layer_sizes).zip(chains) {
                unique.insert(d.clone(), *s);
                cumulative += s;
                vfs_layers.insert(chain, cumulative);
            }
        }
        let uppers: u64 = self.containers.values().map(|c| c.writable.size()).sum();
        let vfs_containers: u64 = self.containers.values().map(|c| self.container_sizes(c).1).sum();
        let overlay = unique.values().sum::<u64>() + uppers;
        let vfs = vfs_layers.values().sum::<u64>() + vfs_containers;
        let rows = vec![
            vec!["DRIVER".to_string(), "IMAGE LAYERS".into(), "CONTAINERS".into(), "TOTAL".into()],
            vec!["overlay2".into(), human_size(unique.values().sum()), human_size(uppers), human_size(overlay)],
            vec!["vfs".into(), human_size(vfs_layers.values().sum()), human_size(vfs_containers), human_size(vfs)],
        ];
        format!("\nStorage drivers compared (Layer Lab): overlay2 stores each layer once and gives a container only its writable layer; vfs copies every layer below and the whole image per container.\n\n{}", crate::listing::table(&rows))
    }

    /// (total, active, size, reclaimable) of containers and volumes, for `docker system df`.
    pub(crate) fn df_containers(&self) -> (DfRow, DfRow) {
        let running = self.containers.values().filter(|c| matches!(c.state, State::Running | State::Paused)).count();
        let size: u64 = self.containers.values().map(|c| c.writable.size()).sum();
        let stopped_size: u64 = self.containers.values().filter(|c| !matches!(c.state, State::Running | State::Paused)).map(|c| c.writable.size()).sum();
        let used = crate::sorting::set_of(self.containers.values().flat_map(|c| c.mounts.iter().map(|m| &m.volume)).filter(|v| !v.starts_with('/')));
        let vsize: u64 = self.volumes().map(Volume::size).sum();
        let unused: u64 = self.volumes().filter(|v| !used.contains(&v.name)).map(Volume::size).sum();
        ((self.containers.len(), running, size, stopped_size), (self.volumes().count(), used.len(), vsize, unused))
    }

    /// Whether a container uses the image.
    pub(crate) fn image_in_use(&self, id: &Digest) -> Option<&Container> {
        self.containers.values().find(|c| &c.image == id)
    }
}

/// A container, as the page draws it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ContainerView {
    pub id: String,
    pub name: String,
    pub image: Digest,
    pub image_name: String,
    /// `running`, `exited (0)`, `paused`, `created`.
    pub state: String,
    /// The writable layer's bytes, and the image's plus those.
    pub size: u64,
    pub virtual_size: u64,
    /// `docker diff`'s lines: (A|C|D, path), the layer's own changes only.
    pub changes: Vec<(char, String)>,
    /// (volume, mount point).
    pub mounts: Vec<(String, String)>,
    /// Its network, and its address there while it runs (empty otherwise).
    pub network: String,
    pub address: String,
}

/// A volume, as the page draws it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct VolumeView {
    pub name: String,
    pub size: u64,
    pub anonymous: bool,
    /// Names of the containers it is mounted in.
    pub used_by: Vec<String>,
}

impl Engine {
    /// Every container, oldest first, for the page.
    pub fn containers_view(&self) -> Vec<ContainerView> {
        let mut list: Vec<&Container> = self.containers.values().collect();
        crate::sorting::sort_by_key(&mut list, |c| c.seq);
        list.into_iter()
            .map(|c| {
                let (size, virtual_size) = self.container_sizes(c);
                let changes = c
                    .writable
                    .changes
                    .iter()
                    .filter_map(|ch| match ch {
                        Change::Added(k) => Some(('A', display(k))),
                        Change::Modified(k) => Some(('C', display(k))),
                        Change::Deleted(k) => Some(('D', display(k))),
                        Change::Opaque(_) => None,
                    })
                    .collect();
                let state = match c.state {
                    State::Exited(code) => format!("exited ({code})"),
                    s => s.name().to_string(),
                };
                ContainerView {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    image: c.image.clone(),
                    image_name: c.image_name.clone(),
                    state,
                    size,
                    virtual_size,
                    changes,
                    mounts: c.mounts.iter().map(|m| (m.volume.clone(), m.destination.clone())).collect(),
                    network: c.network.clone(),
                    address: if matches!(c.state, State::Running | State::Paused) { c.ip() } else { String::new() },
                }
            })
            .collect()
    }

    pub fn volumes_view(&self) -> Vec<VolumeView> {
        self.volumes()
            .map(|v| VolumeView {
                name: v.name.clone(),
                size: v.size(),
                anonymous: v.anonymous,
                used_by: self.containers.values().filter(|c| c.mounts.iter().any(|m| m.volume == v.name)).map(|c| c.name.clone()).collect(),
            })
            .collect()
    }
}
