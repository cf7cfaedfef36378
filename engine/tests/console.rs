//! The console in-process: commands, their output shapes, and errors that
//! say what and where while leaving the engine as it was.

mod common;

use common::ok as must;
use layerlab_engine::console::split_words;
use layerlab_engine::{Engine, Event, MemHost};

fn hello_host(text: &str) -> MemHost {
    MemHost::new([("Dockerfile", "FROM scratch\nCOPY hello.txt /\n"), ("hello.txt", text)])
}

#[test]
fn build_prints_buildkit_progress_and_tags() {
    let mut engine = Engine::new();
    let out = engine.run("docker build -t hello .", &mut hello_host("hello, layers\n"));
    assert_eq!(out.status, 0, "{}", out.text);
    let lines: Vec<&str> = out.text.lines().collect();
    assert_eq!(lines[0], "#0 building with \"default\" instance using docker driver");
    assert!(out.text.contains("#1 [internal] load build definition from Dockerfile\n#1 transferring dockerfile: 30B done\n#1 DONE 0.0s\n"));
    assert!(out.text.contains("#3 [internal] load build context\n#3 transferring context: 44B done\n"), "{}", out.text);
    assert!(out.text.contains("#4 [1/1] COPY hello.txt /\n#4 DONE 0.0s\n"));
    assert!(out.text.contains("#5 naming to docker.io/library/hello:latest done\n"));
    let layers: Vec<_> = out.events.iter().filter(|e| matches!(e, Event::LayerCreated { .. })).collect();
    assert_eq!(layers.len(), 1);
    let view = engine.images_view();
    assert_eq!(view.len(), 1);
    assert_eq!(view[0].tags, ["hello:latest"]);
    assert_eq!(view[0].layers[0].created_by, "COPY hello.txt / # buildkit");
    assert_eq!(view[0].layers[0].size, 14);
}

#[test]
fn image_build_and_inspect_agree() {
    let mut engine = Engine::new();
    let mut host = hello_host("hi\n");
    assert_eq!(engine.run("docker image build --tag hello:v1 .", &mut host).status, 0);
    let out = engine.run("docker image inspect hello:v1", &mut host);
    assert_eq!(out.status, 0, "{}", out.text);
    let json: serde_json::Value = serde_json::from_str(&out.text).unwrap();
    let img = &json[0];
    let id = engine.image("hello:v1").unwrap().id.to_string();
    assert_eq!(img["Id"], id);
    assert_eq!(img["RepoTags"], serde_json::json!(["hello:v1"]));
    assert_eq!(img["RootFS"]["Type"], "layers");
    assert_eq!(img["RootFS"]["Layers"].as_array().unwrap().len(), 1);
    assert_eq!(img["GraphDriver"]["Name"], "overlay2");
    assert_eq!(img["Size"], 3);
    // The ID is the sha256 of the stored config, whose diff_ids are the inspect's layers.
    let config = engine.blob(&engine.image("hello:v1").unwrap().id).unwrap();
    assert_eq!(layerlab_engine::Digest::of(&config).to_string(), id);
    let config: serde_json::Value = serde_json::from_slice(&config).unwrap();
    assert_eq!(config["rootfs"]["diff_ids"], img["RootFS"]["Layers"]);
    assert_eq!(config["history"][0]["created_by"], "COPY hello.txt / # buildkit");
    // Docker's four-space indentation.
    assert!(out.text.starts_with("[\n    {\n        \"Id\": \"sha256:"));
    // By short ID and by `docker inspect` too.
    assert_eq!(engine.run(&format!("docker inspect {}", &id[7..19]), &mut host).text, out.text);
}

#[test]
fn a_changed_file_changes_the_diff_id_and_same_content_keeps_it() {
    let mut engine = Engine::new();
    engine.run("docker build -t a .", &mut hello_host("one\n"));
    engine.run("docker build -t b .", &mut hello_host("two\n"));
    engine.run("docker build -t c .", &mut hello_host("one\n"));
    let d = |n: &str| engine.image(n).unwrap().diff_ids()[0].clone();
    assert_ne!(d("a"), d("b"));
    assert_eq!(d("a"), d("c"));
    assert_eq!(engine.image("a").unwrap().id, engine.image("c").unwrap().id);
    // Two distinct layers and two configs: the repeat stored nothing new.
    assert_eq!(engine.content().len(), 4);
}

#[test]
fn parse_error_names_the_line_and_suggests_and_changes_nothing() {
    let mut engine = Engine::new();
    let mut host = MemHost::new([("Dockerfile", "FROM scratch\n\nFORM hello.txt /\n"), ("hello.txt", "x")]);
    let out = engine.run("docker build -t bad .", &mut host);
    assert_eq!(out.status, 1);
    assert!(out.text.contains("dockerfile parse error on line 3: unknown instruction: FORM (did you mean from?)"), "{}", out.text);
    assert!(out.text.contains("Dockerfile:3\n"), "{}", out.text);
    assert!(out.text.contains("   3 | >>> FORM hello.txt /"), "{}", out.text);
    assert!(engine.images_view().is_empty());
    assert!(engine.content().is_empty());
}

#[test]
fn missing_source_fails_the_build_and_stores_nothing() {
    let mut engine = Engine::new();
    let mut host = MemHost::new([("Dockerfile", "FROM scratch\nCOPY hello.txt /\nCOPY nothere.txt /\n"), ("hello.txt", "x")]);
    let out = engine.run("docker build -t bad .", &mut host);
    assert_eq!(out.status, 1);
    assert!(out.text.contains("\"/nothere.txt\": not found"), "{}", out.text);
    // BuildKit's ending: the failed step's summary (its name, the last lines it printed:
    // none here), then the Dockerfile's lines from two before to two after the failing
    // one (the empty line after the last newline counts), headed by its number.
    let tail = "------\n > [2/2] COPY nothere.txt /:\n------\nDockerfile:3\n--------------------\n   1 |     FROM scratch\n   2 |     COPY hello.txt /\n   3 | >>> COPY nothere.txt /\n   4 |     \n--------------------\nERROR: failed to solve: ";
    assert!(out.text.contains(tail), "{}", out.text);
    assert!(engine.content().is_empty(), "the first step's layer must not be stored");
    assert!(engine.image("bad").is_none());
}

#[test]
fn what_is_not_built_yet_says_so() {
    let mut engine = Engine::new();
    let mut host = MemHost::new([("Dockerfile", "FROM nosuchimage\nRUN echo hi\n")]);
    let out = engine.run("docker build .", &mut host);
    assert_eq!(out.status, 1);
    assert!(out.text.contains("failed to resolve source metadata for docker.io/library/nosuchimage:latest"), "{}", out.text);
    assert!(out.text.contains("Layer Lab simulates these images: alpine:3.17"), "{}", out.text);
    host.files.insert("Dockerfile".into(), b"FROM busybox\nRUN --mount=type=secret,id=token cat /run/secrets/token\n".to_vec());
    let out = engine.run("docker build .", &mut host);
    assert!(out.text.contains("RUN --mount=type=secret is not available in this version of Layer Lab (cache, tmpfs and bind are)"), "{}", out.text);
    assert!(out.text.contains("   2 | >>> RUN --mount=type=secret,id=token cat /run/secrets/token"), "{}", out.text);
    let out = engine.run("docker stats", &mut host);
    assert_eq!((out.status, out.text.as_str()), (1, "docker stats: not available in this version of Layer Lab\n"));
    let out = engine.run("docker frobnicate", &mut host);
    assert_eq!(out.text, "docker: 'frobnicate' is not a docker command.\nSee 'docker --help'\n");
    let out = engine.run("vim Dockerfile", &mut host);
    assert_eq!((out.status, out.text.as_str()), (127, "sh: vim: not found (this terminal runs docker commands, curl, echo, ls and cat)\n"));
    let out = engine.run("ls -l", &mut host);
    assert_eq!((out.status, out.text.as_str()), (2, "ls: -l: this terminal's ls lists names only (-1, -a, -A)\n"));
}

#[test]
fn build_with_dash_f_reads_another_dockerfile() {
    let mut engine = Engine::new();
    let mut host = MemHost::new([("exp1", "FROM scratch\nCOPY a/ /data/\n"), ("a/x.txt", "x"), ("a/y/z.txt", "z")]);
    let out = engine.run("docker build -t exp1 -f exp1 .", &mut host);
    assert_eq!(out.status, 0, "{}", out.text);
    assert!(out.text.contains("load build definition from exp1"));
    let out = engine.run("docker build -t nope -f missing .", &mut host);
    assert!(out.text.contains("failed to read dockerfile: open missing: no such file or directory"), "{}", out.text);
}

#[test]
fn inspect_of_unknown_image_is_an_error_with_empty_list() {
    let mut engine = Engine::new();
    let out = engine.run("docker image inspect nope", &mut MemHost::default());
    assert_eq!(out.status, 1);
    assert_eq!(out.text, "[]\nError: No such image: nope\n");
}

#[test]
fn words_split_like_a_shell() {
    assert_eq!(split_words(r#"docker build -t "a b" 'c d' e\ f"#).unwrap(), ["docker", "build", "-t", "a b", "c d", "e f"]);
    assert!(split_words("echo 'unterminated").is_err());
    let mut engine = Engine::new();
    assert_eq!(engine.run("docker build 'oops", &mut MemHost::default()).status, 2);
}

#[test]
fn completion_knows_commands_and_names() {
    let mut engine = Engine::new();
    let mut host = MemHost::default();
    assert_eq!(engine.complete("doc"), ["docker"]);
    assert_eq!(engine.complete("docker ru"), ["run"]);
    assert_eq!(engine.complete("docker e"), ["exec", "export"]);
    engine.run("docker run -d --name cont1 busybox sleep 1d", &mut host);
    engine.run("docker run -d --name cont2 busybox sleep 1d", &mut host);
    assert_eq!(engine.complete("docker exec co"), ["cont1", "cont2"]);
    assert_eq!(engine.complete("docker stop cont1 c"), ["cont1", "cont2"]);
    assert!(engine.complete("docker exec cont1 ").is_empty(), "after the container comes the command");
    assert_eq!(engine.complete("docker run -d bus"), ["busybox"]);
    assert_eq!(engine.complete("docker rmi b"), ["busybox"]);
    assert_eq!(engine.complete("docker image rm b"), ["busybox"]);
    engine.run("docker volume create data", &mut host);
    assert_eq!(engine.complete("docker volume rm d"), ["data"]);
}

#[test]
fn version_port_image_filters_and_system_prune() {
    let mut h = MemHost::new([
        ("Dockerfile".to_string(), b"FROM alpine\nRUN echo one > /f\n".to_vec()),
        ("Dockerfile2".to_string(), b"FROM alpine\nRUN echo two > /f\n".to_vec()),
    ]);
    let mut e = Engine::new();
    let mut ok = |line: &str| {
        let out = e.run(line, &mut h);
        assert_eq!(out.status, 0, "{line}: {}", out.text);
        out.text
    };
    assert!(ok("docker --version").starts_with("Docker version 28.5.1"));
    assert!(ok("docker version").contains("Server:\n Engine:\n  Version:          28.5.1"));
    let first = ok("docker build -q -t app .");
    ok("docker build -q -t app -f Dockerfile2 .");
    ok("docker run -d --name web -p 8080:80 -p 8443:443 alpine sleep 1d");
    assert_eq!(ok("docker port web"), "80/tcp -> 0.0.0.0:8080\n443/tcp -> 0.0.0.0:8443\n");
    assert_eq!(ok("docker port web 443/tcp"), "443/tcp -> 0.0.0.0:8443\n");
    // The first app image lost its tag: dangling.
    assert_eq!(ok("docker images -q --filter dangling=true"), format!("{}\n", &first["sha256:".len().."sha256:".len() + 12]));
    assert_eq!(ok("docker images --format '{{.Repository}}' -f reference='al*'"), "alpine\n");
    ok("docker run --name done alpine true");
    // system prune: the stopped container, the dangling image, the build cache; one total.
    let out = ok("docker system prune -f");
    assert!(out.starts_with("Deleted Containers:\n"), "{out}");
    assert!(out.contains(&format!("Deleted Images:\ndeleted: {}", first.trim())), "{out}");
    assert!(out.contains("Deleted build cache objects:\n"), "{out}");
    assert_eq!(out.matches("Total reclaimed space:").count(), 1, "{out}");
    assert_eq!(ok("docker ps -aq").lines().count(), 1, "web is running: kept");
    assert!(ok("docker system df").contains("Build Cache     0"), "the cache is empty");
    assert_eq!(ok("docker builder prune -f"), "Total:\t0B\n");
    let refused = e.run("docker login", &mut h);
    assert_eq!((refused.status, refused.text.as_str()), (1, "docker login: not available in this version of Layer Lab\n"));
}

/// `docker builder prune` as buildx prints it: each record with its size
/// and when a build last used it, in tab-padded columns, then the total.
#[test]
fn builder_prune_lists_records_with_size_and_last_use() {
    let mut h = MemHost::new([("Dockerfile", "FROM alpine\nRUN --mount=type=cache,target=/c echo cached > /c/x\nRUN echo two > /z\n")]);
    h.now = Some(1_764_000_000);
    let mut e = Engine::new();
    must(&mut e, &mut h, "docker pull alpine");
    must(&mut e, &mut h, "docker build --pull -q -t t .");
    // Three hours later the build hits the cache: the steps are used again, the mount is not.
    h.now = Some(1_764_000_000 + 3 * 3600);
    must(&mut e, &mut h, "docker build -q -t t .");
    h.now = Some(1_764_000_000 + 3 * 3600 + 90);
    let out = must(&mut e, &mut h, "docker builder prune -f");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 5, "{out}");
    assert_eq!(lines[0], "ID\t\t\t\t\t\tRECLAIMABLE\tSIZE\t\tLAST ACCESSED");
    // The first row shares the header's columns; the next ones are padded on their own.
    fn row(line: &str) -> Vec<&str> {
        line.split('\t').filter(|c| !c.is_empty()).map(str::trim_end).collect()
    }
    assert!(lines[1].ends_with("\ttrue \t\t0B        \tAbout a minute ago"), "{out}");
    let mut rows: Vec<Vec<&str>> = lines[1..4].iter().map(|l| row(l)).collect();
    rows.sort_by_key(|r| r[3]);
    assert_eq!(rows.iter().map(|r| (r[0].len(), r[1], r[2], r[3])).collect::<Vec<_>>(), [(25, "true", "7B", "3 hours ago"), (25, "true", "0B", "About a minute ago"), (25, "true", "0B", "About a minute ago")]);
    assert!(lines[2].contains("\ttrue \t") && !lines[2].contains("\t\t"), "{out}");
    assert_eq!(lines[4], "Total:\t7B");
    assert_eq!(must(&mut e, &mut h, "docker builder prune -f"), "Total:\t0B\n");
}

/// After a pipe the terminal runs the shell's text filters over docker's
/// output, and `xargs docker …` with the words read as arguments.
#[test]
fn pipes_into_text_filters_and_xargs_docker() {
    let mut h = MemHost::default();
    let mut e = Engine::new();
    for line in ["docker run -d --name web alpine sleep 1d", "docker run -d --name db alpine sleep 1d", "docker run --name gone alpine true"] {
        must(&mut e, &mut h, line);
    }
    assert!(must(&mut e, &mut h, "docker ps | grep web").ends_with("   web\n"));
    assert_eq!(must(&mut e, &mut h, "docker ps -a | wc -l").trim(), "4");
    assert_eq!(must(&mut e, &mut h, "docker ps --format '{{.Names}}' | sort | head -n 1"), "db\n");
    assert_eq!(must(&mut e, &mut h, "docker ps -a --format '{{.Names}} {{.State}}' | grep exited | cut -d' ' -f1"), "gone\n");
    assert_eq!(e.run("docker logs web 2>&1 | grep nothing", &mut h).status, 1, "grep's status: no line matched");
    assert_eq!(must(&mut e, &mut h, "docker ps -aq --filter status=exited | xargs docker rm").lines().count(), 1);
    assert_eq!(must(&mut e, &mut h, "docker ps -aq | xargs -r docker rm -f").lines().count(), 2);
    assert_eq!(must(&mut e, &mut h, "docker ps -aq | xargs -r docker rm -f"), "", "-r: nothing read, nothing run");
    assert!(e.run("docker ps | less", &mut h).text.contains("less: not found (after a pipe"));
}

/// `clear`, at the terminal's prompt or in a container's shell, asks the
/// page to empty its screen; in a script it does nothing.
#[test]
fn clear_empties_the_screen() {
    let mut h = MemHost::default();
    let mut e = Engine::new();
    let out = e.run("clear", &mut h);
    assert_eq!((out.status, out.text.as_str(), out.events.as_slice()), (0, "", [Event::ClearScreen].as_slice()));
    must(&mut e, &mut h, "docker run -d --name s alpine sleep 1d");
    must(&mut e, &mut h, "docker exec -it s sh");
    assert_eq!(e.run("clear", &mut h).events, vec![Event::ClearScreen]);
    assert_eq!(e.prompt().as_deref(), Some("/ # "), "still in the container's shell");
    must(&mut e, &mut h, "exit");
    assert_eq!(must(&mut e, &mut h, "docker exec s sh -c 'clear; echo after'"), "after\n");
}

#[test]
fn the_terminal_lists_and_prints_the_folders_files() {
    let mut host = MemHost::new([("Dockerfile", "FROM alpine\n"), ("site/index.html", "<h1>hi</h1>\n"), (".env", "A=1\n")]);
    let mut e = Engine::default();
    // After docker cp, the copied file is in the folder: ls and cat show it.
    must(&mut e, &mut host, "docker run --name c alpine true");
    must(&mut e, &mut host, "docker cp c:/etc/hostname .");
    assert_eq!(must(&mut e, &mut host, "ls"), "Dockerfile  hostname  site\n");
    assert_eq!(must(&mut e, &mut host, "ls -A"), ".env  Dockerfile  hostname  site\n");
    assert_eq!(must(&mut e, &mut host, "ls -1 site"), "index.html\n");
    assert_eq!(must(&mut e, &mut host, "cat site/index.html Dockerfile"), "<h1>hi</h1>\nFROM alpine\n");
    let out = e.run("cat nope site", &mut host);
    assert_eq!((out.status, out.text.as_str()), (1, "cat: nope: No such file or directory\ncat: site: Is a directory\n"));
    let out = e.run("ls nope", &mut host);
    assert_eq!((out.status, out.text.as_str()), (2, "ls: cannot access 'nope': No such file or directory\n"));
    // Many names go in columns down an 80-column terminal, as GNU ls lays them out.
    for i in 0..30 {
        host.files.insert(format!("many/file-{i:02}.txt"), Vec::new());
    }
    let listing = must(&mut e, &mut host, "ls many");
    assert_eq!(listing.lines().next(), Some("file-00.txt  file-05.txt  file-10.txt  file-15.txt  file-20.txt  file-25.txt"));
    assert_eq!(listing.lines().count(), 5);
}

/// `docker build -q` (and `--progress quiet`) prints the image ID; when the
/// build fails, BuildKit's quiet progress leaves out the steps and their
/// output: the Dockerfile's lines and the error remain.
#[test]
fn a_quiet_build_that_fails_shows_the_dockerfile_and_the_error_only() {
    let mut h = MemHost::new([("Dockerfile", "FROM alpine\nRUN echo hi && ech bye\n")]);
    let mut e = Engine::new();
    let expected = "Dockerfile:2\n--------------------\n   1 |     FROM alpine\n   2 | >>> RUN echo hi && ech bye\n   3 |     \n--------------------\nERROR: failed to solve: process \"/bin/sh -c echo hi && ech bye\" did not complete successfully: exit code: 127\n";
    for line in ["docker build -q .", "docker build --progress=quiet ."] {
        let out = e.run(line, &mut h);
        assert_eq!((out.status, out.text.as_str()), (1, expected), "{line}");
    }
    // The classic builder's quiet mode prints what it kept back, steps and all.
    let out = e.run("DOCKER_BUILDKIT=0 docker build -q .", &mut h);
    assert!(out.text.starts_with("Sending build context to Docker daemon") && out.text.contains("/bin/sh: ech: not found"), "{}", out.text);
    assert_eq!(e.run("docker images -q", &mut h).text.lines().count(), 1, "only alpine, pulled for the build");
}

/// BuildKit numbers a stage's steps as wide as their total (`[ 5/11]`),
/// and a failed step's summary repeats its last 10 lines of output.
#[test]
fn step_labels_are_padded_and_a_failed_steps_summary_keeps_ten_lines() {
    let mut df = String::from("FROM alpine\n");
    for i in 1..=9 {
        df.push_str(&format!("RUN echo {i} > /{i}\n"));
    }
    df.push_str("RUN for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo line $i; done; exit 3\n");
    let mut h = MemHost::new([("Dockerfile", df.as_str())]);
    let mut e = Engine::new();
    let out = e.run("docker build .", &mut h);
    assert_eq!(out.status, 1);
    assert!(out.text.contains("#4 [ 1/11] FROM docker.io/library/alpine:latest@sha256:"), "{}", out.text);
    assert!(out.text.contains("] RUN echo 9 > /9\n"), "{}", out.text);
    assert!(out.text.contains(" [10/11] RUN echo 9 > /9\n"), "{}", out.text);
    let lines: String = (3..=12).map(|i| format!("0.000 line {i}\n")).collect();
    let summary = format!("------\n > [11/11] RUN for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo line $i; done; exit 3:\n{lines}------\nDockerfile:11\n");
    assert!(out.text.contains(&summary), "{}", out.text);
}
