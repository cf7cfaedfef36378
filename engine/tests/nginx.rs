//! The official nginx image's start: its entrypoint's configuration scripts
//! and what the nginx master writes, seen through `docker logs` and
//! `docker diff` as on a real Docker host.

mod common;
use common::ok;
use layerlab_engine::{Engine, MemHost};
use std::collections::BTreeMap;

fn setup(files: &[(&str, &str)]) -> (Engine, MemHost) {
    let mut host = MemHost::new(files.iter().map(|(p, t)| (p.to_string(), t.as_bytes().to_vec())));
    host.now = Some(1_795_000_000);
    (Engine::default(), host)
}

const CONFIGURED: &str = "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration
/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/
/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh
10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf
10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf
/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh
/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh
/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh
/docker-entrypoint.sh: Configuration complete; ready for start up
2026/11/18 11:06:40 [notice] 1#1: using the \"epoll\" event method
2026/11/18 11:06:40 [notice] 1#1: nginx/1.27.4
";

#[test]
fn a_fresh_container_configures_and_writes_what_a_real_one_does() {
    let (mut e, mut h) = setup(&[]);
    ok(&mut e, &mut h, "docker run -d -p 8080:80 --name web nginx");
    assert!(ok(&mut e, &mut h, "docker logs web").starts_with(CONFIGURED));
    // Docker's own example of `docker diff` on nginx: the pid file in /run, the temp directories.
    assert_eq!(
        ok(&mut e, &mut h, "docker diff web"),
        "C /etc\nC /etc/nginx\nC /etc/nginx/conf.d\nC /etc/nginx/conf.d/default.conf\nC /run\nA /run/nginx.pid\nC /var\nC /var/cache\nC /var/cache/nginx\nA /var/cache/nginx/client_temp\nA /var/cache/nginx/fastcgi_temp\nA /var/cache/nginx/proxy_temp\nA /var/cache/nginx/scgi_temp\nA /var/cache/nginx/uwsgi_temp\n"
    );
    assert!(ok(&mut e, &mut h, "docker exec web cat /etc/nginx/conf.d/default.conf").starts_with("server {\n    listen       80;\n    listen  [::]:80;\n"));
    assert_eq!(ok(&mut e, &mut h, "docker exec web ls -ld /var/cache/nginx/proxy_temp"), "drwx------ 2 nginx root 4096 Jan  1  1970 /var/cache/nginx/proxy_temp\n");
    assert!(ok(&mut e, &mut h, "curl -s localhost:8080").contains("Welcome to nginx!"));
    // A restart finds its change made; a graceful stop removes the pid file.
    ok(&mut e, &mut h, "docker restart web");
    assert!(ok(&mut e, &mut h, "docker logs web").contains("\n10-listen-on-ipv6-by-default.sh: info: IPv6 listen already enabled\n"));
    ok(&mut e, &mut h, "docker stop web");
    let logs = ok(&mut e, &mut h, "docker logs web");
    assert!(logs.ends_with("[notice] 1#1: signal 3 (SIGQUIT) received, shutting down\n2026/11/18 11:06:40 [notice] 29#29: gracefully shutting down\n2026/11/18 11:06:40 [notice] 29#29: exiting\n2026/11/18 11:06:40 [notice] 29#29: exit\n2026/11/18 11:06:40 [notice] 1#1: signal 17 (SIGCHLD) received from 29\n2026/11/18 11:06:40 [notice] 1#1: worker process 29 exited with code 0\n2026/11/18 11:06:40 [notice] 1#1: exit\n"), "{logs}");
    assert!(!ok(&mut e, &mut h, "docker diff web").contains("nginx.pid"));
    // Killed, nginx leaves its pid file.
    ok(&mut e, &mut h, "docker start web");
    ok(&mut e, &mut h, "docker kill web");
    assert!(ok(&mut e, &mut h, "docker diff web").contains("A /run/nginx.pid\n"));
}

#[test]
fn the_entrypoint_configures_only_for_nginx_itself() {
    let (mut e, mut h) = setup(&[]);
    ok(&mut e, &mut h, "docker pull -q nginx");
    assert_eq!(ok(&mut e, &mut h, "docker run --rm nginx echo hi"), "hi\n");
    ok(&mut e, &mut h, "docker run -d --name quiet -e NGINX_ENTRYPOINT_QUIET_LOGS=1 nginx");
    assert!(ok(&mut e, &mut h, "docker logs quiet").starts_with("2026/11/18 11:06:40 [notice] 1#1: using the \"epoll\" event method\n"));
    // The change is made all the same.
    assert!(ok(&mut e, &mut h, "docker diff quiet").contains("C /etc/nginx/conf.d/default.conf\n"));
    // Without the entrypoint, nothing configures.
    ok(&mut e, &mut h, "docker run -d --name bare --entrypoint nginx nginx -g 'daemon off;'");
    assert!(!ok(&mut e, &mut h, "docker diff bare").contains("default.conf"));
}

#[test]
fn a_configuration_of_ones_own_is_left_alone() {
    let conf = "server {\n    listen       80;\n    root /srv;\n}\n";
    let (mut e, mut h) = setup(&[("default.conf", conf), ("Dockerfile", "FROM nginx\nCOPY default.conf /etc/nginx/conf.d/\n")]);
    ok(&mut e, &mut h, "docker build -q -t mine .");
    ok(&mut e, &mut h, "docker run -d --name mine mine");
    assert!(ok(&mut e, &mut h, "docker logs mine").contains("\n10-listen-on-ipv6-by-default.sh: info: /etc/nginx/conf.d/default.conf differs from the packaged version\n"));
    // The script's `touch` gave it a new mtime: overlay2 copied it up, unchanged.
    assert!(ok(&mut e, &mut h, "docker diff mine").contains("C /etc/nginx/conf.d/default.conf\n"));
    assert_eq!(ok(&mut e, &mut h, "docker exec mine cat /etc/nginx/conf.d/default.conf"), conf);
    // Mounted read-only, it cannot even be touched.
    ok(&mut e, &mut h, "docker run -d --name ro -v ./default.conf:/etc/nginx/conf.d/default.conf:ro nginx");
    assert!(ok(&mut e, &mut h, "docker logs ro").contains("\n10-listen-on-ipv6-by-default.sh: info: can not modify /etc/nginx/conf.d/default.conf (read-only file system?)\n"));
    assert_eq!(String::from_utf8_lossy(&h.files["default.conf"]), conf);
}

#[test]
fn templates_are_filled_from_the_environment() {
    let template = "server {\n    listen ${NGINX_PORT};\n    location / { root /usr/share/nginx/html; try_files $uri $uri/ =404; }\n}\n";
    let (mut e, mut h) = setup(&[("templates/default.conf.template", template)]);
    ok(&mut e, &mut h, "docker run -d --name t -p 8080:8081 -e NGINX_PORT=8081 -v ./templates:/etc/nginx/templates nginx");
    let logs = ok(&mut e, &mut h, "docker logs t");
    assert!(logs.contains("\n/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh\n20-envsubst-on-templates.sh: Running envsubst on /etc/nginx/templates/default.conf.template to /etc/nginx/conf.d/default.conf\n"), "{logs}");
    // nginx's own variables stay: only variables the environment sets are replaced.
    assert_eq!(
        ok(&mut e, &mut h, "docker exec t cat /etc/nginx/conf.d/default.conf"),
        "server {\n    listen 8081;\n    location / { root /usr/share/nginx/html; try_files $uri $uri/ =404; }\n}\n"
    );
    assert!(ok(&mut e, &mut h, "curl -s localhost:8080").contains("Welcome to nginx!"));
    let env: BTreeMap<String, String> = [("A".to_string(), "1".to_string())].into();
    assert_eq!(layerlab_engine::nginx::envsubst("$A ${A} $AB ${B} $ $1 ${A", &env), "1 1 $AB ${B} $ $1 ${A");
}

#[test]
fn scripts_of_ones_own_run_in_order_and_a_failure_stops_the_start() {
    let (mut e, mut h) = setup(&[
        ("40-hello.sh", "#!/bin/sh\necho \"hello from $0\"\n"),
        ("50-fail.sh", "#!/bin/sh\necho failing\nexit 3\n"),
        ("notes.txt", "x\n"),
        ("Dockerfile", "FROM nginx\nCOPY --chmod=755 40-hello.sh /docker-entrypoint.d/\nCOPY notes.txt /docker-entrypoint.d/\n"),
        ("Dockerfile.fail", "FROM nginx\nCOPY --chmod=755 50-fail.sh /docker-entrypoint.d/\n"),
    ]);
    ok(&mut e, &mut h, "docker build -q -t hello .");
    ok(&mut e, &mut h, "docker run -d --name hello hello");
    let logs = ok(&mut e, &mut h, "docker logs hello");
    assert!(logs.contains("\n/docker-entrypoint.sh: Launching /docker-entrypoint.d/40-hello.sh\nhello from /docker-entrypoint.d/40-hello.sh\n/docker-entrypoint.sh: Ignoring /docker-entrypoint.d/notes.txt\n/docker-entrypoint.sh: Configuration complete; ready for start up\n"), "{logs}");
    ok(&mut e, &mut h, "docker build -q -t fail -f Dockerfile.fail .");
    ok(&mut e, &mut h, "docker run -d --name fail fail");
    assert!(ok(&mut e, &mut h, "docker logs fail").ends_with("/docker-entrypoint.sh: Launching /docker-entrypoint.d/50-fail.sh\nfailing\n"));
    assert_eq!(ok(&mut e, &mut h, "docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' fail"), "exited 3\n");
}

#[test]
fn docker_top_shows_the_processes_after_the_entrypoint() {
    let (mut e, mut h) = setup(&[]);
    ok(&mut e, &mut h, "docker run -d --name web nginx");
    let top = ok(&mut e, &mut h, "docker top web");
    let rows: Vec<Vec<&str>> = top.lines().map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(rows[0], ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"]);
    // The entrypoint exec'd nginx, which names its master and worker.
    assert_eq!(rows[1][0], "root");
    assert_eq!(rows[1][7..].join(" "), "nginx: master process nginx -g daemon off;");
    assert_eq!((rows[2][0], rows[2][2]), ("101", rows[1][1]));
    assert_eq!(rows[2][7..].join(" "), "nginx: worker process");
    ok(&mut e, &mut h, "docker run -d --name db -e MYSQL_ROOT_PASSWORD=x mysql");
    let top = ok(&mut e, &mut h, "docker top db");
    assert!(top.lines().nth(1).is_some_and(|l| l.starts_with("999 ") && l.ends_with(" mysqld")), "{top}");
    ok(&mut e, &mut h, "docker run -d --name s --user 1000 alpine sh -c 'exec sleep 1d'");
    assert!(ok(&mut e, &mut h, "docker top s").lines().nth(1).is_some_and(|l| l.starts_with("1000 ") && l.ends_with(" sleep 1d")));
}

#[test]
fn nginx_serves_the_configuration_it_loaded_until_a_reload() {
    let (mut e, mut h) = setup(&[]);
    ok(&mut e, &mut h, "docker run -d -p 8080:80 --name web nginx");
    assert_eq!(ok(&mut e, &mut h, "docker exec web nginx -v"), "nginx version: nginx/1.27.4\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec web nginx -t"), "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\nnginx: configuration file /etc/nginx/nginx.conf test is successful\n");
    // An edit changes nothing until nginx reloads.
    ok(&mut e, &mut h, "docker exec web sed -i 's/listen       80;/listen 8081;/' /etc/nginx/conf.d/default.conf");
    assert!(ok(&mut e, &mut h, "curl -s localhost:8080").contains("Welcome to nginx!"));
    assert_eq!(ok(&mut e, &mut h, "docker exec web nginx -s reload"), "2026/11/18 11:06:40 [notice] 64#64: signal process started\n");
    assert!(ok(&mut e, &mut h, "docker logs web").contains("[notice] 1#1: signal 1 (SIGHUP) received from 64, reconfiguring\n"));
    // Now on 8081 over IPv4 (the [::]:80 listen is IPv6 only): Docker's proxy to port 80 is reset.
    let out = e.run("curl -s localhost:8080", &mut h);
    assert_eq!(out.status, 56, "{}", out.text);
    // A broken configuration: -t and -s say where, and the running nginx keeps its own.
    ok(&mut e, &mut h, "docker exec web sh -c 'echo \"lissten 80;\" >> /etc/nginx/conf.d/default.conf'");
    let out = e.run("docker exec web nginx -t", &mut h);
    assert_eq!((out.status, out.text.as_str()), (1, "nginx: [emerg] unknown directive \"lissten\" in /etc/nginx/conf.d/default.conf:36\nnginx: configuration file /etc/nginx/nginx.conf test failed\n"));
    assert_eq!(e.run("docker exec web nginx -s reload", &mut h).status, 1);
    // Started with it, nginx stops at once.
    ok(&mut e, &mut h, "docker restart web");
    assert!(ok(&mut e, &mut h, "docker logs web").ends_with("2026/11/18 11:06:40 [emerg] 1#1: unknown directive \"lissten\" in /etc/nginx/conf.d/default.conf:36\nnginx: [emerg] unknown directive \"lissten\" in /etc/nginx/conf.d/default.conf:36\n"));
    assert_eq!(ok(&mut e, &mut h, "docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' web"), "exited 1\n");
}

#[test]
fn nginx_t_reads_includes_and_finds_what_nginx_finds() {
    let (mut e, mut h) = setup(&[
        ("bad.conf", "server {\n    listen 80;\n    location / {\n        root /srv;\n    }\n"),
        ("stray.conf", "server {\n    listen 80;\n}\n}\n"),
        ("Dockerfile", "FROM nginx\nCOPY bad.conf /etc/nginx/conf.d/default.conf\nRUN nginx -t\n"),
    ]);
    let out = e.run("docker build -t bad .", &mut h);
    assert_ne!(out.status, 0);
    assert!(out.text.contains("#7 0.000 nginx: [emerg] unexpected end of file, expecting \"}\" in /etc/nginx/conf.d/default.conf:6\n#7 0.000 nginx: configuration file /etc/nginx/nginx.conf test failed\n"), "{}", out.text);
    ok(&mut e, &mut h, "docker run -d --name web nginx");
    ok(&mut e, &mut h, "docker cp stray.conf web:/etc/nginx/conf.d/stray.conf");
    assert_eq!(e.run("docker exec web nginx -t", &mut h).text, "nginx: [emerg] unexpected \"}\" in /etc/nginx/conf.d/stray.conf:4\nnginx: configuration file /etc/nginx/nginx.conf test failed\n");
    ok(&mut e, &mut h, "docker exec web rm /etc/nginx/conf.d/stray.conf /etc/nginx/mime.types");
    assert_eq!(e.run("docker exec web nginx -t", &mut h).text, "nginx: [emerg] open() \"/etc/nginx/mime.types\" failed (2: No such file or directory) in /etc/nginx/nginx.conf:14\nnginx: configuration file /etc/nginx/nginx.conf test failed\n");
    // -T prints each file it read; -s needs a running master's pid file.
    ok(&mut e, &mut h, "docker run -d --name two nginx");
    assert!(ok(&mut e, &mut h, "docker exec two nginx -T").starts_with("# configuration file /etc/nginx/nginx.conf:\nuser  nginx;\n"));
    let out = e.run("docker run --rm nginx nginx -s reload", &mut h);
    assert_eq!(out.status, 1);
    assert!(out.text.ends_with("\n/docker-entrypoint.sh: Configuration complete; ready for start up\nnginx: [error] open() \"/run/nginx.pid\" failed (2: No such file or directory)\n"), "{}", out.text);
    // `-s quit` ends it gracefully.
    ok(&mut e, &mut h, "docker exec two nginx -s quit");
    assert_eq!(ok(&mut e, &mut h, "docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' two"), "exited 0\n");
}

#[test]
fn logs_keep_when_each_line_was_written() {
    let (mut e, mut h) = setup(&[]);
    ok(&mut e, &mut h, "docker run -d -p 8080:80 --name web nginx");
    // Ten minutes later, a request.
    h.now = Some(1_795_000_600);
    ok(&mut e, &mut h, "curl -s localhost:8080");
    let stamped = ok(&mut e, &mut h, "docker logs -t --tail 2 web");
    assert_eq!(stamped, "2026-11-18T11:06:40.000000000Z 2026/11/18 11:06:40 [notice] 1#1: start worker process 29\n2026-11-18T11:16:40.000000000Z 172.17.0.1 - - [18/Nov/2026:11:16:40 +0000] \"GET / HTTP/1.1\" 200 149 \"-\" \"curl/8.5.0\" \"-\"\n");
    // --since and --until: a duration back from now, an RFC 3339 time, Unix seconds.
    assert_eq!(ok(&mut e, &mut h, "docker logs --since 5m web").lines().count(), 1);
    assert_eq!(ok(&mut e, &mut h, "docker logs --since 2026-11-18T11:10:00Z web").lines().count(), 1);
    assert!(!ok(&mut e, &mut h, "docker logs --until 1795000300 web").contains("GET /"));
    let out = e.run("docker logs --since yesterday web", &mut h);
    assert_eq!((out.status, out.text.as_str()), (1, "Error response from daemon: failed to parse value as time or duration: \"yesterday\"\n"));
}

#[test]
fn nginx_proxies_to_an_upstream_in_turns_and_says_502_when_it_is_gone() {
    let conf = "upstream app {\n    server web1:80;\n    server web2:80;\n}\nserver {\n    listen 80;\n    location / {\n        proxy_pass http://app;\n    }\n    location /one/ {\n        proxy_pass http://web1/;\n    }\n}\n";
    let (mut e, mut h) = setup(&[("lb.conf", conf)]);
    ok(&mut e, &mut h, "docker network create shop");
    let lb = "docker run -d --name lb --network shop -p 8080:80 -v ./lb.conf:/etc/nginx/conf.d/default.conf:ro nginx";
    // nginx resolves its upstreams when it starts: before the servers exist, it stops.
    ok(&mut e, &mut h, lb);
    assert!(ok(&mut e, &mut h, "docker logs lb").ends_with("nginx: [emerg] host not found in upstream \"web1:80\" in /etc/nginx/conf.d/default.conf:2\n"));
    ok(&mut e, &mut h, "docker rm lb");
    for web in ["web1", "web2"] {
        ok(&mut e, &mut h, &format!("docker run -d --name {web} --network shop nginx"));
        ok(&mut e, &mut h, &format!("docker exec {web} sh -c 'echo {web} > /usr/share/nginx/html/index.html; mkdir /usr/share/nginx/html/x; echo x-{web} > /usr/share/nginx/html/x/index.html'"));
    }
    ok(&mut e, &mut h, lb);
    let answers: Vec<String> = (0..4).map(|_| ok(&mut e, &mut h, "curl -s localhost:8080")).collect();
    assert_eq!(answers, ["web1\n", "web2\n", "web1\n", "web2\n"]);
    // A copy of the engine (the page's checks ask one) takes its own turns, not the original's.
    let mut copy = e.clone();
    assert_eq!(ok(&mut copy, &mut h, "curl -s localhost:8080"), "web1\n");
    assert_eq!(ok(&mut e, &mut h, "curl -s localhost:8080"), "web1\n");
    // A URI in proxy_pass replaces what the location matched.
    assert_eq!(ok(&mut e, &mut h, "curl -s localhost:8080/one/x/"), "x-web1\n");
    // The servers see the balancer's address on the network.
    assert!(ok(&mut e, &mut h, "docker logs web2").ends_with("172.18.0.4 - - [18/Nov/2026:11:06:40 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"curl/8.5.0\" \"-\"\n"));
    // One server gone: the next one answers each request.
    ok(&mut e, &mut h, "docker stop web1");
    let answers: Vec<String> = (0..2).map(|_| ok(&mut e, &mut h, "curl -s localhost:8080")).collect();
    assert_eq!(answers, ["web2\n", "web2\n"]);
    ok(&mut e, &mut h, "docker stop web2");
    let out = e.run("curl -si localhost:8080", &mut h);
    assert!(out.text.starts_with("HTTP/1.1 502 Bad Gateway\nServer: nginx/1.27.4\n"), "{}", out.text);
    assert!(ok(&mut e, &mut h, "docker logs lb").contains("[error] 29#29: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 172.17.0.1, server: localhost, request: \"GET / HTTP/1.1\", upstream: \"http://web2:80/\", host: \"localhost:8080\"\n"));
    // A proxy that passes to itself ends, with 502.
    h.files.insert("self.conf".to_string(), b"server {\n    listen 80;\n    location / {\n        proxy_pass http://127.0.0.1:80;\n    }\n}\n".to_vec());
    ok(&mut e, &mut h, "docker run -d --name loop -p 8081:80 -v ./self.conf:/etc/nginx/conf.d/default.conf:ro nginx");
    assert!(ok(&mut e, &mut h, "curl -sI localhost:8081").starts_with("HTTP/1.1 502 Bad Gateway\n"));
}
