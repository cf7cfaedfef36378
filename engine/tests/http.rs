//! The simulated bridge: nginx serving each container's own files, curl in
//! the terminal and in containers, BusyBox's wget, and what fails as it
//! fails with Docker (refused, reset, no DNS on the default bridge).

mod common;
use common::ok;
use layerlab_engine::{Engine, MemHost};

fn setup() -> (Engine, MemHost) {
    let mut host = MemHost::new([("Dockerfile", "FROM nginx\n")]);
    host.now = Some(1_795_000_000);
    (Engine::default(), host)
}

fn fails(engine: &mut Engine, host: &mut MemHost, line: &str, status: i32) -> String {
    let out = engine.run(line, host);
    assert_eq!(out.status, status, "{line}\n{}", out.text);
    out.text
}

#[test]
fn each_container_serves_its_own_files_and_logs_the_request() {
    let (mut e, mut h) = setup();
    ok(&mut e, &mut h, "docker run -d -p 8080:80 --name web1 nginx");
    ok(&mut e, &mut h, "docker run -d -p 8081:80 --name web2 nginx");
    assert!(ok(&mut e, &mut h, "curl localhost:8080").contains("<title>Welcome to nginx!</title>"));
    ok(&mut e, &mut h, "docker exec web1 sh -c 'echo \"<h1>web1</h1>\" > /usr/share/nginx/html/index.html'");
    assert_eq!(ok(&mut e, &mut h, "curl -s http://localhost:8080/"), "<h1>web1</h1>\n");
    // The other container's copy is the image's: the change was copied up in web1 only.
    assert!(ok(&mut e, &mut h, "curl -s localhost:8081").contains("Welcome to nginx!"));
    assert!(ok(&mut e, &mut h, "docker diff web1").contains("C /usr/share/nginx/html/index.html\n"));
    // nginx's access log goes to the container's output, with the gateway as the client.
    let logs = ok(&mut e, &mut h, "docker logs web1");
    assert!(logs.ends_with("172.17.0.1 - - [18/Nov/2026:11:06:40 +0000] \"GET / HTTP/1.1\" 200 14 \"-\" \"curl/8.5.0\" \"-\"\n"), "{logs}");
    assert_eq!(ok(&mut e, &mut h, "docker logs web2").matches("\"GET / HTTP/1.1\" 200").count(), 1);
}

#[test]
fn curl_prints_headers_and_nginx_error_pages() {
    let (mut e, mut h) = setup();
    ok(&mut e, &mut h, "docker run -d -p 8080:80 --name web nginx");
    let head = ok(&mut e, &mut h, "curl -I localhost:8080");
    assert_eq!(
        head,
        "HTTP/1.1 200 OK\nServer: nginx/1.27.4\nDate: Wed, 18 Nov 2026 11:06:40 GMT\nContent-Type: text/html\nContent-Length: 149\nLast-Modified: Thu, 01 Jan 1970 00:00:00 GMT\nConnection: keep-alive\nETag: \"0-95\"\nAccept-Ranges: bytes\n\n"
    );
    let missing = ok(&mut e, &mut h, "curl -i localhost:8080/nope.html");
    assert!(missing.starts_with("HTTP/1.1 404 Not Found\nServer: nginx/1.27.4\n"), "{missing}");
    assert!(missing.ends_with("\n\n<html>\n<head><title>404 Not Found</title></head>\n<body>\n<center><h1>404 Not Found</h1></center>\n<hr><center>nginx/1.27.4</center>\n</body>\n</html>\n"), "{missing}");
    assert!(missing.contains("Content-Length: 153\n"), "{missing}");
    assert_eq!(fails(&mut e, &mut h, "curl -f localhost:8080/nope.html", 22), "curl: (22) The requested URL returned error: 404\n");
    assert_eq!(fails(&mut e, &mut h, "curl -sf localhost:8080/nope.html", 22), "");
    assert!(ok(&mut e, &mut h, "curl -X POST localhost:8080").contains("405 Not Allowed"));
    // A directory without its slash is redirected to the port nginx listens on, not the published one.
    ok(&mut e, &mut h, "docker exec web mkdir /usr/share/nginx/html/docs");
    assert!(ok(&mut e, &mut h, "curl -i localhost:8080/docs").contains("HTTP/1.1 301 Moved Permanently\n"));
    assert!(ok(&mut e, &mut h, "curl -i localhost:8080/docs").contains("Location: http://localhost/docs/\n"));
    assert_eq!(fails(&mut e, &mut h, "curl -L localhost:8080/docs", 7), "curl: (7) Failed to connect to localhost port 80 after 0 ms: Couldn't connect to server\n");
    // Its index is missing: nginx lists no directories.
    assert!(ok(&mut e, &mut h, "curl localhost:8080/docs/").contains("403 Forbidden"));
    assert!(ok(&mut e, &mut h, "curl localhost:8080/../../etc/passwd").contains("400 Bad Request"));
    let verbose = ok(&mut e, &mut h, "curl -v localhost:8080/");
    assert!(verbose.starts_with("*   Trying 127.0.0.1:8080...\n* Connected to localhost (127.0.0.1) port 8080\n> GET / HTTP/1.1\n> Host: localhost:8080\n> User-Agent: curl/8.5.0\n> Accept: */*\n> \n< HTTP/1.1 200 OK\n"), "{verbose}");
}

#[test]
fn curl_saves_to_the_host_and_refuses_bad_input() {
    let (mut e, mut h) = setup();
    ok(&mut e, &mut h, "docker run -d -p 8080:80 nginx");
    let saved = e.run("curl -s -o page.html localhost:8080", &mut h);
    assert_eq!((saved.status, saved.text.as_str()), (0, ""));
    // The page offers what a command wrote as a download, and keeps it.
    assert_eq!(saved.events, vec![layerlab_engine::Event::FileWritten { path: "page.html".to_string(), size: 149 }]);
    assert!(String::from_utf8_lossy(&h.files["page.html"]).contains("Welcome to nginx!"));
    ok(&mut e, &mut h, "curl -sO localhost:8080/index.html");
    assert!(h.files.contains_key("index.html"));
    assert_eq!(fails(&mut e, &mut h, "curl", 2), "curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information\n");
    assert_eq!(fails(&mut e, &mut h, "curl --bogus localhost", 2), "curl: option --bogus: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n");
    assert_eq!(fails(&mut e, &mut h, "curl ftp://localhost", 1), "curl: (1) Protocol \"ftp\" not supported\n");
    assert_eq!(fails(&mut e, &mut h, "curl localhost:99999", 3), "curl: (3) URL rejected: Port number was not a decimal number between 0 and 65535\n");
    assert!(fails(&mut e, &mut h, "curl example.com", 6).starts_with("curl: (6) Could not resolve host: example.com (Layer Lab has no internet"));
    // -s hides the error, -S shows it again.
    assert_eq!(fails(&mut e, &mut h, "curl -s localhost:9", 7), "");
    assert_eq!(fails(&mut e, &mut h, "curl -sS localhost:9", 7), "curl: (7) Failed to connect to localhost port 9 after 0 ms: Couldn't connect to server\n");
}

#[test]
fn what_does_not_answer_fails_as_it_does_with_docker() {
    let (mut e, mut h) = setup();
    ok(&mut e, &mut h, "docker run -d -p 8080:80 --name web nginx");
    // Published to a port nginx does not listen on: Docker's proxy resets the connection.
    ok(&mut e, &mut h, "docker run -d -p 8082:8080 nginx");
    assert_eq!(fails(&mut e, &mut h, "curl localhost:8082", 56), "curl: (56) Recv failure: Connection reset by peer\n");
    ok(&mut e, &mut h, "docker pause web");
    assert!(fails(&mut e, &mut h, "curl localhost:8080", 28).contains("container web is paused"));
    ok(&mut e, &mut h, "docker unpause web");
    ok(&mut e, &mut h, "curl localhost:8080");
    ok(&mut e, &mut h, "docker stop web");
    fails(&mut e, &mut h, "curl localhost:8080", 7);
    // A container that serves nothing, and one that does not speak HTTP.
    ok(&mut e, &mut h, "docker run -d -p 8083:80 alpine sleep 1d");
    fails(&mut e, &mut h, "curl localhost:8083", 56);
    ok(&mut e, &mut h, "docker run -d -p 3306:3306 -e MYSQL_ROOT_PASSWORD=pw mysql");
    assert_eq!(fails(&mut e, &mut h, "curl localhost:3306", 1), "curl: (1) Received HTTP/0.9 when not allowed\n");
    // The host resolves no container name.
    assert_eq!(fails(&mut e, &mut h, "curl web", 6), "curl: (6) Could not resolve host: web\n");
}

#[test]
fn containers_reach_each_other_by_address_not_by_name() {
    let (mut e, mut h) = setup();
    ok(&mut e, &mut h, "docker run -d --name web nginx");
    let ip = ok(&mut e, &mut h, "docker inspect -f '{{.NetworkSettings.IPAddress}}' web");
    assert_eq!(ip, "172.17.0.2\n");
    let page = ok(&mut e, &mut h, "docker run --rm alpine wget -qO- 172.17.0.2");
    assert!(page.contains("Welcome to nginx!"), "{page}");
    assert_eq!(fails(&mut e, &mut h, "docker run --rm alpine wget -q http://web", 1), "wget: bad address 'web'\n");
    assert_eq!(
        fails(&mut e, &mut h, "docker run --rm alpine wget 172.17.0.9", 1),
        "Connecting to 172.17.0.9 (172.17.0.9:80)\nwget: can't connect to remote host (172.17.0.9): Host is unreachable\n"
    );
    // wget saves under the URL's name and will not overwrite it.
    let out = fails(&mut e, &mut h, "docker run --name client alpine sh -c 'cd /tmp && wget 172.17.0.2 && cat index.html && wget 172.17.0.2'", 1);
    assert!(out.starts_with("Connecting to 172.17.0.2 (172.17.0.2:80)\nsaving to 'index.html'\nindex.html           100% |********************************|   149  0:00:00 ETA\n'index.html' saved\n"), "{out}");
    assert!(out.ends_with("wget: can't open 'index.html': File exists\n"), "{out}");
    assert!(ok(&mut e, &mut h, "docker diff client").contains("A /tmp/index.html\n"));
    // The client's address is the source in nginx's log; the container itself is 127.0.0.1.
    assert!(ok(&mut e, &mut h, "docker logs web").contains("172.17.0.3 - - [18/Nov/2026:11:06:40 +0000] \"GET / HTTP/1.1\" 200 149 \"-\" \"Wget\" \"-\"\n"));
    assert_eq!(ok(&mut e, &mut h, "docker exec web curl -s -o /dev/null localhost"), "");
    assert!(ok(&mut e, &mut h, "docker logs web").ends_with("127.0.0.1 - - [18/Nov/2026:11:06:40 +0000] \"GET / HTTP/1.1\" 200 149 \"-\" \"curl/8.12.1\" \"-\"\n"));
    // A shell's own change is served at once, within the same script.
    let out = ok(&mut e, &mut h, "docker exec web sh -c 'echo new > /usr/share/nginx/html/new.txt && curl -s localhost/new.txt'");
    assert_eq!(out, "new\n");
    // debian has neither curl nor wget; a build has no network.
    fails(&mut e, &mut h, "docker run --rm debian curl 172.17.0.2", 127);
    h.files.insert("Dockerfile.net".to_string(), b"FROM alpine\nRUN wget -qO- 172.17.0.2\n".to_vec());
    let build = fails(&mut e, &mut h, "docker build -f Dockerfile.net .", 1);
    assert!(build.contains("wget: the network is not simulated"), "{build}");
}

#[test]
fn nginx_follows_its_configuration() {
    let (mut e, mut h) = setup();
    h.files.insert("site/index.html".to_string(), b"<p>my site</p>\n".to_vec());
    h.files.insert("site/style.css".to_string(), b"p{}\n".to_vec());
    h.files.insert("default.conf".to_string(), b"server {\n    listen 8080;  # not 80\n    root /srv/www;\n    index index.html;\n}\n".to_vec());
    h.files.insert("Dockerfile".to_string(), b"FROM nginx\nCOPY default.conf /etc/nginx/conf.d/\nCOPY site /srv/www\n".to_vec());
    ok(&mut e, &mut h, "docker build -t site .");
    ok(&mut e, &mut h, "docker run -d -p 9000:8080 site");
    assert_eq!(ok(&mut e, &mut h, "curl -s localhost:9000"), "<p>my site</p>\n");
    assert!(ok(&mut e, &mut h, "curl -sI localhost:9000/style.css").contains("Content-Type: text/css\n"));
    ok(&mut e, &mut h, "docker run -d -p 9001:80 site");
    fails(&mut e, &mut h, "curl localhost:9001", 56);
}

#[test]
fn the_terminal_runs_command_lists_as_sh_does() {
    let (mut e, mut h) = setup();
    ok(&mut e, &mut h, "docker run -d --name a alpine sleep 1d");
    let out = fails(&mut e, &mut h, "docker rm a || echo still running", 0);
    assert!(out.ends_with("force remove\nstill running\n"), "{out}");
    assert_eq!(ok(&mut e, &mut h, "docker stop a && docker rm a; docker ps -aq | wc -l"), "a\na\n0\n");
    // After a failure, `&&` skips; `;` runs on.
    assert_eq!(fails(&mut e, &mut h, "docker rm a && echo removed", 1), "Error response from daemon: No such container: a\n");
    assert_eq!(ok(&mut e, &mut h, "docker rm a; echo 'on;' \"and && on\""), "Error response from daemon: No such container: a\non; and && on\n");
    assert_eq!(fails(&mut e, &mut h, "&& docker ps", 2), "sh: syntax error: unexpected \"&&\"\n");
    assert_eq!(fails(&mut e, &mut h, "docker ps ||", 2), "sh: syntax error: unexpected end of file\n");
    // $? is the last command's status; exported variables expand as sh expands them.
    assert_eq!(ok(&mut e, &mut h, "docker rm nope; echo $?"), "Error response from daemon: No such container: nope\n1\n");
    assert_eq!(ok(&mut e, &mut h, "docker run alpine sh -c 'exit 3'; echo \"status $?\""), "status 3\n");
    ok(&mut e, &mut h, "export GREETING='a   b'");
    assert_eq!(ok(&mut e, &mut h, "echo $GREETING \"$GREETING\" '$GREETING' ${GREETING}! [$UNSET] \\$HOME $HOME"), "a b a   b $GREETING a b! [] $HOME /home/learner\n");
    // Double quotes expand on the host, before docker sees the word; single quotes leave it to the container.
    assert_eq!(ok(&mut e, &mut h, "docker run --rm alpine sh -c \"echo $HOME\""), "/home/learner\n");
    assert_eq!(ok(&mut e, &mut h, "docker run --rm alpine sh -c 'echo $HOME'"), "/root\n");
    // The host's PATH is a Linux one, as `-e PATH=$PATH` passes it on.
    assert_eq!(ok(&mut e, &mut h, "docker run --rm -e PATH=$PATH alpine printenv PATH"), "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n");
    // Command substitutions keep their own operators.
    ok(&mut e, &mut h, "docker run -d alpine sleep 1d");
    assert_eq!(ok(&mut e, &mut h, "echo $(docker ps -q | wc -l; echo x)"), "1 x\n");
}

#[test]
fn a_host_port_is_published_by_one_running_container() {
    let (mut e, mut h) = setup();
    ok(&mut e, &mut h, "docker run -d -p 8080:80 --name a nginx");
    let out = fails(&mut e, &mut h, "docker run -d -p 8080:80 --name b nginx", 125);
    assert!(out.starts_with("docker: Error response from daemon: driver failed programming external connectivity on endpoint b ("), "{out}");
    assert!(out.contains("): Bind for 0.0.0.0:8080 failed: port is already allocated\n"), "{out}");
    // b is created, not started; it starts once a is stopped.
    assert_eq!(ok(&mut e, &mut h, "docker ps -a --format '{{.Names}} {{.State}}'"), "b created\na running\n");
    let out = fails(&mut e, &mut h, "docker start b", 1);
    assert!(out.ends_with("port is already allocated\nError: failed to start containers: b\n"), "{out}");
    // Another host address is another binding; 0.0.0.0 takes them all.
    ok(&mut e, &mut h, "docker run -d -p 127.0.0.1:8081:80 --name lo nginx");
    ok(&mut e, &mut h, "docker run -d -p 127.0.0.2:8081:80 nginx");
    fails(&mut e, &mut h, "docker run -d -p 8081:80 nginx", 125);
    assert_eq!(ok(&mut e, &mut h, "docker port lo"), "80/tcp -> 127.0.0.1:8081\n");
    ok(&mut e, &mut h, "curl -s 127.0.0.2:8081");
    // The containers reach the host's ports at the gateway, but not one bound to its loopback.
    ok(&mut e, &mut h, "docker pull alpine");
    assert_eq!(fails(&mut e, &mut h, "docker run --rm alpine wget -qO- 172.17.0.1:8081", 1), "wget: can't connect to remote host (172.17.0.1): Connection refused\n");
    assert!(ok(&mut e, &mut h, "docker run --rm alpine wget -qO- 172.17.0.1:8080").contains("Welcome to nginx!"));
    assert_eq!(fails(&mut e, &mut h, "docker run -p abc:80 nginx", 125), "docker: Invalid hostPort: abc.\nSee 'docker run --help'.\n");
    ok(&mut e, &mut h, "docker stop a");
    assert_eq!(ok(&mut e, &mut h, "docker start b"), "b\n");
    assert!(!ok(&mut e, &mut h, "docker logs b").contains("\"HEAD / HTTP/1.1\""));
    ok(&mut e, &mut h, "curl -sI localhost:8080");
    assert!(ok(&mut e, &mut h, "docker logs b").contains("\"HEAD / HTTP/1.1\" 200 0"));
}

#[test]
fn a_network_of_its_own_finds_containers_by_name_and_keeps_others_out() {
    let (mut e, mut h) = setup();
    ok(&mut e, &mut h, "docker pull alpine");
    assert!(fails(&mut e, &mut h, "docker network ls --format x", 1).contains("not simulated"));
    let id = ok(&mut e, &mut h, "docker network create app");
    assert_eq!(id.len(), 65);
    let ls = ok(&mut e, &mut h, "docker network ls");
    assert_eq!(ls.lines().skip(1).map(|l| l.split_whitespace().nth(1).unwrap_or_default()).collect::<Vec<_>>(), ["app", "bridge", "host", "none"]);
    assert!(ls.starts_with(&format!("NETWORK ID     NAME      DRIVER    SCOPE\n{}   app       bridge    local\n", &id[..12])), "{ls}");
    // docker inspect finds a network (or a volume) as it finds a container or an image.
    assert_eq!(ok(&mut e, &mut h, "docker inspect -f '{{.Name}} {{.Driver}}' app"), "app bridge\n");
    assert_eq!(ok(&mut e, &mut h, "docker network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' app"), "172.18.0.0/16\n");
    ok(&mut e, &mut h, "docker volume create data");
    assert_eq!(ok(&mut e, &mut h, "docker volume inspect --format '{{ .Mountpoint }}' data"), "/var/lib/docker/volumes/data/_data\n");
    assert_eq!(ok(&mut e, &mut h, "docker inspect --type volume -f '{{.Name}}' data"), "data\n");
    ok(&mut e, &mut h, "docker run -d --name web --network app nginx");
    // Docker's embedded DNS on a network of its own; none on the default bridge.
    assert!(ok(&mut e, &mut h, "docker run --rm --network app alpine wget -qO- web").contains("Welcome to nginx!"));
    assert_eq!(fails(&mut e, &mut h, "docker run --rm alpine wget -qO- web", 1), "wget: bad address 'web'\n");
    assert_eq!(ok(&mut e, &mut h, "docker run --rm --network app alpine cat /etc/resolv.conf"), "nameserver 127.0.0.11\noptions ndots:0\n");
    // The page names the network and the address there.
    let web = e.containers_view().into_iter().find(|c| c.name == "web").unwrap();
    assert_eq!((web.network.as_str(), web.address.as_str()), ("app", "172.18.0.2"));
    // Its address is on the network's subnet; the top-level fields are the default bridge's only.
    assert_eq!(ok(&mut e, &mut h, "docker inspect -f '[{{.NetworkSettings.IPAddress}}] {{.NetworkSettings.Networks.app.IPAddress}} {{.NetworkSettings.Networks.app.Gateway}}' web"), "[] 172.18.0.2 172.18.0.1\n");
    // Another network cannot reach it; the host can.
    assert!(fails(&mut e, &mut h, "docker run --rm alpine wget -qO- 172.18.0.2", 1).contains("Connection timed out"));
    assert!(ok(&mut e, &mut h, "curl -s 172.18.0.2").contains("Welcome to nginx!"));
    assert!(fails(&mut e, &mut h, "docker run --rm --network none alpine wget -qO- 172.18.0.2", 1).ends_with("Network is unreachable\n"));
    assert_eq!(fails(&mut e, &mut h, "docker run --network nope alpine true", 125), "docker: Error response from daemon: network nope not found\n\nRun 'docker run --help' for more information\n");
    // In use, predefined, then removable; a container left on it cannot start.
    assert!(fails(&mut e, &mut h, "docker network rm app", 1).ends_with("has active endpoints\n"));
    assert_eq!(fails(&mut e, &mut h, "docker network rm bridge", 1), "Error response from daemon: bridge is a pre-defined network and cannot be removed\n");
    ok(&mut e, &mut h, "docker stop web");
    assert_eq!(ok(&mut e, &mut h, "docker network rm app"), "app\n");
    assert!(fails(&mut e, &mut h, "docker start web", 1).starts_with("Error response from daemon: network app not found\n"));
    // The host's network: the server listens on the host's ports, -p is discarded.
    let out = ok(&mut e, &mut h, "docker run -d --network host -p 8080:80 --name h nginx");
    assert!(out.starts_with("WARNING: Published ports are discarded when using host network mode\n"), "{out}");
    assert!(ok(&mut e, &mut h, "curl -s localhost").contains("Welcome to nginx!"));
    // The host's own address on a bridge reaches its published ports too; so
    // does localhost from a container on the host's network.
    ok(&mut e, &mut h, "docker run -d -p 9090:80 nginx");
    assert!(ok(&mut e, &mut h, "curl -s 172.17.0.1:9090").contains("Welcome to nginx!"));
    assert!(ok(&mut e, &mut h, "docker run --rm --network host alpine wget -qO- localhost:9090").contains("Welcome to nginx!"));
    ok(&mut e, &mut h, "docker network create spare");
    assert!(ok(&mut e, &mut h, "docker network prune -f").starts_with("Deleted Networks:\nspare\n"));
}

#[test]
fn curl_version_names_the_curl_it_is() {
    let (mut e, mut h) = setup();
    assert!(ok(&mut e, &mut h, "curl --version").starts_with("curl 8.5.0 (x86_64-pc-linux-gnu) libcurl/8.5.0 "));
    assert!(ok(&mut e, &mut h, "docker run --rm nginx curl -V").ends_with("curl 8.12.1 (x86_64-pc-linux-gnu) libcurl/8.12.1 OpenSSL/3.0.15 zlib/1.2.13\nProtocols: dict file ftp ftps gopher gophers http https imap imaps ldap ldaps mqtt pop3 pop3s rtmp rtsp scp sftp smb smbs smtp smtps telnet tftp\nFeatures: alt-svc AsynchDNS HSTS HTTP2 HTTPS-proxy IDN IPv6 Largefile libz NTLM PSL SSL threadsafe TLS-SRP UnixSockets\n(simulated by Layer Lab: only http:// reaches anything)\n"));
}
