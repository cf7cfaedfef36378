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
