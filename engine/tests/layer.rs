//! Layer tars judged by tools we did not write: GNU tar lists them, the
//! `tar` crate reads every header back, `sha256sum` agrees with diff_ids.

mod common;

use layerlab_engine::digest::{chain_ids, Digest, EMPTY_LAYER};
use layerlab_engine::fs::{components, Kind, Node, Tree};
use layerlab_engine::layer::{self, Change};
use std::io::Read;
use std::process::Command;

fn sha256sum(path: &std::path::Path) -> String {
    let out = Command::new("sha256sum").arg(path).output().expect("sha256sum runs");
    assert!(out.status.success());
    format!("sha256:{}", String::from_utf8_lossy(&out.stdout).split_whitespace().next().unwrap_or(""))
}

fn gnu_tar_list(path: &std::path::Path) -> String {
    let out = Command::new("tar").args(["--numeric-owner", "-tvf"]).arg(path).output().expect("tar runs");
    assert!(out.status.success(), "GNU tar rejected the layer: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The name in a `tar -tv` line (before ` -> ` for a symlink).
fn entry_name(line: &str) -> &str {
    let line = line.split(" -> ").next().unwrap_or(line);
    line.rsplit(' ').next().unwrap_or("")
}

fn mixed() -> (Tree, Tree) {
    let mut lower = Tree::new();
    lower.insert(components("/etc/old.conf"), Node::file(b"old\n".to_vec(), 0o644)).unwrap();
    lower.insert(components("/etc/keep.conf"), Node::file(b"keep\n".to_vec(), 0o644)).unwrap();
    let mut upper = lower.clone();
    upper.remove(&components("/etc/old.conf"));
    upper.insert(components("/etc/keep.conf"), Node::file(b"changed\n".to_vec(), 0o600)).unwrap();
    upper.insert(components("/usr/bin/tool"), Node::file(b"#!/bin/sh\n".to_vec(), 0o755)).unwrap();
    let link = Node { kind: Kind::Symlink("tool".into()), mode: 0o777, uid: 0, gid: 0, touched: 0 };
    upper.insert(components("/usr/bin/t"), link).unwrap();
    let long = format!("/deep/{}/{}", "d".repeat(120), "f".repeat(90));
    upper.insert(components(&long), Node::file(vec![b'z'; 700], 0o644)).unwrap();
    // A name no ustar split can hold: needs a PAX path record.
    upper.insert(components(&format!("/deep/{}", "p".repeat(150))), Node::file(vec![b'p'; 3], 0o644)).unwrap();
    (lower, upper)
}

#[test]
fn empty_layer_is_1024_zero_bytes() {
    let tar = layer::write_tar(&Tree::new(), &[]).unwrap();
    assert_eq!(tar, vec![0u8; 1024]);
    assert_eq!(Digest::of(&tar).as_str(), EMPTY_LAYER);
}

#[test]
fn diff_reports_added_modified_deleted() {
    let (lower, upper) = mixed();
    let changes = layer::diff(&lower, &upper);
    let k = |p: &str| components(p);
    assert!(changes.contains(&Change::Deleted(k("/etc/old.conf"))));
    assert!(changes.contains(&Change::Modified(k("/etc/keep.conf"))));
    assert!(changes.contains(&Change::Added(k("/usr/bin/tool"))));
    assert!(changes.contains(&Change::Added(k("/usr")))); // a new directory is a change too
    assert!(!changes.iter().any(|c| matches!(c, Change::Modified(p) if p == &k("/etc"))));
}

#[test]
fn layer_tar_is_read_back_by_gnu_tar_and_the_tar_crate() {
    let (lower, upper) = mixed();
    let layer = layer::commit(&lower, &upper, &[]).unwrap();
    let tar = layer::write_tar(&upper, &layer.changes).unwrap();
    assert_eq!(layer.tar_len, tar.len() as u64);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("layer.tar");
    std::fs::write(&path, &tar).unwrap();

    // sha256sum agrees with the diff_id.
    assert_eq!(sha256sum(&path), layer.diff_id.to_string());

    // GNU tar: parents first, whiteout for the deletion, PAX long name, fixed mtime.
    let listing = gnu_tar_list(&path);
    let names: Vec<&str> = listing.lines().map(entry_name).collect();
    let long = format!("deep/{}/{}", "d".repeat(120), "f".repeat(90));
    assert!(listing.lines().all(|l| l.contains("1970-01-01 00:00")), "{listing}");
    assert!(listing.contains("-rw-------") && listing.contains("-rwxr-xr-x"), "{listing}");
    assert!(listing.contains("t -> tool"), "{listing}");
    assert!(names.contains(&long.as_str()), "long name lost: {listing}");
    let pax_name = format!("deep/{}", "p".repeat(150));
    assert!(names.contains(&pax_name.as_str()), "PAX name lost: {listing}");
    assert!(tar.windows(b"path=deep/ppp".len()).any(|w| w == b"path=deep/ppp"), "no PAX path record");
    let pos = |n: &str| names.iter().position(|x| *x == n).unwrap_or_else(|| panic!("{n} missing in {listing}"));
    assert!(pos("etc/") < pos("etc/.wh.old.conf"));
    assert!(pos("etc/.wh.old.conf") < pos("etc/keep.conf"));
    assert!(pos("usr/") < pos("usr/bin/") && pos("usr/bin/") < pos("usr/bin/t") && pos("usr/bin/t") < pos("usr/bin/tool"));

    // The tar crate reads every entry back with the content written.
    let mut archive = tar::Archive::new(tar.as_slice());
    let mut seen = 0;
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let path = entry.path().unwrap().to_string_lossy().into_owned();
        assert_eq!(entry.header().mtime().unwrap(), 0);
        assert_eq!(entry.header().uid().unwrap(), 0);
        if path == "usr/bin/tool" {
            let mut body = String::new();
            entry.read_to_string(&mut body).unwrap();
            assert_eq!(body, "#!/bin/sh\n");
        }
        seen += 1;
    }
    assert_eq!(seen, names.len());
    // Size counts file contents and symlink targets only.
    assert_eq!(layer.size, 8 + 10 + 4 + 700 + 3);
}

#[test]
fn opaque_directory_marker_follows_its_directory() {
    let mut upper = Tree::new();
    upper.insert(components("/data/new"), Node::file(b"n".to_vec(), 0o644)).unwrap();
    let changes = vec![Change::Opaque(components("/data")), Change::Added(components("/data/new"))];
    let tar = layer::write_tar(&upper, &changes).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("opq.tar");
    std::fs::write(&path, &tar).unwrap();
    let listing = gnu_tar_list(&path);
    let names: Vec<&str> = listing.lines().map(entry_name).collect();
    assert_eq!(names, ["data/", "data/.wh..wh..opq", "data/new"]);
}

#[test]
fn same_content_same_digest_different_content_different_digest() {
    let (lower, upper) = mixed();
    let a = layer::commit(&lower, &upper, &[]).unwrap().diff_id;
    let b = layer::commit(&lower.clone(), &upper.clone(), &[]).unwrap().diff_id;
    assert_eq!(a, b);
    let mut other = upper.clone();
    other.insert(components("/usr/bin/tool"), Node::file(b"#!/bin/sh \n".to_vec(), 0o755)).unwrap();
    assert_ne!(a, layer::commit(&lower, &other, &[]).unwrap().diff_id);
}

#[test]
fn synthetic_files_stream_the_same_bytes_every_time() {
    let node = Node::synthetic(100_003, 42, 0o644);
    let Kind::File(body) = &node.kind else { panic!() };
    let a = body.to_vec();
    assert_eq!(a.len(), 100_003);
    assert_eq!(a, body.to_vec());
    assert!(a.starts_with(b"simulated "));
    assert_eq!(a[63], b'\n');
    // Read in odd-sized pieces: same bytes.
    let mut r = body.reader();
    let mut b = Vec::new();
    let mut buf = [0u8; 37];
    loop {
        let n = r.read(&mut buf).unwrap();
        if n == 0 { break; }
        b.extend_from_slice(&buf[..n]);
    }
    assert_eq!(a, b);
    let Kind::File(other) = Node::synthetic(100_003, 43, 0o644).kind else { panic!() };
    assert!(a != other.to_vec(), "different seeds give different contents");
    // A layer of generated files: the streamed digest is the digest of the bytes.
    let mut upper = Tree::new();
    upper.insert(components("/big"), node.clone()).unwrap();
    let layer = layer::commit(&Tree::new(), &upper, &[]).unwrap();
    let tar = layer::write_tar(&upper, &layer.changes).unwrap();
    assert_eq!(Digest::of(&tar), layer.diff_id);
    assert_eq!(layer.size, 100_003);
}

#[test]
fn chain_ids_follow_the_oci_formula() {
    let a = Digest::parse("sha256:a595e33ad1a432a639997dd17a6afeed86dad6169ab480308d290a2db51eccda").unwrap();
    let b = Digest::parse(EMPTY_LAYER).unwrap();
    let chain = chain_ids(&[a.clone(), b.clone()]);
    assert_eq!(chain[0], a);
    // Recompute the second with sha256sum over "A B".
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chain");
    std::fs::write(&path, format!("{a} {b}")).unwrap();
    assert_eq!(chain[1].to_string(), sha256sum(&path));
}

#[test]
fn digest_parse_rejects_bad_input() {
    assert!(Digest::parse("sha256:abc").is_err());
    assert!(Digest::parse("md5:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef").is_err());
    assert!(Digest::parse("sha256:5F70BF18A086007016E948B04AED3B82103A36BEA41755B6CDDFAF10ACE3C6EF").is_err());
    assert!(Digest::parse(EMPTY_LAYER).is_ok());
}
