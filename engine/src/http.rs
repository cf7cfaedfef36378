//! The containers' web servers and the clients that reach them. nginx serves
//! files from its container's merged view, as its configuration says (so a
//! file changed in one container is served by that container only); `curl`
//! runs in the terminal and in containers that have it, BusyBox's `wget` in
//! BusyBox images. Requests go where Docker's networks take them (see
//! `network`): a published port on the host's localhost or a gateway,
//! 172.S.0.N between containers of one network, localhost inside a container
//! to itself; container names resolve on a network of its own only. Nothing
//! leaves the page: a name outside says so.

use crate::fs::{components, Tree};
use crate::runtime::{binding, Container, State};
use crate::Engine;

/// The host's curl (its access-log user agent) and the one `apk`/`apt-get` install.
pub const HOST_CURL: &str = "curl/8.5.0";
pub const CONTAINER_CURL: &str = "curl/8.12.1";
/// The bridge's gateway: the host as the containers see it.
const GATEWAY: &str = "172.17.0.1";

pub struct Request {
    pub method: String,
    /// The host as the URL names it, and the port.
    pub host: String,
    pub port: u16,
    /// Path and query, from the leading `/`.
    pub target: String,
    pub agent: String,
}

impl Request {
    fn host_header(&self) -> String {
        if self.port == 80 { self.host.clone() } else { format!("{}:{}", self.host, self.port) }
    }
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    fn status_line(&self) -> String {
        format!("HTTP/1.1 {} {}", self.status, reason(self.status))
    }
}

/// Why no response came back.
pub enum Failure {
    /// No such name (a container's name on the default bridge, too).
    Resolve,
    /// Nothing listens at that address and port.
    Refused,
    /// A published port whose container listens on another one: Docker's
    /// proxy takes the connection, then it is reset.
    Reset,
    /// No container has that bridge address.
    NoRoute,
    /// The container is on another network: Docker drops what crosses, and the connection times out.
    Isolated,
    /// The client's container has no network (`--network none`).
    Unreachable,
    /// The container is paused: the request would wait until it is unpaused.
    Paused(String),
    /// A server that does not speak HTTP (mysqld, postgres).
    NotHttp,
    /// A web server this version does not simulate (its name).
    Unsimulated(String),
    /// A name or address outside: there is no internet here.
    Outside,
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Not Allowed",
        502 => "Bad Gateway",
        _ => "",
    }
}

/// The server block nginx answers with: what `listen`, `root` and `index`
/// say in the first server of its configuration ([`crate::nginx::load`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Site {
    /// The IPv4 ports its `listen`s name (80 when none does). `[::]:80`
    /// listens on IPv6 only (nginx sets ipv6only), which Docker's bridge does not use.
    pub ports: Vec<u16>,
    pub root: String,
    pub index: Vec<String>,
    /// Its `location`s (prefix and `=` exact ones), in order.
    pub locations: Vec<Location>,
    /// `upstream NAME { server HOST:PORT; … }`: the servers a `proxy_pass http://NAME` takes turns at.
    pub upstreams: Vec<(String, Vec<String>)>,
}

/// A `location [=] PATH { … }` of the server, and where it passes requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub exact: bool,
    pub path: String,
    /// `proxy_pass URL`: None serves files.
    pub pass: Option<String>,
}

impl Site {
    /// The location nginx picks for `path`: an exact match, else the longest prefix.
    fn location(&self, path: &str) -> Option<&Location> {
        self.locations.iter().find(|l| l.exact && l.path == path).or_else(|| self.locations.iter().filter(|l| !l.exact && path.starts_with(&l.path)).max_by_key(|l| l.path.len()))
    }
}

/// `http://HOST[:PORT][/URI]` of a `proxy_pass`: (host, port, URI if given).
pub fn proxy_target(url: &str) -> Option<(String, u16, Option<String>)> {
    let rest = url.strip_prefix("http://")?;
    let (authority, uri) = match rest.find('/') {
        Some(i) => (&rest[..i], Some(rest[i..].to_string())),
        None => (rest, None),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, p.parse().ok()?),
        None => (authority, 80),
    };
    Some((host.to_string(), port, uri))
}

/// What a container's main process listens on: nginx serves pages; the
/// others are named for the message.
enum Listener {
    Nginx(Site),
    NotHttp(u16),
    Unsimulated(&'static str, u16),
}

fn listener(c: &Container) -> Option<Listener> {
    if c.state != State::Running && c.state != State::Paused || !matches!(c.process, crate::runtime::Process::Service { .. }) {
        return None;
    }
    match c.program.as_str() {
        // The configuration nginx loaded at its start or last reload, not the files as they are now.
        "nginx" => c.nginx.clone().map(Listener::Nginx),
        "mysqld" => Some(Listener::NotHttp(3306)),
        "postgres" => Some(Listener::NotHttp(5432)),
        "grafana" => Some(Listener::Unsimulated("grafana", 3000)),
        _ => None,
    }
}

impl Listener {
    fn listens(&self, port: u16) -> bool {
        match self {
            Listener::Nginx(site) => site.ports.contains(&port),
            Listener::NotHttp(p) | Listener::Unsimulated(_, p) => *p == port,
        }
    }
}

/// An HTTP date (`Tue, 24 Nov 2026 18:04:05 GMT`) or an access log's
/// (`24/Nov/2026:18:04:05 +0000`).
fn date(t: i64, log: bool) -> String {
    crate::date::strftime(t, if log { "%d/%b/%Y:%H:%M:%S +0000" } else { "%a, %d %b %Y %H:%M:%S GMT" })
}

/// The Content-Type nginx's mime.types gives a file name.
fn content_type(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" | "shtml" => "text/html",
        "css" => "text/css",
        "xml" => "text/xml",
        "txt" => "text/plain",
        "js" => "application/javascript",
        "json" => "application/json",
        "gif" => "image/gif",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "svg" | "svgz" => "image/svg+xml",
        "ico" => "image/x-icon",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// nginx's answer to `method target` from `site` in `view`: a file, its
/// directory's index, a redirect to the directory with its slash, or an
/// error page (403 for a directory without an index or an unreadable file).
pub fn nginx(site: &Site, view: &Tree, version: &str, req: &Request, now: i64) -> Response {
    let server = if version.is_empty() { "nginx".to_string() } else { format!("nginx/{version}") };
    let mut headers = vec![("Server".to_string(), server.clone()), ("Date".to_string(), date(now, false))];
    let page = |status: u16, mut headers: Vec<(String, String)>, extra: Option<(String, String)>| {
        let title = format!("{status} {}", reason(status));
        let body = format!("<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>{server}</center>\r\n</body>\r\n</html>\r\n").into_bytes();
        headers.push(("Content-Type".to_string(), "text/html".to_string()));
        headers.push(("Content-Length".to_string(), body.len().to_string()));
        headers.extend(extra);
        headers.push(("Connection".to_string(), "keep-alive".to_string()));
        Response { status, headers, body }
    };
    let path = req.target.split('?').next().unwrap_or_default();
    let Some(path) = percent_decode(path).filter(|p| p.starts_with('/')) else { return page(400, headers, None) };
    // `..` above the root is refused; `.` and empty segments are dropped.
    let mut segments: Vec<String> = Vec::new();
    for s in path.split('/') {
        match s {
            "" | "." => {}
            ".." if segments.pop().is_none() => return page(400, headers, None),
            ".." => {}
            s => segments.push(s.to_string()),
        }
    }
    if req.method != "GET" && req.method != "HEAD" {
        return page(405, headers, None);
    }
    let mut key = components(&site.root);
    key.extend(segments);
    let found = view.resolve(key);
    let (key, node) = match found {
        Some((dir, node)) if node.is_dir() && path.ends_with('/') => {
            let index = site.index.iter().find_map(|name| {
                let mut k = dir.clone();
                k.push(name.clone());
                view.resolve(k).filter(|(_, n)| !n.is_dir())
            });
            match index {
                Some(found) => found,
                None => return page(403, headers, None),
            }
        }
        Some((_, node)) if node.is_dir() => {
            // nginx names the port it listens on, not the one the client used (port_in_redirect).
            let listening = site.ports.first().copied().unwrap_or(80);
            let port = if listening == 80 { String::new() } else { format!(":{listening}") };
            return page(301, headers, Some(("Location".to_string(), format!("http://{}{port}{path}/", req.host))));
        }
        Some(found) => found,
        None => return page(404, headers, None),
    };
    // The workers run as the nginx user: a file others cannot read is forbidden.
    if node.mode & 0o004 == 0 {
        return page(403, headers, None);
    }
    let body = node.body().map(crate::fs::Body::to_vec).unwrap_or_default();
    let name = key.last().cloned().unwrap_or_default();
    headers.push(("Content-Type".to_string(), content_type(&name).to_string()));
    headers.push(("Content-Length".to_string(), body.len().to_string()));
    // Every file in a layer has mtime 0 (see fs::Node::touched), so nginx reports the epoch.
    headers.push(("Last-Modified".to_string(), date(0, false)));
    headers.push(("Connection".to_string(), "keep-alive".to_string()));
    headers.push(("ETag".to_string(), format!("\"0-{:x}\"", body.len())));
    headers.push(("Accept-Ranges".to_string(), "bytes".to_string()));
    Response { status: 200, headers, body }
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Where a request is sent from: the terminal (the host), or a container
/// with its files as they are now (a script may just have changed them).
#[derive(Clone, Copy)]
pub enum Client<'a> {
    Host,
    Container(&'a str, &'a Tree),
}

/// What a container's shell reaches the bridge through: the engine, as the
/// container `id` at the time `now`. The access-log lines it gathers are
/// kept by the caller once the shell is done.
pub struct Bridge<'e> {
    pub engine: &'e Engine,
    pub id: String,
    pub now: i64,
    pub log: std::cell::RefCell<Vec<(String, String)>>,
    /// Signals `nginx -s` sent to this container's nginx master, for the engine to deliver.
    pub signals: std::cell::RefCell<Vec<String>>,
}

impl Bridge<'_> {
    /// Sends `req` from the container, whose files are `view` now.
    pub fn fetch(&self, view: &Tree, req: &Request) -> Result<Exchange, Failure> {
        self.engine.fetch(Client::Container(&self.id, view), req, self.now, &mut self.log.borrow_mut())
    }
}

/// An answer, with the address that gave it (for `curl -v`, `wget`).
pub struct Exchange {
    pub address: String,
    pub response: Response,
}

/// A network's address `172.S.A.B`: the subnet S (17 to 31) and the
/// address as [`Container::address`] numbers it.
fn bridge_address(host: &str) -> Option<(u8, u32)> {
    let rest = host.strip_prefix("172.")?;
    let mut parts = rest.split('.').map(|p| p.parse::<u32>().ok().filter(|n| *n < 256));
    let (s, a, b) = (parts.next()??, parts.next()??, parts.next()??);
    (parts.next().is_none() && (17..32).contains(&s)).then_some((s as u8, a * 256 + b)) // in 17..32
}

fn is_ipv4(host: &str) -> bool {
    host.split('.').count() == 4 && host.split('.').all(|p| p.parse::<u8>().is_ok())
}



impl Engine {
    /// Whether `host` is a network's gateway (172.S.0.1): the host's own address there.
    fn is_gateway(&self, host: &str) -> bool {
        bridge_address(host).is_some_and(|(s, a)| a == 1 && (s == 17 || self.networks.values().any(|n| n.subnet == s)))
    }

    /// Keeps the access-log lines requests wrote, in their containers' logs.
    pub(crate) fn keep_access_log(&mut self, log: Vec<(String, String)>) {
        let now = self.now;
        for (id, line) in log {
            if let Some(c) = self.containers.get_mut(&id) {
                c.log(now, &line);
            }
        }
    }

    /// Sends `req` from `from` across the simulated bridge and lets the
    /// container there answer. Access-log lines for the containers that
    /// answered are added to `log` (ID, line), for the caller to keep.
    pub fn fetch(&self, from: Client<'_>, req: &Request, now: i64, log: &mut Vec<(String, String)>) -> Result<Exchange, Failure> {
        self.fetch_through(from, req, now, log, 0)
    }

    /// [`Engine::fetch`], `hops` proxies deep (a proxy that passes to itself ends).
    fn fetch_through(&self, from: Client<'_>, req: &Request, now: i64, log: &mut Vec<(String, String)>, hops: u8) -> Result<Exchange, Failure> {
        let host = req.host.trim_start_matches('[').trim_end_matches(']');
        // The whole of 127.0.0.0/8 is the loopback; a name or 0.0.0.0 goes to 127.0.0.1.
        let loopback = matches!(host, "localhost" | "0.0.0.0" | "::1") || host.starts_with("127.") && is_ipv4(host);
        let local = if loopback && !host.starts_with("127.") { "127.0.0.1" } else { host };
        // A container on the host's network is the host, as far as addresses go.
        let me = match from {
            Client::Host => None,
            Client::Container(id, view) => self.containers.get(id).filter(|c| c.network != "host").map(|c| (c, view)),
        };
        let client = me.map_or_else(|| GATEWAY.to_string(), |(c, _)| c.ip());
        let live = |c: &&Container| matches!(c.state, State::Running | State::Paused);
        // The host, as a container's network sees it: its gateway (the default bridge's, from the host).
        let gateway = me.filter(|(c, _)| c.subnet > 0).map_or_else(|| GATEWAY.to_string(), |(c, _)| format!("172.{}.0.1", c.subnet));
        // On a network of its own, a container finds the others there by name, short ID or host name.
        let by_name = |c: &Container| me.is_some_and(|(m, _)| m.subnet > 17 && m.network == c.network) && (c.name == host || c.short_id() == host || c.host_name() == host);
        // (the container, the port it is reached on, whether through Docker's proxy, the client's address)
        let (target, port, proxied, client, address) = match me {
            Some((c, _)) if c.network == "none" && !(loopback || host == c.host_name()) => return Err(Failure::Unreachable),
            // Inside a container, localhost and its own name are itself.
            Some((c, _)) if loopback || host == c.host_name() => (c, req.port, false, "127.0.0.1".to_string(), if loopback { "127.0.0.1".to_string() } else { c.ip() }),
            // The host's published ports: on its localhost, or at the gateway from a container.
            // A binding on 127.0.0.1 is not reachable from the containers; a
            // server on the host's network listens on the host's ports itself.
            _ if host == gateway || me.is_none() && (loopback || self.is_gateway(host)) => {
                let inner = |c: &Container| c.ports.iter().filter_map(|p| binding(p)).find(|&(a, h, _, proto)| h == req.port && proto == "tcp" && (a == "0.0.0.0" || a == local)).map(|b| b.2);
                let published = self.containers.values().filter(live).find_map(|c| Some((c, inner(c)?)));
                match published {
                    Some((c, inner)) => (c, inner, true, client, local.to_string()),
                    None => match self.containers.values().filter(live).find(|c| c.network == "host") {
                        Some(c) => (c, req.port, false, if me.is_none() { "127.0.0.1".to_string() } else { client }, local.to_string()),
                        None => return Err(Failure::Refused),
                    },
                }
            }
            _ => match (bridge_address(host), self.containers.values().filter(live).find(|c| by_name(c))) {
                (_, Some(c)) => (c, req.port, false, client, c.ip()),
                (Some((s, n)), None) => match self.containers.values().filter(live).find(|c| c.subnet == s && c.address == n) {
                    Some(c) if me.is_some_and(|(m, _)| m.network != c.network && m.network != "host") => return Err(Failure::Isolated),
                    Some(c) => (c, req.port, false, client, c.ip()),
                    None => return Err(Failure::NoRoute),
                },
                (None, None) if is_ipv4(host) || host.contains('.') && host != "host.docker.internal" => return Err(Failure::Outside),
                (None, None) => return Err(Failure::Resolve),
            },
        };
        // Its files: the client's own as they are now, or the target's merged view.
        let view = match me {
            Some((c, view)) if c.id == target.id => std::borrow::Cow::Borrowed(view),
            _ => {
                let lower = self.lower(&target.image).map_err(|_| Failure::Refused)?;
                std::borrow::Cow::Owned(target.merged(&lower, &self.volumes))
            }
        };
        let listening = listener(target).filter(|l| l.listens(port));
        let Some(listening) = listening else { return Err(if proxied { Failure::Reset } else { Failure::Refused }) };
        if target.state == State::Paused {
            return Err(Failure::Paused(target.name.clone()));
        }
        let site = match listening {
            Listener::Nginx(site) => site,
            Listener::NotHttp(_) => return Err(Failure::NotHttp),
            Listener::Unsimulated(name, _) => return Err(Failure::Unsimulated(name.to_string())),
        };
        let version = target.env.iter().find_map(|e| e.strip_prefix("NGINX_VERSION=")).unwrap_or_default();
        let path = req.target.split('?').next().unwrap_or_default();
        let response = match site.location(path).and_then(|l| Some((l, l.pass.as_deref()?))) {
            Some((location, pass)) => self.proxy(target, &view, &site, (location, pass), (req, &client), now, log, hops),
            None => nginx(&site, &view, version, req, now),
        };
        let sent = if req.method == "HEAD" { 0 } else { response.body.len() };
        log.push((target.id.clone(), format!("{client} - - [{}] \"{} {} HTTP/1.1\" {} {sent} \"-\" \"{}\" \"-\"\n", date(now, true), req.method, req.target, response.status, req.agent)));
        Ok(Exchange { address, response })
    }
}

impl Engine {
    /// The first of `passes` (`HOST[:PORT]`, where it is written) that
    /// `from` cannot resolve, as nginx finds at start: `host not found in upstream`.
    pub(crate) fn unresolved(&self, from: &Container, passes: &[(String, String)]) -> Option<String> {
        passes.iter().find_map(|(authority, at)| {
            let host = authority.rsplit_once(':').map_or(authority.as_str(), |(h, _)| h);
            let live = |c: &&Container| matches!(c.state, State::Running | State::Paused);
            let found = is_ipv4(host)
                || matches!(host, "localhost" | "0.0.0.0")
                || host == from.host_name()
                || from.subnet > 17 && self.containers.values().filter(live).any(|c| c.network == from.network && (c.name == host || c.short_id() == host || c.host_name() == host));
            (!found).then(|| format!("host not found in upstream \"{authority}\" in {at}"))
        })
    }

    /// nginx's `proxy_pass`: the request goes on from the nginx container to
    /// the server (an `upstream`'s servers in turn), whose answer comes back;
    /// 502 when nothing answers there, with nginx's error-log line.
    #[allow(clippy::too_many_arguments)]
    fn proxy(&self, front: &Container, view: &Tree, site: &Site, (location, pass): (&Location, &str), (req, client): (&Request, &str), now: i64, log: &mut Vec<(String, String)>, hops: u8) -> Response {
        let version = front.env.iter().find_map(|e| e.strip_prefix("NGINX_VERSION=")).unwrap_or_default();
        let server = format!("nginx/{version}");
        let (host, port, uri) = proxy_target(pass).unwrap_or_default();
        // An upstream's servers take turns; one that fails passes the request to the next
        // (proxy_next_upstream error), each failure an error line.
        let servers: Vec<(String, u16)> = match site.upstreams.iter().find(|(name, _)| *name == host) {
            Some((_, servers)) if !servers.is_empty() => {
                let turn = front.proxied.next();
                let at = |i: usize| servers[(turn + i) % servers.len()].rsplit_once(':').map_or((servers[(turn + i) % servers.len()].clone(), 80), |(h, p)| (h.to_string(), p.parse().unwrap_or(80)));
                (0..servers.len()).map(at).collect()
            }
            _ => vec![(host, port)],
        };
        // With a URI, it replaces the part of the path the location matched.
        let target = match uri {
            Some(uri) => format!("{uri}{}", req.target.get(location.path.len()..).unwrap_or_default()),
            None => req.target.clone(),
        };
        for (host, port) in servers {
            let inner = Request { method: req.method.clone(), host: host.clone(), port, target: target.clone(), agent: req.agent.clone() };
            let answer = if hops < 8 { self.fetch_through(Client::Container(&front.id, view), &inner, now, log, hops + 1) } else { Err(Failure::Reset) };
            if let Ok(exchange) = answer {
                let mut response = exchange.response;
                for (name, value) in &mut response.headers {
                    if name == "Server" {
                        value.clone_from(&server);
                    }
                }
                return response;
            }
            let upstream = format!("http://{host}:{port}{target}");
            let line = format!("29#29: *1 connect() failed (111: Connection refused) while connecting to upstream, client: {client}, server: localhost, request: \"{} {} HTTP/1.1\", upstream: \"{upstream}\", host: \"{}\"", req.method, req.target, req.host_header());
            log.push((front.id.clone(), crate::nginx::error_log(Some(now), "error", &[&line])));
        }
        let title = "502 Bad Gateway";
        let body = format!("<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>{server}</center>\r\n</body>\r\n</html>\r\n").into_bytes();
        let headers = vec![("Server".to_string(), server), ("Date".to_string(), date(now, false)), ("Content-Type".to_string(), "text/html".to_string()), ("Content-Length".to_string(), body.len().to_string()), ("Connection".to_string(), "keep-alive".to_string())];
        Response { status: 502, headers, body }
    }
}

/// What a client printed and the files it saved (relative to where it runs).
#[derive(Default)]
pub struct Run {
    pub status: i32,
    pub out: Vec<u8>,
    pub err: String,
    pub files: Vec<(String, Vec<u8>)>,
}

/// A URL as curl and wget read it: (scheme, host, port, target).
fn parse_url(url: &str) -> Result<(String, String, u16, String), String> {
    let (scheme, rest) = url.split_once("://").unwrap_or(("http", url));
    let scheme = scheme.to_ascii_lowercase();
    let (authority, target) = match rest.find(['/', '?']) {
        Some(i) if rest[i..].starts_with('?') => (&rest[..i], format!("/{}", &rest[i..])),
        Some(i) => (&rest[..i], rest[i..].to_string()),
        None => (rest, "/".to_string()),
    };
    let authority = authority.rsplit('@').next().unwrap_or_default();
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(':') && (!h.starts_with('[') || h.ends_with(']')) => (h, Some(p)),
        _ => (authority, None),
    };
    if host.is_empty() {
        return Err("No host part in the URL".to_string());
    }
    let default = if scheme == "https" { 443 } else { 80 };
    let port = match port {
        Some(p) => p.parse::<u16>().ok().filter(|p| *p > 0).ok_or("Port number was not a decimal number between 0 and 65535")?,
        None => default,
    };
    Ok((scheme, host.to_ascii_lowercase(), port, target))
}

type Fetch<'f> = dyn FnMut(&Request) -> Result<Exchange, Failure> + 'f;

const CURL_HELP: &str = "curl: try 'curl --help' or 'curl --manual' for more information\n";

/// `curl [OPTIONS] URL…` with `agent` as its User-Agent. Options: -s -S -i
/// -I -f -L -v -o FILE -O -X METHOD -H HEADER -A AGENT -d DATA; progress
/// meters are not drawn (as with -s), and a few options that change only how
/// a real transfer goes are accepted and ignored.
pub fn curl(args: &[String], agent: &str, fetch: &mut Fetch<'_>) -> Run {
    let mut run = Run::default();
    let (mut silent, mut show_error, mut include, mut head, mut fail, mut follow, mut verbose, mut remote_name) = (false, false, false, false, false, false, false, false);
    let (mut output, mut method, mut agent, mut urls) = (None::<String>, None::<String>, agent.to_string(), Vec::new());
    let mut it = args.iter();
    let usage = |run: &mut Run, msg: String| {
        run.err = format!("curl: {msg}\n{CURL_HELP}");
        run.status = 2;
    };
    while let Some(a) = it.next() {
        let long = a.strip_prefix("--");
        let flags: Vec<String> = match long {
            Some(l) => vec![l.to_string()],
            None if a.starts_with('-') && a.len() > 1 => a[1..].chars().map(String::from).collect(),
            None => {
                urls.push(a.clone());
                continue;
            }
        };
        let mut flags = flags.into_iter().peekable();
        while let Some(f) = flags.next() {
            let takes = matches!(f.as_str(), "o" | "output" | "X" | "request" | "H" | "header" | "A" | "user-agent" | "d" | "data" | "data-raw" | "m" | "max-time" | "connect-timeout" | "e" | "referer" | "u" | "user");
            let value = if takes {
                // `-XPOST`, `-o file`: the rest of the cluster, or the next word.
                let rest: String = flags.by_ref().collect();
                match if rest.is_empty() { it.next().cloned() } else { Some(rest) } {
                    Some(v) => Some(v),
                    None => return { usage(&mut run, format!("option {a}: requires parameter")); run },
                }
            } else {
                None
            };
            match (f.as_str(), value) {
                ("V" | "version", _) => {
                    // The version line as curl prints it, for the curl this is (the host's or the image's).
                    let version = agent.trim_start_matches("curl/");
                    run.out = format!("curl {version} (x86_64-pc-linux-gnu) libcurl/{version} OpenSSL/3.0.15 zlib/1.2.13\nProtocols: dict file ftp ftps gopher gophers http https imap imaps ldap ldaps mqtt pop3 pop3s rtmp rtsp scp sftp smb smbs smtp smtps telnet tftp\nFeatures: alt-svc AsynchDNS HSTS HTTP2 HTTPS-proxy IDN IPv6 Largefile libz NTLM PSL SSL threadsafe TLS-SRP UnixSockets\n(simulated by Layer Lab: only http:// reaches anything)\n").into_bytes();
                    return run;
                }
                ("s" | "silent", _) => silent = true,
                ("S" | "show-error", _) => show_error = true,
                ("i" | "include", _) => include = true,
                ("I" | "head", _) => head = true,
                ("f" | "fail", _) => fail = true,
                ("L" | "location", _) => follow = true,
                ("v" | "verbose", _) => verbose = true,
                ("O" | "remote-name", _) => remote_name = true,
                ("o" | "output", v) => output = v,
                ("X" | "request", v) => method = v,
                ("A" | "user-agent", Some(v)) => agent = v,
                ("d" | "data" | "data-raw", _) => method = method.or(Some("POST".to_string())),
                ("k" | "insecure" | "compressed" | "http1.1" | "no-progress-meter" | "4" | "ipv4" | "n" | "netrc" | "q", _) => {}
                (_, Some(_)) => {}
                (f, None) => {
                    let shown = if long.is_some() { format!("--{f}") } else { format!("-{f}") };
                    usage(&mut run, format!("option {shown}: is unknown"));
                    return run;
                }
            }
        }
    }
    if urls.is_empty() {
        usage(&mut run, "no URL specified!".to_string());
        return run;
    }
    let say = |run: &mut Run, code: i32, msg: &str| {
        if !silent || show_error {
            run.err.push_str(&format!("curl: ({code}) {msg}\n"));
        }
        run.status = code;
    };
    let method = method.unwrap_or_else(|| if head { "HEAD" } else { "GET" }.to_string());
    'urls: for url in urls {
        let mut url = url;
        for _hop in 0..=50 {
            let (scheme, host, port, target) = match parse_url(&url) {
                Ok(parts) => parts,
                Err(e) => {
                    say(&mut run, 3, &format!("URL rejected: {e}"));
                    continue 'urls;
                }
            };
            if scheme != "http" && scheme != "https" {
                say(&mut run, 1, &format!("Protocol \"{scheme}\" not supported"));
                continue 'urls;
            }
            let req = Request { method: method.clone(), host: host.clone(), port, target, agent: agent.clone() };
            if verbose {
                let shown = if matches!(host.as_str(), "localhost" | "0.0.0.0") { "127.0.0.1" } else { host.as_str() };
                run.err.push_str(&format!("*   Trying {shown}:{port}...\n"));
            }
            let exchange = match fetch(&req) {
                Ok(x) => x,
                Err(failure) => {
                    let (code, msg) = match failure {
                        Failure::Resolve => (6, format!("Could not resolve host: {host}")),
                        Failure::Refused => (7, format!("Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server")),
                        Failure::NoRoute => (7, format!("Failed to connect to {host} port {port} after 3071 ms: No route to host")),
                        Failure::Isolated => (28, format!("Failed to connect to {host} port {port}: Connection timed out (it is on another network: Docker drops what crosses)")),
                        Failure::Unreachable => (7, format!("Failed to connect to {host} port {port} after 0 ms: Network is unreachable")),
                        Failure::Reset => (56, "Recv failure: Connection reset by peer".to_string()),
                        Failure::NotHttp => (1, "Received HTTP/0.9 when not allowed".to_string()),
                        Failure::Paused(name) => (28, format!("Operation timed out: container {name} is paused, so nothing answers until it is unpaused (Layer Lab stops waiting)")),
                        Failure::Unsimulated(name) => (56, format!("{name}'s web server is not simulated in this version of Layer Lab (nginx's is)")),
                        Failure::Outside => (6, format!("Could not resolve host: {host} (Layer Lab has no internet: only its containers answer, at localhost:PORT for a published port or at 172.17.0.N)")),
                    };
                    say(&mut run, code, &msg);
                    continue 'urls;
                }
            };
            if scheme == "https" {
                say(&mut run, 35, "OpenSSL/3.0.15: error:0A00010B:SSL routines::wrong version number");
                continue 'urls;
            }
            let resp = exchange.response;
            let mut head_text = format!("{}\r\n", resp.status_line());
            for (k, v) in &resp.headers {
                head_text.push_str(&format!("{k}: {v}\r\n"));
            }
            head_text.push_str("\r\n");
            if verbose {
                run.err.push_str(&format!("* Connected to {host} ({}) port {port}\n", exchange.address));
                run.err.push_str(&format!("> {} {} HTTP/1.1\n> Host: {}\n> User-Agent: {agent}\n> Accept: */*\n> \n", req.method, req.target, req.host_header()));
                run.err.extend(head_text.lines().map(|l| format!("< {l}\n")));
            }
            let location = resp.headers.iter().find(|(k, _)| k == "Location").map(|(_, v)| v.clone());
            if fail && resp.status >= 400 {
                say(&mut run, 22, &format!("The requested URL returned error: {}", resp.status));
                continue 'urls;
            }
            let mut bytes = Vec::new();
            if include || head {
                bytes.extend_from_slice(head_text.as_bytes());
            }
            if method != "HEAD" {
                bytes.extend_from_slice(&resp.body);
            }
            if let (true, Some(next)) = (follow, location.filter(|_| resp.status / 100 == 3)) {
                if include || head {
                    run.out.extend_from_slice(head_text.as_bytes());
                }
                url = next;
                continue;
            }
            let file = output.clone().filter(|o| o != "-").or_else(|| remote_name.then(|| req.target.split('?').next().unwrap_or_default().rsplit('/').next().unwrap_or_default().to_string()));
            match file {
                Some(name) if name.is_empty() => say(&mut run, 23, "Remote file name has no length"),
                Some(name) => run.files.push((name, bytes)),
                None if output.is_none() && bytes.contains(&0) => {
                    run.err.push_str("Warning: Binary output can mess up your terminal. Use \"--output -\" to tell curl to output it to your terminal anyway, or consider \"--output <FILE>\" to save to a file.\n");
                    run.status = 23;
                }
                None => run.out.extend_from_slice(&bytes),
            }
            continue 'urls;
        }
        say(&mut run, 47, "Maximum (50) redirects followed");
    }
    run
}

/// BusyBox's `wget [-q] [-O FILE] [-S] [--spider] [-U AGENT] URL…`.
/// `exists` tells whether a file is already there (wget will not overwrite
/// one it names itself).
pub fn busybox_wget(args: &[String], exists: &dyn Fn(&str) -> bool, fetch: &mut Fetch<'_>) -> Run {
    let mut run = Run::default();
    let (mut quiet, mut headers, mut spider, mut output, mut agent, mut dir, mut urls) = (false, false, false, None::<String>, "Wget".to_string(), None::<String>, Vec::new());
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-q" | "--quiet" => quiet = true,
            "-S" | "--server-response" => headers = true,
            "--spider" => spider = true,
            "-qO-" | "-qO" => {
                quiet = true;
                output = if a == "-qO-" { Some("-".to_string()) } else { it.next().cloned() };
            }
            "-O" | "--output-document" | "-U" | "--user-agent" | "-P" | "--directory-prefix" | "-T" | "--timeout" | "--header" | "-o" => {
                let Some(v) = it.next().cloned() else {
                    run.err = format!("wget: option requires an argument -- '{}'\n", a.trim_start_matches('-'));
                    run.status = 1;
                    return run;
                };
                match a.as_str() {
                    "-O" | "--output-document" => output = Some(v),
                    "-U" | "--user-agent" => agent = v,
                    "-P" | "--directory-prefix" => dir = Some(v),
                    _ => {}
                }
            }
            o if o.starts_with("-O") => output = Some(o[2..].to_string()),
            "-c" | "--continue" | "--no-check-certificate" => {}
            o if o.starts_with('-') && o.len() > 1 => {
                run.err = format!("wget: unrecognized option '{o}'\nBusyBox v1.37.0 multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n");
                run.status = 1;
                return run;
            }
            u => urls.push(u.to_string()),
        }
    }
    if urls.is_empty() {
        run.err = "BusyBox v1.37.0 multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n\nRetrieve files via HTTP or FTP\n".to_string();
        run.status = 1;
        return run;
    }
    let fail = |run: &mut Run, msg: String| {
        run.err.push_str(&format!("wget: {msg}\n"));
        run.status = 1;
    };
    for url in urls {
        let (scheme, host, port, target) = match parse_url(&url) {
            Ok(parts) if parts.0 == "http" || parts.0 == "https" => parts,
            Ok(_) => {
                fail(&mut run, format!("not an http or ftp url: {url}"));
                continue;
            }
            Err(_) => {
                fail(&mut run, format!("bad address '{url}'"));
                continue;
            }
        };
        let req = Request { method: if spider { "HEAD" } else { "GET" }.to_string(), host: host.clone(), port, target, agent: agent.clone() };
        let exchange = match fetch(&req) {
            Ok(x) => x,
            Err(Failure::Resolve) => {
                fail(&mut run, format!("bad address '{host}'"));
                continue;
            }
            Err(Failure::Outside) => {
                fail(&mut run, format!("bad address '{host}' (Layer Lab has no internet: only its containers answer, at 172.17.0.N)"));
                continue;
            }
            Err(other) => {
                if !quiet {
                    run.err.push_str(&format!("Connecting to {host} ({host}:{port})\n"));
                }
                let msg = match other {
                    Failure::Refused => format!("can't connect to remote host ({host}): Connection refused"),
                    Failure::NoRoute => format!("can't connect to remote host ({host}): Host is unreachable"),
                    Failure::Isolated => format!("can't connect to remote host ({host}): Connection timed out (it is on another network: Docker drops what crosses)"),
                    Failure::Unreachable => format!("can't connect to remote host ({host}): Network is unreachable"),
                    Failure::NotHttp | Failure::Reset => "error getting response: Connection reset by peer".to_string(),
                    Failure::Paused(name) => format!("download timed out: container {name} is paused, so nothing answers until it is unpaused"),
                    Failure::Unsimulated(name) => format!("{name}'s web server is not simulated in this version of Layer Lab (nginx's is)"),
                    Failure::Resolve | Failure::Outside => String::new(),
                };
                fail(&mut run, msg);
                continue;
            }
        };
        if !quiet {
            run.err.push_str(&format!("Connecting to {host} ({}:{port})\n", exchange.address));
        }
        if scheme == "https" {
            fail(&mut run, "TLS error from peer (alert code 80): 80".to_string());
            continue;
        }
        let resp = exchange.response;
        if headers {
            run.err.push_str(&format!("  {}\n", resp.status_line()));
            for (k, v) in &resp.headers {
                run.err.push_str(&format!("  {k}: {v}\n"));
            }
        }
        if resp.status >= 300 {
            // BusyBox follows a redirect only to an absolute URL it can reach again; it reports the rest.
            fail(&mut run, format!("server returned error: {}", resp.status_line()));
            continue;
        }
        if spider {
            if !quiet {
                run.err.push_str("remote file exists\n");
            }
            continue;
        }
        let name = output.clone().unwrap_or_else(|| {
            let base = req.target.split('?').next().unwrap_or_default().rsplit('/').next().unwrap_or_default();
            let base = if base.is_empty() { "index.html" } else { base };
            dir.as_ref().map_or_else(|| base.to_string(), |d| format!("{}/{base}", d.trim_end_matches('/')))
        });
        if output.is_none() && exists(&name) {
            fail(&mut run, format!("can't open '{name}': File exists"));
            continue;
        }
        let size = resp.body.len();
        let bar = format!("{:<20.20} 100% |********************************| {:>5}  0:00:00 ETA\n", if name == "-" { "-" } else { name.rsplit('/').next().unwrap_or(&name) }, if size < 100_000 { size.to_string() } else { format!("{}k", size / 1024) });
        if name == "-" {
            if !quiet {
                run.err.push_str("writing to stdout\n");
            }
            run.out.extend_from_slice(&resp.body);
            if !quiet {
                run.err.push_str(&bar);
                run.err.push_str("written to stdout\n");
            }
        } else {
            if !quiet {
                run.err.push_str(&format!("saving to '{name}'\n{bar}'{name}' saved\n"));
            }
            run.files.push((name, resp.body));
        }
    }
    run
}
