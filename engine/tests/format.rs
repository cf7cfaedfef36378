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

/// `docker inspect -f` runs on Docker's Go structs: a nil slice prints `[]`,
/// a nil map `map[]`, a nil pointer `<nil>`, an unset string nothing; a
/// container's Config keeps its entrypoint and its command apart.
#[test]
fn inspect_formats_print_go_zero_values_and_the_container_config() {
    let (mut e, mut h) = engine_with_alpine();
    let f = |e: &mut Engine, h: &mut MemHost, args: &str| {
        let out = e.run(&format!("docker inspect -f {args}"), h);
        assert_eq!(out.status, 0, "{args}: {}", out.text);
        out.text
    };
    let image = "'{{.Config.Cmd}} {{.Config.Entrypoint}} <{{.Config.User}}> {{.Config.Volumes}} {{json .Config.Entrypoint}} {{json .Config.User}} {{len .Config.Entrypoint}}' alpine:3.17";
    assert_eq!(f(&mut e, &mut h, image), "[/bin/sh] [] <> map[] null \"\" 0\n");
    assert_eq!(e.run("docker run -d --name k alpine:3.17 sleep 1000", &mut h).status, 0);
    let container = "'{{.Path}} {{.Args}} {{.Config.Cmd}} {{.Config.Entrypoint}} {{.HostConfig.Binds}} {{.Config.Volumes}} {{.State.Health}}' k";
    assert_eq!(f(&mut e, &mut h, container), "sleep [1000] [sleep 1000] [] [] map[] <nil>\n");
    // The JSON keeps Docker's nulls.
    let json = e.run("docker inspect k", &mut h).text;
    assert!(json.contains("\"Binds\": null") && json.contains("\"Entrypoint\": null"), "{json}");
    // Named volumes are Binds; anonymous ones (`-v /path`, VOLUME) are Config.Volumes, each an empty struct.
    let run = "docker run -d --name n -v data:/data -v /anon --entrypoint sleep alpine:3.17 99";
    assert_eq!(e.run(run, &mut h).status, 0);
    let n = "'{{.Config.Cmd}} {{.Config.Entrypoint}} {{.HostConfig.Binds}} {{.Config.Volumes}} {{range .Config.Cmd}}<{{.}}>{{end}}' n";
    assert_eq!(f(&mut e, &mut h, n), "[99] [sleep] [data:/data] map[/anon:{}] <99>\n");
    // docker commit keeps both: the new image runs `sleep 99` by its ENTRYPOINT.
    assert_eq!(e.run("docker commit n slept", &mut h).status, 0);
    assert_eq!(f(&mut e, &mut h, "'{{.Config.Cmd}} {{.Config.Entrypoint}}' slept"), "[99] [sleep]\n");
    assert_eq!(f(&mut e, &mut h, "'{{.Options}} {{.Labels}}' data"), "map[] map[]\n");
    // A field no Docker type has: the fallback to the JSON's map, as Docker's inspect does.
    assert_eq!(f(&mut e, &mut h, "'{{.Nope}}' k"), "<no value>\n");
    // A container's Config carries its image's EXPOSE, USER and HEALTHCHECK.
    let mut h = MemHost::new([("Dockerfile", "FROM alpine:3.17\nEXPOSE 5000\nUSER nobody\nHEALTHCHECK CMD true\n")]);
    assert_eq!(e.run("docker build -t checked .", &mut h).status, 0);
    assert_eq!(e.run("docker run -d --name c checked sleep 1", &mut h).status, 0);
    let json = f(&mut e, &mut h, "'{{json .Config.Healthcheck}} {{.Config.User}} {{.Config.ExposedPorts}}' c");
    assert_eq!(json, "{\"Test\":[\"CMD-SHELL\",\"true\"]} nobody map[5000/tcp:{}]\n");
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
    let out = e.run("docker inspect alpine:3.17 | less", &mut h);
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

#[test]
fn ps_filters_info_and_images_formats() {
    let (mut e, mut h) = engine_with_alpine();
    for line in ["docker run -d --name web alpine:3.17 sleep 1d", "docker run -d --name worker alpine:3.17 sleep 1d", "docker create --name idle alpine:3.17", "docker run -d --name db -v data:/var/lib/db alpine:3.17 sleep 1d"] {
        assert_eq!(e.run(line, &mut h).status, 0, "{line}");
    }
    let names = |e: &mut Engine, h: &mut MemHost, filters: &str| e.run(&format!("docker ps {filters} --format '{{{{.Names}}}}'"), h).text;
    assert_eq!(names(&mut e, &mut h, "--filter name=w"), "worker\nweb\n", "a name filter matches a part of the name");
    assert_eq!(names(&mut e, &mut h, "--filter name=web --filter name=db"), "db\nweb\n", "one key's values are alternatives");
    assert_eq!(names(&mut e, &mut h, "-f name=w -f status=running -f id=nope"), "", "different keys must all match");
    assert_eq!(names(&mut e, &mut h, "--filter status=created"), "idle\n", "a status filter looks at stopped containers too");
    assert_eq!(names(&mut e, &mut h, "--filter volume=data"), "db\n");
    assert_eq!(e.run("docker ps --filter ancestor=alpine:3.17 -q", &mut h).text.lines().count(), 3);
    let bad = e.run("docker ps --filter colour=red", &mut h);
    assert_eq!((bad.status, bad.text.as_str()), (1, "Error response from daemon: invalid filter 'colour'\n"));
    let bad = e.run("docker ps --filter status=sleeping", &mut h);
    assert_eq!((bad.status, bad.text.as_str()), (1, "Error response from daemon: invalid filter 'status=sleeping'\n"));
    assert_eq!(e.run("docker info --format '{{.Driver}} {{.Containers}} {{.ContainersRunning}} {{.Images}}'", &mut h).text, "overlay2 4 3 1\n");
    assert_eq!(e.run("docker system info -f '{{json .DriverStatus}}'", &mut h).text.lines().count(), 1);
    assert_eq!(e.run("docker info extra", &mut h).status, 1);
    assert_eq!(e.run("docker images alpine --format '{{.Repository}}:{{.Tag}} {{.ID}}'", &mut h).text, format!("alpine:3.17 {}\n", e.image("alpine:3.17").unwrap().id.short()));
    assert_eq!(e.run("docker images --format '{{.Repository}}' nothing", &mut h).text, "");
    // A field Docker's formatter does not have is an error, as Go's templates give it.
    let bad = e.run("docker images --format '{{.Repository}} {{.Nope}}'", &mut h);
    assert_eq!((bad.status, bad.text.as_str()), (1, "template: :1:18: executing \"\" at <.Nope>: can't evaluate field Nope in type *formatter.ImageContext\n"));
    let bad = e.run("docker ps --format '{{if .Colour}}x{{end}}'", &mut h);
    assert_eq!(bad.text, "template: :1:5: executing \"\" at <.Colour>: can't evaluate field Colour in type *formatter.ContainerContext\n");
    assert_eq!(e.run("docker ps --filter name=db --format '{{.Networks}} {{.LocalVolumes}}'", &mut h).text, "bridge 1\n");
    // --no-trunc prints whole IDs; --all lists the same images (no intermediate ones are kept).
    let id = e.image("alpine:3.17").unwrap().id.to_string();
    assert_eq!(e.run("docker images -q --no-trunc", &mut h).text, format!("{id}\n"));
    assert!(e.run("docker images -a --no-trunc", &mut h).text.contains(&format!(" {id} ")));
    assert_eq!(e.run("docker images -a", &mut h).text, e.run("docker images", &mut h).text);
}

#[test]
fn list_formats_table_json_and_history() {
    let (mut e, mut h) = engine_with_alpine();
    assert_eq!(e.run("docker run -d --name web alpine:3.17 sleep 1d", &mut h).status, 0);
    // `table TEMPLATE`: headers named as Docker names the fields, columns aligned; \t as typed is a tab.
    let out = e.run("docker ps --format \"table {{.Names}}\\t{{.Image}}\\t{{.Command}}\"", &mut h);
    assert_eq!(out.text, "NAMES     IMAGE         COMMAND\nweb       alpine:3.17   \"sleep 1d\"\n");
    assert_eq!(e.run("docker ps --format table", &mut h).text, e.run("docker ps", &mut h).text);
    let out = e.run("docker images --format 'table {{.Repository}}\\t{{.ID}}'", &mut h);
    assert!(out.text.starts_with("REPOSITORY   IMAGE ID\nalpine       "), "{}", out.text);
    // json: one object per row, keys sorted, < escaped as Go does.
    let out = e.run("docker ps --format json", &mut h);
    let row: serde_json::Value = serde_json::from_str(out.text.trim()).unwrap();
    assert_eq!((row["Names"].as_str(), row["State"].as_str()), (Some("web"), Some("running")));
    // (MemHost has no clock: no CreatedAt. With one, Go's time.Time.String().)
    assert_eq!(layerlab_engine::listing::go_time(1_764_000_000), "2025-11-24 16:00:00 +0000 UTC");
    assert!(out.text.starts_with("{\"Command\":\"\\\"sleep 1d\\\"\",\"CreatedAt\":\"\",\"ID\":"), "{}", out.text);
    assert!(e.run("docker images --format json", &mut h).text.contains("\"Digest\":\"\\u003cnone\\u003e\""));
    // As in Docker's formatter, the command is cut at 20 characters unless --no-trunc.
    assert_eq!(e.run("docker run -d --name long alpine:3.17 sh -c 'echo one two three four; sleep 1d'", &mut h).status, 0);
    assert_eq!(e.run("docker ps -f name=long --format '{{.Command}}'", &mut h).text, "\"sh -c echo one two …\"\n");
    let whole = e.run("docker ps -f name=long --no-trunc --format '{{.ID}} {{.Command}}'", &mut h).text;
    assert!(whole.ends_with(" \"sh -c echo one two three four; sleep 1d\"\n") && whole.split(' ').next().is_some_and(|id| id.len() == 64), "{whole}");
    // docker history: -q, --format with its own field names, and Go's error for a field it lacks.
    let out = e.run("docker history -q alpine:3.17", &mut h);
    assert_eq!(out.text.lines().skip(1).collect::<Vec<_>>(), ["<missing>"]);
    let out = e.run("docker history --format '{{.Size}}|{{.CreatedAt}}|{{.Comment}}' alpine:3.17", &mut h);
    assert!(out.text.lines().all(|l| l.split('|').count() == 3 && l.contains('T')), "{}", out.text);
    let out = e.run("docker history --format '{{.Nope}}' alpine:3.17", &mut h);
    assert_eq!((out.status, out.text.as_str()), (1, "template: :1:2: executing \"\" at <.Nope>: can't evaluate field Nope in type *formatter.historyContext\n"));
}
