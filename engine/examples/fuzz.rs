//! A time-boxed random-input runner (not a test): feeds generated inputs to
//! the Dockerfile parser, the shell lexer, the RUN shell, the template and
//! jq subsets, grep's and sed's regular expressions, sed scripts, the layer reader and
//! `docker load`, and stops at the first panic. Usage:
//! `cargo run --release --example fuzz -- TARGET SECONDS [SEED]` with TARGET
//! one of parser, shell, build, console, formats, regex, sed, awk, archives.
use layerlab_engine::fs::{components, Node, Tree};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

/// Every file sed reads has this text; what it writes goes nowhere.
struct SedFile(&'static str);
impl layerlab_engine::sed::Files for SedFile {
    fn read(&mut self, _: &str) -> Result<String, String> {
        Ok(self.0.into())
    }
    fn write(&mut self, _: &str, _: &str) -> Result<(), String> {
        Ok(())
    }
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const DOCKERFILE: &[&str] = &[
    "FROM ", "RUN ", "COPY ", "ADD ", "ENV ", "ARG ", "LABEL ", "CMD ", "ENTRYPOINT ", "ONBUILD ", "HEALTHCHECK ", "SHELL ", "WORKDIR ",
    "EXPOSE ", "VOLUME ", "USER ", "# escape=`\n", "# syntax=x\n", "\\\n", "`\n", "\n", " ", "\t", "[", "]", "\"", "'", ",", "=", "--from=a ",
    "--chown=1:2 ", "--link ", "--mount=type=cache,target=/c ", "--mount=type=bind,source=b,target=/m ", "--mount=type=tmpfs,target=/t ", "-- ", "$X", "${X:-y}", "${", "}", "\\", "<<EOF\n", "EOF\n", "a", "b/c", "*", "AS ", "scratch", "♥", "\u{0}", "\r",
];
const SHELL: &[&str] = &[
    "echo ", "printf '%s\\n' ", "cat ", "touch ", "mkdir -p ", "rm -rf ", "rmdir ", "cp -r ", "mv ", "ln -s ", "chmod +x ", "chown 1:2 ", "ls ",
    "test -f ", "[ -d ", " ]", "wc -l ", "head -n 2 ", "sh -c '", "apk add ", "apt-get install ", "cd ", "export A=", "set -e", "exit ",
    "a", "/b", "/b/c", "*", "?", "[a-z]", "&&", "||", ";", "|", ">", ">>", "2>", "2>&1", "<", "\"", "'", "\\", "$A", "${A:-x}", "${A/a/b}",
    "${#", "$(", "`", "\n", " ", "..", "/", "curl", "wget -qO- ", "wget -O /b ", "http://", "localhost", "172.17.0.1:80", "nosuch", "1", "0", "<<EOF\n", "EOF\n", "<<-'E'", "\tE\n", "tar -czf /t.tgz ",
    "tar xf /t.tgz ", "-C ", ".", ")", "$(echo a; ls /)", "x=$(", "\"$(cat /b)\"", "for i in a b; do ", "; done", "if ", "; then ", "; else ", "; fi", "while ", "until ", "; do ", "{ ", " }", "break", "continue 2", "! ", "case",
    "$((", "))", "(", "( cd /b; ", "i=$((i+1))", "$((1/0))", "**", "<<", "?", ":", "+=", "++", "--", "0x1f", "08", "$(( $(echo 2) * i ))",
    "case $A in ", " in ", "a|b) ", "\"*\") ", "*) ", ";;", "esac", "f() ",
    "f() { ", "f ", "$1", "$#", "$@", "\"$@\"", "shift ", "set -- a b", "return ", "exec ", "/s.sh", "chmod +x /s.sh", ". /s.sh", "echo \"#!/bin/sh\" > /s.sh",
    "read l", "while read l; do ", "done < /b", "| while read x; do echo $x; done", "local v=1", "cut -d, -f1-2 ", "cut -c2- ", "tr a-z A-Z", "tr -d ", "tr -s ",
    "sort -n ", "sort -ru ", "uniq -c ", "seq 3 ", "seq 1 0 ", "basename ", "dirname ", "uname -a", "mkdir -m 700 ", "touch -c ", "rmdir -p ", "basename -s .t ", "tr -cd a ", "cut -b 2 ", "mkdir -pv ", "trap 'echo t' EXIT ", "trap - 0 ", "umask 077 ", "umask -S ", "$$", "$RANDOM", "tac ", "rev ", "xargs -n1 ", "eval ", "{1..3} ", "a{b,c} ", "du -sh ", "du -ac ", "set -x ", "set -u ", "set -o pipefail ", "set -f ", "[[ ", "<<< ", "<(", "a=(1 2) ", "expr a : a ", "IFS== read k v ", "cd - ", "IFS=: ", "done | sort ", "} > /o ", "done <<E\nx\nE\n", "[ a -a b -o c ] ", "\"\" ", "${#A}", "${A:=w}", "${A:1:2}", "${A^^}", "${A:-a b}", "v=$A ", "rm -rv ", "cp -rv ", "mv -v ", "ln -sv ", "rmdir -pv ", "grep -rnow ", "grep -lLc ", "grep -m1 -x ", "sort -k2,2n -t, ", "sort -k1.2r ", "sort -u -k1,1 ", "wc -mL ", "cat -n ", "cat -b - ", "seq -s , -w ", "env -u A ", "ls -lhR ", "ls -Sr ", "ls -n ", "printf %05.1f ", "printf %-*d ", "printf %#x%b%c%e%g ", "printf \\101\\x4 ", "%.3s", "%z", "chmod -R 700 ", "chmod a+rX,u+s ", "chown -R nobody:nobody ", "echo -e \\0101\\c ", "date ", "date -d @", "date +%-j%:z%^a%", "date -Ihours ", "date -s 0101 ", "head -c 2 ", "tail -n +2 ", "head -n -1 ", "tail -c", "sha256sum ", "sha256sum -c ", "base64 ", "base64 -d ", "base64 -w0 ", "readlink -f ", "realpath ", "expr 1 + ", "tee /t ", "type ", "command -v ", "[:lower:]", "a-", "find / -name b -type f ", "| xargs ", "xargs -n 1 ", "xargs -I {} echo {} ", "find /b -delete", "-o ", "\\( ", "\\) ", "-prune ", "-size +1k ", "-empty ", "-perm -u=r ", "-printf '%p %-4s %y\\n' ", "-quit ", "-print0 ", "-newer /b ", "-depth ", "-a ", "-exec echo {} + ", "ls -s ", "sed -n '1,/a/{p;=}' ", "sed 'G;D' ", "sed ':a;N;$!ba;s/\\n/ /g' ", "(( 1 + 2 )) ", "adduser -D -S -G a ", "addgroup -S a ", "adduser b a ", "deluser b a ", "useradd -r -m -G a -u 7 ", "groupadd -r -g 9 ", "usermod -aG a ", "userdel -r ", "groupdel ", "id -Gn ", "groups ", "stat -c '%n %s %A %F %y %i' ", "stat -L --printf='%s\\n' ", "mktemp -d -p /b ", "mktemp -u aXXX ", "getent passwd ", "getent hosts ", "cat -A ", "cat -ns ", "wc -lc - ", "awk '{print $1}' ", "awk -F: '$3 > 0 {n++} END {print n}' ", "$'a\\tb' ", "function f { echo; } ", "let x=1 ", "IFS=, ", "$(echo a,b) ", "-exec echo {} ", "\\;", "-maxdepth 1 ", "! -type d ", "sed -i s/a/b/g /b", "sed -n '/x/p' ", "sed -E 's/(a|b)+/\\1/' ", "grep -E '(a|b)*c' ", "grep '\\(a\\)\\{2,\\}' ", "[^", "\\{", "\\}", "s/", "/g",
    "readonly A", "readonly -p", "export -p", "unset A", "unset -f f", "A=1 ", "env -i ", "env A=2 ", "printenv A", "set", "$10", "${A?}", "${A:?}",
];
const CONSOLE: &[&str] = &[
    "docker run -d --name c1 alpine sleep 1d", "docker run -it --name c2 alpine sh", "docker run --rm alpine echo hi", "docker run -d -v v:/data alpine sleep 1d",
    "docker run -d --name db -e MYSQL_ROOT_PASSWORD=p -e MYSQL_DATABASE=d mysql", "docker exec -it db mysql -pp", "use d;", "CREATE TABLE t (a int, b text);",
    "INSERT INTO t VALUES (1,'x');", "SELECT * FROM t;", "exit", "docker exec c1 sh -c 'echo x > /f; rm /etc/passwd; mv /f /g'", "docker exec -it c1 sh",
    "docker stop c1", "docker start c1", "docker restart c1", "docker pause c1", "docker unpause c1", "docker kill c1", "docker rm -f c1", "docker rm -v c1",
    "docker commit c1 snap", "docker diff c1", "docker ps -a -s", "docker ps --format '{{.Names}} {{.Size}}'", "docker logs c1", "docker top c1",
    "docker cp c1:/etc/passwd out", "docker cp out c1:/x", "docker export -o e.tar c1", "docker rename c1 c3", "docker inspect c1", "docker rmi alpine",
    "docker rmi -f alpine", "docker image prune -af", "docker container prune -f", "docker volume create v", "docker volume rm v", "docker volume prune -af",
    "docker volume ls", "docker volume inspect v", "docker system df", "docker info", "docker save -o s.tar snap", "docker load -i s.tar", "docker build -t b .",
    "cd /tmp", "echo $A > x", "ls", "mkdir -p /a/b", "rm -rf /a", " ", "c1", "-", "--", "'", "\"", "=", ":", "/", "x",
    "docker rm -f $(docker ps -aq)", "docker stop `docker ps -q`", "$(", ")", "`", "$(docker exec -it c1 sh)",
    "$((", "))", "$((1+2))", "docker ps -n $((1/0))", "(", "i=$((i+1))",
    "docker exec -u nobody c1 sh -c 'touch /etc/x; rm /tmp/y'", "docker run --user 65534 --name c2 alpine id", "docker system prune -af --volumes", "docker builder prune -f", "docker port c1", "docker images -f dangling=true", "docker images --filter reference=a*", "docker version",
    "docker run -d --name s alpine sh -c 'echo a; sleep 1d'", "docker run -d alpine sh -c 'exec sh -c \"exec sleep 5\"'", "f() { f; }; f", "greet() { echo $1; }", "greet x",
    "DOCKER_BUILDKIT=0 docker build -t b .", "DOCKER_BUILDKIT=0 docker build -t b -f Dockerfile.m .", "docker images -a", "docker rmi --no-prune b", "docker rmi b",
    "docker history b", "docker image prune -f", "docker rmi $(docker images -aq)", "docker exec c1 ps", "docker exec -u nobody c1 ps -ef", "ps", "docker run -d --name t alpine top", "docker import e.tar imp", "docker import -c 'CMD [\"x\"]' s.tar imp:2", "docker cp c1:/etc/hosts .", "docker load < s.tar", "docker run -h h1 --env-file Dockerfile alpine env", "docker ps -a | grep c1 | wc -l", "docker images | sort -r | head -n 2", "docker ps -aq | xargs -r docker rm -f", "docker logs c1 2>&1 | sed s/a/b/ | tr a-z A-Z",
    "docker run -d -p 8080:80 --name w nginx", "curl -sSi localhost:8080/", "curl -vfL localhost:8080/x", "curl -o f -XPOST 172.17.0.2", "curl -I 172.17.0.3:80/../a%2",
    "docker exec w sh -c 'mkdir /usr/share/nginx/html/d; curl -s localhost/d'", "docker run --rm alpine wget -qO- 172.17.0.2", "docker run alpine wget -S --spider http://w",
    "docker stop w && docker rm w || echo no", "; ;", "&&", "||", "echo -n a",
    "docker run -d --name b -v $(pwd):/ctx -v ./Dockerfile:/etc/f:ro alpine sleep 1d", "docker exec b sh -c 'echo x > /ctx/n; rm /ctx/Dockerfile.m; echo y > /etc/f; mkdir /ctx/d'",
    "docker run --rm --mount type=bind,src=.,dst=/c,readonly alpine ls /c",
    "docker network create n1", "docker run -d --network n1 --name nw nginx", "docker run --rm --network n1 alpine wget -qO- nw", "docker network rm n1", "docker network prune -f",
    "docker exec -t w ls / /etc/nginx", "docker run -t --rm alpine sh -c 'ls /; ls /etc | head -1; echo $(ls)'", "ls -a", "ls nope .", "cat Dockerfile nope",
    "docker logs -t --since 5m --until 1795000300 w", "docker logs --since 2026-11-18T11:10:00Z -n 1 w", "docker logs --since x w",
    "docker exec w sh -c 'echo \"upstream u { server w:80; server nw; } server { location / { proxy_pass http://u; } location = /x { proxy_pass http://127.0.0.1/; } }\" > /etc/nginx/conf.d/default.conf'",
    "docker exec w nginx -s reload", "curl -s localhost:8080/x", "docker run -d --network n1 -p 8083:80 --name p nginx",
    "docker exec w nginx -t", "docker exec w nginx -s reload", "docker exec w nginx -s quit", "docker exec w nginx -T", "docker run --rm nginx nginx -s stop",
    "docker exec w sh -c 'echo \"server { listen 81; location / { \" > /etc/nginx/conf.d/x.conf'", "docker exec w sh -c 'echo \"}}} #\" >> /etc/nginx/conf.d/default.conf'",
    "docker run -d -v ./t:/etc/nginx/templates -e P=1 nginx", "docker top w", "docker restart w",
    "docker run -d --network host nginx", "docker run --rm --network none alpine wget -q 172.18.0.2", "docker network inspect n1 bridge", "docker start nw", "docker run -v ../x:/y alpine", "docker cp out b:/ctx/", "docker commit b bc", "docker rm -f b",
];
const REGEX: &[&str] = &[
    "a", "b", ".", "*", "+", "?", "\\", "(", ")", "|", "{", "}", "[", "]", "^", "$", "-", ",", "1", "2", "\\(", "\\)", "\\{", "\\}", "\\|", "[:digit:]", "[:nope:]", "&", "/", "s", "g", "\n",
];
const SED: &[&str] = &[
    "1", "2", "$", "/a/", "/b/I", ",", "+1", "~2", "0,/a/", "!", "{", "}", ";", "\n", "s/a/b/", "s/b*/X/g", "s/\\(a\\)/\\U\\1/2g", "y/ab/ba/", "d", "D", "p", "P", "n", "N", "g", "G", "h", "H", "x", "z", "=", "l", "F", "a x", "i\\\n y", "c\\z", "r f", "w /o", "q", "Q 3", "b", "b L", ":L", "t L", "T L", "//", "s//&&/", " ", "#n", "#c\n", "\\,a,", "s/x*/&&/g",
];
const AWK: &[&str] = &[
    "BEGIN", "END", "{", "}", "(", ")", "[", "]", ";", "\n", ",", "$", "$0", "$1", "$NF", "NF", "NR", "FS", "OFS", "x", "a[x]", "a", "k", "1", "0", "-1", "2.5", "\"s\"", "\"%d %s %c %5.2f\\n\"",
    "/a+/", "~", "!~", "=", "+=", "++", "--", "+", "-", "*", "/", "%", "^", "!", "<", ">", "==", "&&", "||", "?", ":", " in ", "print ", "printf ", "if ", "else ", "while ", "for ", "do ", "next", "exit ", "delete ", "break", "continue",
    "length", "substr(", "index(", "split(", "sub(", "gsub(", "match(", "sprintf(", "tolower(", "int(", "rand()", "srand(", "> \"/o\"", "getline", "function ", " ",
];
const FORMAT: &[&str] = &[
    "{{", "}}", ".Id", ".RootFS.Layers", "json ", "range ", "end", "if ", "else", "println ", "join ", "index ", "len ", "\"x\"", " ", "|",
    ".[]", ".[0]", ".a", "keys", "length", "?", "[", "]", "\"", "-r", "{", "}", ":", ",", "1", "null",
];

fn gen(rng: &mut Rng, alphabet: &[&str], max: u64) -> String {
    let n = rng.next() % max;
    let mut s = String::new();
    for _ in 0..n {
        if rng.next().is_multiple_of(10) {
            s.push(char::from_u32((rng.next() % 0x2600) as u32).unwrap_or('x'));
        } else {
            s.push_str(rng.pick(alphabet));
        }
    }
    s
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let target = args.first().map(String::as_str).unwrap_or("parser").to_string();
    let seconds: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(10);
    let mut rng = Rng(args.get(2).and_then(|s| s.parse().ok()).unwrap_or(0x9e37_79b9_7f4a_7c15));
    let mut base = Tree::new();
    let _ = base.insert(components("/b/c"), Node::file(b"c\n".to_vec(), 0o644));
    let _ = base.insert(components("/bin/busybox"), Node::file(Vec::new(), 0o755));
    let _ = base.insert(components("/sbin/apk"), Node::file(Vec::new(), 0o755));
    let inspect = serde_json::json!([{"Id": "sha256:00", "RootFS": {"Type": "layers", "Layers": ["a", "b"]}, "a": [1, {"b": null}]}]);
    let mut built = layerlab_engine::Engine::new();
    if target == "build" || target == "console" {
        for image in ["alpine", "debian", "mysql"] {
            let _ = built.run(&format!("docker pull {image}"), &mut layerlab_engine::MemHost::default());
        }
    }
    let trace = std::env::var_os("LAYERLAB_FUZZ_TRACE").is_some();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut runs: u64 = 0;
    while Instant::now() < deadline {
        let input = match target.as_str() {
            "shell" => gen(&mut rng, SHELL, 24),
            "formats" => gen(&mut rng, FORMAT, 16),
            "regex" => gen(&mut rng, REGEX, 16),
            "sed" => gen(&mut rng, SED, 12),
            "awk" => gen(&mut rng, AWK, 24),
            "archives" => String::new(),
            "console" => gen(&mut rng, CONSOLE, 10),
            "build" => format!("FROM {}\n{}", rng.pick(&["alpine", "scratch", "debian"]), gen(&mut rng, DOCKERFILE, 30)),
            _ => gen(&mut rng, DOCKERFILE, 40),
        };
        if trace {
            // A hang shows as the last input printed.
            eprintln!("{input:?}");
        }
        let bytes: Vec<u8> = (0..rng.next() % 3000).map(|_| (rng.next() & 0xff) as u8).collect();
        let result = catch_unwind(AssertUnwindSafe(|| match target.as_str() {
            "shell" => {
                let env = |n: &str| (n == "A").then(|| "a b".to_string());
                let _ = layerlab_engine::shell_lex::process_word(&input, &env, '\\');
                let _ = layerlab_engine::shell_lex::process_words(&input, &env, '\\');
                let mut upper = base.clone();
                let mut opaque = Vec::new();
                let mut shell = layerlab_engine::shell::Shell::new(&mut upper, &base, &mut opaque, "/", Default::default());
                let _ = shell.run_script(&input);
                // bash reads more: `(( ))`, `$'…'`, `function`.
                let mut upper = base.clone();
                let bash = [(layerlab_engine::shell::ARG0.to_string(), "/bin/bash".to_string())].into_iter().collect();
                let mut shell = layerlab_engine::shell::Shell::new(&mut upper, &base, &mut opaque, "/", bash);
                let _ = shell.run_script(&input);
            }
            "regex" => {
                for extended in [false, true] {
                    if let Ok(re) = layerlab_engine::regex::Regex::new(&input, extended, extended) {
                        let _ = re.find_at(&"ab1ba(a)b\n".chars().collect::<Vec<_>>(), 0);
                    }
                }
                let _ = layerlab_engine::sed::run(&[&input, "f"], "", &mut SedFile("ab\nba\n"), true);
                let _ = layerlab_engine::sed::run(&["-E", &format!("s/{input}/[&\\1]/g")], "abba\n\nab1\n", &mut SedFile("ab\nba\n"), true);
            }
            "sed" => {
                for opts in [&["-e"][..], &["-n", "-e"], &["-s", "-E", "-e"], &["-i.b", "-e"]] {
                    let mut args: Vec<&str> = opts.to_vec();
                    args.extend([input.as_str(), "f", "-"]);
                    let _ = layerlab_engine::sed::run(&args, "x\naab\n\nb1\nxx", &mut SedFile("ab\nba"), true);
                }
            }
            "awk" => {
                for opts in [&[][..], &["-F:"], &["-F", "[ab]+", "-v", "x=1"]] {
                    let mut args: Vec<&str> = opts.to_vec();
                    args.extend([input.as_str(), "f", "-"]);
                    let _ = layerlab_engine::awk::run(&args, "a b:c\n\n1 2 3\nx", &mut SedFile("p q\nr"), opts.is_empty());
                }
            }
            "formats" => {
                if let Ok(t) = layerlab_engine::template::Template::parse(&input) {
                    let _ = t.execute(&inspect[0]);
                }
                let _ = layerlab_engine::jq::run(&[&input], &inspect.to_string());
                let _ = layerlab_engine::jq::run(&["-r", &input], "[1] {\"a\":2} x");
            }
            "build" => {
                // The whole builder on a random Dockerfile, from a host with the bases pulled.
                let mut engine = built.clone();
                let mut host = layerlab_engine::MemHost::new([("Dockerfile", input.as_bytes().to_vec()), ("a", b"a\n".to_vec()), ("b/c", b"c\n".to_vec())]);
                let _ = engine.run("docker build -t f .", &mut host);
                let _ = engine.run("DOCKER_BUILDKIT=0 docker build -t g .", &mut host);
            }
            "console" => {
                // Random command lines, mostly whole ones, against a host with images pulled.
                let mut engine = built.clone();
                let mut host = layerlab_engine::MemHost::new([
                    ("Dockerfile", b"FROM alpine\nRUN echo hi > /hi\nENV A=1\n".to_vec()),
                    ("Dockerfile.m", b"FROM alpine AS b\nRUN echo hi > /hi\nFROM b\nRUN rm /hi\nFROM scratch\nCOPY --from=b /etc/os-release /\n".to_vec()),
                ]);
                for line in input.split_inclusive([';', '\n']).chain(CONSOLE.iter().copied().filter(|_| rng.next().is_multiple_of(7))) {
                    let _ = engine.run(line, &mut host);
                    let _ = engine.prompt();
                    let _ = (engine.containers_view(), engine.volumes_view(), engine.images_view());
                }
                for _ in 0..(rng.next() % 12) {
                    let _ = engine.run(rng.pick(CONSOLE), &mut host);
                }
            }
            "archives" => {
                let mut tree = Tree::new();
                let _ = layerlab_engine::layer::apply(&mut tree, &bytes);
                let mut engine = layerlab_engine::Engine::new();
                let mut host = layerlab_engine::MemHost::new([("x.tar", bytes.clone())]);
                let _ = engine.run("docker load -i x.tar", &mut host);
            }
            _ => {
                let _ = layerlab_engine::parser::parse(&input).map(|p| p.root.dump());
                let _ = layerlab_engine::dockerfile::parse(&input);
            }
        }));
        runs += 1;
        if result.is_err() {
            println!("PANIC after {runs} inputs on {target} input {input:?}");
            std::process::exit(1);
        }
    }
    println!("{target}: {runs} inputs in {seconds} s, no panic");
}
