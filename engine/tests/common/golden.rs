// Golden digests, shared by the native tests (engine/tests/golden.rs) and the
// wasm tests (tests/web.rs, through `include!`): the engine must compute the
// same bytes, and so the same digests, natively and in wasm.
//
// Uses only `layerlab_engine` paths, so it can be included anywhere.

/// (what, expected digest) — the empty-layer value is moby's
/// `DigestSHA256EmptyTar`; the others were computed by the engine and are
/// cross-checked against `sha256sum` and GNU tar in engine/tests/layer.rs.
pub const GOLDEN: [(&str, &str); 9] = [
    ("empty layer", "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"),
    ("hello layer", "sha256:a595e33ad1a432a639997dd17a6afeed86dad6169ab480308d290a2db51eccda"),
    ("hello image", "sha256:731cacd4abb5c51beae62cd735b24178616bc1d87fc921c5f500f94a52259b33"),
    ("hello archive", "sha256:24957391363b4c242027e2b7f625ff76c81e5f4542d47e70e7981c81517b9165"),
    ("mixed layer", "sha256:781554289a5b7ec848da3b3e9f056daa4341ecc55b6ed71518cf8de54262b32e"),
    ("chain of hello+mixed", "sha256:b8470651e12b187fdab45be52d028d220406a325f61549d83663184c53159b49"),
    ("alpine:3.17 image", "sha256:2085293d1161463349f0abc023edcc274c1770b3ea40f3c86f4125d545034e8c"),
    ("exp2 on alpine:3.17", "sha256:b93b31acb955dc33a7e64e4291f325128a82482fa0327e97a30a7297904f51d8"),
    ("alpine:3.17 layer, its tar made and hashed", "sha256:147a4cf32d072823857be21fc4ab03fd72a5394eb051d298eb9f63a6b67d969b"),
];

/// Computes every golden case with the engine.
pub fn golden_actual() -> Vec<(&'static str, String)> {
    use layerlab_engine::digest::{chain_ids, Digest};
    use layerlab_engine::fs::{components, Kind, Node, Tree};
    use layerlab_engine::layer::{self, Change};
    use layerlab_engine::{Engine, MemHost};

    let empty = layer::write_tar(&Tree::new(), &[]).map(|t| Digest::of(&t).to_string()).unwrap_or_else(|e| e);

    let mut host = MemHost::new([("Dockerfile", "FROM scratch\nCOPY hello.txt /\n"), ("hello.txt", "hello, layers\n")]);
    let mut engine = Engine::new();
    let out = engine.run("docker build -t hello .", &mut host);
    let (hello_layer, hello_image) = match engine.image("hello") {
        Some(img) => (img.diff_ids()[0].to_string(), img.id.to_string()),
        None => (format!("build failed: {}", out.text), String::new()),
    };
    // `docker save` output, byte for byte.
    let saved = engine.run("docker save -o hello.tar hello", &mut host);
    let archive = match host.files.get("hello.tar") {
        Some(bytes) => Digest::of(bytes).to_string(),
        None => format!("save failed: {}", saved.text),
    };

    // A tree with a directory, a symlink, a path too long for ustar, an
    // executable, a name that needs PAX, a deletion (whiteout) and an opaque directory.
    let mut lower = Tree::new();
    let mut upper = Tree::new();
    let long = format!("/deep/{}/{}", "d".repeat(120), "f".repeat(90));
    let mut result = Ok(());
    for tree in [&mut lower, &mut upper] {
        result = result.and(tree.insert(components("/etc/old.conf"), Node::file(b"old\n".to_vec(), 0o644)));
        result = result.and(tree.insert(components("/var/cache/x"), Node::file(b"x".to_vec(), 0o600)));
    }
    upper.remove(&components("/etc/old.conf"));
    upper.remove(&components("/var/cache"));
    result = result
        .and(upper.insert(components("/var/cache"), Node::dir(0o755)))
        .and(upper.insert(components("/usr/bin/tool"), Node::file(b"#!/bin/sh\necho hi\n".to_vec(), 0o755)))
        .and(upper.insert(components("/usr/bin/t"), Node { kind: Kind::Symlink("tool".into()), mode: 0o777, uid: 0, gid: 0, touched: 0 }))
        .and(upper.insert(components(&long), Node::file(vec![b'z'; 700], 0o644)))
        .and(upper.insert(components(&format!("/deep/{}", "p".repeat(150))), Node::file(vec![b'p'; 3], 0o644)));
    let mut changes = layer::diff(&lower, &upper);
    changes.push(Change::Opaque(components("/var/cache")));
    let mixed = result
        .and_then(|_| layer::write_tar(&upper, &changes))
        .map(|t| Digest::of(&t).to_string())
        .unwrap_or_else(|e| e);

    let chain = match (Digest::parse(&hello_layer), Digest::parse(&mixed)) {
        (Ok(a), Ok(b)) => chain_ids(&[a, b]).pop().map(|d| d.to_string()).unwrap_or_default(),
        _ => String::new(),
    };
    // A simulated base image (7 MB of generated contents) and a build on it.
    let mut ctx = MemHost::new([("Dockerfile", "FROM alpine:3.17\nCOPY 1.txt /\n"), ("1.txt", "one\n")]);
    let pulled = engine.run("docker pull alpine:3.17", &mut ctx);
    let alpine = engine.image("alpine:3.17").map(|i| i.id.to_string()).unwrap_or_else(|| pulled.text.clone());
    let built = engine.run("docker build -t exp2 .", &mut ctx);
    let exp2 = engine.image("exp2").map(|i| i.id.to_string()).unwrap_or_else(|| built.text.clone());
    // A pull takes the layer's digest from the catalogue's table: here its
    // 7 MB tar of generated contents is made and hashed, as the table says.
    let alpine_layer = layerlab_engine::catalogue::catalogue()
        .and_then(|c| c.find("alpine:3.17").ok_or_else(|| "no alpine:3.17".to_string()))
        .and_then(Engine::catalogue_layers_hashed)
        .map(|l| l.first().map(|(d, _)| d.to_string()).unwrap_or_default())
        .unwrap_or_else(|e| e);

    vec![
        ("empty layer", empty),
        ("hello layer", hello_layer),
        ("hello image", hello_image),
        ("hello archive", archive),
        ("mixed layer", mixed),
        ("chain of hello+mixed", chain),
        ("alpine:3.17 image", alpine),
        ("exp2 on alpine:3.17", exp2),
        ("alpine:3.17 layer, its tar made and hashed", alpine_layer),
    ]
}
