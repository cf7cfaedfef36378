//! Dockerfile features beyond the seeds: here-documents, ADD's unpacking of
//! local archives, the shell's tar, BuildKit's predefined platform ARGs.

mod common;

use common::ok;
use layerlab_engine::fs::components;
use layerlab_engine::{Engine, MemHost};

fn file(e: &Engine, image: &str, path: &str) -> String {
    let img = e.image(image).unwrap_or_else(|| panic!("no image {image}"));
    let node = e.rootfs(img).unwrap().get(&components(path)).unwrap_or_else(|| panic!("{path} missing in {image}"));
    String::from_utf8(node.body().unwrap().to_vec()).unwrap()
}

#[test]
fn heredocs_in_run_and_copy() {
    let df = "FROM alpine\nENV NAME=world\n\
RUN <<EOF\nmkdir -p /app\necho one > /app/1.txt\necho two > /app/2.txt\nEOF\n\
RUN cat <<EOF > /app/hello.txt\nhello $NAME\nEOF\n\
RUN cat <<'EOF' > /app/raw.txt\nhello $NAME\nEOF\n\
COPY <<EOF /etc/motd\nWelcome, ${NAME}\nEOF\n\
COPY <<a.txt <<b.txt /docs/\nA\na.txt\nB\nb.txt\n\
RUN <<-EOT\n\techo tabbed > /app/tab.txt\n\tEOT\n";
    let (mut e, mut h) = (Engine::new(), MemHost::new([("Dockerfile", df)]));
    let out = ok(&mut e, &mut h, "docker build -t docs .");
    let img = e.image("docs").unwrap().clone();
    let base = e.image("alpine").unwrap().diff_ids().len();
    assert_eq!(img.diff_ids().len(), base + 6, "each RUN/COPY is one layer, however many lines its document has\n{out}");
    assert_eq!(file(&e, "docs", "/app/1.txt"), "one\n");
    assert_eq!(file(&e, "docs", "/app/2.txt"), "two\n");
    assert_eq!(file(&e, "docs", "/app/hello.txt"), "hello world\n", "an unquoted delimiter expands variables");
    assert_eq!(file(&e, "docs", "/app/raw.txt"), "hello $NAME\n", "a quoted one does not");
    assert_eq!(file(&e, "docs", "/etc/motd"), "Welcome, world\n");
    assert_eq!(file(&e, "docs", "/docs/a.txt"), "A\n");
    assert_eq!(file(&e, "docs", "/docs/b.txt"), "B\n");
    assert_eq!(file(&e, "docs", "/app/tab.txt"), "tabbed\n", "<<- strips leading tabs, the delimiter's too");
    // Rebuilt unchanged: cached. A changed document busts its step.
    let again = ok(&mut e, &mut h, "docker build -t docs .");
    assert_eq!(again.matches("CACHED").count(), 7, "{again}");
    h.files.insert("Dockerfile".into(), df.replace("Welcome", "Hello").into_bytes());
    let changed = ok(&mut e, &mut h, "docker build -t docs .");
    assert_eq!(changed.matches("CACHED").count(), 4, "FROM and the three RUNs before the COPY\n{changed}");

    let bad = e.run("docker build -f bad .", &mut MemHost::new([("bad", "FROM alpine\nRUN <<EOF\necho never ends\n")]));
    assert!(bad.status != 0 && bad.text.contains("dockerfile parse error on line 2: unterminated heredoc EOF"), "{}", bad.text);
}

#[test]
fn add_unpacks_a_local_tar_archive_copy_does_not() {
    // The archive is made by GNU tar, a real tool.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src/conf")).unwrap();
    std::fs::write(dir.path().join("src/conf/app.conf"), "port=8080\n").unwrap();
    std::fs::write(dir.path().join("src/README"), "read me\n").unwrap();
    let st = std::process::Command::new("tar").args(["-czf", "app.tar.gz", "-C", "src", "."]).current_dir(dir.path()).status().unwrap();
    assert!(st.success());
    let archive = std::fs::read(dir.path().join("app.tar.gz")).unwrap();
    let mut h = MemHost::new([("Dockerfile", b"FROM alpine\nADD app.tar.gz /opt/app/\nCOPY app.tar.gz /archives/\n".to_vec()), ("app.tar.gz", archive.clone())]);
    let mut e = Engine::new();
    ok(&mut e, &mut h, "docker build -t unpacked .");
    assert_eq!(file(&e, "unpacked", "/opt/app/conf/app.conf"), "port=8080\n");
    assert_eq!(file(&e, "unpacked", "/opt/app/README"), "read me\n");
    let img = e.image("unpacked").unwrap();
    let copied = e.rootfs(img).unwrap().get(&components("/archives/app.tar.gz")).unwrap();
    assert_eq!(copied.body().unwrap().to_vec(), archive, "COPY keeps the archive as a file");
    // A file that only looks like an archive by name is copied as it is.
    let mut h = MemHost::new([("Dockerfile", "FROM alpine\nADD fake.tar /x/\n"), ("fake.tar", "not a tar\n")]);
    ok(&mut e, &mut h, "docker build -t fake .");
    assert_eq!(file(&e, "fake", "/x/fake.tar"), "not a tar\n");
}

#[test]
fn the_shells_tar_makes_archives_gnu_tar_reads_and_unpacks_them() {
    let df = "FROM alpine\nRUN mkdir -p /src/sub && echo a > /src/a.txt && echo b > /src/sub/b.txt && \\\n    tar -czf /src.tgz -C /src . && mkdir /out && tar xzf /src.tgz -C /out && tar -tzf /src.tgz > /list.txt\n";
    let (mut e, mut h) = (Engine::new(), MemHost::new([("Dockerfile", df)]));
    ok(&mut e, &mut h, "docker build -t t .");
    assert_eq!(file(&e, "t", "/out/a.txt"), "a\n");
    assert_eq!(file(&e, "t", "/out/sub/b.txt"), "b\n");
    assert_eq!(file(&e, "t", "/list.txt"), "a.txt\nsub/\nsub/b.txt\n");
    let img = e.image("t").unwrap();
    let tgz = e.rootfs(img).unwrap().get(&components("/src.tgz")).unwrap().body().unwrap().to_vec();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("src.tgz"), &tgz).unwrap();
    let out = std::process::Command::new("tar").args(["-tzf", "src.tgz"]).current_dir(dir.path()).output().unwrap();
    assert!(out.status.success(), "GNU tar reads it: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "a.txt\nsub/\nsub/b.txt\n");
    let bad = e.run("docker build -f bad .", &mut MemHost::new([("bad", "FROM alpine\nRUN echo x > /x && tar -xf /x\n")]));
    assert!(bad.status != 0 && bad.text.contains("tar: invalid tar magic"), "{}", bad.text);
}

#[test]
fn predefined_platform_args() {
    let df = "ARG TARGETARCH\nFROM alpine\nARG TARGETPLATFORM\nARG BUILDARCH\nRUN echo $TARGETPLATFORM $BUILDARCH \"[$TARGETARCH]\" > /p\n";
    let (mut e, mut h) = (Engine::new(), MemHost::new([("Dockerfile", df)]));
    ok(&mut e, &mut h, "docker build -t p .");
    assert_eq!(file(&e, "p", "/p"), "linux/amd64 amd64 []\n", "a stage sees only the ARGs it declares");
}

#[test]
fn run_mounts_keep_their_files_out_of_the_layer() {
    let df = "FROM alpine AS tools\nRUN mkdir /opt/tool && echo v1 > /opt/tool/version\n\
FROM alpine\n\
RUN --mount=type=cache,target=/var/cache/apk apk add curl\n\
RUN --mount=type=cache,target=/var/cache/apk ls /var/cache/apk > /seen-cache\n\
RUN --mount=type=tmpfs,target=/scratch echo temp > /scratch/t && cat /scratch/t > /from-tmpfs\n\
RUN --mount=type=bind,source=conf,target=/mnt/conf cp /mnt/conf/app.conf /app.conf\n\
RUN --mount=type=bind,from=tools,source=/opt/tool,target=/tool cat /tool/version > /tool-version\n";
    let (mut e, mut h) = (Engine::new(), MemHost::new([("Dockerfile", df), ("conf/app.conf", "port=80\n")]));
    let out = ok(&mut e, &mut h, "docker build -t m .");
    assert!(!out.contains("DL3019"), "a cache mount over /var/cache/apk is hadolint's other accepted fix: {out}");
    let img = e.image("m").unwrap().clone();
    let view = e.rootfs(&img).unwrap();
    // The apk cache lived in the cache mount, not in the image.
    assert!(view.descendants(&components("/var/cache/apk")).next().is_none(), "nothing under the cache mount's target is in the image");
    assert!(file(&e, "m", "/seen-cache").contains("APKINDEX"), "the next RUN saw the cache");
    assert_eq!(file(&e, "m", "/from-tmpfs"), "temp\n");
    assert!(view.descendants(&components("/scratch")).next().is_none());
    assert_eq!(file(&e, "m", "/app.conf"), "port=80\n");
    assert!(view.get(&components("/mnt/conf/app.conf")).is_none(), "the bind mount's files are not in the image");
    assert_eq!(file(&e, "m", "/tool-version"), "v1\n");
    // The cache outlives the build: a new build's RUN sees it.
    let mut h2 = MemHost::new([("Dockerfile", "FROM alpine\nRUN --mount=type=cache,target=/var/cache/apk ls /var/cache/apk > /again\n")]);
    ok(&mut e, &mut h2, "docker build -t again .");
    assert!(file(&e, "again", "/again").contains("APKINDEX"));
    let df = e.run("docker system df", &mut h2).text;
    let row = df.lines().find(|l| l.starts_with("Build Cache")).unwrap();
    assert!(row.contains("2.516MB") && !row.contains(" 0B"), "the apk cache mount is build cache\n{df}");
    // A read-only bind mount cannot be written.
    let mut bad = MemHost::new([("Dockerfile", "FROM alpine\nRUN --mount=type=bind,target=/src echo x > /src/new\n"), ("a", "a")]);
    let out = e.run("docker build .", &mut bad);
    assert!(out.status != 0 && out.text.contains("a read-only bind mount: Read-only file system"), "{}", out.text);
}

#[test]
fn copy_link_makes_a_layer_independent_of_the_ones_below() {
    let df = "FROM alpine\nCOPY --link app.conf /etc/app/\nCOPY --link app.conf /tmp\n";
    let (mut e, mut h) = (Engine::new(), MemHost::new([("Dockerfile", df), ("app.conf", "x=1\n")]));
    ok(&mut e, &mut h, "docker build -t linked .");
    assert_eq!(file(&e, "linked", "/etc/app/app.conf"), "x=1\n");
    assert_eq!(file(&e, "linked", "/tmp/app.conf"), "x=1\n", "an existing destination directory stays a directory");
    let img = e.image("linked").unwrap().clone();
    let top = e.blob(img.diff_ids().last().unwrap()).unwrap();
    let names: Vec<String> = tar::Archive::new(&*top).entries().unwrap().map(|x| x.unwrap().path().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["tmp/", "tmp/app.conf"], "the layer holds its own directories");
    // The same COPY --link on another base gives the same layer.
    let (mut e2, mut h2) = (Engine::new(), MemHost::new([("Dockerfile", "FROM debian\nCOPY --link app.conf /etc/app/\n"), ("app.conf", "x=1\n")]));
    ok(&mut e2, &mut h2, "docker build -t linked2 .");
    let a = e.image("linked").unwrap().diff_ids()[1].clone();
    let b = e2.image("linked2").unwrap().diff_ids().last().unwrap().clone();
    assert_eq!(a, b, "a linked layer does not depend on its parent");
}
