//! Lint hints after a build: hadolint's ids and words, each with what it
//! cost in the layers the build made.

use layerlab_engine::{Engine, MemHost};

fn build(files: &[(&str, &str)], line: &str) -> String {
    let (mut e, mut h) = (Engine::new(), MemHost::new(files.iter().map(|(p, b)| (p.to_string(), b.as_bytes().to_vec()))));
    let out = e.run(line, &mut h);
    assert_eq!(out.status, 0, "{}", out.text);
    out.text
}

#[test]
fn exp3s_three_runs_cost_two_layers_and_exp4_is_clean() {
    let exp3 = "FROM alpine\nlabel author=khaaja\nRUN echo \"one\" > 1.txt\nRUN echo \"two\" > 2.txt\nRUN echo \"three\" > 3.txt\nCMD [\"sleep\", \"1d\"]\n";
    let out = build(&[("exp3", exp3)], "docker build -t exp3 -f exp3 .");
    let hints: Vec<&str> = out.lines().filter(|l| l.contains(" DL")).collect();
    assert_eq!(hints, ["exp3:4 DL3059 info: Multiple consecutive `RUN` instructions. Consider consolidation.", "exp3:5 DL3059 info: Multiple consecutive `RUN` instructions. Consider consolidation."], "{out}");
    assert!(out.contains("  cost: layer 3 (4B) is one more layer than needed") && out.contains("  cost: layer 4 (6B) is one more layer than needed"), "{out}");
    let exp4 = "FROM alpine\nlabel author=khaaja\nRUN echo \"one\" > 1.txt && \\\n  echo \"two\" > 2.txt && \\\n  echo \"three\" > 3.txt\nCMD [\"sleep\", \"1d\"]\n";
    let out = build(&[("exp4", exp4)], "DOCKER_BUILDKIT=0 docker build -t exp4 -f exp4 .");
    assert!(!out.contains(" DL"), "{out}");
}

#[test]
fn package_hints_say_what_they_left_in_the_layer() {
    let df = "FROM debian\nRUN apt-get update && apt-get install -y curl\n";
    let out = build(&[("Dockerfile", df)], "docker build -t a .");
    assert!(out.contains("Dockerfile:2 DL3009 info: Delete the apt lists (/var/lib/apt/lists) after installing something\n  cost: 19.06MB of apt lists stay in layer 2"), "{out}");
    assert!(out.contains("Dockerfile:2 DL3015 info: Avoid additional packages by specifying `--no-install-recommends`\n  cost: 448.6kB of recommended packages (ca-certificates, publicsuffix) in layer 2"), "{out}");
    assert!(out.contains("The following additional packages will be installed:\n#"), "apt-get says what it adds\n{out}");
    let fixed = "FROM debian\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n";
    let out = build(&[("Dockerfile", fixed)], "docker build -t a .");
    assert!(!out.contains(" DL"), "{out}");
    let apk = "FROM alpine\nRUN apk add curl\n";
    let out = build(&[("Dockerfile", apk)], "docker build -t a .");
    assert!(out.contains("DL3019 info: Use the `--no-cache` switch") && out.contains("  cost: 2.516MB of apk cache stays in layer 2"), "{out}");
    let check = build(&[("Dockerfile", "FROM python\nRUN pip install flask\n")], "docker build --check .");
    assert!(check.contains("Dockerfile:2 DL3042 warning: Avoid use of cache directory with pip. Use `pip install --no-cache-dir <package>`") && check.contains("Check complete, 1 hint found"), "{check}");
}
