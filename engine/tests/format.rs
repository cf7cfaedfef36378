//! `--format` Go templates and `| jq` as the seeds use them.

use layerlab_engine::template::Template;
use layerlab_engine::{Engine, MemHost};
use serde_json::json;

fn engine_with_alpine() -> (Engine, MemHost) {
    let (mut e, mut h) = (Engine::new(), MemHost::default());
    assert_eq!(e.run("docker pull alpine:3.17", &mut h).status, 0);
    (e, h)
}

#[test]
fn seed_forms_of_inspect_format() {
    let (mut e, mut h) = engine_with_alpine();
    let layer = e.image("alpine:3.17").unwrap().diff_ids()[0].to_string();
    let id = e.image("alpine:3.17").unwrap().id.to_string();
    let out = e.run("docker inspect alpine:3.17 --format '{{json .RootFS}}'", &mut h);
    assert_eq!(out.text, format!("{{\"Type\":\"layers\",\"Layers\":[\"{layer}\"]}}\n"));
    assert_eq!(e.run("docker image inspect --format '{{.Id}}' alpine:3.17", &mut h).text, format!("{id}\n"));
    let out = e.run("docker inspect -f '{{range .RootFS.Layers}}{{println .}}{{end}}' alpine:3.17", &mut h);
    assert_eq!(out.text, format!("{layer}\n\n"));
    let out = e.run("docker inspect --format={{.Config.Cmd}} alpine:3.17", &mut h);
    assert_eq!(out.text, "[/bin/sh]\n");
}

#[test]
fn seed_jq_pipe() {
    let (mut e, mut h) = engine_with_alpine();
    let layer = e.image("alpine:3.17").unwrap().diff_ids()[0].to_string();
    let out = e.run("docker inspect alpine:3.17 | jq -r '.[].RootFS'", &mut h);
    assert_eq!(out.status, 0);
    assert_eq!(out.text, format!("{{\n  \"Type\": \"layers\",\n  \"Layers\": [\n    \"{layer}\"\n  ]\n}}\n"));
    let out = e.run("docker image inspect alpine:3.17 | jq -r '.[0].RootFS.Layers[0]'", &mut h);
    assert_eq!(out.text, format!("{layer}\n"));
    let out = e.run("docker inspect alpine:3.17 | jq -c '.[].RootFS.Layers | length'", &mut h);
    assert_eq!(out.text, "1\n");
    let out = e.run("docker inspect alpine:3.17 | jq '.[].Id.x'", &mut h);
    assert_eq!(out.status, 5);
    assert!(out.text.starts_with("jq: error (at <stdin>:"), "{}", out.text);
    assert!(out.text.ends_with("Cannot index string with \"x\"\n"), "{}", out.text);
    let out = e.run("docker inspect alpine:3.17 | jq 'frob'", &mut h);
    assert_eq!(out.status, 3);
    let out = e.run("docker inspect alpine:3.17 | wc -l", &mut h);
    assert_eq!(out.status, 127);
    let out = e.run("docker inspect alpine:3.17 |", &mut h);
    assert_eq!(out.status, 2);
}

#[test]
fn template_subset_behaves_like_go() {
    let data = json!({"A": {"B": [1, 2], "M": {"z": 1, "a": "x"}}, "S": "str", "E": [], "N": null});
    let t = |s: &str| Template::parse(s).unwrap().execute(&data).unwrap();
    assert_eq!(t("{{.A.B}}"), "[1 2]");
    assert_eq!(t("{{.A.M}}"), "map[a:x z:1]");
    assert_eq!(t("{{.Missing}}"), "<no value>");
    assert_eq!(t("{{join .A.B \"-\"}}"), "1-2");
    assert_eq!(t("{{range .A.B}}<{{.}}>{{end}}"), "<1><2>");
    assert_eq!(t("{{if .E}}yes{{else}}no{{end}}"), "no");
    assert_eq!(t("{{if .S}}{{upper .S}}{{end}}"), "STR");
    assert_eq!(t("{{index .A.M \"a\"}} {{len .A.B}}"), "x 2");
    assert_eq!(t("{{json .A.M}}"), r#"{"z":1,"a":"x"}"#);
    assert!(Template::parse("{{range .A}}").is_err());
    assert!(Template::parse("{{nope .A}}").unwrap_err().contains("function \"nope\" not defined"));
    assert!(Template::parse("{{.A}").is_err());
    assert!(Template::parse("{{.S}}").unwrap().execute(&json!("x")).is_err());
}
