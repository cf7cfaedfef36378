//! Simulated package managers for RUN: `apk add`/`apk update` on alpine,
//! `apt-get update`/`apt-get install`/`apt-get clean` on debian and ubuntu.
//! A small catalogue of packages with realistic files and sizes; contents
//! are generated like the base images'. Nothing is downloaded.

use crate::fs::{components, Node, Tree};

/// A package: name, version, and its files (path, installed size).
type Package = (&'static str, &'static str, &'static [(&'static str, u64)]);

const PACKAGES: &[Package] = &[
    ("curl", "8.12.1", &[("/usr/bin/curl", 268_504), ("/usr/lib/libcurl.so.4", 689_480), ("/usr/lib/libnghttp2.so.14", 171_056)]),
    ("wget", "1.25.0", &[("/usr/bin/wget", 529_136)]),
    ("git", "2.47.2", &[("/usr/bin/git", 3_536_928), ("/usr/libexec/git-core/git-remote-http", 1_820_544), ("/usr/share/git-core/templates/description", 73)]),
    ("bash", "5.2.37", &[("/bin/bash", 1_265_648)]),
    ("ca-certificates", "20241121", &[("/etc/ssl/certs/ca-certificates.crt", 219_342)]),
    ("jq", "1.7.1", &[("/usr/bin/jq", 338_016), ("/usr/lib/libonig.so.5", 593_472)]),
    ("vim", "9.1", &[("/usr/bin/vim", 3_771_584), ("/usr/share/vim/vim91/syntax/dockerfile.vim", 2_066)]),
    ("openssl", "3.3.3", &[("/usr/bin/openssl", 1_003_848)]),
    ("tzdata", "2025a", &[("/usr/share/zoneinfo/UTC", 114), ("/usr/share/zoneinfo/Europe/Paris", 2_962), ("/usr/share/zoneinfo/tzdata.zi", 110_320)]),
    ("python3", "3.12.9", &[("/usr/bin/python3", 5_904_904), ("/usr/lib/python3.12/os.py", 39_786), ("/usr/lib/libpython3.12.so.1.0", 7_865_112)]),
    ("nodejs", "22.13.1", &[("/usr/bin/node", 96_410_024)]),
    ("nginx", "1.26.3", &[("/usr/sbin/nginx", 1_594_296), ("/etc/nginx/nginx.conf", 2_644)]),
    ("gcc", "14.2.0", &[("/usr/bin/gcc", 1_022_936), ("/usr/libexec/gcc/x86_64-linux-gnu/14/cc1", 36_872_904)]),
    ("make", "4.4.1", &[("/usr/bin/make", 248_592)]),
    ("less", "590", &[("/usr/bin/less", 187_888)]),
    ("openssh-client", "9.2p1", &[("/usr/bin/ssh", 1_164_440), ("/usr/bin/scp", 142_824)]),
    ("patch", "2.7.6", &[("/usr/bin/patch", 192_776)]),
    ("xxd", "9.1", &[("/usr/bin/xxd", 18_696)]),
    ("publicsuffix", "20230209", &[("/usr/share/publicsuffix/public_suffix_list.dat", 229_248)]),
];

/// What apt-get also installs unless `--no-install-recommends` is given.
const RECOMMENDS: &[(&str, &[&str])] = &[
    ("curl", &["ca-certificates", "publicsuffix"]),
    ("wget", &["ca-certificates", "publicsuffix"]),
    ("git", &["less", "openssh-client", "patch"]),
    ("vim", &["xxd"]),
    ("python3", &["ca-certificates"]),
];

/// The recommended packages of `names` that are not among them.
pub fn recommended(names: &[&str]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for name in names {
        for (_, recs) in RECOMMENDS.iter().filter(|(n, _)| n == name) {
            for r in recs.iter() {
                if !names.contains(r) && !out.contains(r) {
                    out.push(r);
                }
            }
        }
    }
    out
}

/// The paths a package installs.
pub fn files(name: &str) -> Vec<&'static str> {
    find(name).map(|(_, _, files)| files.iter().map(|(p, _)| *p).collect()).unwrap_or_default()
}

fn seed(name: &str, path: &str) -> u64 {
    crate::digest::Digest::of(format!("package {name} {path}").as_bytes()).hex().bytes().take(16).fold(0u64, |acc, b| acc.wrapping_mul(31).wrapping_add(u64::from(b)))
}

fn find(name: &str) -> Option<&'static Package> {
    PACKAGES.iter().find(|(n, _, _)| *n == name)
}

fn install(root: &mut Tree, name: &str) -> Result<u64, String> {
    let (_, _, files) = find(name).ok_or_else(|| format!("no package {name}"))?;
    let mut total = 0;
    for (path, size) in *files {
        let mode = if path.contains("/bin/") || path.contains("/sbin/") || path.contains("libexec") { 0o755 } else { 0o644 };
        root.insert(components(path), Node::synthetic(*size, seed(name, path), mode))?;
        total += size;
    }
    Ok(total)
}

/// `apk …`: returns (status, output).
pub fn apk(root: &mut Tree, args: &[&str]) -> (i32, String) {
    let words: Vec<&str> = args.iter().copied().filter(|a| !a.starts_with('-')).collect();
    let no_cache = args.contains(&"--no-cache");
    match words.split_first() {
        Some((&"update", _)) => {
            let _ = root.insert(components("/var/cache/apk/APKINDEX.simulated.tar.gz"), Node::synthetic(2_516_384, 1, 0o644));
            (0, "fetch https://dl-cdn.alpinelinux.org/alpine/main/x86_64/APKINDEX.tar.gz (simulated)\nOK: 24172 distinct packages available\n".to_string())
        }
        Some((&"add", names)) if !names.is_empty() => {
            if let Some(missing) = names.iter().find(|n| find(n).is_none()) {
                return (1, format!("ERROR: unable to select packages:\n  {missing} (no such package):\n    required by: world[{missing}]\n"));
            }
            let mut out = String::new();
            if no_cache {
                out.push_str("fetch https://dl-cdn.alpinelinux.org/alpine/main/x86_64/APKINDEX.tar.gz (simulated)\n");
            } else {
                let _ = root.insert(components("/var/cache/apk/APKINDEX.simulated.tar.gz"), Node::synthetic(2_516_384, 1, 0o644));
            }
            let mut total = 0;
            for (i, name) in names.iter().enumerate() {
                let (_, version, _) = find(name).copied().unwrap_or(("", "", &[]));
                out.push_str(&format!("({}/{}) Installing {name} ({version}-r0)\n", i + 1, names.len()));
                match install(root, name) {
                    Ok(n) => total += n,
                    Err(e) => return (1, format!("{out}ERROR: {e}\n")),
                }
            }
            out.push_str(&format!("OK: {} MiB in {} packages\n", (total / 1_048_576).max(1), names.len()));
            (0, out)
        }
        Some((&"del", names)) if !names.is_empty() => {
            let mut out = String::new();
            for (i, name) in names.iter().enumerate() {
                let Some((_, version, files)) = find(name) else {
                    return (1, format!("{out}WARNING: {name} is not installed\n"));
                };
                out.push_str(&format!("({}/{}) Purging {name} ({version}-r0)\n", i + 1, names.len()));
                for (path, _) in *files {
                    root.remove(&components(path));
                }
            }
            out.push_str("OK: packages removed\n");
            (0, out)
        }
        Some((&"upgrade", _)) => (1, "apk: only `apk add`, `apk del` and `apk update` are simulated in this version of Layer Lab\n".to_string()),
        _ => (1, "usage: apk add PACKAGE… (simulated)\n".to_string()),
    }
}

/// `apt-get …`: returns (status, output).
pub fn apt_get(root: &mut Tree, args: &[&str]) -> (i32, String) {
    let words: Vec<&str> = args.iter().copied().filter(|a| !a.starts_with('-')).collect();
    match words.split_first() {
        Some((&"update", _)) => {
            // The image's own archive: Ubuntu's or Debian's.
            let ubuntu = root.get(&components("/etc/os-release")).and_then(|n| n.body()).is_some_and(|b| String::from_utf8_lossy(&b.to_vec()).contains("ID=ubuntu"));
            let (archive, suite, downloaded) = if ubuntu { ("archive.ubuntu.com/ubuntu", "noble", [256, 1808]) } else { ("deb.debian.org/debian", "bookworm", [151, 8792]) };
            let file = archive.replace('/', "_");
            for (i, list) in [format!("{suite}_InRelease"), format!("{suite}_main_binary-amd64_Packages.lz4"), format!("{suite}-updates_main_binary-amd64_Packages.lz4")].iter().enumerate() {
                let size = [151_000, 18_894_000, 13_800][i];
                let _ = root.insert(components(&format!("/var/lib/apt/lists/{file}_dists_{list}")), Node::synthetic(size, 7 + i as u64, 0o644));
            }
            let [release, packages] = downloaded;
            let total = release + packages;
            (0, format!("Get:1 http://{archive} {suite} InRelease [{release} kB] (simulated)\nGet:2 http://{archive} {suite}/main amd64 Packages [{packages} kB] (simulated)\nFetched {total} kB in 1s ({total} kB/s)\nReading package lists...\n"))
        }
        Some((&"install", names)) if !names.is_empty() => {
            let has_lists = root.descendants(&components("/var/lib/apt/lists")).next().is_some();
            if let Some(missing) = names.iter().find(|n| find(n).is_none() || !has_lists) {
                return (100, format!("Reading package lists...\nBuilding dependency tree...\nE: Unable to locate package {missing}\n"));
            }
            let no_recommends = args.iter().any(|a| *a == "--no-install-recommends" || a.contains("Install-Recommends=false"));
            let extra = if no_recommends { Vec::new() } else { recommended(names) };
            let mut out = String::from("Reading package lists...\nBuilding dependency tree...\n");
            if !extra.is_empty() {
                out.push_str(&format!("The following additional packages will be installed:\n  {}\n", extra.join(" ")));
            }
            let all: Vec<&str> = names.iter().copied().chain(extra.iter().copied()).collect();
            out.push_str("The following NEW packages will be installed:\n  ");
            out.push_str(&all.join(" "));
            out.push('\n');
            for name in &all {
                let (_, version, _) = find(name).copied().unwrap_or(("", "", &[]));
                out.push_str(&format!("Setting up {name} ({version}) ...\n"));
                if let Err(e) = install(root, name) {
                    return (100, format!("{out}E: {e}\n"));
                }
                let _ = root.insert(components(&format!("/var/cache/apt/archives/{name}_{version}_amd64.deb")), Node::synthetic(1_000_000, seed(name, "deb"), 0o644));
            }
            (0, out)
        }
        Some((&"clean", _)) => {
            root.remove(&components("/var/cache/apt/archives"));
            let _ = root.insert(components("/var/cache/apt/archives"), Node::dir(0o755));
            (0, String::new())
        }
        _ => (100, "E: only update, install and clean are simulated in this version of Layer Lab\n".to_string()),
    }
}
