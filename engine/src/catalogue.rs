//! The simulated base images: data in `catalogue/images.txt`, turned into
//! file trees here. Contents are generated ([`crate::fs::Body::Synthetic`])
//! except small text files a learner may read (`/etc/os-release`).

use crate::fs::{components, Node, PathKey, Tree};
use crate::image::RunConfig;
use std::collections::BTreeMap;
use std::sync::OnceLock;

const SOURCE: &str = include_str!("../catalogue/images.txt");
/// Each image's layer digests and tar lengths, as a registry's manifest
/// would give them: `docker pull` then need not make and hash the tars
/// (hundreds of MB for mysql). Written and checked by engine/tests/catalogue.rs.
const DIGESTS: &str = include_str!("../catalogue/digests.txt");

#[derive(Clone, Debug)]
enum Op {
    Dir(String, u32),
    DirMode(String, u32),
    Chmod(String, u32),
    File(String, u64, u32),
    Text(String, String),
    Link(String, String),
    Bulk { dir: String, count: u64, total: u64, stem: String, ext: String },
    Rm(String),
}

#[derive(Clone, Debug)]
pub struct LayerDef {
    pub name: String,
    pub created_by: String,
    ops: Vec<Op>,
}

#[derive(Clone, Debug)]
pub enum Step {
    /// A filesystem layer, by name.
    Layer(String),
    /// A history entry with no layer.
    Meta(String),
}

#[derive(Clone, Debug)]
pub struct ImageDef {
    /// Normalised references; the first is the canonical one.
    pub refs: Vec<String>,
    pub created: String,
    pub steps: Vec<Step>,
    pub config: RunConfig,
    /// Its layers' (diff_id, tar length), bottom first, from `digests.txt`;
    /// empty if the table does not list it (the tars are then made and hashed).
    pub known: Vec<(crate::Digest, u64)>,
}

#[derive(Debug, Default)]
pub struct Catalogue {
    pub layers: BTreeMap<String, LayerDef>,
    pub images: Vec<ImageDef>,
}

/// The parsed catalogue (parsed once; a parse error is a bug the tests catch).
pub fn catalogue() -> Result<&'static Catalogue, String> {
    static CATALOGUE: OnceLock<Result<Catalogue, String>> = OnceLock::new();
    CATALOGUE.get_or_init(|| parse(SOURCE).and_then(|mut c| known(&mut c, DIGESTS).map(|_| c))).as_ref().map_err(Clone::clone)
}

/// Reads `digests.txt` (`REF DIFF_ID TAR_LENGTH` per layer, in order) into the images.
fn known(cat: &mut Catalogue, src: &str) -> Result<(), String> {
    for (i, line) in src.lines().enumerate().filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#')) {
        let bad = || format!("catalogue digests line {}: {line:?}", i + 1);
        let mut words = line.split_whitespace();
        let (Some(reference), Some(digest), Some(len), None) = (words.next(), words.next(), words.next(), words.next()) else { return Err(bad()) };
        let image = cat.images.iter_mut().find(|d| d.refs.first().is_some_and(|r| r == reference)).ok_or_else(bad)?;
        image.known.push((crate::Digest::parse(digest).map_err(|_| bad())?, len.parse().map_err(|_| bad())?));
    }
    Ok(())
}

impl LayerDef {
    /// The text a `text` line gives `path` (a package's configuration file as installed).
    pub fn text(&self, path: &str) -> Option<&str> {
        self.ops.iter().rev().find_map(|op| match op {
            Op::Text(p, t) if p == path => Some(t.as_str()),
            _ => None,
        })
    }
}

impl Catalogue {
    /// The image a reference names (`alpine`, `alpine:3.17`, `docker.io/library/alpine`).
    pub fn find(&self, reference: &str) -> Option<&ImageDef> {
        let r = crate::image::normalize_reference(reference).ok()?;
        self.images.iter().find(|i| i.refs.contains(&r))
    }

    /// The names a learner can pull, for messages.
    pub fn names(&self) -> Vec<String> {
        self.images.iter().filter_map(|i| i.refs.first().cloned()).collect()
    }
}

fn octal(s: &str, line: usize) -> Result<u32, String> {
    u32::from_str_radix(s, 8).map_err(|_| format!("catalogue line {line}: bad mode {s:?}"))
}

fn number(s: &str, line: usize) -> Result<u64, String> {
    s.parse().map_err(|_| format!("catalogue line {line}: bad number {s:?}"))
}

fn parse(src: &str) -> Result<Catalogue, String> {
    let mut cat = Catalogue::default();
    let mut layer: Option<LayerDef> = None;
    let mut image: Option<ImageDef> = None;
    for (i, raw) in src.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
        let args: Vec<&str> = rest.split_whitespace().collect();
        let bad = || format!("catalogue line {n}: cannot read {line:?}");
        if let Some(l) = layer.as_mut() {
            let op = match (word, args.as_slice()) {
                ("end", []) => {
                    if let Some(l) = layer.take() {
                        cat.layers.insert(l.name.clone(), l);
                    }
                    continue;
                }
                ("by", _) => {
                    let file = crate::digest::Digest::of(l.name.as_bytes());
                    l.created_by = rest.replace("{file}", file.hex());
                    continue;
                }
                ("dir", paths) if !paths.is_empty() => {
                    l.ops.extend(paths.iter().map(|p| Op::Dir(p.to_string(), 0o755)));
                    continue;
                }
                ("dirm", [p, m]) => Op::DirMode(p.to_string(), octal(m, n)?),
                ("chmod", [p, m]) => Op::Chmod(p.to_string(), octal(m, n)?),
                ("file", [p, size]) => Op::File(p.to_string(), number(size, n)?, 0o644),
                ("file", [p, size, m]) => Op::File(p.to_string(), number(size, n)?, octal(m, n)?),
                ("text", [p, ..]) => {
                    let text = rest[p.len()..].trim_start().replace("\\n", "\n");
                    Op::Text(p.to_string(), text)
                }
                ("link", [p, t]) => Op::Link(p.to_string(), t.to_string()),
                ("bulk", [dir, count, total, stem, ext]) => Op::Bulk {
                    dir: dir.to_string(),
                    count: number(count, n)?,
                    total: number(total, n)?,
                    stem: stem.to_string(),
                    ext: ext.to_string(),
                },
                ("rm", [p]) => Op::Rm(p.to_string()),
                _ => return Err(bad()),
            };
            l.ops.push(op);
        } else if let Some(img) = image.as_mut() {
            let json_list = |s: &str| serde_json::from_str::<Vec<String>>(s).map_err(|e| format!("catalogue line {n}: {e}"));
            let c = &mut img.config;
            match word {
                "end" => {
                    if let Some(img) = image.take() {
                        cat.images.push(img);
                    }
                }
                "created" => img.created = rest.to_string(),
                "layer" => img.steps.push(Step::Layer(rest.to_string())),
                "meta" => img.steps.push(Step::Meta(rest.to_string())),
                "env" => c.env.get_or_insert_with(Vec::new).push(rest.to_string()),
                "cmd" => c.cmd = Some(json_list(rest)?),
                "entrypoint" => c.entrypoint = Some(json_list(rest)?),
                "workdir" => c.working_dir = Some(rest.to_string()),
                "user" => c.user = Some(rest.to_string()),
                "stopsignal" => c.stop_signal = Some(rest.to_string()),
                "expose" => {
                    c.exposed_ports.get_or_insert_with(BTreeMap::new).insert(rest.to_string(), serde_json::json!({}));
                }
                "volume" => {
                    c.volumes.get_or_insert_with(BTreeMap::new).insert(rest.to_string(), serde_json::json!({}));
                }
                "label" => {
                    let (k, v) = rest.split_once('=').ok_or_else(bad)?;
                    c.labels.get_or_insert_with(BTreeMap::new).insert(k.to_string(), v.to_string());
                }
                _ => return Err(bad()),
            }
        } else {
            match word {
                "layer" if args.len() == 1 => {
                    layer = Some(LayerDef { name: rest.to_string(), created_by: String::new(), ops: Vec::new() })
                }
                "image" if !args.is_empty() => {
                    let refs = args.iter().map(|r| crate::image::normalize_reference(r)).collect::<Result<Vec<_>, _>>()?;
                    image = Some(ImageDef { refs, created: String::new(), steps: Vec::new(), config: RunConfig::default(), known: Vec::new() });
                }
                _ => return Err(bad()),
            }
        }
    }
    if layer.is_some() || image.is_some() {
        return Err("catalogue: the last block has no `end`".to_string());
    }
    for img in &cat.images {
        for step in &img.steps {
            if let Step::Layer(name) = step {
                if !cat.layers.contains_key(name) {
                    return Err(format!("catalogue: image {} uses unknown layer {name}", img.refs[0]));
                }
            }
        }
    }
    Ok(cat)
}

/// FNV-1a: a stable seed per (layer, path), so a layer's contents do not
/// depend on the image that uses it.
fn seed(layer: &str, path: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in layer.bytes().chain([0]).chain(path.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

impl LayerDef {
    /// Applies this layer's operations to `tree`.
    pub fn apply(&self, tree: &mut Tree) -> Result<(), String> {
        let err = |e: String| format!("catalogue layer {}: {e}", self.name);
        let key = |p: &str| -> PathKey { components(p) };
        for op in &self.ops {
            match op {
                Op::Dir(p, mode) => {
                    if tree.get(&key(p)).is_none() {
                        tree.insert(key(p), Node::dir(*mode)).map_err(err)?;
                    }
                }
                Op::DirMode(p, mode) => match tree.get(&key(p)).cloned() {
                    Some(mut node) => {
                        node.mode = *mode;
                        tree.insert(key(p), node).map_err(err)?;
                    }
                    None => tree.insert(key(p), Node::dir(*mode)).map_err(err)?,
                },
                Op::Chmod(p, mode) => {
                    let mut node = tree.get(&key(p)).cloned().ok_or_else(|| err(format!("chmod {p}: no such file")))?;
                    node.mode = *mode;
                    tree.insert(key(p), node).map_err(err)?;
                }
                Op::File(p, size, mode) => tree.insert(key(p), Node::synthetic(*size, seed(&self.name, p), *mode)).map_err(err)?,
                Op::Text(p, text) => tree.insert(key(p), Node::file(text.clone().into_bytes(), 0o644)).map_err(err)?,
                Op::Link(p, target) => {
                    let node = Node { kind: crate::fs::Kind::Symlink(target.clone()), mode: 0o777, uid: 0, gid: 0, touched: 0 };
                    tree.remove(&key(p));
                    tree.insert(key(p), node).map_err(err)?;
                }
                Op::Bulk { dir, count, total, stem, ext } => {
                    // Sizes vary by file but add up to `total` exactly.
                    let weights: Vec<u64> = (0..*count).map(|i| 50 + seed(&self.name, &format!("{dir}{i}")) % 100).collect();
                    let sum: u64 = weights.iter().sum::<u64>().max(1);
                    let mut left = *total;
                    for (i, w) in weights.iter().enumerate() {
                        let size = if i as u64 + 1 == *count { left } else { (total * w / sum).min(left) };
                        left -= size;
                        let path = format!("{dir}/{stem}{:03}{ext}", i + 1);
                        tree.insert(key(&path), Node::synthetic(size, seed(&self.name, &path), 0o644)).map_err(err)?;
                    }
                }
                Op::Rm(p) => {
                    tree.remove(&key(p));
                }
            }
        }
        Ok(())
    }
}
