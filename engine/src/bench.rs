//! Workloads the benchmark (bench/) runs both natively and in wasm, so the
//! two can be compared side by side in one run. Not used by the product.

use crate::digest::Digest;
use crate::fs::{components, Node, Tree};
use crate::{Engine, ImportStep};

/// A tree of generated files adding up to `bytes` (1 MB each, the last smaller).
fn synthetic_tree(bytes: u64, seed: u64) -> Tree {
    let mut tree = Tree::new();
    let mut left = bytes;
    let mut i = 0u64;
    while left > 0 {
        let size = left.min(1_000_000);
        // ok: paths are fresh and their parent is a directory
        let _ = tree.insert(components(&format!("/data/{:02}/file{i:05}", i % 16)), Node::synthetic(size, seed + i, 0o644));
        left -= size;
        i += 1;
    }
    tree
}

/// sha256 + tar: the diff_id of one layer holding `bytes` of generated files.
pub fn layer_digest(bytes: u64) -> Result<Digest, String> {
    let tree = synthetic_tree(bytes, 7);
    crate::layer::commit(&Tree::new(), &tree, &[]).map(|l| l.diff_id)
}

/// Makes a one-layer image of `bytes` and returns `docker save`'s archive length.
pub fn export(bytes: u64) -> Result<usize, String> {
    let mut engine = Engine::new();
    engine.import("bench:1", vec![ImportStep { created_by: "bench".into(), tree: synthetic_tree(bytes, 11), opaque: vec![] }])?;
    let image = engine.image("bench:1").ok_or("bench image missing")?.clone();
    let tags = vec!["bench:1".to_string()];
    crate::archive::save(&engine, &[(&image, tags)]).map(|a| a.len())
}

/// `docker pull REFERENCE` on a fresh engine: with the catalogue's digest
/// table (`hashed` false, what the product does) or making and hashing
/// every layer tar (`hashed` true, what it did before the table).
pub fn pull(reference: &str, hashed: bool) -> Result<(), String> {
    if hashed {
        let def = crate::catalogue::catalogue()?.find(reference).ok_or("not in the catalogue")?;
        return Engine::catalogue_layers_hashed(def).map(|_| ());
    }
    let out = Engine::new().run(&format!("docker pull {reference}"), &mut crate::MemHost::default());
    if out.status == 0 { Ok(()) } else { Err(out.text) }
}

/// The seeds' Experiments 1–4 (seeds/002), as the classroom typed them.
pub const SEED_EXPERIMENTS: [(&str, &str); 4] = [
    ("exp1", "FROM alpine\nlabel author=khaja\nCMD [\"sleep\", \"1d\"]\n"),
    ("exp2", "FROM alpine\nlabel author=khaaja\nADD 1.txt /\nCMD [\"sleep\", \"1d\"]\n"),
    ("exp3", "FROM alpine\nlabel author=khaaja\nRUN echo \"one\" > 1.txt\nRUN echo \"two\" > 2.txt\nRUN echo \"three\" > 3.txt\nCMD [\"sleep\", \"1d\"]\n"),
    ("exp4", "FROM alpine\nlabel author=khaaja\nRUN echo \"one\" > 1.txt && \\\n  echo \"two\" > 2.txt && \\\n  echo \"three\" > 3.txt\nCMD [\"sleep\", \"1d\"]\n"),
];

/// An engine with alpine pulled and the experiments' context, for timing
/// one build at a time (the pull is not part of what is timed).
pub struct SeedBuilds {
    engine: Engine,
    host: crate::MemHost,
}

impl SeedBuilds {
    pub fn new() -> Result<SeedBuilds, String> {
        let mut host = crate::MemHost::new(SEED_EXPERIMENTS.iter().map(|(n, d)| (n.to_string(), d.as_bytes().to_vec())).chain([("1.txt".to_string(), b"one\n".to_vec())]));
        let mut engine = Engine::new();
        let out = engine.run("docker pull alpine", &mut host);
        if out.status != 0 {
            return Err(out.text);
        }
        Ok(SeedBuilds { engine, host })
    }

    /// Builds experiment `n` (1–4) with every step run (`--no-cache`);
    /// returns the image ID.
    pub fn build(&mut self, n: usize) -> Result<String, String> {
        let out = self.engine.run(&format!("docker build --no-cache -t exp{n} -f exp{n} ."), &mut self.host);
        if out.status != 0 {
            return Err(out.text);
        }
        self.engine.image(&format!("exp{n}")).map(|i| i.id.to_string()).ok_or_else(|| "no image".to_string())
    }
}

/// An engine with alpine pulled, for starting containers one at a time
/// (`docker run -d alpine sleep 1d`); the pull is not timed.
pub struct ContainerStarts {
    engine: Engine,
    host: crate::MemHost,
}

impl ContainerStarts {
    pub fn new() -> Result<ContainerStarts, String> {
        let mut host = crate::MemHost::default();
        let mut engine = Engine::new();
        let out = engine.run("docker pull alpine", &mut host);
        if out.status != 0 {
            return Err(out.text);
        }
        Ok(ContainerStarts { engine, host })
    }

    /// Starts one more idle container; returns its ID.
    pub fn start(&mut self) -> Result<String, String> {
        let out = self.engine.run("docker run -d alpine sleep 1d", &mut self.host);
        if out.status != 0 {
            return Err(out.text);
        }
        Ok(out.text.trim().to_string())
    }

    pub fn running(&self) -> usize {
        self.engine.containers().filter(|c| c.state == crate::runtime::State::Running).count()
    }
}
