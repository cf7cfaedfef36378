//! The seeds' container flows (seed 000/001): two containers from one image
//! keep their writable layers apart; `ps -s` shows each one's size; changing
//! an image file copies it up; `diff` lists A/C/D; `rm` drops only that layer.

mod common;

use common::ok;
use layerlab_engine::fs::components;
use layerlab_engine::{Engine, Event, MemHost};

/// springpetclinic:1.0 as the seed builds it: openjdk:8 plus one COPY of the jar.
fn petclinic() -> (Engine, MemHost) {
    let mut h = MemHost::new([
        ("Dockerfile", "FROM openjdk:8\nCOPY spring-petclinic.jar /spring-petclinic.jar\nEXPOSE 8080\nCMD [\"java\", \"-jar\", \"/spring-petclinic.jar\"]\n"),
        ("spring-petclinic.jar", "PK simulated jar\n"),
    ]);
    let mut e = Engine::new();
    ok(&mut e, &mut h, "docker image build -t springpetclinic:1.0 .");
    (e, h)
}

fn row<'a>(table: &'a str, name: &str) -> &'a str {
    table.lines().find(|l| l.trim_end().ends_with(name) || l.contains(&format!(" {name} "))).unwrap_or_else(|| panic!("no row for {name} in\n{table}"))
}

#[test]
fn two_containers_from_one_image_stay_isolated() {
    let (mut e, mut h) = petclinic();
    let image_layers = e.image("springpetclinic:1.0").unwrap().diff_ids().len();
    assert_eq!(image_layers, e.image("openjdk:8").unwrap().diff_ids().len() + 1, "seven layers plus one COPY");
    let id1 = ok(&mut e, &mut h, "docker container run --name cont1 -d -P springpetclinic:1.0");
    assert_eq!(id1.trim().len(), 64);
    ok(&mut e, &mut h, "docker container run --name cont2 -d -P springpetclinic:1.0");
    let ps = ok(&mut e, &mut h, "docker ps");
    assert!(ps.starts_with("CONTAINER ID   IMAGE                 COMMAND                  CREATED                  STATUS                  PORTS                     NAMES\n"), "{ps}");
    assert!(row(&ps, "cont1").contains("\"java -jar /spring-p…\"") && row(&ps, "cont1").contains("Up Less than a second") && row(&ps, "cont1").contains("0.0.0.0:32768->8080/tcp"), "{ps}");
    assert!(row(&ps, "cont2").contains("0.0.0.0:32769->8080/tcp"), "-P takes the next free host port\n{ps}");
    let before = ok(&mut e, &mut h, "docker ps -s");

    // A change in cont1: a new file, an image file changed (copied up), one deleted (whiteout).
    let out = e.run("docker exec cont1 sh -c 'echo hello > /hello.txt && echo changed >> /etc/passwd && rm /etc/os-release'", &mut h);
    assert_eq!(out.status, 0, "{}", out.text);
    assert!(out.events.iter().any(|ev| matches!(ev, Event::CopyUp { path, .. } if path == "/etc/passwd")), "{:?}", out.events);
    assert!(out.events.iter().any(|ev| matches!(ev, Event::Whiteout { path, .. } if path == "/etc/os-release")), "{:?}", out.events);
    assert_eq!(ok(&mut e, &mut h, "docker exec cont1 cat /hello.txt"), "hello\n");
    let other = e.run("docker exec cont2 cat /hello.txt", &mut h);
    assert_eq!((other.status, other.text.as_str()), (1, "cat: /hello.txt: No such file or directory\n"), "cont2 does not see cont1's file");
    assert!(ok(&mut e, &mut h, "docker exec cont2 cat /etc/os-release").contains("Debian"), "cont2 still sees the image's file");

    let diff = ok(&mut e, &mut h, "docker diff cont1");
    for line in ["C /etc", "C /etc/passwd", "D /etc/os-release", "A /hello.txt"] {
        assert!(diff.lines().any(|l| l == line), "{line} in\n{diff}");
    }
    let diff2 = ok(&mut e, &mut h, "docker diff cont2");
    assert!(!diff2.contains("hello.txt") && !diff2.contains("os-release"), "{diff2}");

    // ps -s: SIZE is the writable layer; virtual adds the image.
    let sized = ok(&mut e, &mut h, "docker ps -s");
    let image_size = e.image("springpetclinic:1.0").unwrap().size();
    let c1 = e.containers().find(|c| c.name == "cont1").unwrap();
    let (rw1, virt1) = e.container_sizes(c1);
    assert_eq!(virt1, image_size + rw1);
    // Docker's CLI prints both to 3 significant digits (units.HumanSizeWithPrecision(…, 3)).
    let p3 = |n| layerlab_engine::units::human_size_precision(n, 3);
    assert!(row(&sized, "cont1").ends_with(&format!("   {} (virtual {})", p3(rw1), p3(virt1))), "{sized}");
    assert!(row(&sized, "cont1").ends_with(" (virtual 428MB)"), "{sized}");
    assert_ne!(row(&sized, "cont1"), row(&before, "cont1"), "cont1's size grew");
    let c2 = e.containers().find(|c| c.name == "cont2").unwrap();
    assert!(e.container_sizes(c2).0 < rw1, "cont2's layer holds only what its own process wrote");

    // The image never changes.
    let img = e.image("springpetclinic:1.0").unwrap();
    assert!(e.rootfs(img).unwrap().get(&components("/hello.txt")).is_none());
    assert_eq!(img.size(), image_size);

    // rm: running needs -f; it removes only cont1's writable layer.
    let refused = e.run("docker rm cont1", &mut h);
    assert_eq!(refused.text, "Error response from daemon: cannot remove container \"/cont1\": container is running: stop the container before removing or force remove\n");
    ok(&mut e, &mut h, "docker stop cont1");
    assert!(ok(&mut e, &mut h, "docker ps -a").contains("Exited (143)"), "java exits 143 on SIGTERM");
    assert_eq!(ok(&mut e, &mut h, "docker rm cont1"), "cont1\n");
    assert_eq!(e.containers().count(), 1);
    assert!(ok(&mut e, &mut h, "docker exec cont2 cat /etc/os-release").contains("Debian"));
    let conflict = e.run("docker run --name cont2 -d springpetclinic:1.0", &mut h);
    assert!(conflict.text.contains("Conflict. The container name \"/cont2\" is already in use by container"), "{}", conflict.text);
    let missing = e.run("docker exec nosuch ls", &mut h);
    assert_eq!(missing.text, "Error response from daemon: No such container: nosuch\n");
}

#[test]
fn an_interactive_shell_in_a_container() {
    let mut h = MemHost::default();
    let mut e = Engine::new();
    ok(&mut e, &mut h, "docker run -d --name a1 alpine sleep 1d");
    assert!(e.prompt().is_none());
    ok(&mut e, &mut h, "docker exec -it a1 sh");
    assert_eq!(e.prompt().as_deref(), Some("/ # "));
    ok(&mut e, &mut h, "cd /tmp");
    assert_eq!(e.prompt().as_deref(), Some("/tmp # "));
    ok(&mut e, &mut h, "echo inside > note.txt");
    let nf = e.run("docker ps", &mut h);
    assert_eq!((nf.status, nf.text.as_str()), (127, "sh: docker: not found\n"));
    ok(&mut e, &mut h, "exit");
    assert!(e.prompt().is_none());
    assert!(ok(&mut e, &mut h, "docker ps").contains("Up "), "exec's shell leaving does not stop the container");
    assert!(ok(&mut e, &mut h, "docker diff a1").contains("A /tmp/note.txt"));

    // docker run -it: the shell is the main process; exit stops the container.
    ok(&mut e, &mut h, "docker run -it --name deb debian bash");
    let prompt = e.prompt().unwrap();
    assert!(prompt.starts_with("root@") && prompt.ends_with(":/# "), "{prompt}");
    ok(&mut e, &mut h, "exit");
    assert!(row(&ok(&mut e, &mut h, "docker ps -a"), "deb").contains("Exited (0)"));
    // Without a terminal the shell ends at once, as in Docker.
    ok(&mut e, &mut h, "docker run --name quick alpine");
    assert!(row(&ok(&mut e, &mut h, "docker ps -a"), "quick").contains("Exited (0)"));
    let out = e.run("docker run --rm alpine sh -c 'echo hi; exit 3'", &mut h);
    assert_eq!((out.status, out.text.as_str()), (3, "hi\n"));
    assert!(!ok(&mut e, &mut h, "docker ps -a").contains("echo hi"), "--rm removed it");
    let nf = e.run("docker run alpine nosuchcmd", &mut h);
    assert_eq!(nf.status, 127);
    assert!(nf.text.contains("exec: \"nosuchcmd\": executable file not found in $PATH"), "{}", nf.text);
}

#[test]
fn commit_makes_the_writable_layer_an_image_layer() {
    let mut h = MemHost::default();
    let mut e = Engine::new();
    ok(&mut e, &mut h, "docker run -d --name c alpine sleep 1d");
    ok(&mut e, &mut h, "docker exec c sh -c 'mkdir -p /app && echo v1 > /app/v && rm /etc/os-release'");
    let id = ok(&mut e, &mut h, "docker commit c snap:1");
    assert!(id.starts_with("sha256:"));
    let img = e.image("snap:1").unwrap().clone();
    assert_eq!(img.diff_ids().len(), e.image("alpine").unwrap().diff_ids().len() + 1);
    let view = e.rootfs(&img).unwrap();
    assert!(view.get(&components("/app/v")).is_some() && view.get(&components("/etc/os-release")).is_none());
    let blob = e.blob(img.diff_ids().last().unwrap()).unwrap();
    let names: Vec<String> = tar::Archive::new(&*blob).entries().unwrap().map(|x| x.unwrap().path().unwrap().to_string_lossy().into_owned()).collect();
    assert!(names.contains(&"app/v".to_string()) && names.contains(&"etc/.wh.os-release".to_string()), "{names:?}");
    // The image a container uses cannot be removed.
    let refused = e.run("docker rmi alpine", &mut h);
    assert!(refused.status == 1 && refused.text.contains("container") && refused.text.contains("is using its referenced image"), "{}", refused.text);
}

#[test]
fn touch_on_an_image_file_copies_it_up_and_a_build_records_it() {
    let mut h = MemHost::new([("Dockerfile", "FROM alpine\nRUN touch /etc/passwd\n")]);
    let mut e = Engine::new();
    ok(&mut e, &mut h, "docker run -d --name c alpine sleep 1d");
    let out = e.run("docker exec c touch /etc/passwd /bin/sh /", &mut h);
    assert_eq!(out.status, 0, "{}", out.text);
    let copied: Vec<_> = out.events.iter().filter_map(|ev| if let Event::CopyUp { path, .. } = ev { Some(path.as_str()) } else { None }).collect();
    assert!(copied.contains(&"/etc/passwd"), "{copied:?}");
    // /bin/sh is a link to busybox: touch sets the target's times.
    assert_eq!(ok(&mut e, &mut h, "docker diff c"), "C /bin\nC /bin/busybox\nC /etc\nC /etc/passwd\n");
    assert_eq!(e.run("docker exec c cat /etc/passwd", &mut h).text, e.run("docker run --rm alpine cat /etc/passwd", &mut h).text, "the contents stay");
    // A second touch of a file already up changes nothing more.
    ok(&mut e, &mut h, "docker exec c touch /etc/passwd");
    assert_eq!(ok(&mut e, &mut h, "docker diff c").lines().count(), 4);
    // In a build, the RUN's layer holds the touched file (BuildKit diffs by mtime too).
    ok(&mut e, &mut h, "docker build -t touched .");
    let img = e.image("touched").unwrap().clone();
    let blob = e.blob(img.diff_ids().last().unwrap()).unwrap();
    let names: Vec<String> = tar::Archive::new(&*blob).entries().unwrap().map(|x| x.unwrap().path().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["etc/", "etc/passwd"]);
}

#[test]
fn users_logs_with_times_and_wait() {
    let mut h = MemHost::new([("Dockerfile".to_string(), b"FROM alpine\nRUN mkdir /data && chown nobody /data\nUSER nobody\nRUN touch /tmp/made-by\n".to_vec())]);
    let mut e = Engine::new();
    ok(&mut e, &mut h, "docker pull alpine");
    ok(&mut e, &mut h, "docker run -d --name c alpine sleep 1d");
    // exec -u and run --user: id, whoami and the owner of what the process makes.
    assert_eq!(ok(&mut e, &mut h, "docker exec -u nobody c id"), "uid=65534(nobody) gid=65534(nobody) groups=65534(nobody)\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec -u nobody c sh -c 'whoami; touch /tmp/f; ls -l /tmp/f'"), "nobody\n-rw-r--r--    1 nobody   nobody           0 Jan  1  1970 /tmp/f\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec c id"), "uid=0(root) gid=0(root) groups=0(root)\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec -u 1234 c id"), "uid=1234 gid=0(root) groups=0(root)\n", "a UID /etc/passwd lacks has group 0");
    assert_eq!(ok(&mut e, &mut h, "docker run --rm --user 65534 alpine whoami"), "nobody\n");
    assert_eq!(ok(&mut e, &mut h, "docker run --rm --user nobody alpine sh -c 'echo $HOME'"), "/\n", "HOME from /etc/passwd");
    // USER in a Dockerfile: later RUN steps and the container run as that user.
    ok(&mut e, &mut h, "docker build -q -t u .");
    assert_eq!(ok(&mut e, &mut h, "docker run --rm u sh -c 'id -u; id -gn; ls -l /tmp/made-by'"), "65534\nnobody\n-rw-r--r--    1 nobody   nobody           0 Jan  1  1970 /tmp/made-by\n");
    // Permissions: nobody may not change /etc, may use /tmp, and may not remove root's file there (sticky bit).
    let out = e.run("docker exec -u nobody c sh -c 'touch /etc/x; echo hi > /etc/y; mkdir -p /etc/a/b; rm /etc/passwd; echo ok > /tmp/ok; cat /tmp/ok'", &mut h);
    assert_eq!(
        out.text,
        "touch: /etc/x: Permission denied\nsh: can't create /etc/y: Permission denied\nmkdir: can't create directory '/etc/a/b': Permission denied\nrm: can't remove '/etc/passwd': Permission denied\nok\n"
    );
    ok(&mut e, &mut h, "docker exec c touch /tmp/rootfile");
    assert_eq!(e.run("docker exec -u nobody c rm /tmp/rootfile", &mut h).text, "rm: can't remove '/tmp/rootfile': Permission denied\n");
    // A build step as USER nobody fails as Docker's does, and stores nothing.
    let mut denied = MemHost::new([("Dockerfile".to_string(), b"FROM alpine\nUSER nobody\nRUN touch /etc/x\n".to_vec())]);
    let out = e.run("docker build -t denied .", &mut denied);
    assert_eq!(out.status, 1);
    assert!(out.text.contains("touch: /etc/x: Permission denied\n") && out.text.contains("exit code: 1"), "{}", out.text);
    assert!(e.image("denied").is_none());
    // A user the image does not list: the container does not start, exec does not run, in Docker's words.
    let out = e.run("docker run --rm --user ghost alpine id", &mut h);
    assert_eq!(out.status, 126);
    assert!(out.text.contains("unable to find user ghost: no matching entries in passwd file"), "{}", out.text);
    let out = e.run("docker exec -u nobody:ghosts c id", &mut h);
    assert_eq!((out.status, out.text.as_str()), (126, "OCI runtime exec failed: exec failed: unable to start container process: unable to find group ghosts: no matching entries in group file: unknown\n"));
    // The interactive prompt says so too.
    ok(&mut e, &mut h, "docker exec -it -u nobody c sh");
    assert_eq!(e.prompt().as_deref(), Some("/ $ "));
    ok(&mut e, &mut h, "exit");
    // logs -t: each line with the time the container started (RFC 3339, nanoseconds).
    let mut clock = MemHost { now: Some(1_764_000_000), ..MemHost::default() };
    ok(&mut e, &mut clock, "docker run -d --name t alpine sh -c 'echo a; echo b; sleep 1d'");
    assert_eq!(ok(&mut e, &mut h, "docker logs -t --tail 1 t"), "2025-11-24T16:00:00.000000000Z b\n");
    // wait: the exit code of a stopped container; a running one is not waited for, and says so.
    let out = e.run("docker wait t", &mut h);
    assert_eq!(out.status, 1);
    assert!(out.text.contains("t is running: docker wait would block until it exits"), "{}", out.text);
    ok(&mut e, &mut h, "docker stop t");
    assert_eq!(ok(&mut e, &mut h, "docker wait t"), "137\n");
}

/// `ps` in a container sees that container's processes only: its main
/// process as PID 1, then what `docker exec` started. BusyBox images have
/// ps; Debian's base image does not (procps is not installed).
#[test]
fn ps_sees_the_containers_own_processes() {
    let mut h = MemHost::default();
    let mut e = Engine::new();
    ok(&mut e, &mut h, "docker pull alpine");
    ok(&mut e, &mut h, "docker pull debian");
    assert_eq!(ok(&mut e, &mut h, "docker run --rm alpine ps"), "PID   USER     TIME  COMMAND\n    1 root      0:00 ps\n");
    ok(&mut e, &mut h, "docker run -d --name a alpine sleep 1d");
    ok(&mut e, &mut h, "docker run -d --name b --user nobody alpine top");
    assert_eq!(ok(&mut e, &mut h, "docker exec a ps"), "PID   USER     TIME  COMMAND\n    1 root      0:00 sleep 1d\n    7 root      0:00 ps\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec -u root b ps -ef"), "PID   USER     TIME  COMMAND\n    1 nobody    0:00 top\n    7 root      0:00 ps -ef\n");
    ok(&mut e, &mut h, "docker exec -it a sh");
    assert_eq!(ok(&mut e, &mut h, "ps | tail -n 2"), "    7 root      0:00 sh\n   13 root      0:00 ps\n");
    ok(&mut e, &mut h, "exit");
    let missing = e.run("docker run --rm debian ps", &mut h);
    assert_eq!(missing.status, 127);
    assert!(missing.text.contains("exec: \"ps\": executable file not found in $PATH"), "{}", missing.text);
    assert_eq!(e.run("docker run --rm debian sh -c ps", &mut h).text, "sh: 1: ps: not found\n");
}

/// `docker inspect`'s NetworkSettings: each running container on the
/// default bridge gets the lowest free 172.17.0.N (the gateway is .1); a
/// stopped one has none, and gets a new one when it starts again.
#[test]
fn running_containers_have_bridge_addresses() {
    let mut h = MemHost::default();
    let mut e = Engine::new();
    for name in ["a", "b"] {
        ok(&mut e, &mut h, &format!("docker run -d --name {name} alpine sleep 1d"));
    }
    let ip = |e: &mut Engine, h: &mut MemHost, name: &str| ok(e, h, &format!("docker inspect -f '{{{{.NetworkSettings.IPAddress}}}} {{{{.NetworkSettings.Networks.bridge.MacAddress}}}}' {name}"));
    assert_eq!(ip(&mut e, &mut h, "a"), "172.17.0.2 02:42:ac:11:00:02\n");
    assert_eq!(ip(&mut e, &mut h, "b"), "172.17.0.3 02:42:ac:11:00:03\n");
    ok(&mut e, &mut h, "docker stop a");
    assert_eq!(ip(&mut e, &mut h, "a"), " \n");
    ok(&mut e, &mut h, "docker run -d --name c alpine sleep 1d");
    assert_eq!(ip(&mut e, &mut h, "c"), "172.17.0.2 02:42:ac:11:00:02\n");
    ok(&mut e, &mut h, "docker start a");
    assert_eq!(ip(&mut e, &mut h, "a"), "172.17.0.4 02:42:ac:11:00:04\n");
    assert_eq!(ok(&mut e, &mut h, "docker inspect -f '{{.NetworkSettings.Gateway}}' a"), "172.17.0.1\n");
    // The terminal's folder, for `-v $(pwd):/app` (engine/tests/volumes.rs has the bind mounts).
    assert_eq!(ok(&mut e, &mut h, "pwd"), "/home/learner\n");
}

/// Every course's first command: hello-world prints its message and exits.
#[test]
fn hello_world_says_hello_and_exits() {
    let mut h = MemHost::default();
    let mut e = Engine::new();
    let out = ok(&mut e, &mut h, "docker run hello-world");
    assert!(out.contains("Unable to find image 'hello-world:latest' locally\n"), "{out}");
    assert!(out.contains("\nHello from Docker!\nThis message shows that your installation appears to be working correctly.\n"), "{out}");
    assert!(ok(&mut e, &mut h, "docker ps -a --format '{{.Image}} {{.Command}} {{.Status}}'").starts_with("hello-world \"/hello\" Exited (0)"));
    assert!(ok(&mut e, &mut h, "docker images hello-world").contains("13.3kB"));
}

/// `docker ps -n N`: the N last created containers, whatever their state.
#[test]
fn ps_last_n_lists_the_newest_in_any_state() {
    let mut h = MemHost::default();
    let mut e = Engine::new();
    ok(&mut e, &mut h, "docker run -d --name one alpine sleep 1d");
    ok(&mut e, &mut h, "docker run --name two alpine true");
    ok(&mut e, &mut h, "docker run -d --name three alpine sleep 1d");
    assert_eq!(ok(&mut e, &mut h, "docker ps -n 2 --format '{{.Names}} {{.State}}'"), "three running\ntwo exited\n");
    assert_eq!(ok(&mut e, &mut h, "docker ps --last 0 -q"), "");
    assert_eq!(ok(&mut e, &mut h, "docker ps -n -1 --format '{{.Names}}'"), "three\none\n", "-1 is no limit: running ones only");
    let bad = e.run("docker ps -n x", &mut h);
    assert_eq!((bad.status, bad.text.lines().next()), (1, Some("invalid argument \"x\" for \"-n, --last\" flag: strconv.ParseInt: parsing \"x\": invalid syntax")));
}

/// Errors start with the shell's `$0`, in its own words: `sh -c` on alpine
/// and debian, bash in `docker run -it ubuntu bash`, /bin/sh in a RUN.
#[test]
fn shell_errors_name_the_shell_as_it_was_started() {
    let mut h = MemHost::new([("Dockerfile", "FROM alpine\nRUN nosuch\n")]);
    let mut e = Engine::new();
    assert_eq!(e.run("docker run --rm alpine sh -c nosuch", &mut h).text.lines().last(), Some("sh: nosuch: not found"));
    assert_eq!(e.run("docker run --rm debian sh -c 'cd /nope'", &mut h).text.lines().last(), Some("sh: 1: cd: can't cd to /nope"));
    ok(&mut e, &mut h, "docker run -it ubuntu bash");
    assert_eq!(e.run("nosuch", &mut h).text, "bash: nosuch: command not found\n");
    assert_eq!(e.run("cd /nope", &mut h).text, "bash: cd: /nope: No such file or directory\n");
    ok(&mut e, &mut h, "exit");
    ok(&mut e, &mut h, "docker run -d --name s alpine sleep 1d");
    let out = e.run("docker exec s sh -c nosuch", &mut h);
    assert_eq!((out.status, out.text.as_str()), (127, "sh: nosuch: not found\n"), "sh runs, and cannot find nosuch");
    let build = e.run("docker build .", &mut h);
    assert!(build.text.contains("/bin/sh: nosuch: not found"), "{}", build.text);
}

/// `docker start -ai` re-enters a stopped `-it` shell container, its
/// files as it left them; `start -a` shows a container's output;
/// `exec -d` prints nothing; `commit --change/--author` set the new image's
/// config.
#[test]
fn start_attach_exec_detach_and_commit_changes() {
    let mut h = MemHost::default();
    let mut e = Engine::new();
    ok(&mut e, &mut h, "docker run -it --name u ubuntu bash");
    ok(&mut e, &mut h, "touch /kept");
    ok(&mut e, &mut h, "exit");
    assert_eq!(ok(&mut e, &mut h, "docker start -ai u"), "");
    assert!(e.prompt().is_some_and(|p| p.starts_with("root@")), "back in u's bash");
    assert_eq!(ok(&mut e, &mut h, "ls /kept"), "/kept\n");
    ok(&mut e, &mut h, "exit");
    ok(&mut e, &mut h, "docker run --name hi alpine echo hi");
    assert_eq!(ok(&mut e, &mut h, "docker start -a hi"), "hi\n");
    assert_eq!(ok(&mut e, &mut h, "docker start hi"), "hi\n", "the name, unattached");
    ok(&mut e, &mut h, "docker run -d --name s alpine sleep 1d");
    assert_eq!(ok(&mut e, &mut h, "docker exec -d s sh -c 'echo made > /m; echo printed'"), "");
    assert_eq!(ok(&mut e, &mut h, "docker exec s cat /m"), "made\n");
    ok(&mut e, &mut h, "docker commit -a 'Ada <ada@example.com>' -c 'CMD [\"cat\", \"/m\"]' -c 'ENV MODE=x' -c 'WORKDIR data' s snap");
    assert_eq!(ok(&mut e, &mut h, "docker image inspect -f '{{.Author}} {{json .Config.Cmd}} {{.Config.WorkingDir}}' snap"), "Ada <ada@example.com> [\"cat\",\"/m\"] /data\n");
    assert!(ok(&mut e, &mut h, "docker image inspect -f '{{json .Config.Env}}' snap").contains("MODE=x"));
    assert_eq!(ok(&mut e, &mut h, "docker run --rm snap"), "made\n");
    let bad = e.run("docker commit -c 'FROM alpine' s nope", &mut h);
    assert_eq!((bad.status, bad.text.as_str()), (1, "Error response from daemon: FROM is not a valid change command\n"));
    assert!(e.image("nope").is_none());
}

/// /etc/hostname, /etc/hosts and /etc/resolv.conf are the runtime's: the
/// container's own name and address, kept across commands, in no layer
/// (`docker diff` and `docker commit` leave them out).
#[test]
fn the_runtime_mounts_hostname_hosts_and_resolv_conf() {
    let mut h = MemHost::default();
    let mut e = Engine::new();
    ok(&mut e, &mut h, "docker run -d --name s alpine sleep 1d");
    let id = e.container_id("s").unwrap()[..12].to_string();
    assert_eq!(ok(&mut e, &mut h, "docker exec s cat /etc/hostname"), format!("{id}\n"));
    assert_eq!(ok(&mut e, &mut h, "docker exec s hostname"), format!("{id}\n"));
    assert!(ok(&mut e, &mut h, "docker exec s cat /etc/hosts").ends_with(&format!("\n172.17.0.2\t{id}\n")));
    assert!(ok(&mut e, &mut h, "docker exec s cat /etc/resolv.conf").starts_with("nameserver "));
    ok(&mut e, &mut h, "docker exec s sh -c 'echo 10.0.0.9 db >> /etc/hosts'");
    assert_eq!(ok(&mut e, &mut h, "docker exec s tail -n 1 /etc/hosts"), "10.0.0.9 db\n");
    assert_eq!(ok(&mut e, &mut h, "docker diff s"), "");
    let origins: Vec<_> = e.merged_entries("s").unwrap().into_iter().filter(|m| m.path.starts_with("/etc/h")).map(|m| (m.path, m.origin.label())).collect();
    assert!(origins.iter().all(|(_, o)| o == "mounted by the runtime"), "{origins:?}");
    // A mount point cannot be removed (what a volume holds can be emptied).
    let busy = e.run("docker exec s rm /etc/hostname", &mut h);
    assert_eq!((busy.status, busy.text.as_str()), (1, "rm: can't remove '/etc/hostname': Resource busy\n"));
    assert_eq!(ok(&mut e, &mut h, "docker exec s cat /etc/hostname"), format!("{id}\n"));
    ok(&mut e, &mut h, "docker run -d --name v -v data:/data alpine sh -c 'echo x > /data/f; sleep 1d'");
    assert_eq!(e.run("docker exec v rm -rf /data", &mut h).text, "rm: can't remove '/data': Resource busy\n");
    assert_eq!(ok(&mut e, &mut h, "docker run --rm -v data:/data alpine ls -A /data"), "", "emptied");
    ok(&mut e, &mut h, "docker commit s snap");
    assert_eq!(e.run("docker run --rm snap grep -c db /etc/hosts", &mut h).text, "0\n", "a new container's own hosts file");
    assert!(ok(&mut e, &mut h, "docker run --rm alpine uname -s") == "Linux\n", "utilities run as a container's command");
    // --hostname names it everywhere: the variable, the file, hosts, inspect.
    ok(&mut e, &mut h, "docker run -d --name named -h web1 alpine sleep 1d");
    assert_eq!(ok(&mut e, &mut h, "docker exec named sh -c 'hostname; echo $HOSTNAME; cat /etc/hostname; tail -n 1 /etc/hosts'"), "web1\nweb1\nweb1\n172.17.0.4\tweb1\n");
    assert_eq!(ok(&mut e, &mut h, "docker inspect -f '{{.Config.Hostname}}' named"), "web1\n");
}

/// `docker run --env-file` reads KEY=VALUE lines from a context file (then
/// -e wins); options that only limit a container say they are not simulated.
#[test]
fn env_file_and_unsimulated_run_options() {
    let mut h = MemHost::new([("app.env", "A=from-file\n# a comment\n\nB=2\n")]);
    let mut e = Engine::new();
    let out = ok(&mut e, &mut h, "docker run --rm --env-file app.env -e B=3 alpine env");
    assert!(out.contains("A=from-file\nB=3\n"), "{out}");
    let missing = e.run("docker run --rm --env-file nope.env alpine env", &mut h);
    assert_eq!((missing.status, missing.text.lines().next()), (125, Some("docker: open nope.env: no such file or directory")));
    for flag in ["--memory 64m", "-m 64m", "--read-only", "--cpus 1"] {
        let out = e.run(&format!("docker run --rm {flag} alpine true"), &mut h);
        assert!(out.status == 125 && out.text.contains("is a real option, but Layer Lab does not simulate it"), "{flag}: {}", out.text);
    }
    assert!(e.run("docker run --frobnicate alpine", &mut h).text.starts_with("unknown flag: --frobnicate"));
}

/// `docker export` then `docker import` flattens a container into an image
/// of one layer (with -c and -m); `docker cp` into a folder keeps the
/// file's name; `docker load < FILE` reads FILE.
#[test]
fn export_import_flattens_and_cp_into_a_folder() {
    let mut h = MemHost::new([("Dockerfile", "FROM alpine\nRUN echo one > /one\nRUN echo two > /two\n")]);
    let mut e = Engine::new();
    ok(&mut e, &mut h, "docker build -q -t layered .");
    ok(&mut e, &mut h, "docker run -d --name w -v data:/data layered sh -c 'echo a > /a; echo kept > /data/v; sleep 1d'");
    ok(&mut e, &mut h, "docker export -o w.tar w");
    // What Docker exports: the init layer's placeholders (alpine has its own /etc/hosts),
    // the mount point without the volume's files, not the runtime's /etc contents.
    let mut tree = layerlab_engine::fs::Tree::new();
    layerlab_engine::layer::apply(&mut tree, &h.files["w.tar"]).unwrap();
    let get = |p: &str| tree.get(&layerlab_engine::fs::components(p)).cloned();
    assert_eq!(get("/.dockerenv").and_then(|n| n.body().map(|b| b.to_vec())), Some(Vec::new()));
    assert_eq!(get("/.dockerenv").map(|n| n.mode), Some(0o755));
    assert!(get("/dev/pts").is_some_and(|n| n.is_dir()) && get("/proc").is_some_and(|n| n.is_dir()) && get("/data").is_some_and(|n| n.is_dir()));
    assert_eq!(get("/etc/hostname").and_then(|n| n.body().map(|b| b.to_vec())), Some(b"localhost\n".to_vec()), "alpine's own, not the container's ID");
    assert!(get("/dev/console").and_then(|n| n.body().map(|b| b.len())) == Some(0));
    assert!(get("/data/v").is_none());
    assert!(get("/a").is_some());
    let id = ok(&mut e, &mut h, "docker import -c 'CMD [\"cat\", \"/a\", \"/two\"]' -m flattened w.tar flat:1");
    assert!(id.starts_with("sha256:"), "{id}");
    assert_eq!(e.image("layered").unwrap().diff_ids().len(), 3);
    assert_eq!(e.image("flat:1").unwrap().diff_ids().len(), 1, "one layer");
    assert_eq!(ok(&mut e, &mut h, "docker run --rm flat:1"), "a\ntwo\n");
    assert!(ok(&mut e, &mut h, "docker history flat:1").lines().nth(1).is_some_and(|l| l.trim_end().ends_with("flattened")));
    assert!(e.run("docker import nope.tar", &mut h).status != 0);
    ok(&mut e, &mut h, "docker cp w:/etc/os-release .");
    assert!(h.files.contains_key("os-release"), "{:?}", h.files.keys());
    ok(&mut e, &mut h, "docker save -o flat.tar flat:1");
    ok(&mut e, &mut h, "docker rmi flat:1");
    assert_eq!(ok(&mut e, &mut h, "docker load < flat.tar"), "Loaded image: flat:1\n");
}

#[test]
fn a_terminal_gives_the_process_term_xterm() {
    let (mut e, mut h) = (Engine::default(), MemHost::default());
    assert!(ok(&mut e, &mut h, "docker run -it --rm alpine env").contains("\nTERM=xterm\n"));
    assert!(!ok(&mut e, &mut h, "docker run --rm alpine env").contains("TERM="));
    ok(&mut e, &mut h, "docker run -d --name s alpine sleep 1d");
    assert!(ok(&mut e, &mut h, "docker exec -t s env").contains("TERM=xterm\n"));
    assert!(!ok(&mut e, &mut h, "docker exec s env").contains("TERM="));
    // Docker adds it to the process, not to the container's configuration.
    assert!(!ok(&mut e, &mut h, "docker inspect -f '{{.Config.Env}}' s").contains("TERM"));
}

#[test]
fn ls_on_a_terminal_lays_names_out_in_columns() {
    let (mut e, mut h) = (Engine::default(), MemHost::default());
    ok(&mut e, &mut h, "docker pull -q alpine");
    ok(&mut e, &mut h, "docker pull -q debian");
    // BusyBox: equal columns, down first; GNU coreutils: each column its own width.
    assert_eq!(ok(&mut e, &mut h, "docker run -t --rm alpine ls /"), "bin    etc    lib    mnt    proc   run    srv    tmp    var\ndev    home   media  opt    root   sbin   sys    usr\n");
    assert_eq!(ok(&mut e, &mut h, "docker run -t --rm debian ls /"), "bin   dev  home  lib64  mnt  proc  run   srv  tmp  var\nboot  etc  lib   media  opt  root  sbin  sys  usr\n");
    // Not a terminal: a pipe, a file, a command substitution, no -t, or -1.
    ok(&mut e, &mut h, "docker run -d --name s alpine sleep 1d");
    assert_eq!(ok(&mut e, &mut h, "docker exec s ls /usr"), "bin\nlib\nlocal\nsbin\nshare\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec -t s ls -1 /usr"), "bin\nlib\nlocal\nsbin\nshare\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec -t s sh -c 'ls /usr | head -2; ls /usr > /tmp/l; head -1 /tmp/l; echo $(ls /usr)'"), "bin\nlib\nbin\nbin lib local sbin share\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec -t s sh -c 'ls /usr 2>/dev/null'"), "bin    lib    local  sbin   share\n");
}

/// The next of a run of pseudo-random numbers (xorshift64): the differential tests' inputs.
fn xorshift(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

/// The GNU layout against this machine's GNU ls (`ls -C -w 80`, C locale, spaces not tabs).
#[test]
fn gnu_columns_match_gnu_ls() {
    let Ok(version) = std::process::Command::new("ls").arg("--version").output() else { return };
    if !String::from_utf8_lossy(&version.stdout).contains("GNU coreutils") {
        return;
    }
    let mut seed = 7u64;
    for round in 0..60 {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut names = std::collections::BTreeSet::new();
        for _ in 0..(round % 61 + 1) {
            xorshift(&mut seed);
            let len = (seed % if round % 3 == 0 { 3 } else { 19 } + 1) as usize;
            names.insert((0..len).map(|i| (b'a' + ((seed >> (i * 3)) % 26) as u8) as char).collect::<String>());
        }
        for n in &names {
            std::fs::write(dir.path().join(n), "").expect("write");
        }
        let out = std::process::Command::new("ls").args(["-C", "-w", "80", "-T", "0"]).env("LC_ALL", "C").current_dir(dir.path()).output().expect("ls");
        let names: Vec<String> = names.into_iter().collect();
        assert_eq!(layerlab_engine::listing::columns(&names, 80), String::from_utf8_lossy(&out.stdout), "{names:?}");
    }
}

#[test]
fn interactive_shells_keep_their_history_and_prompt() {
    let (mut e, mut h) = (Engine::default(), MemHost::default());
    ok(&mut e, &mut h, "docker run -d --name a alpine sleep 1d");
    ok(&mut e, &mut h, "docker exec -it a sh");
    ok(&mut e, &mut h, "echo hi");
    // BusyBox ash numbers from 0, the line that asks included.
    assert_eq!(ok(&mut e, &mut h, "history"), "   0 echo hi\n   1 history\n");
    ok(&mut e, &mut h, "exit");
    ok(&mut e, &mut h, "docker run -d --name d debian sleep 1d");
    ok(&mut e, &mut h, "docker exec -it d bash");
    ok(&mut e, &mut h, "cd ~");
    assert_eq!(e.prompt().as_deref(), Some(format!("root@{}:~# ", &ok(&mut e, &mut h, "hostname").trim()).as_str()));
    assert_eq!(ok(&mut e, &mut h, "history"), "    1  cd ~\n    2  hostname\n    3  history\n");
    ok(&mut e, &mut h, "exit");
    // dash: its own prompt, and no history.
    ok(&mut e, &mut h, "docker exec -it d sh");
    assert_eq!(e.prompt().as_deref(), Some("# "));
    assert_eq!(e.run("history", &mut h).text, "sh: 1: history: not found\n");
    ok(&mut e, &mut h, "exit");
    // Ubuntu's default command is /bin/bash, with a terminal.
    ok(&mut e, &mut h, "docker run -it --name u ubuntu");
    assert!(e.prompt().is_some_and(|p| p.starts_with("root@") && p.ends_with(":/# ")));
}

#[test]
fn logs_follow_says_it_returns_at_once() {
    let (mut e, mut h) = (Engine::default(), MemHost::default());
    ok(&mut e, &mut h, "docker run -d --name s alpine sh -c 'echo one; exec sleep 1d'");
    assert_eq!(ok(&mut e, &mut h, "docker logs -f s | tail -1"), "one\nlayerlab: docker logs -f would keep following s's output until Ctrl-C; this terminal prints what is there and returns (run it again for new lines)\n");
    // A container that has exited has nothing more to follow: as with Docker, it just returns.
    ok(&mut e, &mut h, "docker run --name done alpine echo two");
    assert_eq!(ok(&mut e, &mut h, "docker logs -f done"), "two\n");
}

#[test]
fn inspect_shows_how_the_container_was_run() {
    let mut h = MemHost::new([("site.conf", "x")]);
    let mut e = Engine::default();
    ok(&mut e, &mut h, "docker network create shop");
    ok(&mut e, &mut h, "docker run -d --name h --restart on-failure:3 --network shop -p 127.0.0.1:9090:80 -p 9091:80 -v ./site.conf:/etc/x.conf:ro -v data:/data -v /anon alpine sleep 1d");
    let host_config = ok(&mut e, &mut h, "docker inspect -f '{{json .HostConfig}}' h");
    assert_eq!(host_config, "{\"Binds\":[\"data:/data\",\"/home/learner/site.conf:/etc/x.conf:ro\"],\"LogConfig\":{\"Type\":\"json-file\",\"Config\":{}},\"NetworkMode\":\"shop\",\"PortBindings\":{\"80/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"9090\"},{\"HostIp\":\"\",\"HostPort\":\"9091\"}]},\"RestartPolicy\":{\"Name\":\"on-failure\",\"MaximumRetryCount\":3},\"AutoRemove\":false,\"Privileged\":false,\"ReadonlyRootfs\":false}\n");
    ok(&mut e, &mut h, "docker run -d --rm --name plain alpine sleep 1d");
    assert_eq!(ok(&mut e, &mut h, "docker inspect -f '{{json .HostConfig.Binds}} {{.HostConfig.NetworkMode}} {{.HostConfig.RestartPolicy.Name}} {{.HostConfig.AutoRemove}}' plain"), "null bridge no true\n");
}

/// `date` reads the host's clock in a container, and 1970 in a build step,
/// whose layers must not depend on when it ran.
#[test]
fn date_tells_the_container_the_host_time_and_a_build_1970() {
    let (mut e, mut h) = (Engine::default(), MemHost::default());
    h.now = Some(1_795_568_468); // 2026-11-25T01:01:08Z, a Wednesday
    ok(&mut e, &mut h, "docker run -d --name a alpine sleep 1d");
    ok(&mut e, &mut h, "docker run -d --name d debian sleep 1d");
    assert_eq!(ok(&mut e, &mut h, "docker exec a date"), "Wed Nov 25 01:01:08 UTC 2026\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec d date"), "Wed Nov 25 01:01:08 UTC 2026\n");
    // ISO 8601: BusyBox's zone is +0000, GNU's +00:00.
    assert_eq!(ok(&mut e, &mut h, "docker exec a date -Iseconds"), "2026-11-25T01:01:08+0000\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec d date -Iseconds"), "2026-11-25T01:01:08+00:00\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec a date -R"), "Wed, 25 Nov 2026 01:01:08 +0000\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec a date -d @86399 +%F_%T"), "1970-01-01_23:59:59\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec d date -d '2024-02-29 13:05' '+%A %j'"), "Thursday 060\n");
    let bad = e.run("docker exec a date -d yesterday-ish", &mut h);
    assert_eq!((bad.status, bad.text.as_str()), (1, "date: invalid date 'yesterday-ish'\n"));
    // No CAP_SYS_TIME: GNU fails, BusyBox says so and goes on; both print the time asked for.
    let set = e.run("docker exec d date -s 2020-01-01", &mut h);
    assert_eq!(set.status, 1);
    assert!(set.text.contains("date: cannot set date: Operation not permitted\n") && set.text.contains("Wed Jan  1 00:00:00 UTC 2020\n"), "{}", set.text);
    assert_eq!(e.run("docker exec a date 010203042026", &mut h).status, 0);
    assert_eq!(e.run("docker exec d date -x", &mut h).text, "date: invalid option -- 'x'\nTry 'date --help' for more information.\n");

    // A build: the same layer whenever it runs.
    let mut built = Vec::new();
    for now in [Some(1_000_000_000), Some(1_795_568_468)] {
        let mut h = MemHost::new([("Dockerfile", "FROM alpine\nRUN date > /built-at\n")]);
        h.now = now;
        let mut e = Engine::new();
        ok(&mut e, &mut h, "docker build -q -t stamped .");
        built.push(e.image("stamped").expect("built").id.clone());
        ok(&mut e, &mut h, "docker run -d --name s stamped sleep 1d");
        assert_eq!(ok(&mut e, &mut h, "docker exec s cat /built-at"), "Thu Jan  1 00:00:00 UTC 1970\n");
    }
    assert_eq!(built[0], built[1]);
}

/// The formats against this machine's GNU date (`date -u -d @T +FORMAT`, C locale).
#[test]
fn strftime_matches_gnu_date() {
    let Ok(version) = std::process::Command::new("date").arg("--version").output() else { return };
    if !String::from_utf8_lossy(&version.stdout).contains("GNU coreutils") {
        return;
    }
    let format = "%a %A %b %B %c|%C %d %D %e %F %h %H %I %j %k %l %m %M %n %p %P %r %R %s %S %t %T %u %w %x %X %y %Y %z %:z %Z %% %-d %_m %0e %^b %-j";
    let mut t: i64 = 0;
    for round in 0..200 {
        // Across leap years and both sides of the epoch, noon and midnight included.
        t = t.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let when = (t >> 33) % 8_000_000_000 - 1_000_000_000 - if round % 7 == 0 { (t >> 33) % 86_400 } else { 0 };
        let out = std::process::Command::new("date").args(["-u", "-d", &format!("@{when}"), &format!("+{format}")]).env("LC_ALL", "C").output().expect("date");
        assert_eq!(layerlab_engine::date::strftime(when, format) + "\n", String::from_utf8_lossy(&out.stdout), "@{when}");
    }
}

/// head and tail take counts as BusyBox and coreutils do; sha256sum,
/// base64, readlink and realpath give what the real tools give (the
/// expected texts are theirs, from GNU coreutils 9 for the same input).
#[test]
fn head_tail_sums_and_links_work_as_the_utilities_do() {
    let (mut e, mut h) = (Engine::default(), MemHost::default());
    ok(&mut e, &mut h, "docker run -d --name a alpine sleep 1d");
    ok(&mut e, &mut h, "docker run -d --name d debian sleep 1d");
    for c in ["a", "d"] {
        ok(&mut e, &mut h, &format!("docker exec {c} sh -c 'seq 5 > /n; echo hello > /h'"));
        assert_eq!(ok(&mut e, &mut h, &format!("docker exec {c} tail -n +4 /n")), "4\n5\n");
        assert_eq!(ok(&mut e, &mut h, &format!("docker exec {c} head -2 /n")), "1\n2\n");
        assert_eq!(ok(&mut e, &mut h, &format!("docker exec {c} head -c 3 /n")), "1\n2");
        assert_eq!(ok(&mut e, &mut h, &format!("docker exec {c} tail -c4 /n")), "4\n5\n");
        assert_eq!(ok(&mut e, &mut h, &format!("docker exec {c} sha256sum /h")), "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03  /h\n");
        assert_eq!(ok(&mut e, &mut h, &format!("docker exec {c} sh -c 'sha256sum /h > /s; sha256sum -c /s'")), "/h: OK\n");
        assert_eq!(ok(&mut e, &mut h, &format!("docker exec {c} sh -c 'echo hello world | base64'")), "aGVsbG8gd29ybGQK\n");
        assert_eq!(ok(&mut e, &mut h, &format!("docker exec {c} sh -c 'echo aGVsbG8gd29ybGQK | base64 -d'")), "hello world\n");
        assert_eq!(ok(&mut e, &mut h, &format!("docker exec {c} realpath /usr/../etc/./hostname")), "/etc/hostname\n");
    }
    assert_eq!(ok(&mut e, &mut h, "docker exec d head -n -3 /n"), "1\n2\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec d head -n1 /n /h"), "==> /n <==\n1\n\n==> /h <==\nhello\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec a readlink /bin/sh"), "/bin/busybox\n");
    // A checksum that no longer matches fails, in each tool's words.
    ok(&mut e, &mut h, "docker exec a sh -c 'sha256sum /h > /s; echo more >> /h'");
    let a = e.run("docker exec a sha256sum -c /s", &mut h);
    assert_eq!((a.status, a.text.as_str()), (1, "/h: FAILED\nsha256sum: WARNING: 1 of 1 computed checksums did NOT match\n"));
    ok(&mut e, &mut h, "docker exec d sh -c 'sha256sum /h > /s; echo more >> /h'");
    let d = e.run("docker exec d sha256sum -c /s", &mut h);
    assert_eq!((d.status, d.text.as_str()), (1, "/h: FAILED\nsha256sum: WARNING: 1 computed checksum did NOT match\n"));
    let bad = e.run("docker exec d head -n x /n", &mut h);
    assert_eq!((bad.status, bad.text.as_str()), (1, "head: invalid number of lines: 'x'\n"));
    let bad = e.run("docker exec a base64 -d /n", &mut h);
    assert_eq!((bad.status, bad.text.as_str()), (1, "base64: invalid input\n"));
}

/// printf's conversions against this machine's GNU printf (`/usr/bin/printf`,
/// C locale): flags, widths, precisions and each conversion, on integers,
/// negative ones, floats and text.
#[test]
fn printf_matches_gnu_printf() {
    let Ok(version) = std::process::Command::new("printf").arg("--version").output() else { return };
    if !String::from_utf8_lossy(&version.stdout).contains("GNU coreutils") {
        return;
    }
    let values = ["0", "7", "-42", "255", "123456789", "3.14159", "-0.5", "1e-7", "12345.678", "1e20", "abc", "'A", "0x1f", "010"];
    let mut seed = 11u64;
    let mut pick = |n: usize| (xorshift(&mut seed) % n as u64) as usize;
    for _ in 0..600 {
        let flags: String = ["", "-", "0", "+", " ", "#", "-+", "0#"][pick(8)].to_string();
        let width = ["", "1", "6", "12"][pick(4)];
        let precision = ["", ".0", ".2", ".7"][pick(4)];
        let conv = ['d', 'i', 'u', 'o', 'x', 'X', 'f', 'e', 'E', 'g', 'G', 's', 'c'][pick(13)];
        let value = values[pick(values.len())];
        // Numbers a numeric conversion cannot read are errors in both; text is for %s and %c.
        // C leaves `#` on d, i, u, s, c, `0` on s, c and a precision on c undefined (GNU refuses them).
        let undefined = (flags.contains('#') && "diusc".contains(conv)) || (flags.contains('0') && "sc".contains(conv)) || (conv == 'c' && !precision.is_empty());
        if undefined || matches!(conv, 's' | 'c') != (value == "abc") || (value.contains(['.', 'e']) && "diuoxX".contains(conv)) {
            continue;
        }
        let format = format!("[%{flags}{width}{precision}{conv}]");
        let out = std::process::Command::new("printf").args([&format, value]).env("LC_ALL", "C").output().expect("printf");
        let (ours, problems) = layerlab_engine::printf::printf(&format, &[value]);
        assert!(problems.is_empty(), "{format} {value}: {problems:?}");
        assert_eq!(ours, String::from_utf8_lossy(&out.stdout), "printf '{format}' {value}");
    }
    // Escapes and the format used again while arguments remain.
    let (out, _) = layerlab_engine::printf::printf("%s=%b\\t\\101\\x42\\n", &["a", "1\\n", "b"]);
    assert_eq!(out, "a=1\n\tAB\nb=\tAB\n");
}

/// `chmod -R`/`chown -R` reach every file below; a recursive chown in its
/// own RUN stores each file again in the new layer (metadata changes copy
/// the whole file up); without root only the owner may change a file.
#[test]
fn recursive_chmod_and_chown_copy_every_file_into_the_layer() {
    let big = "x".repeat(100_000);
    let mut h = MemHost::new([("Dockerfile", "FROM alpine\nCOPY big /app/big\nRUN chown -R nobody:nobody /app && chmod -R g-rwx,o-rwx /app\n"), ("big", big.as_str())]);
    let mut e = Engine::new();
    ok(&mut e, &mut h, "docker build -q -t owned .");
    let history = ok(&mut e, &mut h, "docker history --format '{{.Size}}' owned");
    assert_eq!(history.lines().take(2).collect::<Vec<_>>(), ["100kB", "100kB"], "{history}");
    ok(&mut e, &mut h, "docker run -d --name o owned sleep 1d");
    assert_eq!(ok(&mut e, &mut h, "docker exec o ls -l /app"), "total 100\n-rw-------    1 nobody   nobody      100000 Jan  1  1970 big\n");
    let denied = e.run("docker exec -u nobody o sh -c 'chmod 777 /etc/passwd; chown nobody /app/big; chown root /app/big'", &mut h);
    assert_eq!(denied.text, "chmod: /etc/passwd: Operation not permitted\nchown: /app/big: Operation not permitted\n");
    // dash's echo has no -e; bash's and BusyBox's have.
    ok(&mut e, &mut h, "docker run -d --name d debian sleep 1d");
    assert_eq!(ok(&mut e, &mut h, r#"docker exec d sh -c 'echo -e "a\tb"'"#), "-e a\tb\n");
    assert_eq!(ok(&mut e, &mut h, r#"docker exec d bash -c 'echo -e "a\tb"; echo $0'"#), "a\tb\nbash\n");
    assert_eq!(ok(&mut e, &mut h, r#"docker exec o sh -c 'echo -e "a\tb\x41\0102"; echo "a\tb"'"#), "a\tbAB\na\\tb\n");
}

/// grep's selections and outputs: -o, -w, -x, -l, -L, -c, -m, -h, -r and
/// its status (0 selected, 1 none, 2 an error); an option it lacks is refused.
#[test]
fn grep_selects_as_grep_does() {
    let (mut e, mut h) = (Engine::default(), MemHost::default());
    ok(&mut e, &mut h, "docker run -d --name a alpine sleep 1d");
    ok(&mut e, &mut h, r#"docker exec a sh -c 'printf "b 2\na 1\nc 3\nab 1\n" > /f; mkdir -p /d/e; echo hi > /d/e/x; echo "hi there hit" > /d/y'"#);
    let cases = [
        ("grep -o a /f", "a\na\n"),
        ("grep -w a /f", "a 1\n"),
        ("grep -x 'a 1' /f", "a 1\n"),
        ("grep -v a /f", "b 2\nc 3\n"),
        ("grep -l a /f /d/y", "/f\n"),
        ("grep -L a /f /d/y", "/d/y\n"),
        ("grep -c hi /d/y /f", "/d/y:1\n/f:0\n"),
        ("grep -m1 a /f", "a 1\n"),
        ("grep -h hi /d/y /d/e/x", "hi there hit\nhi\n"),
        ("grep -r hi /d", "/d/e/x:hi\n/d/y:hi there hit\n"),
        ("sh -c 'cd /d && grep -rn hi'", "e/x:1:hi\ny:1:hi there hit\n"),
        ("grep -ow hi /d/y", "hi\n"),
        ("grep -io 'H[IO]' /d/y", "hi\nhi\n"),
        ("grep -E 'b|c' /f", "b 2\nc 3\nab 1\n"),
    ];
    for (cmd, want) in cases {
        assert_eq!(ok(&mut e, &mut h, &format!("docker exec a {cmd}")), want, "{cmd}");
    }
    let none = e.run("docker exec a grep zzz /f", &mut h);
    assert_eq!((none.status, none.text.as_str()), (1, ""));
    let missing = e.run("docker exec a grep hi /nope /d/y", &mut h);
    assert_eq!((missing.status, missing.text.as_str()), (2, "/d/y:hi there hit\ngrep: /nope: No such file or directory\n"));
    assert_eq!(e.run("docker exec a grep -q hi /nope /d/y", &mut h).status, 0);
    assert!(e.run("docker exec a grep -A2 hi /d/y", &mut h).text.starts_with("grep: unrecognized option: A"));
    // A whole simulated image with a regular expression is refused, not left to run for minutes.
    let big = e.run("docker run --rm mysql grep -rc 'z.z' /usr", &mut h);
    assert_eq!(big.status, 2);
    assert!(big.text.contains("Layer Lab's grep reads at most 16 MB for a regular expression"), "{}", big.text);
}

/// sort's keys and options against this machine's GNU sort (C locale) on
/// random tables: -k with field and character positions and per-key
/// options, -t, -n, -r, -f, -u, -s.
#[test]
fn sort_matches_gnu_sort() {
    let Ok(version) = std::process::Command::new("sort").arg("--version").output() else { return };
    if !String::from_utf8_lossy(&version.stdout).contains("GNU coreutils") {
        return;
    }
    let mut seed = 5u64;
    let mut pick = |n: usize| (xorshift(&mut seed) % n as u64) as usize;
    let options = [&["-n"][..], &["-r"], &["-f"], &["-u"], &["-k2"], &["-k2n"], &["-k2,2n", "-k3r"], &["-t", ",", "-k2"], &["-t", ",", "-k3,3", "-k1"], &["-k1.2"], &["-rn", "-k2"], &["-u", "-k1,1"], &["-s", "-k3,3"], &["-b", "-k2"], &["-nu"], &["-fu"]];
    let words = ["a", "B", "b", "10", "9", "-3", "2.5", "x", "ab", "A"];
    let dir = tempfile::tempdir().expect("tempdir");
    for _ in 0..200 {
        let sep = if pick(2) == 0 { "," } else { [" ", "  "][pick(2)] };
        let lines: Vec<String> = (0..pick(8) + 1).map(|_| (0..3).map(|_| words[pick(words.len())]).collect::<Vec<_>>().join(sep)).collect();
        let text = lines.join("\n") + "\n";
        let opts = options[pick(options.len())];
        let path = dir.path().join("in");
        std::fs::write(&path, &text).expect("write");
        let gnu = std::process::Command::new("sort").args(opts).arg(&path).env("LC_ALL", "C").output().expect("sort");
        let (mut e, mut h) = (Engine::default(), MemHost::new([("in", text.as_str())]));
        let quoted: Vec<String> = opts.iter().map(|o| format!("'{o}'")).collect();
        let ours = e.run(&format!("cat in | sort {}", quoted.join(" ")), &mut h);
        assert_eq!(ours.text, String::from_utf8_lossy(&gnu.stdout), "sort {opts:?} of\n{text}");
    }
}

/// `ls -h` sizes against this machine's GNU ls (sparse files of many sizes),
/// and BusyBox's tenths.
#[test]
fn human_sizes_match_gnu_ls() {
    assert_eq!(layerlab_engine::shell::human_size(100_000, true), "97.7K");
    assert_eq!(layerlab_engine::shell::human_size(4096, true), "4.0K");
    let Ok(version) = std::process::Command::new("ls").arg("--version").output() else { return };
    if !String::from_utf8_lossy(&version.stdout).contains("GNU coreutils") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let mut sizes = vec![0u64, 1, 1023, 1024, 1025, 1500, 10189, 10240, 10241, 100_000, 1_048_575, 1_048_576, 1_073_741_823];
    let mut seed = 3u64;
    for _ in 0..60 {
        xorshift(&mut seed);
        sizes.push(seed % 10u64.pow(1 + (seed % 11) as u32));
    }
    for (i, size) in sizes.iter().enumerate() {
        std::fs::File::create(dir.path().join(format!("f{i:03}"))).and_then(|f| f.set_len(*size)).expect("sparse file");
    }
    let out = std::process::Command::new("ls").args(["-lh", "--time-style=+x"]).arg(dir.path()).env("LC_ALL", "C").output().expect("ls");
    let listed: Vec<String> = String::from_utf8_lossy(&out.stdout).lines().skip(1).map(|l| l.split_whitespace().nth(4).unwrap_or_default().to_string()).collect();
    let ours: Vec<String> = sizes.iter().map(|s| layerlab_engine::shell::human_size(*s, false)).collect();
    assert_eq!(ours, listed);
}

/// Common options of ls, wc, cat, seq and env (texts as GNU coreutils 9 and
/// BusyBox print them); an option they lack is refused, not ignored.
#[test]
fn utilities_take_their_common_options() {
    let (mut e, mut h) = (Engine::default(), MemHost::default());
    ok(&mut e, &mut h, "docker run -d --name a alpine sleep 1d");
    ok(&mut e, &mut h, r#"docker exec a sh -c 'mkdir -p /x/y/.h /x/z; printf "%1500s" a > /x/mid; echo s > /x/y/s; printf "h\xc3\xa9llo world\n\nabc\n" > /t'"#);
    let cases = [
        ("ls -R /x", "/x:\nmid\ny\nz\n\n/x/y:\ns\n\n/x/z:\n"),
        ("ls -S /x", "y\nz\nmid\n"),
        ("ls -r /x", "z\ny\nmid\n"),
        ("ls -lh /x/mid", "-rw-r--r--    1 root     root          1.5K Jan  1  1970 /x/mid\n"),
        ("ls -n /x/y", "total 4\n-rw-r--r--    1 0        0                2 Jan  1  1970 s\n"),
        ("wc -m /t", "17 /t\n"),
        ("wc -L /t", "11 /t\n"),
        ("cat -n /t", "     1\théllo world\n     2\t\n     3\tabc\n"),
        ("cat -b /t", "     1\théllo world\n\n     2\tabc\n"),
        ("seq -s , 3", "1,2,3\n"),
        ("seq -w 8 10", "08\n09\n10\n"),
        ("env -u HOSTNAME sh -c 'echo [$HOSTNAME]'", "[]\n"),
        ("sh -c 'mkdir -m 700 /m && ls -ld /m'", "drwx------    2 root     root          4096 Jan  1  1970 /m\n"),
        ("sh -c 'touch -c /nope; ls /nope 2>&1; true'", "ls: /nope: No such file or directory\n"),
        ("sh -c 'mkdir -p /p/q/r && rmdir -p /p/q/r; ls -d /p 2>&1; true'", "ls: /p: No such file or directory\n"),
        ("basename -s .txt /a/b.txt /c.txt", "b\nc\n"),
        ("basename /a/b.txt .txt", "b\n"),
        ("sh -c 'echo abc | tr -cd a'", "a"),
        ("sh -c 'echo abc | cut -b 2'", "b\n"),
    ];
    for (cmd, want) in cases {
        assert_eq!(ok(&mut e, &mut h, &format!("docker exec a {cmd}")), want, "{cmd}");
    }
    for (cmd, refusal) in [("ls -X /", "ls: unrecognized option: X"), ("wc -x /t", "wc: unrecognized option: x"), ("cat -z /t", "cat: unrecognized option: z"), ("sort -V /t", "sort: unrecognized option: V"), ("env -x", "env: unrecognized option: x"), ("rm -x /t", "rm: unrecognized option: x"), ("touch -z /t", "touch: unrecognized option: z")] {
        let r = e.run(&format!("docker exec a {cmd}"), &mut h);
        assert!(r.status != 0 && r.text.starts_with(refusal), "{cmd}: {}", r.text);
    }
}

/// `-v` of the file utilities says what each did, in GNU's and BusyBox's words.
#[test]
fn verbose_file_utilities_say_what_they_did() {
    let (mut e, mut h) = (Engine::default(), MemHost::default());
    ok(&mut e, &mut h, "docker run -d --name a alpine sleep 1d");
    ok(&mut e, &mut h, "docker run -d --name d debian sleep 1d");
    let script = "touch /f; rm -v /f; mkdir -v /q; mkdir -pv /q/r/s; touch /g; cp -v /g /h; mv -v /h /i; ln -sv /i /j; rmdir -v /q/r/s; mkdir -p /c/d; touch /c/d/e; cp -rv /c /q; rm -rv /c";
    let gnu = ok(&mut e, &mut h, &format!("docker exec d sh -c '{script}'"));
    assert_eq!(gnu, "removed '/f'\nmkdir: created directory '/q'\nmkdir: created directory '/q/r'\nmkdir: created directory '/q/r/s'\n'/g' -> '/h'\nrenamed '/h' -> '/i'\n'/j' -> '/i'\nrmdir: removing directory, '/q/r/s'\n'/c' -> '/q/c'\n'/c/d' -> '/q/c/d'\n'/c/d/e' -> '/q/c/d/e'\nremoved '/c/d/e'\nremoved directory '/c/d'\nremoved directory '/c'\n");
    let busybox = ok(&mut e, &mut h, &format!("docker exec a sh -c '{script}'"));
    assert!(busybox.starts_with("removed '/f'\ncreated directory: '/q'\n") && busybox.contains("\n'/h' -> '/i'\n") && busybox.ends_with("removed directory: '/c'\n"), "{busybox}");
}

/// The shells' own `$$`, `$PPID`, `$RANDOM`, `trap … EXIT` and `umask`, in a
/// container and in a build step (PID 1 there; the umask shapes the layer).
#[test]
fn shell_builtins_trap_umask_and_special_parameters() {
    let (mut e, mut h) = (Engine::default(), MemHost::default());
    ok(&mut e, &mut h, "docker run -d --name a alpine sleep 1d");
    ok(&mut e, &mut h, "docker run -d --name d debian sleep 1d");
    assert_eq!(ok(&mut e, &mut h, "docker exec a sh -c 'echo $$ $PPID'"), "7 0\n");
    let random = ok(&mut e, &mut h, "docker exec a sh -c 'echo $RANDOM $RANDOM'");
    let numbers: Vec<u32> = random.split_whitespace().map(|n| n.parse().expect("a number")).collect();
    assert!(numbers.len() == 2 && numbers[0] != numbers[1] && numbers.iter().all(|n| *n < 32_768), "{random}");
    assert_eq!(ok(&mut e, &mut h, "docker exec d sh -c 'echo [$RANDOM]'"), "[]\n", "dash has no RANDOM");
    // The EXIT trap runs once at the end, with the script's status, which it keeps.
    let failed = e.run(r#"docker exec a sh -c 'trap "echo bye \$?" EXIT; echo hi; false'"#, &mut h);
    assert_eq!((failed.status, failed.text.as_str()), (1, "hi\nbye 1\n"));
    let exit = e.run(r#"docker exec a sh -c 'trap "echo cleanup" EXIT; exit 3'"#, &mut h);
    assert_eq!((exit.status, exit.text.as_str()), (3, "cleanup\n"));
    assert_eq!(ok(&mut e, &mut h, r#"docker exec a sh -c 'trap "echo x" EXIT; (echo sub); trap - EXIT'"#), "sub\n");
    assert_eq!(e.run("docker exec d sh -c 'trap \"echo x\" FOO'", &mut h).text, "trap: FOO: bad trap\n");
    // bash's brace expansion is refused by name; sh prints the braces, as dash does.
    assert!(e.run("docker exec d bash -c 'echo {1..3} a{b,c}'", &mut h).text.contains("brace expansion ({a,b}, {1..3}) is bash's and not available"));
    assert_eq!(ok(&mut e, &mut h, "docker exec d bash -c 'x=1; echo ${x:-a,b} \"{a,b}\" {} {x}'"), "1 {a,b} {} {x}\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec d sh -c 'echo {1..3} a{b,c}'"), "{1..3} a{b,c}\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec a sh -c 'umask; umask -S; umask 077; touch /u; mkdir /ud; ls -ld /u /ud'"), "0022\nu=rwx,g=rx,o=rx\n-rw-------    1 root     root             0 Jan  1  1970 /u\ndrwx------    2 root     root          4096 Jan  1  1970 /ud\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec a sh -c 'printf \"1\\n2\\n\" | tac; echo abc | rev; echo a b | xargs -n1'"), "2\n1\ncba\na\nb\n");

    let mut h = MemHost::new([("Dockerfile", "FROM alpine\nRUN echo $$ > /pid && umask 027 && touch /private\n")]);
    let mut e = Engine::new();
    ok(&mut e, &mut h, "docker build -q -t masked .");
    ok(&mut e, &mut h, "docker run -d --name m masked sleep 1d");
    assert_eq!(ok(&mut e, &mut h, "docker exec m sh -c 'cat /pid; ls -l /private'"), "1\n-rw-r-----    1 root     root             0 Jan  1  1970 /private\n");
}

/// Parameter expansions against this machine's dash and bash: the debian
/// image's sh is dash, and `bash -c` is bash (each script only echoes).
#[test]
fn parameter_expansions_match_dash_and_bash() {
    let scripts = [
        "x=hello; echo ${#x} ${x%l*} ${x%%l*} ${x#h} ${x##*l}",
        "echo ${y:-def} ${y:=set} $y ${z:+alt} ${y:+alt} ${w=plain} $w",
        "x=''; echo [${x:-empty}] [${x-unset}] [${x:=filled}] $x",
        "echo ${u:-a b}; echo \"${u:-c  d}\"; v=${u:-\"q r\"}; echo $v",
        "set -- a b c; echo ${#} ${#1} ${2:-no}",
        "y='a  b'; x=$y; echo \"$x\"; z=$(echo 1 2) w=*; echo \"$z\" \"$w\"",
        "x=hello; echo ${x:1:3} ${x: -2} ${x:2} ${x/l/L} ${x//l/L}",
        "x=hello; echo ${x^^} ${x^} ${x,,}",
    ];
    let (mut e, mut h) = (Engine::default(), MemHost::default());
    ok(&mut e, &mut h, "docker run -d --name d debian sleep 1d");
    for (shell, host) in [("sh", "dash"), ("bash", "bash")] {
        let Ok(_) = std::process::Command::new(host).arg("-c").arg("true").output() else { continue };
        for script in &scripts[..if shell == "sh" { 6 } else { scripts.len() }] {
            let real = std::process::Command::new(host).arg("-c").arg(script).output().expect("shell");
            let quoted = script.replace('\'', r"'\''");
            let ours = e.run(&format!("docker exec d {shell} -c '{quoted}'"), &mut h);
            assert_eq!(ours.text, String::from_utf8_lossy(&real.stdout), "{shell}: {script}");
        }
    }
    // dash has no substrings: Bad substitution, as it says it.
    assert_eq!(e.run("docker exec d sh -c 'x=hi; echo ${x:1}'", &mut h).text, "sh: 1: Bad substitution\n");
}

/// The scripts of `tests/data/dash-scripts.txt` (loops, pipes into and out
/// of compounds, here-documents, functions, quoting, IFS, test, eval, cd -,
/// arithmetic, set -eux, errors) run by `image`'s `shell` and by this
/// machine's `host` shell, stdout and stderr in the order written: every
/// script that differs is listed.
fn differential(image: &str, shell: &str, host: &str, corpus: &str, at_least: usize) {
    let Ok(_) = std::process::Command::new(host).arg("-c").arg("true").output() else { return };
    let body: String = corpus.lines().skip_while(|l| l.starts_with("# ")).map(|l| format!("{l}\n")).collect();
    let (mut e, mut h) = (Engine::default(), MemHost::default());
    ok(&mut e, &mut h, &format!("docker pull {image}"));
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut count, mut differ) = (0, Vec::new());
    for script in body.split("----\n").map(str::trim_end).filter(|s| !s.is_empty()) {
        let real = std::process::Command::new("sh").args(["-c", &format!("exec {host} -c \"$1\" {shell} 2>&1"), "_", script]).current_dir(dir.path()).env("HOME", "/root").env("LC_ALL", "C").output().expect("shell");
        let ours = e.run(&format!("docker run --rm {image} {shell} -c '{}'", script.replace('\'', r"'\''")), &mut h);
        let want = String::from_utf8_lossy(&real.stdout);
        if ours.text != want {
            differ.push(format!("{script}\n  {host}: {want:?}\n  ours: {:?}", ours.text));
        }
        count += 1;
    }
    assert!(differ.is_empty(), "{} of {count} scripts differ:\n{}", differ.len(), differ.join("\n"));
    assert!(count >= at_least, "{count} scripts");
}

/// The debian image's sh (dash) against this machine's dash.
#[test]
fn debian_sh_matches_dash() {
    differential("debian", "sh", "dash", include_str!("data/dash-scripts.txt"), 100);
}

/// `bash -c` in the ubuntu image against this machine's bash.
#[test]
fn ubuntu_bash_matches_bash() {
    differential("ubuntu", "bash", "bash", include_str!("data/dash-scripts.txt"), 100);
}

/// The debian image's GNU sed against this machine's, through dash.
#[test]
fn debian_sed_matches_gnu_sed() {
    differential("debian", "sh", "dash", include_str!("data/sed-scripts.txt"), 30);
}

/// The debian image's GNU find against this machine's, through dash.
#[test]
fn debian_find_matches_gnu_find() {
    differential("debian", "sh", "dash", include_str!("data/find-scripts.txt"), 14);
}

/// The debian image's awk (mawk) against this machine's, through dash.
#[test]
fn debian_awk_matches_mawk() {
    differential("debian", "sh", "dash", include_str!("data/awk-scripts.txt"), 25);
}

/// What bash has and sh does not (`(( ))`, `let`, `$'…'`, `function`) against this machine's bash.
#[test]
fn bash_only_matches_bash() {
    differential("ubuntu", "bash", "bash", include_str!("data/bash-scripts.txt"), 8);
}

/// `ls -s` puts each entry's 1K blocks first and a total above, as GNU ls
/// does on ext4 (checked against it for the same files) and as BusyBox's
/// `%6u ` column does.
#[test]
fn ls_s_lists_blocks() {
    let (mut e, mut h) = (Engine::default(), MemHost::default());
    ok(&mut e, &mut h, "docker pull debian");
    let make = r#"mkdir /d /d/sub; printf "%5000s" a > /d/f; echo x > /d/g; printf "%50000s" a > /d/h; ln -s g /d/l"#;
    ok(&mut e, &mut h, "docker run -d --name deb debian sleep 1d");
    ok(&mut e, &mut h, &format!("docker exec deb sh -c '{make}'"));
    assert_eq!(ok(&mut e, &mut h, "docker exec deb ls -s /d"), "total 68\n 8 f\n 4 g\n52 h\n 0 l\n 4 sub\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec deb ls -ls /d/l /d/g"), "4 -rw-r--r-- 1 root root 2 Jan  1  1970 /d/g\n0 lrwxrwxrwx 1 root root 1 Jan  1  1970 /d/l -> g\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec deb ls -sh /d"), "total 68K\n8.0K f\n4.0K g\n 52K h\n   0 l\n4.0K sub\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec deb ls -sa /d/sub"), "total 8\n4 .\n4 ..\n");
    ok(&mut e, &mut h, "docker run -d --name alp alpine sleep 1d");
    ok(&mut e, &mut h, &format!("docker exec alp sh -c '{make}'"));
    assert_eq!(ok(&mut e, &mut h, "docker exec alp ls -s /d"), "total 68\n     8 f\n     4 g\n    52 h\n     0 l\n     4 sub\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec alp ls -sl /d/g"), "     4 -rw-r--r--    1 root     root             2 Jan  1  1970 /d/g\n");
}

/// find's parts the GNU differential cannot hold: BusyBox's words, `-quit`
/// in Layer Lab's name order, and times (every file's is the epoch).
#[test]
fn find_quits_words_and_times() {
    let (mut e, mut h) = (Engine::default(), MemHost { now: Some(1_795_568_468), ..MemHost::default() });
    ok(&mut e, &mut h, "docker run -d --name a alpine sleep 1d");
    ok(&mut e, &mut h, "docker exec a sh -c 'mkdir -p /t/a /t/b; touch /t/new'");
    assert_eq!(ok(&mut e, &mut h, "docker exec a find /t -name a -print -quit -o -print"), "/t\n/t/a\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec a find /t -newer /t/a"), "");
    assert_eq!(ok(&mut e, &mut h, "docker exec a find /t -mtime +1 -name new"), "/t/new\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec a find /t -mmin -5"), "");
    let missing = e.run("docker exec a find /nope", &mut h);
    assert_eq!((missing.status, missing.text.as_str()), (1, "find: /nope: No such file or directory\n"));
    let unknown = e.run("docker exec a find /t -bogus", &mut h);
    assert_eq!((unknown.status, unknown.text.as_str()), (1, "find: unrecognized: -bogus\n"));
    let refused = e.run("docker exec a find /t -regex x", &mut h);
    assert_eq!((refused.status, refused.text.as_str()), (1, "find: -regex is not simulated in this version of Layer Lab\n"));
}

/// Accounts as BusyBox's adduser/addgroup (alpine) and shadow's
/// useradd/groupadd/usermod/userdel (Debian) make them, and `id` for any user.
#[test]
fn accounts_as_busybox_and_shadow_make_them() {
    let (mut e, mut h) = (Engine::default(), MemHost::default());
    ok(&mut e, &mut h, "docker run -d --name a alpine sleep 1d");
    ok(&mut e, &mut h, "docker exec a sh -c 'addgroup -S app && adduser -S app -G app && adduser -D -u 1234 bob && addgroup bob app'");
    assert_eq!(ok(&mut e, &mut h, "docker exec a grep app /etc/passwd"), "app:x:100:100:Linux User,,,:/home/app:/bin/false\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec a id bob"), "uid=1234(bob) gid=1234(bob) groups=1234(bob),100(app)\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec -u bob a id -Gn"), "bob app\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec a ls -ld /home/bob"), "drwxr-sr-x    2 bob      bob           4096 Jan  1  1970 /home/bob\n");
    let again = e.run("docker exec a sh -c 'adduser -D bob'", &mut h);
    assert_eq!((again.status, again.text.as_str()), (1, "adduser: user 'bob' in use\n"));
    let no_shadow = e.run("docker exec a sh -c 'useradd x'", &mut h);
    assert_eq!(no_shadow.status, 127, "alpine has no useradd");
    let nobody = e.run("docker exec a id nope", &mut h);
    assert_eq!((nobody.status, nobody.text.as_str()), (1, "id: unknown user nope\n"));

    ok(&mut e, &mut h, "docker run -d --name d debian sleep 1d");
    ok(&mut e, &mut h, "docker exec d sh -c 'groupadd -r app && useradd -r -g app app && useradd -m -s /bin/bash carol && usermod -aG app carol'");
    assert_eq!(ok(&mut e, &mut h, "docker exec d grep -h app /etc/passwd /etc/group"), "app:x:999:999::/home/app:/bin/sh\napp:x:999:carol\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec d id carol"), "uid=1000(carol) gid=1000(carol) groups=1000(carol),999(app)\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec d groups carol"), "carol : carol app\n");
    let exists = e.run("docker exec d sh -c 'useradd carol'", &mut h);
    assert_eq!((exists.status, exists.text.as_str()), (9, "useradd: user 'carol' already exists\n"));
    let primary = e.run("docker exec d sh -c 'groupdel carol'", &mut h);
    assert_eq!((primary.status, primary.text.as_str()), (8, "groupdel: cannot remove the primary group of user 'carol'\n"));
    ok(&mut e, &mut h, "docker exec d sh -c 'userdel -r carol'");
    assert_eq!(ok(&mut e, &mut h, "docker exec d ls /home"), "");
    assert_eq!(e.run("docker exec d grep -c carol /etc/group", &mut h).text, "0\n", "carol left app's members, and her own group went with her");
    let gone = e.run("docker exec d id carol", &mut h);
    assert_eq!((gone.status, gone.text.as_str()), (1, "id: 'carol': no such user\n"));
    let perl = e.run("docker exec d sh -c 'adduser x'", &mut h);
    assert!(perl.status == 1 && perl.text.contains("not simulated"), "{}", perl.text);
}

/// alpine's sed is BusyBox's: its usage and version are its own.
#[test]
fn busybox_sed_says_it_is_not_gnu() {
    let (mut e, mut h) = (Engine::default(), MemHost::default());
    ok(&mut e, &mut h, "docker pull alpine");
    assert_eq!(ok(&mut e, &mut h, "docker run --rm alpine sed --version"), "This is not GNU sed version 4.0\n");
    let usage = e.run("docker run --rm alpine sed", &mut h);
    assert_eq!((usage.status, usage.text.lines().next()), (1, Some("Usage: sed [-i[SFX]] [-nrE] [-f FILE]... [-e CMD]... [FILE]...")));
}

/// mktemp's names (GNU's ten X's, BusyBox's six), modes and owner, and getent's lookups.
#[test]
fn mktemp_and_getent() {
    let (mut e, mut h) = (Engine::default(), MemHost::default());
    ok(&mut e, &mut h, "docker run -d --name d debian sleep 1d");
    ok(&mut e, &mut h, "docker run -d --name a alpine sleep 1d");
    let file = ok(&mut e, &mut h, "docker exec d mktemp");
    assert!(file.starts_with("/tmp/tmp.") && file.trim_end().len() == "/tmp/tmp.".len() + 10, "{file}");
    assert!(ok(&mut e, &mut h, &format!("docker exec d ls -l {}", file.trim_end())).starts_with("-rw------- 1 root root 0 "));
    let dir = ok(&mut e, &mut h, "docker exec a mktemp -d");
    assert!(dir.starts_with("/tmp/tmp.") && dir.trim_end().len() == "/tmp/tmp.".len() + 6, "{dir}");
    assert!(ok(&mut e, &mut h, &format!("docker exec a ls -ld {}", dir.trim_end())).starts_with("drwx------"));
    assert_eq!(ok(&mut e, &mut h, "docker exec d sh -c 'TMPDIR=/var/tmp mktemp -u -t aXXX | cut -c1-10'"), "/var/tmp/a\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec d getent passwd root 0"), "root:x:0:0:root:/root:/bin/bash\nroot:x:0:0:root:/root:/bin/bash\n");
    let missing = e.run("docker exec d getent group nope", &mut h);
    assert_eq!((missing.status, missing.text.as_str()), (2, ""));
    let refused = e.run("docker exec d getent shadow", &mut h);
    assert!(refused.status == 1 && refused.text.contains("not simulated"), "{}", refused.text);
}

/// BusyBox's awk (alpine) where it differs from mawk, and what awk refuses.
#[test]
fn busybox_awk_and_refusals() {
    let (mut e, mut h) = (Engine::default(), MemHost::default());
    ok(&mut e, &mut h, "docker pull alpine");
    assert_eq!(ok(&mut e, &mut h, r#"docker run --rm alpine awk 'BEGIN { print substr("hello", -1, 3) }'"#), "hel\n");
    assert_eq!(ok(&mut e, &mut h, r#"docker run --rm alpine awk -F: '$3 == 0 { print $1 }' /etc/passwd"#), "root\n");
    for (program, refusal) in [("function f(x) { return x } BEGIN { print f(1) }", "user-defined functions are not simulated"), ("{ getline x }", "getline is not simulated"), (r#"BEGIN { print "a" | "sort" }"#, "pipe")] {
        let r = e.run(&format!("docker run --rm alpine awk '{program}'"), &mut h);
        assert!(r.status == 2 && r.text.contains(refusal), "{program}: {}", r.text);
    }
    let endless = e.run("docker run --rm alpine awk 'BEGIN { while (1) x++ }'", &mut h);
    assert!(endless.status == 2 && endless.text.contains("was stopped"), "{}", endless.text);
}

/// `du` counts whole 4 KiB blocks as ext4 does (the figures GNU du gives for
/// the same files), directories after what is below them.
#[test]
fn du_counts_blocks_as_a_filesystem_does() {
    let (mut e, mut h) = (Engine::default(), MemHost::default());
    ok(&mut e, &mut h, "docker run -d --name a alpine sleep 1d");
    ok(&mut e, &mut h, r#"docker exec a sh -c 'mkdir -p /x/y /x/z; printf "%1500s" a > /x/mid; printf "%10000s" a > /x/y/big; ln -s /x/mid /x/l'"#);
    assert_eq!(ok(&mut e, &mut h, "docker exec a du /x"), "16\t/x/y\n4\t/x/z\n28\t/x\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec a du -a /x/y"), "12\t/x/y/big\n16\t/x/y\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec a du -c /x/y /x/z"), "16\t/x/y\n4\t/x/z\n20\ttotal\n");
    assert_eq!(ok(&mut e, &mut h, "docker exec a du -sh /x"), "28.0K\t/x\n");
    let missing = e.run("docker exec a du /nope", &mut h);
    assert_eq!((missing.status, missing.text.as_str()), (1, "du: /nope: No such file or directory\n"));
}
