//! The classic builder (`DOCKER_BUILDKIT=0`): its output against the seed
//! transcript (seeds/002), its history texts, cache lines and errors.

mod common;

use common::ok;
use layerlab_engine::{Engine, MemHost};

/// Replaces 12-hex IDs with `<id>` and the context size with `<size>`,
/// and writes the arrow as Docker prints it (the transcript lost its space).
fn normalise(line: &str) -> String {
    let line = line.trim_end();
    let line = if let Some(rest) = line.strip_prefix("----> ") { format!(" ---> {rest}") } else { line.to_string() };
    let words: Vec<String> = line
        .split(' ')
        .map(|w| {
            if w.len() >= 11 && w.len() <= 12 && w.bytes().all(|b| b.is_ascii_hexdigit()) {
                "<id>".to_string()
            } else if w.ends_with("kB") && w[..w.len() - 2].parse::<f64>().is_ok() {
                "<size>".to_string()
            } else {
                w.to_string()
            }
        })
        .collect();
    // Docker pads the size with two spaces; the transcript shows one.
    words.join(" ").replace("daemon  <size>", "daemon <size>")
}

/// The seed's `docker image build -t exp1 -f exp1 .` transcript.
fn seed_transcript() -> (String, Vec<String>) {
    let seed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/seeds/002_fea6ffc2391d44fd.txt"))
        .expect("../shared/seeds beside the repository");
    let lines: Vec<&str> = seed.lines().collect();
    let start = lines.iter().position(|l| l.trim() == "$ docker image build -t exp1 -f exp1 .").expect("the transcript");
    let body: Vec<String> = lines[start + 1..].iter().take_while(|l| !l.starts_with("[node1]")).map(|l| normalise(l)).collect();
    // The Dockerfile the transcript built: the block under "Experiment 1".
    let exp = seed.find("Experiment 1").unwrap();
    let block = &seed[exp..];
    let from = block.find("FROM alpine").unwrap();
    let end = block[from..].find("```").unwrap();
    (block[from..from + end].trim_end().to_string() + "\n", body)
}

#[test]
fn exp1_classic_output_matches_the_seed_transcript_line_by_line() {
    let (dockerfile, expected) = seed_transcript();
    assert_eq!(dockerfile, "FROM alpine\nlabel author=khaja\nCMD [\"sleep\", \"1d\"]\n");
    let (mut e, mut h) = (Engine::new(), MemHost::new([("exp1", dockerfile.as_str())]));
    ok(&mut e, &mut h, "docker image pull alpine");
    let out = ok(&mut e, &mut h, "DOCKER_BUILDKIT=0 docker image build -t exp1 -f exp1 .");
    let got: Vec<String> = out.lines().map(normalise).collect();
    assert_eq!(got, expected, "\n{out}");
    // The IDs are real: step 1 is alpine's, the last is the image's.
    let alpine = e.image("alpine").unwrap().id.hex()[..12].to_string();
    let exp1 = e.image("exp1").unwrap().id.hex()[..12].to_string();
    assert!(out.contains(&format!("Step 1/3 : FROM alpine\n ---> {alpine}\n")), "{out}");
    assert!(out.contains(&format!(" ---> {exp1}\nSuccessfully built {exp1}\nSuccessfully tagged exp1:latest\n")), "{out}");
    assert_eq!(e.image("exp1").unwrap().diff_ids(), e.image("alpine").unwrap().diff_ids());
    // The intermediate container of a step is the one named on both lines.
    let running: Vec<&str> = out.lines().filter_map(|l| l.strip_prefix(" ---> Running in ")).collect();
    let removed: Vec<&str> = out.lines().filter_map(|l| l.strip_prefix("Removing intermediate container ")).collect();
    assert_eq!(running, removed);
    assert_eq!(running.len(), 2);
}

#[test]
fn classic_history_cache_and_empty_steps() {
    let mut h = MemHost::new([
        ("Dockerfile", "FROM alpine\nLABEL a=b\nADD 1.txt /\nRUN echo one > 1.txt\nRUN true\nWORKDIR /app\nEXPOSE 80\nCMD [\"sleep\", \"1d\"]\n"),
        ("1.txt", "hello\n"),
    ]);
    let mut e = Engine::new();
    ok(&mut e, &mut h, "export DOCKER_BUILDKIT=0");
    let first = ok(&mut e, &mut h, "docker build -t c .");
    assert!(first.contains("Step 1/8 : FROM alpine\nlatest: Pulling from library/alpine\n"), "the base is pulled in the FROM step\n{first}");
    assert!(first.contains("Step 3/8 : ADD 1.txt /\n ---> "), "COPY/ADD run no container\n{first}");
    assert!(!first.contains("Using cache"), "{first}");
    let img = e.image("c").unwrap().clone();
    let alpine = e.image("alpine").unwrap().diff_ids().len();
    assert_eq!(img.diff_ids().len(), alpine + 3, "ADD, RUN echo, WORKDIR /app: `RUN true` changed nothing, so no layer\n{first}");
    let history: Vec<(&str, bool)> = img.config.history.iter().map(|h| (h.created_by.as_str(), h.empty_layer)).collect();
    let ours = &history[history.len() - 7..];
    assert_eq!(ours[0], ("/bin/sh -c #(nop)  LABEL a=b", true));
    assert!(ours[1].0.starts_with("/bin/sh -c #(nop) ADD file:") && ours[1].0.ends_with(" in / ") && !ours[1].1, "{:?}", ours[1]);
    assert_eq!(ours[2], ("/bin/sh -c echo one > 1.txt", false));
    assert_eq!(ours[3], ("/bin/sh -c true", true), "the classic builder marks an unchanged step empty_layer");
    assert_eq!(ours[4], ("/bin/sh -c #(nop) WORKDIR /app", false));
    assert_eq!(ours[5], ("/bin/sh -c #(nop)  EXPOSE 80", true));
    assert_eq!(ours[6], ("/bin/sh -c #(nop)  CMD [\"sleep\" \"1d\"]", true));
    assert!(img.config.history.iter().rev().take(7).all(|h| h.comment.is_empty()));

    // Rebuild: every step after FROM says Using cache and prints the same IDs.
    let second = ok(&mut e, &mut h, "docker build -t c .");
    assert_eq!(second.matches(" ---> Using cache\n").count(), 7, "{second}");
    assert!(!second.contains("Running in"), "{second}");
    assert_eq!(e.image("c").unwrap().id, img.id);
    // A changed file busts the cache from its ADD on.
    h.files.insert("1.txt".into(), b"changed\n".to_vec());
    let third = ok(&mut e, &mut h, "docker build -t c .");
    assert_eq!(third.matches(" ---> Using cache\n").count(), 1, "only LABEL is cached\n{third}");
    assert!(third.contains("(Layer Lab) cache miss: 1.txt changed"), "{third}");
    // BuildKit's cache is its own: the same Dockerfile under BuildKit runs every step.
    let bk = ok(&mut e, &mut h, "DOCKER_BUILDKIT=1 docker build -t bk .");
    assert!(bk.contains("#1 [internal] load build definition from Dockerfile") && !bk.contains("CACHED\n\n#7"), "{bk}");
}

#[test]
fn classic_failures_use_the_classic_words_and_change_nothing() {
    let mut h = MemHost::new([
        ("bad-run", "FROM alpine\nRUN foo\n"),
        ("bad-parse", "FROM alpine\nLABEL a=b\nFORM alpine\n"),
        ("bad-copy", "FROM alpine\nCOPY nofile /\n"),
        ("bad-base", "FROM nosuchimage\n"),
    ]);
    let mut e = Engine::new();
    ok(&mut e, &mut h, "docker pull alpine");
    let before = ok(&mut e, &mut h, "docker images");
    let run = e.run("DOCKER_BUILDKIT=0 docker build -t x -f bad-run .", &mut h);
    assert_eq!(run.status, 1);
    let tail: Vec<&str> = run.text.lines().rev().take(4).collect();
    assert_eq!(tail[0], "The command '/bin/sh -c foo' returned a non-zero code: 127", "{}", run.text);
    assert_eq!(tail[1], "/bin/sh: foo: not found");
    assert!(tail[2].starts_with(" ---> Running in ") && tail[3] == "Step 2/2 : RUN foo", "{}", run.text);
    let parse = e.run("DOCKER_BUILDKIT=0 docker build -t x -f bad-parse .", &mut h);
    assert!(parse.text.ends_with("Error response from daemon: dockerfile parse error on line 3: unknown instruction: FORM (did you mean from?)\n"), "{}", parse.text);
    let copy = e.run("DOCKER_BUILDKIT=0 docker build -t x -f bad-copy .", &mut h);
    assert!(copy.text.contains("Step 2/2 : COPY nofile /\nCOPY failed: "), "{}", copy.text);
    let base = e.run("DOCKER_BUILDKIT=0 docker build -t x -f bad-base .", &mut h);
    assert!(base.text.contains("Step 1/1 : FROM nosuchimage\npull access denied for nosuchimage, repository does not exist"), "{}", base.text);
    assert_eq!(ok(&mut e, &mut h, "docker images"), before, "failed builds leave the images as they were");
}

/// The classic builder keeps an image after each step, made on the one
/// before: `docker history` shows their IDs, `docker images -a` lists
/// them untagged, and `docker rmi` takes the untagged ones along. The page
/// does not draw them; BuildKit makes none.
#[test]
fn classic_step_images_are_kept_as_parents() {
    let mut h = MemHost::new([("Dockerfile", "FROM alpine\nRUN echo one > /one\nENV A=1\nRUN echo two > /two\n")]);
    let mut e = Engine::new();
    ok(&mut e, &mut h, "docker pull alpine");
    let alpine = e.image("alpine").unwrap().id.short().to_string();
    let out = ok(&mut e, &mut h, "DOCKER_BUILDKIT=0 docker build -t c .");
    // The IDs the build printed after each step, the base image's first.
    let steps: Vec<&str> = out.lines().filter_map(|l| l.strip_prefix(" ---> ")).filter(|id| !id.starts_with("Running")).collect();
    assert_eq!(steps.len(), 4, "{out}");
    assert_eq!(steps[0], alpine);
    let history = ok(&mut e, &mut h, "docker history -q c");
    let ids: Vec<&str> = history.lines().collect();
    assert_eq!(ids[..4], [steps[3], steps[2], steps[1], steps[0]], "{history}");
    assert!(ids[4..].iter().all(|i| *i == "<missing>"), "alpine was pulled: no parent: {history}");
    // Step images: listed with -a only; dangling is not what they are.
    assert_eq!(ok(&mut e, &mut h, "docker images -q").lines().count(), 2);
    let all = ok(&mut e, &mut h, "docker images -a");
    assert_eq!(all.lines().filter(|l| l.starts_with("<none>")).count(), 2, "{all}");
    assert_eq!(ok(&mut e, &mut h, "docker images -q --filter dangling=true"), "");
    assert_eq!(e.images_view().len(), 2, "the page draws alpine and c only");
    assert!(ok(&mut e, &mut h, "docker system df").contains("Images          2"));
    // A parent cannot go; an untagged base stays as a parent.
    let refused = e.run(&format!("docker rmi {}", steps[1]), &mut h);
    assert_eq!((refused.status, refused.text), (1, format!("Error response from daemon: conflict: unable to delete {} (cannot be forced) - image has dependent child images\n", steps[1])));
    assert_eq!(ok(&mut e, &mut h, "docker rmi alpine"), "Untagged: alpine:latest\n");
    assert_eq!(ok(&mut e, &mut h, "docker images -a -q").lines().count(), 4);
    assert_eq!(ok(&mut e, &mut h, "docker images -q").lines().count(), 1);
    // The run keeps its container's image; rmi c takes c and every untagged parent.
    let gone = ok(&mut e, &mut h, "docker rmi c");
    let deleted_images: Vec<String> = gone.lines().filter_map(|l| l.strip_prefix("Deleted: sha256:")).map(|d| d[..12].to_string()).filter(|d| steps.contains(&d.as_str())).collect();
    assert_eq!(deleted_images, [steps[3], steps[2], steps[1], steps[0]], "{gone}");
    assert_eq!(ok(&mut e, &mut h, "docker images -a -q"), "");

    // --no-prune keeps the parents; image prune removes the dangling head and its parents.
    ok(&mut e, &mut h, "DOCKER_BUILDKIT=0 docker build -t c .");
    ok(&mut e, &mut h, "docker rmi --no-prune c");
    assert_eq!(ok(&mut e, &mut h, "docker images -q").lines().count(), 2, "alpine, and the last parent, dangling now");
    ok(&mut e, &mut h, "docker image prune -f");
    assert_eq!(ok(&mut e, &mut h, "docker images -a -q").lines().count(), 1, "alpine, tagged, stays");

    // Classic multi-stage: the first stage's last image is left dangling, as Docker leaves it.
    let mut h = MemHost::new([("Dockerfile", "FROM alpine AS build\nRUN echo built > /app\nFROM scratch\nCOPY --from=build /app /app\n")]);
    let out = ok(&mut e, &mut h, "DOCKER_BUILDKIT=0 docker build -t m .");
    let built = out.lines().skip_while(|l| !l.starts_with("Step 2/4")).find_map(|l| l.strip_prefix(" ---> ").filter(|id| id.len() == 12)).unwrap();
    assert_eq!(ok(&mut e, &mut h, "docker images --filter dangling=true -q"), format!("{built}\n"));
    let m = e.image("m").unwrap().id.short().to_string();
    assert_eq!(ok(&mut e, &mut h, "docker history -q m"), format!("{m}\n"), "FROM scratch: no parent");
    // docker commit: the new image is made on the container's.
    ok(&mut e, &mut h, "docker run --name w alpine touch /w");
    ok(&mut e, &mut h, "docker commit w snap");
    let history = ok(&mut e, &mut h, "docker history -q snap");
    let alpine = e.image("alpine").unwrap().id.short().to_string();
    assert_eq!(history.lines().take(2).nth(1), Some(alpine.as_str()), "{history}");
    let parent = ok(&mut e, &mut h, "docker image inspect -f '{{.Parent}}' snap");
    assert_eq!(parent, format!("{}\n", e.image("alpine").unwrap().id));
        // BuildKit keeps no step images.
    let mut h = MemHost::new([("Dockerfile", "FROM alpine\nRUN echo one > /one\nENV A=1\n")]);
    ok(&mut e, &mut h, "docker build -t k .");
    assert_eq!(ok(&mut e, &mut h, "docker history -q k").lines().filter(|l| *l != "<missing>").count(), 1);
}
