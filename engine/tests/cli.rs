//! The `layerlab` binary, run as a user runs it.

use layerlab_engine::{DirHost, Engine};
use std::io::Write;
use std::process::{Command, Stdio};

fn layerlab(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_layerlab"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

fn hello_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), "FROM scratch\nCOPY hello.txt /\n").unwrap();
    std::fs::write(dir.path().join("hello.txt"), "hello from a real folder\n").unwrap();
    dir
}

#[test]
fn run_from_stdin_prints_each_command_and_its_output() {
    let dir = hello_dir();
    let ctx = dir.path().to_str().unwrap();
    let (code, out, err) = layerlab(&["run", "--context", ctx], "docker build -t hello .\n\n# a comment\ndocker image inspect hello\n");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("$ docker build -t hello .\n#0 building with"), "{out}");
    assert!(out.contains("\n$ docker image inspect hello\n[\n    {\n"), "{out}");
    assert_eq!(out.matches("\n$ ").count() + 1, 2, "comments and blank lines are skipped: {out}");

    // The diff_id printed equals sha256sum of the layer tar the engine produces
    // for the same folder.
    let inspect = out.split("$ docker image inspect hello\n").nth(1).unwrap();
    let json: serde_json::Value = serde_json::from_str(inspect).unwrap();
    let printed = json[0]["RootFS"]["Layers"][0].as_str().unwrap().to_string();
    let mut engine = Engine::new();
    engine.run("docker build -t hello .", &mut DirHost { root: dir.path().into() });
    let diff_id = engine.image("hello").unwrap().diff_ids()[0].clone();
    let tar_path = dir.path().join("layer.tar");
    std::fs::write(&tar_path, engine.blob(&diff_id).unwrap()).unwrap();
    let sum = Command::new("sha256sum").arg(&tar_path).output().unwrap();
    let sum = String::from_utf8_lossy(&sum.stdout).split_whitespace().next().unwrap().to_string();
    assert_eq!(printed, format!("sha256:{sum}"));
    let listing = Command::new("tar").arg("-tf").arg(&tar_path).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&listing.stdout), "hello.txt\n");
}

#[test]
fn script_file_runs_every_line_and_exit_status_reports_failure() {
    let dir = hello_dir();
    let script = dir.path().join("script.txt");
    std::fs::write(&script, "docker image inspect nope\ndocker build -t hello .\n").unwrap();
    let (code, out, _) = layerlab(&["run", "--context", dir.path().to_str().unwrap(), script.to_str().unwrap()], "");
    assert_eq!(code, 1, "a failed command makes the run fail");
    assert!(out.contains("Error: No such image: nope"));
    assert!(out.contains("naming to docker.io/library/hello:latest done"), "later lines still run: {out}");
}

#[test]
fn dash_means_stdin_and_bad_usage_is_explained() {
    let dir = hello_dir();
    let (code, out, _) = layerlab(&["run", "--context", dir.path().to_str().unwrap(), "-"], "docker build .\n");
    assert_eq!(code, 0, "{out}");
    let (code, _, err) = layerlab(&["frob"], "");
    assert_eq!(code, 2);
    assert!(err.contains("unknown command \"frob\"") && err.contains("Usage: layerlab run"), "{err}");
    let (code, out, _) = layerlab(&["--help"], "");
    assert_eq!(code, 0);
    assert!(out.starts_with("Usage: layerlab run"));
}

#[test]
fn file_modes_from_the_folder_go_into_the_layer() {
    let dir = hello_dir();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.path().join("hello.txt"), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let mut engine = Engine::new();
    let out = engine.run("docker build -t hello .", &mut DirHost { root: dir.path().into() });
    assert_eq!(out.status, 0, "{}", out.text);
    let diff_id = engine.image("hello").unwrap().diff_ids()[0].clone();
    let blob = engine.blob(&diff_id).unwrap();
    let mut archive = tar::Archive::new(&*blob);
    let entry = archive.entries().unwrap().next().unwrap().unwrap();
    #[cfg(unix)]
    assert_eq!(entry.header().mode().unwrap(), 0o755);
    assert_eq!(entry.header().mtime().unwrap(), 0, "mtime is fixed whatever the folder says");
}

#[test]
fn parse_prints_buildkits_dump() {
    let case = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance/buildkit-parser/testfiles/flags");
    let (code, out, err) = layerlab(&["parse", case.join("Dockerfile").to_str().unwrap()], "");
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, std::fs::read_to_string(case.join("result")).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("Dockerfile");
    std::fs::write(&bad, "FROM a\nENV PATH\n").unwrap();
    let (code, _, err) = layerlab(&["parse", bad.to_str().unwrap()], "");
    assert_eq!(code, 1);
    assert!(err.ends_with("dockerfile parse error on line 2: ENV must have two arguments\n"), "{err}");
}

/// The seeds' container flows (000/001 and 002) as a classroom script, through the binary.
#[test]
fn the_seeds_container_flows_run_through_layerlab_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), "FROM openjdk:8\nCOPY spring-petclinic.jar /\nCMD [\"java\", \"-jar\", \"/spring-petclinic.jar\"]\n").unwrap();
    std::fs::write(dir.path().join("spring-petclinic.jar"), "PK simulated\n").unwrap();
    let script = "\
docker image build -t springpetclinic:1.0 .
docker container run --name cont1 -d -P springpetclinic:1.0
docker container run --name cont2 -d -P springpetclinic:1.0
docker exec cont1 sh -c 'echo hello > /hello.txt'
docker exec cont2 cat /hello.txt
docker ps -s
docker diff cont1
docker rm -f cont1
docker ps -a
docker container run -d --name mysqlldb -e MYSQL_ROOT_PASSWORD=rootroot -e MYSQL_DATABASE=employees mysql
docker container exec -it mysqlldb mysql --password=rootroot
use employees;
CREATE TABLE Persons (PersonID int, LastName varchar(255));
Insert into Persons Values (1,'test');
Select * from Persons;
exit
docker rm -f mysqlldb
docker container run -d --name mysqlldb -e MYSQL_ROOT_PASSWORD=rootroot -e MYSQL_DATABASE=employees -v dbdata:/var/lib/mysql mysql
docker container exec -it mysqlldb mysql --password=rootroot employees
CREATE TABLE Persons (PersonID int, LastName varchar(255));
Insert into Persons Values (1,'kept');
exit
docker rm -f mysqlldb
docker container run -d --name mysql2 -e MYSQL_ROOT_PASSWORD=rootroot -v dbdata:/var/lib/mysql mysql
docker exec mysql2 mysql --password=rootroot employees -e 'Select * from Persons'
docker info
";
    std::fs::write(dir.path().join("classroom.txt"), script).unwrap();
    let (code, out, err) = layerlab(&["run", "--context", dir.path().to_str().unwrap(), dir.path().join("classroom.txt").to_str().unwrap()], "");
    assert_eq!(code, 1, "one command fails on purpose (cat in cont2)\n{out}{err}");
    let after = |cmd: &str| -> String {
        let start = out.find(&format!("{cmd}\n")).unwrap_or_else(|| panic!("{cmd} missing in\n{out}")) + cmd.len() + 1;
        let rest = &out[start..];
        rest[..rest.find("\n$ ").map_or(rest.len(), |i| i + 1)].to_string()
    };
    assert_eq!(after("$ docker exec cont2 cat /hello.txt"), "cat: /hello.txt: No such file or directory\n");
    assert!(after("$ docker diff cont1").contains("A /hello.txt\n"));
    let ps = after("$ docker ps -a");
    assert!(ps.contains(" cont2\n") && !ps.contains("cont1"), "{ps}");
    assert!(out.contains("mysql> use employees;\nDatabase changed\n"), "the prompt is the client's\n{out}");
    assert!(out.contains("|        1 | test     |\n"), "{out}");
    assert!(after("$ docker exec mysql2 mysql --password=rootroot employees -e 'Select * from Persons'").contains("|        1 | kept     |"), "{out}");
    assert!(after("$ docker info").contains(" Storage Driver: overlay2\n"));
}

/// Seed 002's Experiments 1–4 with their exact Dockerfiles, classic builder, through the binary.
#[test]
fn the_seeds_experiments_through_layerlab_run_have_1_2_4_2_layers() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in layerlab_engine::bench::SEED_EXPERIMENTS {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    std::fs::write(dir.path().join("1.txt"), "one\n").unwrap();
    let mut script = String::from("docker image pull alpine\nexport DOCKER_BUILDKIT=0\n");
    for n in 1..=4 {
        script.push_str(&format!("docker image build -t exp{n} -f exp{n} .\n"));
    }
    for name in ["alpine", "exp1", "exp2", "exp3", "exp4"] {
        script.push_str(&format!("docker inspect {name} --format '{{{{json .RootFS.Layers}}}}'\n"));
    }
    let (code, out, err) = layerlab(&["run", "--context", dir.path().to_str().unwrap()], &script);
    assert_eq!(code, 0, "{out}{err}");
    let layers: Vec<Vec<String>> = out.lines().filter(|l| l.starts_with("[\"sha256:")).map(|l| serde_json::from_str(l).unwrap()).collect();
    let counts: Vec<usize> = layers.iter().map(Vec::len).collect();
    assert_eq!(counts, [1, 1, 2, 4, 2], "alpine, exp1…exp4\n{out}");
    for exp in &layers[1..] {
        assert_eq!(exp[0], layers[0][0], "every experiment starts with alpine's layer");
    }
    assert_eq!(out.matches("Successfully built ").count(), 4);
    assert!(out.contains("Step 1/3 : FROM alpine\n ---> ") && out.contains("Step 3/4 : ADD 1.txt /\n ---> "), "{out}");
}
