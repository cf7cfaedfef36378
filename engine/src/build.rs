//! `docker build`: runs a Dockerfile's instructions on snapshots and writes
//! BuildKit's plain progress output.
//!
//! Nothing is stored until every step has succeeded: a failed build leaves
//! the engine as it was.

use crate::dockerfile::{self, Instruction};
use crate::fs::{components, display, Kind, PathKey, Tree};
use crate::host::Host;
use crate::image::{normalize_reference, History, ImageConfig, RunConfig, BUILDKIT_COMMENT, DEFAULT_PATH};
use crate::snapshot::{Commit, Snapshotter};
use crate::units::human_size;
use crate::{Digest, Engine, Event};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The timestamp of everything a build creates (`SOURCE_DATE_EPOCH=0`):
/// the same Dockerfile and context give the same image ID on every run.
pub const BUILD_TIME: &str = "1970-01-01T00:00:00Z";

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BuildOptions {
    pub tags: Vec<String>,
    /// `-f`: the Dockerfile's path; default `<context>/Dockerfile`.
    pub file: Option<String>,
    pub context: String,
    /// `--no-cache`: run every step.
    pub no_cache: bool,
    /// `--target`: the stage to build (default: the last).
    pub target: Option<String>,
    /// `--build-arg NAME=VALUE`.
    pub build_args: BTreeMap<String, String>,
    /// `DOCKER_BUILDKIT=0`: the classic builder's output and history.
    pub classic: bool,
    /// `--check`: print the lint hints, build nothing.
    pub check: bool,
    /// `-q`, `--progress quiet`: BuildKit shows none of the steps, only how a
    /// failure ends (the classic builder prints all it kept back).
    pub quiet: bool,
}

/// A build's failure: the message for the final `ERROR:` line, and the
/// Dockerfile lines to quote under it.
struct Failure {
    message: String,
    lines: Option<(usize, usize)>,
    /// The classic builder's words for it, when they differ.
    classic: Option<String>,
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure { message, lines: None, classic: None }
    }
}

fn at(ins: &Instruction, message: String) -> Failure {
    Failure { message, lines: Some((ins.start_line, ins.end_line)), classic: None }
}

/// The build's output: BuildKit's plain progress (`#N name`, detail lines,
/// `#N DONE 0.0s`) or, with `DOCKER_BUILDKIT=0`, the classic builder's
/// steps (`Step 2/3 : LABEL …`, ` ---> Running in …`, ` ---> 7e772ddad566`).
struct Progress<'a> {
    out: &'a mut String,
    next: usize,
    classic: bool,
    /// Classic: the step being run, and how many the build has.
    step: usize,
    total: usize,
    /// BuildKit: each vertex's name and the lines its command printed.
    vertices: Vec<(String, Vec<String>)>,
    /// BuildKit's quiet progress: where the build's text began, which a
    /// failure's ending goes back to.
    quiet_from: Option<usize>,
}

impl Progress<'_> {
    fn vertex(&mut self, name: &str, details: &[String]) -> usize {
        self.next += 1;
        let n = self.next;
        self.vertices.push((name.to_string(), Vec::new()));
        let _ = writeln!(self.out, "#{n} {name}");
        for d in details {
            let _ = writeln!(self.out, "#{n} {d}");
        }
        n
    }
    fn done(&mut self, n: usize) {
        if !self.classic {
            let _ = writeln!(self.out, "#{n} DONE 0.0s\n");
        }
    }
    /// Classic: `Step k/T : INSTRUCTION`.
    fn classic_step(&mut self, text: &str) {
        self.step += 1;
        let _ = writeln!(self.out, "Step {}/{} : {text}", self.step, self.total);
    }
    /// A line the step's command printed.
    fn output(&mut self, n: usize, text: &str) {
        for line in text.lines() {
            if self.classic {
                let _ = writeln!(self.out, "{line}");
            } else {
                let _ = writeln!(self.out, "#{n} 0.000 {line}");
                if let Some((_, log)) = self.vertices.get_mut(n - 1) {
                    log.push(format!("0.000 {line}"));
                }
            }
        }
    }
    /// BuildKit: a failure's ending (the quote, `ERROR: failed to solve`)
    /// follows; in quiet progress it is all that shows.
    fn ending(&mut self) {
        if let Some(from) = self.quiet_from {
            self.out.truncate(from);
        }
    }
    /// BuildKit: vertex `n` failed. Its error, then the summary the
    /// progress ends with: the vertex's name and the last 10 lines it printed.
    fn error(&mut self, n: usize, e: &str) {
        let _ = writeln!(self.out, "#{n} ERROR: {e}");
        if let Some((name, log)) = self.vertices.get(n - 1) {
            let _ = writeln!(self.out, "------\n > {name}:");
            for line in &log[log.len().saturating_sub(10)..] {
                let _ = writeln!(self.out, "{line}");
            }
            let _ = writeln!(self.out, "------");
        }
    }
}

/// BuildKit's step label: `[2/3]`, `[build 2/3]`, the number as wide as the
/// total (`[ 5/11]`).
fn step_label(stage: &str, step: usize, total: usize) -> String {
    let width = total.to_string().len();
    format!("[{stage}{step:>width$}/{total}]")
}

/// The classic builder's intermediate container for a step: an ID made
/// from the step's cache key, so a rebuild prints the same one.
fn container_id(key: &Digest) -> String {
    Digest::of(format!("container {key}").as_bytes()).hex()[..12].to_string()
}

/// The image ID after a step (the classic builder prints it as ` ---> ID`).
fn step_image_id(config: &ImageConfig) -> String {
    config.to_bytes().map(|b| Digest::of(&b).hex()[..12].to_string()).unwrap_or_default()
}

/// What a successful build hands back to the engine to store.
struct Built {
    config: ImageConfig,
    commits: Vec<Commit>,
    layer_sizes: Vec<u64>,
    /// The steps it ran, for the build cache.
    cache: Vec<crate::cache::NewEntry>,
    /// The target stage's instructions and the layers they made, for the lint.
    instructions: Vec<Instruction>,
    steps: Vec<(usize, Option<usize>)>,
    /// Cache mounts' contents after the build.
    caches: BTreeMap<String, Tree>,
    /// The target's layers taken from the build cache.
    reused: Vec<Digest>,
    /// The classic builder's image after each step, every stage's.
    step_images: Vec<StepImage>,
    /// Layers only those step images have (other stages').
    step_commits: Vec<Commit>,
}

/// An image the classic builder commits after a step: untagged, made on
/// the image before it (`docker images -a`, `docker history`'s IDs).
pub(crate) struct StepImage {
    pub id: Digest,
    pub bytes: Vec<u8>,
    pub config: ImageConfig,
    pub layer_sizes: Vec<u64>,
    pub parent: Option<Digest>,
}

/// The base image a `FROM` names, made present.
struct Base {
    id: Digest,
    /// `alpine:latest`.
    reference: String,
    manifest: Digest,
    /// The layers (diff_id, size) pulled for this build; None if it was already here.
    pulled: Option<Vec<(Digest, u64)>>,
}

/// `library/alpine:latest` for `alpine:latest`.
fn docker_io_path(reference: &str) -> String {
    if reference.split(':').next().is_some_and(|n| n.contains('/')) {
        reference.to_string()
    } else {
        format!("library/{reference}")
    }
}

/// A local image by that name, or else the simulated one pulled now.
fn resolve_base(engine: &mut Engine, name: &str, full: &str) -> Result<Base, String> {
    if let Some(img) = engine.image(name) {
        let id = img.id.clone();
        let (manifest, _) = engine.manifest(img)?;
        return Ok(Base { id, reference: full.to_string(), manifest, pulled: None });
    }
    let catalogue = crate::catalogue::catalogue()?;
    let def = catalogue.find(full).ok_or_else(|| {
        format!(
            "{name}: failed to resolve source metadata for docker.io/{}: pull access denied, repository does not exist or may require authorization (Layer Lab simulates these images: {})",
            docker_io_path(full),
            catalogue.names().join(", ")
        )
    })?;
    let crate::Pulled { id, layers, manifest } = engine.ensure_pulled(def, full)?;
    let sizes: Vec<(Digest, u64)> = match engine.images.get(&id) {
        Some(img) => img.diff_ids().iter().cloned().zip(img.layer_sizes.iter().copied()).collect(),
        None => Vec::new(),
    };
    Ok(Base { id, reference: full.to_string(), manifest, pulled: layers.map(|_| sizes) })
}

pub(crate) fn build(engine: &mut Engine, host: &dyn Host, opts: &BuildOptions, out: &mut String) -> Result<(Digest, Vec<Event>), ()> {
    let tags: Result<Vec<String>, String> = opts.tags.iter().map(|t| normalize_reference(t)).collect();
    let tags = match tags {
        Ok(t) => t,
        Err(e) => {
            let _ = writeln!(out, "ERROR: invalid tag {:?}: {e}", opts.tags.join(" "));
            return Err(());
        }
    };
    let classic = opts.classic;
    let quiet_from = (opts.quiet && !classic).then_some(out.len());
    let dockerfile_path = opts.file.clone().unwrap_or_else(|| format!("{}/Dockerfile", opts.context.trim_end_matches('/')));
    if !classic {
        let _ = writeln!(out, "#0 building with \"default\" instance using docker driver\n");
    }
    let mut progress = Progress { out, next: 0, classic, step: 0, total: 0, vertices: Vec::new(), quiet_from };

    let source = match host.read_file(&dockerfile_path) {
        Ok(bytes) => bytes,
        Err(e) if classic => {
            let _ = writeln!(progress.out, "unable to prepare context: unable to evaluate symlinks in Dockerfile path: {e}");
            return Err(());
        }
        Err(e) => {
            let n = progress.vertex(&format!("[internal] load build definition from {}", basename(&dockerfile_path)), &[]);
            let _ = writeln!(progress.out, "#{n} ERROR: failed to read dockerfile: {e}");
            progress.ending();
            let _ = writeln!(progress.out, "ERROR: failed to solve: failed to read dockerfile: {e}");
            return Err(());
        }
    };
    if !classic {
        let n = progress.vertex(
            &format!("[internal] load build definition from {}", basename(&dockerfile_path)),
            &[format!("transferring dockerfile: {} done", human_size(source.len() as u64))],
        );
        progress.done(n);
    }
    let text = String::from_utf8_lossy(&source).into_owned();

    let result = (|| -> Result<Built, Failure> {
        // The classic client sends the context before the daemon reads the Dockerfile.
        let raw_context = host.context(&opts.context)?;
        let ignore = raw_context.get(&components(".dockerignore")).and_then(|n| n.body()).map(|b| String::from_utf8_lossy(&b.to_vec()).into_owned());
        let context = match &ignore {
            Some(patterns) => dockerignore(&raw_context, patterns),
            None => raw_context,
        };
        if classic {
            let _ = writeln!(progress.out, "Sending build context to Docker daemon  {}", human_size(context_tar_size(&context)));
        }
        let instructions = dockerfile::parse(&text).map_err(|e| Failure {
            message: e.to_string(),
            lines: Some((e.line, e.line)),
            classic: Some(format!("Error response from daemon: {e}")),
        })?;
        let (mut stages, global_decls) = split_stages(&instructions)?;
        // ARGs before FROM: --build-arg wins over the default; FROM lines may use them.
        let mut globals: Vars = predefined_args();
        for (name, default) in global_decls {
            let value = match (opts.build_args.get(&name), default) {
                (Some(v), _) => Some(v.clone()),
                (None, Some(d)) => Some(expand(&d, &globals).map_err(Failure::from)?),
                (None, None) => globals.get(&name).cloned(),
            };
            if let Some(v) = value {
                globals.insert(name, v);
            }
        }
        for stage in &mut stages {
            stage.base = expand(&stage.base, &globals).map_err(|e| at(&stage.from, e))?;
        }
        let target = match &opts.target {
            Some(t) => stages.iter().position(|s| s.name.as_deref() == Some(&t.to_lowercase())).ok_or_else(|| {
                Failure::from(format!("target stage \"{t}\" could not be found"))
            })?,
            None => stages.len() - 1,
        };
        // BuildKit runs only the stages the target needs; the classic builder runs every one up to it.
        let needed: Vec<usize> = if classic { (0..=target).collect() } else { needed_stages(&stages, target) };
        progress.total = needed.iter().map(|&i| 1 + stages[i].body.len()).sum();
        // Resolve the images the needed stages start from.
        let mut bases: BTreeMap<usize, Base> = BTreeMap::new();
        for &i in &needed {
            let stage = &stages[i];
            if stage.base == "scratch" || stage_index(&stages[..i], &stage.base).is_some() {
                continue;
            }
            let full = normalize_reference(&stage.base).map_err(|e| at(&stage.from, e))?;
            // Stages on the same image share one metadata load.
            if let Some(same) = bases.values().find(|b| b.reference == full) {
                let shared = Base { id: same.id.clone(), reference: full, manifest: same.manifest.clone(), pulled: None };
                bases.insert(i, shared);
                continue;
            }
            if classic {
                let resolved = resolve_base(engine, &stage.base, &full).map_err(|e| Failure {
                    classic: Some(format!("Step 1/{} : {}\n{}", progress.total, stage.from.text(), classic_pull_error(&e))),
                    ..at(&stage.from, e)
                })?;
                bases.insert(i, resolved);
                continue;
            }
            let n = progress.vertex(&format!("[internal] load metadata for docker.io/{}", docker_io_path(&full)), &[]);
            let resolved = resolve_base(engine, &stage.base, &full).map_err(|e| {
                progress.error(n, &e);
                at(&stage.from, e)
            })?;
            progress.done(n);
            bases.insert(i, resolved);
        }
        let multi = stages.len() > 1;
        if !classic {
            let ignore_size = ignore.as_ref().map_or(2, |t| t.len() as u64);
            let n = progress.vertex("[internal] load .dockerignore", &[format!("transferring context: {} done", human_size(ignore_size))]);
            progress.done(n);
            for (&i, base) in &bases {
                let label = stage_label(&stages[i], i, multi);
                let total = 1 + step_total(&stages[i].body, false);
                let n = progress.vertex(&format!("{} FROM docker.io/{}@{}", step_label(&label, 1, total), docker_io_path(&base.reference), base.manifest), &[]);
                match &base.pulled {
                    None => {
                        let _ = writeln!(progress.out, "#{n} CACHED\n");
                    }
                    Some(layers) => {
                        let _ = writeln!(progress.out, "#{n} resolve docker.io/{}@{} done", docker_io_path(&base.reference), base.manifest);
                        for (diff_id, size) in layers {
                            let _ = writeln!(progress.out, "#{n} {diff_id} {} / {} done", human_size(*size), human_size(*size));
                        }
                        for (diff_id, _) in layers {
                            let _ = writeln!(progress.out, "#{n} extracting {diff_id} done");
                        }
                        progress.done(n);
                    }
                }
            }
            let sent: u64 = context.iter().map(|(_, node)| node.size()).sum();
            let n = progress.vertex("[internal] load build context", &[format!("transferring context: {} done", human_size(sent))]);
            progress.done(n);
        }

        let mut pending: Vec<Commit> = Vec::new();
        // RUN --mount=type=cache contents this build wrote (kept only if it succeeds).
        let mut caches: BTreeMap<String, Tree> = BTreeMap::new();
        let mut outs: BTreeMap<usize, StageOut> = BTreeMap::new();
        let mut sources: BTreeMap<String, Tree> = BTreeMap::new();
        let mut cache = Vec::new();
        // The classic builder's step images, and each stage's last image.
        let mut step_images: Vec<StepImage> = Vec::new();
        let mut heads: BTreeMap<usize, Option<Digest>> = BTreeMap::new();
        for &i in &needed {
            let stage = &stages[i];
            let start = match (bases.get(&i), stage_index(&stages[..i], &stage.base)) {
                (Some(base), _) => StageStart::image(engine, &base.id).map_err(|e| at(&stage.from, e))?,
                (None, Some(j)) => {
                    let out = outs.get(&j).ok_or_else(|| at(&stage.from, format!("stage {} was not built", stage.base)))?;
                    StageStart { config: out.config.clone(), parent: out.parent.clone(), layer_sizes: out.layer_sizes.clone(), key: out.key.clone(), from_vertex: false }
                }
                (None, None) => StageStart::scratch(),
            };
            if classic {
                progress.classic_step(&stage.from.original);
                if let Some(Base { reference, manifest, pulled: Some(layers), .. }) = bases.get(&i) {
                    let (path, tag) = docker_io_path(reference).rsplit_once(':').map(|(p, t)| (p.to_string(), t.to_string())).unwrap_or_default();
                    let _ = writeln!(progress.out, "{tag}: Pulling from {path}");
                    for (diff_id, _) in layers {
                        let _ = writeln!(progress.out, "{}: Pull complete ", diff_id.short());
                    }
                    let _ = writeln!(progress.out, "Digest: {manifest}\nStatus: Downloaded newer image for {reference}");
                }
                let id = match (bases.get(&i), start.config.rootfs.diff_ids.is_empty() && !bases.contains_key(&i) && stage_index(&stages[..i], &stage.base).is_none()) {
                    (Some(base), _) => base.id.hex()[..12].to_string(),
                    (None, true) => String::new(),
                    (None, false) => step_image_id(&start.config),
                };
                let _ = writeln!(progress.out, " ---> {id}");
            }
            let label = stage_label(stage, i, multi);
            let scope = ArgScope { build_args: &opts.build_args, globals: &globals };
            let out = run_stage(engine, &stage.body, start, &label, &context, &sources, &scope, opts.no_cache, &mut progress, &mut pending, &mut caches)?;
            let view = match pending.iter().find(|c| Some(&c.chain_id) == out.parent.as_ref()) {
                Some(c) => Tree::clone(&c.snapshot.view),
                None => out.parent.as_ref().and_then(|p| engine.snapshots.view(p)).cloned().unwrap_or_default(),
            };
            sources.insert(i.to_string(), view.clone());
            if let Some(name) = &stage.name {
                sources.insert(name.clone(), view);
            }
            let mut parent = match (bases.get(&i), stage_index(&stages[..i], &stage.base)) {
                (Some(base), _) => Some(base.id.clone()),
                (None, Some(j)) => heads.get(&j).cloned().flatten(),
                (None, None) => None,
            };
            for (config, layer_sizes) in &out.images {
                let bytes = config.to_bytes()?;
                let id = Digest::of(&bytes);
                step_images.push(StepImage { id: id.clone(), bytes, config: config.clone(), layer_sizes: layer_sizes.clone(), parent: parent.replace(id) });
            }
            heads.insert(i, parent);
            cache.extend(out.cache.iter().cloned());
            outs.insert(i, out);
        }
        let out = outs.remove(&target).ok_or_else(|| Failure::from("the target stage was not built".to_string()))?;
        // Only the layers of the image itself are stored; other stages' are dropped.
        // (The classic builder keeps its step images, and the layers they hold.)
        let chains = crate::digest::chain_ids(&out.config.rootfs.diff_ids);
        let step_chains: std::collections::BTreeSet<Digest> = step_images.iter().flat_map(|s| crate::digest::chain_ids(&s.config.rootfs.diff_ids)).collect();
        let (commits, others): (Vec<Commit>, Vec<Commit>) = pending.into_iter().partition(|c| chains.contains(&c.chain_id));
        let step_commits = others.into_iter().filter(|c| step_chains.contains(&c.chain_id)).collect();
        let instructions = stages.swap_remove(target).body;
        Ok(Built { config: out.config, commits, layer_sizes: out.layer_sizes, cache, instructions, steps: out.steps, caches, reused: out.reused, step_images, step_commits })
    })();

    let built = match result {
        Ok(b) => b,
        Err(f) if classic => {
            let _ = writeln!(progress.out, "{}", f.classic.unwrap_or(f.message));
            return Err(());
        }
        Err(f) => {
            progress.ending();
            if let Some((start, end)) = f.lines {
                quote(progress.out, &basename(&dockerfile_path), &text, start, end);
            }
            let _ = writeln!(progress.out, "ERROR: failed to solve: {}", f.message);
            return Err(());
        }
    };

    // Everything succeeded: store, then report.
    let config_bytes = match built.config.to_bytes() {
        Ok(b) => b,
        Err(e) => {
            progress.ending();
            let _ = writeln!(progress.out, "ERROR: failed to solve: {e}");
            return Err(());
        }
    };
    let (id, mut events) = engine.store_image(config_bytes, built.config, built.commits, built.layer_sizes);
    engine.store_steps(built.step_images, built.step_commits);
    for new in built.cache {
        engine.build_cache.insert(new, host.now());
    }
    for id in built.caches.keys() {
        engine.build_cache.touch(id, host.now());
    }
    engine.cache_mounts.extend(built.caches);
    events.extend(built.reused.iter().map(|d| Event::LayerReused { diff_id: d.clone() }));

    let mut details = vec!["exporting layers 0.0s done".to_string(), format!("writing image {id} done")];
    if classic {
        let _ = writeln!(progress.out, "Successfully built {}", &id.hex()[..12]);
    }
    for tag in &tags {
        details.push(format!("naming to docker.io/library/{tag} done"));
        if classic {
            let _ = writeln!(progress.out, "Successfully tagged {tag}");
        }
        engine.tag(tag, &id);
        events.push(Event::Tagged { reference: tag.clone(), id: id.clone() });
    }
    if !classic {
        let n = progress.vertex("exporting to image", &details);
        progress.done(n);
    }
    let layer_of = |line: usize| -> Option<crate::lint::LayerFiles> {
        let index = built.steps.iter().find(|(l, _)| *l == line)?.1?;
        let image = engine.images.get(&id)?;
        let chains = crate::digest::chain_ids(image.diff_ids());
        let upper = engine.snapshots.view(chains.get(index - 1)?)?;
        let lower = match index {
            1 => &EMPTY,
            _ => engine.snapshots.view(chains.get(index - 2)?)?,
        };
        let files = crate::layer::diff(lower, upper)
            .into_iter()
            .filter_map(|c| match c {
                crate::layer::Change::Added(k) | crate::layer::Change::Modified(k) => upper.get(&k).filter(|n| !n.is_dir()).map(|n| (display(&k), n.size())),
                _ => None,
            })
            .collect();
        Some(crate::lint::LayerFiles { index, size: image.layer_sizes.get(index - 1).copied().unwrap_or(0), files })
    };
    lint_report(progress.out, &basename(&dockerfile_path), &crate::lint::lint(&built.instructions, &layer_of));
    Ok((id, events))
}

static EMPTY: Tree = Tree::new();

/// The hints after a build, hadolint's format, each with its cost.
fn lint_report(out: &mut String, file: &str, hints: &[crate::lint::Hint]) {
    if hints.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{} hint{} from hadolint's layer and size rules:", hints.len(), if hints.len() == 1 { "" } else { "s" });
    for h in hints {
        out.push_str(&h.render(file));
    }
}

/// `docker build --check`: the hints alone; nothing is built.
pub(crate) fn check(host: &dyn Host, opts: &BuildOptions, out: &mut String) -> Result<(), ()> {
    let path = opts.file.clone().unwrap_or_else(|| format!("{}/Dockerfile", opts.context.trim_end_matches('/')));
    let source = host.read_file(&path).map_err(|e| {
        let _ = writeln!(out, "ERROR: failed to read dockerfile: {e}");
    })?;
    let instructions = dockerfile::parse(&String::from_utf8_lossy(&source)).map_err(|e| {
        let _ = writeln!(out, "ERROR: {e}");
    })?;
    let hints = crate::lint::lint(&instructions, &|_| None);
    lint_report(out, &basename(&path), &hints);
    let _ = writeln!(out, "Check complete, {} hint{} found (costs show after a build)", hints.len(), if hints.len() == 1 { "" } else { "s" });
    Ok(())
}

/// The classic builder's words when FROM names an image it cannot pull.
fn classic_pull_error(e: &str) -> String {
    match e.split_once("failed to resolve source metadata for docker.io/") {
        Some((_, rest)) => {
            let repo = rest.split(':').next().unwrap_or(rest).trim_start_matches("library/");
            let known = rest.split_once("(Layer Lab").map(|(_, k)| format!("(Layer Lab{k}")).unwrap_or_default();
            format!("pull access denied for {repo}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied {known}").trim_end().to_string()
        }
        None => e.to_string(),
    }
}

/// The size of the context as the classic client sends it: a tar of the
/// files (a 512-byte header each, contents padded to 512, two end blocks).
fn context_tar_size(context: &Tree) -> u64 {
    let body: u64 = context.iter().map(|(_, n)| 512 + if n.is_dir() { 0 } else { n.size().div_ceil(512) * 512 }).sum();
    body + 1024
}

/// The platform ARGs BuildKit defines in the global scope (usable in FROM
/// and, once declared with ARG, in a stage).
fn predefined_args() -> Vars {
    [
        ("BUILDPLATFORM", "linux/amd64"),
        ("BUILDOS", "linux"),
        ("BUILDARCH", "amd64"),
        ("BUILDVARIANT", ""),
        ("TARGETPLATFORM", "linux/amd64"),
        ("TARGETOS", "linux"),
        ("TARGETARCH", "amd64"),
        ("TARGETVARIANT", ""),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn basename(path: &str) -> String {
    path.rsplit('/').next().unwrap_or(path).to_string()
}

/// BuildKit's quote of the failing lines: `Dockerfile:2` (the first), a
/// ruler, the lines with `>>>` on the failing ones and some around them (two
/// each side of one line, one of several), counting the empty line after a
/// final newline, as BuildKit's `errdefs.Source.Print` does.
fn quote(out: &mut String, name: &str, text: &str, start: usize, end: usize) {
    let lines: Vec<&str> = text.split('\n').collect();
    if start < 1 || start > lines.len() {
        return;
    }
    let last = end.min(lines.len());
    let around = if last == start { 2 } else { 1 };
    let from = start.saturating_sub(around).max(1);
    let to = (last + around).min(lines.len());
    let ruler = "--------------------";
    let _ = writeln!(out, "{name}:{start}\n{ruler}");
    for n in from..=to {
        let mark = if (start..=end).contains(&n) { ">>>" } else { "   " };
        let _ = writeln!(out, " {n:>3} | {mark} {}", lines[n - 1]);
    }
    let _ = writeln!(out, "{ruler}");
}

/// One stage of a Dockerfile: its FROM and the instructions after it.
struct StageDef {
    from: Instruction,
    base: String,
    name: Option<String>,
    body: Vec<Instruction>,
}

/// The stages, and the ARGs declared before the first FROM (name, default).
/// An ARG declaration: its name and its default, if any.
type ArgDecl = (String, Option<String>);

fn split_stages(instructions: &[Instruction]) -> Result<(Vec<StageDef>, Vec<ArgDecl>), Failure> {
    let mut stages: Vec<StageDef> = Vec::new();
    let mut globals = Vec::new();
    for ins in instructions {
        if ins.keyword == "ARG" && stages.is_empty() {
            globals.extend(arg_decls(&ins.args));
            continue;
        }
        if ins.keyword == "FROM" {
            let words: Vec<&str> = ins.args.split_whitespace().filter(|w| !w.starts_with("--platform=")).collect();
            let (base, name) = match words.as_slice() {
                [base] => (base.to_string(), None),
                [base, as_, name] if as_.eq_ignore_ascii_case("as") => (base.to_string(), Some(name.to_lowercase())),
                _ => return Err(at(ins, "FROM requires either one or three arguments".to_string())),
            };
            stages.push(StageDef { from: ins.clone(), base, name, body: Vec::new() });
            continue;
        }
        match stages.last_mut() {
            Some(stage) => stage.body.push(ins.clone()),
            None => return Err(at(ins, "no build stage in current context".to_string())),
        }
    }
    if stages.is_empty() {
        return Err(Failure::from("the Dockerfile cannot be empty".to_string()));
    }
    Ok((stages, globals))
}

/// `ARG A B=2`: (name, default) pairs, the defaults still unexpanded.
fn arg_decls(args: &str) -> Vec<ArgDecl> {
    crate::parser::words(args, '\\')
        .into_iter()
        .map(|w| match w.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(v.to_string())),
            None => (w, None),
        })
        .collect()
}

/// The earlier stage a name refers to (by `AS` name or by number).
fn stage_index(earlier: &[StageDef], name: &str) -> Option<usize> {
    let lower = name.to_lowercase();
    earlier.iter().position(|s| s.name.as_deref() == Some(&lower)).or_else(|| name.parse::<usize>().ok().filter(|&i| i < earlier.len()))
}

/// The stages `target` needs (its base stage and `COPY --from` stages), in order.
fn needed_stages(stages: &[StageDef], target: usize) -> Vec<usize> {
    let mut needed = std::collections::BTreeSet::new();
    let mut todo = vec![target];
    while let Some(i) = todo.pop() {
        if !needed.insert(i) {
            continue;
        }
        let earlier = &stages[..i];
        todo.extend(stage_index(earlier, &stages[i].base));
        for ins in &stages[i].body {
            let from = ins.args.split_whitespace().find_map(|w| w.strip_prefix("--from="));
            todo.extend(from.and_then(|f| stage_index(earlier, f)));
            // RUN --mount=type=bind,from=stage,… reads a stage too.
            let mounted = ins.args.split_whitespace().filter_map(|w| w.strip_prefix("--mount=")).flat_map(|m| m.split(',')).filter_map(|p| p.strip_prefix("from="));
            todo.extend(mounted.filter_map(|f| stage_index(earlier, f)));
        }
    }
    needed.into_iter().collect()
}

/// `build ` for a stage named build, `stage-1 ` for an unnamed one in a
/// multi-stage Dockerfile, nothing for a single stage.
fn stage_label(stage: &StageDef, index: usize, multi: bool) -> String {
    match (&stage.name, multi) {
        (Some(name), true) => format!("{name} "),
        (None, true) => format!("stage-{index} "),
        _ => String::new(),
    }
}

/// Where a stage starts.
struct StageStart {
    config: ImageConfig,
    parent: Option<Digest>,
    layer_sizes: Vec<u64>,
    /// The cache key its first step builds on.
    key: Digest,
    /// FROM an image is a step of its own (`[1/N] FROM …`).
    from_vertex: bool,
}

impl StageStart {
    fn scratch() -> StageStart {
        let run = RunConfig { env: Some(vec![DEFAULT_PATH.to_string()]), working_dir: Some("/".to_string()), ..RunConfig::default() };
        let config = ImageConfig::linux_amd64(BUILD_TIME, run);
        StageStart { config, parent: None, layer_sizes: Vec::new(), key: Digest::of(b"scratch"), from_vertex: false }
    }

    fn image(engine: &Engine, id: &Digest) -> Result<StageStart, String> {
        let img = engine.images.get(id).ok_or_else(|| format!("image {id} is not in the store"))?;
        let parent = engine.snapshots.top(img.diff_ids());
        if parent.is_none() && !img.diff_ids().is_empty() {
            return Err(format!("the layers of {} are missing from the store", img.id));
        }
        Ok(StageStart { config: img.config.clone(), parent, layer_sizes: img.layer_sizes.clone(), key: id.clone(), from_vertex: true })
    }
}

/// The build arguments a stage can declare with ARG.
struct ArgScope<'a> {
    build_args: &'a BTreeMap<String, String>,
    /// Values of the ARGs declared before FROM.
    globals: &'a Vars,
}

/// What a stage produced.
struct StageOut {
    config: ImageConfig,
    parent: Option<Digest>,
    layer_sizes: Vec<u64>,
    key: Digest,
    cache: Vec<crate::cache::NewEntry>,
    /// Per instruction of the stage: its first line and the (1-based) layer it made.
    steps: Vec<(usize, Option<usize>)>,
    /// Layers its steps took from the build cache.
    reused: Vec<Digest>,
    /// The classic builder's image after each step: its config and layer sizes.
    images: Vec<(ImageConfig, Vec<u64>)>,
}

#[allow(clippy::too_many_arguments)]
fn run_stage(
    engine: &Engine,
    instructions: &[Instruction],
    start: StageStart,
    label: &str,
    context: &Tree,
    sources: &BTreeMap<String, Tree>,
    scope: &ArgScope,
    no_cache: bool,
    progress: &mut Progress,
    pending: &mut Vec<Commit>,
    caches: &mut BTreeMap<String, Tree>,
) -> Result<StageOut, Failure> {
    let classic = progress.classic;
    // ARGs declared in this stage, in order (None: declared without a value).
    let mut stage_args: Vec<(String, Option<String>)> = Vec::new();
    let StageStart { mut config, mut parent, mut layer_sizes, mut key, from_vertex } = start;
    // The two builders keep separate caches.
    if classic {
        key = Digest::of(format!("classic {key}").as_bytes());
    }
    config.created = BUILD_TIME.to_string();
    // The base's ONBUILD triggers run first; the new image does not keep them.
    let mut all: Vec<Instruction> = Vec::new();
    let triggers = config.config.on_build.take().unwrap_or_default();
    if classic && !triggers.is_empty() {
        let _ = writeln!(progress.out, "# Executing {} build trigger{}", triggers.len(), if triggers.len() == 1 { "" } else { "s" });
    }
    for trigger in triggers {
        let parsed = dockerfile::parse(&trigger).map_err(|e| Failure::from(format!("ONBUILD trigger {trigger:?}: {e}")))?;
        all.extend(parsed.into_iter().map(|i| Instruction { start_line: 0, end_line: 0, ..i }));
    }
    all.extend(instructions.iter().cloned());
    let instructions = all.as_slice();
    let mut cache_entries = Vec::new();
    let mut steps: Vec<(usize, Option<usize>)> = Vec::new();
    let mut reused: Vec<Digest> = Vec::new();
    let mut images = Vec::new();
    let mut missed = false;
    let total = usize::from(from_vertex) + step_total(instructions, false);
    let mut step = usize::from(from_vertex);
    let comment = if classic { "" } else { BUILDKIT_COMMENT };
    let history = |created_by: String, empty_layer: bool| History {
        created: BUILD_TIME.to_string(),
        created_by,
        comment: comment.to_string(),
        empty_layer,
    };
    for ins in instructions {
        let trigger = ins.start_line == 0;
        if classic && !trigger {
            progress.classic_step(&ins.original);
        }
        // ENV wins over ARG of the same name.
        let mut vars: Vars = crate::sorting::map_of(stage_args.iter().filter_map(|(k, v)| Some((k.clone(), v.clone()?))));
        for e in config.config.env.iter().flatten() {
            if let Some((k, v)) = e.split_once('=') {
                vars.insert(k.to_string(), v.to_string());
            }
        }
        if !trigger {
            steps.push((ins.start_line, None));
        }
        let c = &mut config.config;
        match ins.keyword.as_str() {
            "COPY" | "ADD" | "WORKDIR" | "RUN" => {
                step += 1;
                let n = if classic { 0 } else { progress.vertex(&format!("{} {}", step_label(label, step, total), ins.text()), &[]) };
                let args = match ins.keyword.as_str() {
                    "WORKDIR" => expand(&ins.args, &vars),
                    "COPY" | "ADD" => expand_words(&ins.args, &vars),
                    _ => Ok(ins.args.clone()),
                }
                .map_err(|e| at(ins, e))?;
                let mut cache_text = if args == ins.args { ins.text() } else { format!("{} ({args})", ins.text()) };
                // COPY --from=stage reads that stage's files instead of the context.
                let from = args.split_whitespace().find_map(|w| w.strip_prefix("--from="));
                let source = match from {
                    None => context,
                    Some(name) => sources.get(&name.to_lowercase()).ok_or_else(|| {
                        at(ins, format!("COPY --from={name}: no earlier stage is named {name} (COPY --from an image is not available in this version of Layer Lab)"))
                    })?,
                };
                // COPY <<EOF /dest: each here-document is a source file named after its delimiter.
                let with_docs;
                let (args, source) = if matches!(ins.keyword.as_str(), "COPY" | "ADD") && !ins.heredocs.is_empty() {
                    let mut tree = source.clone();
                    for doc in &ins.heredocs {
                        let content = if doc.expand { crate::shell::expand_body(&doc.content, &vars) } else { doc.content.clone() };
                        tree.insert(components(&doc.name), crate::fs::Node::file(content.into_bytes(), 0o644)).map_err(|e| at(ins, e))?;
                    }
                    with_docs = tree;
                    let words: Vec<String> = args
                        .split_whitespace()
                        .map(|w| match crate::parser::heredoc_markers(w).first() {
                            Some(doc) if w.starts_with("<<") => doc.name.clone(),
                            _ => w.to_string(),
                        })
                        .collect();
                    let docs: String = ins.heredocs.iter().map(|d| format!("\n{}", d.content)).collect();
                    cache_text.push_str(&docs);
                    (words.join(" "), &with_docs)
                } else {
                    if ins.keyword == "RUN" {
                        cache_text.extend(ins.heredocs.iter().map(|d| format!("\n{}", d.content)));
                    }
                    (args, source)
                };
                let files = if matches!(ins.keyword.as_str(), "COPY" | "ADD") { crate::cache::context_files(&args, source) } else { Vec::new() };
                // RUN sees the image's ENV and the stage's ARGs.
                let mut run_env: Vec<String> = c.env.clone().unwrap_or_default();
                for (k, v) in &stage_args {
                    if let Some(v) = v.as_ref().filter(|_| !run_env.iter().any(|e| e.split('=').next() == Some(k))) {
                        run_env.push(format!("{k}={v}"));
                    }
                }
                let env: &[String] = if ins.keyword == "RUN" { &run_env } else { &[] };
                let step_key = crate::cache::step_key(&key, &cache_text, env, &files);
                let hit = engine.build_cache.get(&step_key).filter(|e| {
                    !no_cache && e.layer.as_ref().is_none_or(|(chain, _, _)| engine.snapshots.get(chain).is_some())
                });
                if let Some(entry) = hit {
                    if !classic {
                        let _ = writeln!(progress.out, "#{n} CACHED\n");
                    }
                    if let Some(dir) = &entry.workdir {
                        c.working_dir = Some(dir.clone());
                    }
                    match &entry.layer {
                        Some((chain, diff_id, size)) => {
                            reused.push(diff_id.clone());
                            parent = Some(chain.clone());
                            layer_sizes.push(*size);
                            config.rootfs.diff_ids.push(diff_id.clone());
                            config.history.push(history(entry.created_by.clone(), false));
                            if let Some(last) = steps.last_mut().filter(|_| !trigger) {
                                last.1 = Some(config.rootfs.diff_ids.len());
                            }
                        }
                        None => config.history.push(history(entry.created_by.clone(), true)),
                    }
                    if classic && !trigger {
                        let _ = writeln!(progress.out, " ---> Using cache\n ---> {}", step_image_id(&config));
                        images.push((config.clone(), layer_sizes.clone()));
                    }
                    // Kept again once the build succeeds: its last use is now.
                    cache_entries.push(crate::cache::NewEntry { key: step_key.clone(), entry: entry.clone(), parent: key.clone(), instruction: cache_text.clone(), files: files.clone() });
                    key = step_key;
                    continue;
                }
                if !no_cache && !missed {
                    if let Some(reason) = engine.build_cache.miss_reason(&key, &cache_text, &files) {
                        if classic {
                            let _ = writeln!(progress.out, "(Layer Lab) cache miss: {reason}");
                        } else {
                            let _ = writeln!(progress.out, "#{n} (Layer Lab) cache miss: {reason}");
                        }
                    }
                }
                missed = true;
                // The classic builder runs RUN and WORKDIR in a container; COPY and ADD it does not.
                let container = (classic && !trigger && matches!(ins.keyword.as_str(), "RUN" | "WORKDIR")).then(|| container_id(&step_key));
                if let Some(cid) = &container {
                    let _ = writeln!(progress.out, " ---> Running in {cid}");
                }
                // The active snapshot starts on the previous step's layer,
                // which this build may not have stored yet.
                let mut active = match pending.iter().find(|c| Some(&c.chain_id) == parent.as_ref()) {
                    Some(c) => Snapshotter::prepare_on(&c.chain_id, &c.snapshot),
                    None => engine.snapshots.prepare(parent.as_ref()).map_err(|e| at(ins, e))?,
                };
                let workdir = c.working_dir.clone().unwrap_or_else(|| "/".to_string());
                let mut created_by = format!("{} # buildkit", ins.text());
                let mut linked: Option<Tree> = None;
                let result = match ins.keyword.as_str() {
                    "WORKDIR" => workdir_step(&args, &workdir, &mut active.upper).map(|dir| {
                        if classic {
                            created_by = format!("/bin/sh -c #(nop) WORKDIR {dir}");
                        }
                        c.working_dir = Some(dir);
                    }),
                    "RUN" => {
                        let shell_cmd = c.shell.clone();
                        let (mounts, script) = run_flags(&ins.args).map_err(|e| at(ins, e))?;
                        let mut contents = Vec::new();
                        for m in &mounts {
                            let content = mount_content(m, engine, caches, context, sources).map_err(|e| at(ins, e))?;
                            graft(&mut active.upper, &m.target, &content).map_err(|e| at(ins, e))?;
                            contents.push(content);
                        }
                        let (argv, output, status) = run_step(script, &ins.heredocs, &workdir, &run_env, shell_cmd.as_deref(), c.user.as_deref(), &mut active);
                        // Take the mounts out again: nothing under them goes into the layer.
                        for (m, before) in mounts.iter().zip(contents) {
                            let after = subtree(&active.upper, &m.target);
                            match m.kind.as_str() {
                                "cache" => {
                                    caches.insert(m.id.clone(), after);
                                }
                                "bind" if m.readonly && after != before => {
                                    let e = format!("the command wrote under {}, a read-only bind mount: Read-only file system (add ,rw to the mount to allow it; the writes are discarded)", display(&m.target));
                                    return Err(at(ins, e));
                                }
                                _ => {}
                            }
                            let (upper, lower, _) = active.parts();
                            let kept = subtree(lower, &m.target);
                            graft(upper, &m.target, &kept).map_err(|e| at(ins, e))?;
                            if let (Some(dir), Some(up)) = (lower.get(&m.target).cloned(), upper.get(&m.target).cloned()) {
                                if dir != up {
                                    let _ = upper.insert(m.target.clone(), dir);
                                }
                            }
                        }
                        progress.output(n, &output);
                        // Both builders show the stage's build args first: `RUN |1 V=2 /bin/sh -c …`.
                        let shown: Vec<String> = stage_args.iter().map(|(k, v)| format!("{k}={}", v.as_deref().unwrap_or(""))).collect();
                        let prefix = if shown.is_empty() { String::new() } else { format!("|{} {} ", shown.len(), shown.join(" ")) };
                        created_by = if classic { format!("{prefix}{}", argv.join(" ")) } else { format!("RUN {prefix}{} # buildkit", argv.join(" ")) };
                        match status {
                            Ok(0) => Ok(()),
                            Ok(code) => {
                                let message = format!("process \"{}\" did not complete successfully: exit code: {code}", argv.join(" "));
                                if !classic {
                                    progress.error(n, &message);
                                }
                                let classic_text = format!("The command '{}' returned a non-zero code: {code}", argv.join(" "));
                                return Err(Failure { classic: Some(classic_text), ..at(ins, message) });
                            }
                            Err(e) => Err(e),
                        }
                    }
                    keyword if args.split_whitespace().any(|w| w == "--link") => {
                        // --link: the files go into a layer of their own, made without
                        // looking at the layers below (only a destination directory is kept a directory).
                        let mut fresh = Tree::new();
                        let dest = args.split_whitespace().last().unwrap_or("");
                        let dest_key = if dest.starts_with('/') { components(dest) } else { components(&format!("{workdir}/{dest}")) };
                        if active.upper.get(&dest_key).is_some_and(|n| n.is_dir()) && !dest_key.is_empty() {
                            for i in 1..=dest_key.len() {
                                let _ = fresh.insert(dest_key[..i].to_vec(), active.upper.get(&dest_key[..i]).cloned().unwrap_or_else(|| crate::fs::Node::dir(0o755)));
                            }
                        }
                        let copied = copy(keyword, &args, &workdir, source, &mut fresh);
                        linked = Some(fresh);
                        if classic {
                            created_by = classic_copy_text(keyword, &args, &files, source);
                        }
                        copied
                    }
                    keyword => {
                        let copied = copy(keyword, &args, &workdir, source, &mut active.upper);
                        if classic {
                            created_by = classic_copy_text(keyword, &args, &files, source);
                        }
                        copied
                    }
                };
                result.map_err(|e| {
                    if !classic {
                        progress.error(n, &e);
                    }
                    let classic_text = match ins.keyword.as_str() {
                        "COPY" | "ADD" => Some(format!("{} failed: {e}", ins.keyword)),
                        _ => None,
                    };
                    Failure { classic: classic_text, ..at(ins, e) }
                })?;
                let commit = match linked {
                    Some(fresh) => Snapshotter::commit_linked(active, fresh),
                    None => engine.snapshots.commit(active),
                }
                .map_err(|e| at(ins, e))?;
                progress.done(n);
                let cache_files = files.clone();
                let parent_key = std::mem::replace(&mut key, step_key.clone());
                let workdir = (ins.keyword == "WORKDIR").then(|| c.working_dir.clone()).flatten();
                // WORKDIR makes a layer only when it created the directory; the
                // classic builder makes none for any step that changed nothing.
                if commit.layer.changes.is_empty() && (classic || ins.keyword == "WORKDIR") {
                    let entry = crate::cache::Entry { layer: None, created_by: created_by.clone(), workdir };
                    cache_entries.push(crate::cache::NewEntry { key: step_key, entry, parent: parent_key, instruction: cache_text, files: cache_files });
                    config.history.push(history(created_by, true));
                } else {
                    let layer = Some((commit.chain_id.clone(), commit.layer.diff_id.clone(), commit.layer.size));
                    let entry = crate::cache::Entry { layer, created_by: created_by.clone(), workdir };
                    cache_entries.push(crate::cache::NewEntry { key: step_key, entry, parent: parent_key, instruction: cache_text, files: cache_files });
                    parent = Some(commit.chain_id.clone());
                    layer_sizes.push(commit.layer.size);
                    config.rootfs.diff_ids.push(commit.layer.diff_id.clone());
                    config.history.push(history(created_by, false));
                    pending.push(commit);
                    if let Some(last) = steps.last_mut().filter(|_| !trigger) {
                        last.1 = Some(config.rootfs.diff_ids.len());
                    }
                }
                if classic && !trigger {
                    if let Some(cid) = container {
                        let _ = writeln!(progress.out, "Removing intermediate container {cid}");
                    }
                    let _ = writeln!(progress.out, " ---> {}", step_image_id(&config));
                    images.push((config.clone(), layer_sizes.clone()));
                }
            }
            keyword => {
                // The classic builder commits every instruction (ARG too) as an image of its own.
                let step_key = crate::cache::step_key(&key, &ins.text(), &[], &[]);
                let hit = classic && !no_cache && !missed && engine.build_cache.get(&step_key).is_some();
                let container = (classic && !trigger && !hit).then(|| container_id(&step_key));
                if let Some(cid) = &container {
                    let _ = writeln!(progress.out, " ---> Running in {cid}");
                }
                let created_by = if keyword == "ARG" {
                    let mut shown = Vec::new();
                    for (name, default) in arg_decls(&ins.args) {
                        let value = match (scope.build_args.get(&name), default) {
                            (Some(v), _) => Some(v.clone()),
                            (None, Some(d)) => Some(expand(&d, &vars).map_err(|e| at(ins, e))?),
                            (None, None) => scope.globals.get(&name).cloned(),
                        };
                        shown.push(match &value {
                            Some(v) => format!("{name}={v}"),
                            None => name.clone(),
                        });
                        stage_args.retain(|(k, _)| *k != name);
                        stage_args.push((name, value));
                    }
                    // BuildKit records no history for ARG.
                    classic.then(|| format!("ARG {}", shown.join(" ")))
                } else {
                    let text = metadata(keyword, &ins.args, c, &vars).map_err(|e| at(ins, e))?;
                    Some(match (classic, keyword) {
                        (true, "EXPOSE") => format!("EXPOSE {}", expand_words(&ins.args, &vars).map_err(|e| at(ins, e))?),
                        _ => text,
                    })
                };
                if let Some(text) = created_by {
                    let text = if classic { format!("/bin/sh -c #(nop)  {text}") } else { text };
                    config.history.push(history(text.clone(), true));
                }
                if classic {
                    if !hit {
                        missed = true;
                        let entry = crate::cache::Entry { layer: None, created_by: String::new(), workdir: None };
                        cache_entries.push(crate::cache::NewEntry { key: step_key.clone(), entry, parent: key.clone(), instruction: ins.text(), files: Vec::new() });
                    }
                    key = step_key;
                    if !trigger {
                        match container {
                            Some(cid) => {
                                let _ = writeln!(progress.out, "Removing intermediate container {cid}");
                            }
                            None => {
                                let _ = writeln!(progress.out, " ---> Using cache");
                            }
                        }
                        let _ = writeln!(progress.out, " ---> {}", step_image_id(&config));
                        images.push((config.clone(), layer_sizes.clone()));
                    }
                }
            }
        }
    }
    Ok(StageOut { config, parent, layer_sizes, key, cache: cache_entries, steps, reused, images })
}

/// The classic builder's history text for COPY/ADD:
/// `/bin/sh -c #(nop) COPY file:<sum> in /dest `, the sum over what was copied.
fn classic_copy_text(keyword: &str, args: &str, files: &[(String, Digest)], source: &Tree) -> String {
    let words: Vec<&str> = args.split_whitespace().filter(|w| !w.starts_with("--")).collect();
    let (dest, srcs) = words.split_last().map(|(d, s)| (*d, s.to_vec())).unwrap_or(("", Vec::new()));
    let kind = match srcs.as_slice() {
        [one] if source.get(&components(one)).is_some_and(|n| !n.is_dir()) => "file",
        [_] => "dir",
        _ => "multi",
    };
    let sum = match (kind, files) {
        ("file", [(_, d)]) => d.hex().to_string(),
        _ => {
            let text: String = files.iter().map(|(p, d)| format!("{p} {d}\n")).collect();
            Digest::of(text.as_bytes()).hex().to_string()
        }
    };
    format!("/bin/sh -c #(nop) {keyword} {kind}:{sum} in {dest} ")
}

/// A `RUN --mount=…`.
struct RunMount {
    /// cache, tmpfs or bind.
    kind: String,
    target: PathKey,
    /// bind: the path in the context or stage.
    source: String,
    /// bind: the stage to read from (default: the build context).
    from: Option<String>,
    /// cache: which cache (default: the target path).
    id: String,
    readonly: bool,
}

/// RUN's flags (`--mount=…`, `--network=…`) and the command after them.
fn run_flags(args: &str) -> Result<(Vec<RunMount>, &str), String> {
    let mut rest = args.trim_start();
    let mut mounts = Vec::new();
    while rest.starts_with("--") {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let flag = &rest[..end];
        rest = rest[end..].trim_start();
        if let Some(spec) = flag.strip_prefix("--mount=") {
            let kv: BTreeMap<&str, &str> = crate::sorting::map_of(spec.split(',').map(|p| p.split_once('=').unwrap_or((p, "true"))));
            let kind = kv.get("type").copied().unwrap_or("bind").to_string();
            if !matches!(kind.as_str(), "cache" | "tmpfs" | "bind") {
                return Err(format!("RUN --mount=type={kind} is not available in this version of Layer Lab (cache, tmpfs and bind are)"));
            }
            let target = kv.get("target").or(kv.get("dst")).or(kv.get("destination")).ok_or_else(|| format!("RUN --mount={spec}: target is required"))?;
            let target = components(target);
            let id = kv.get("id").map_or_else(|| display(&target), |s| s.to_string());
            let readonly = kind == "bind" && !kv.contains_key("rw") && !kv.contains_key("readwrite");
            mounts.push(RunMount { kind, target, source: kv.get("source").or(kv.get("src")).unwrap_or(&"/").to_string(), from: kv.get("from").map(|s| s.to_string()), id, readonly });
        } else if let Some(net) = flag.strip_prefix("--network=") {
            if !matches!(net, "none" | "default" | "host") {
                return Err(format!("RUN --network={net}: unknown network mode"));
            }
        } else {
            return Err(format!("RUN flag {flag} is not available in this version of Layer Lab"));
        }
    }
    Ok((mounts, rest))
}

/// What a mount shows at its target.
fn mount_content(m: &RunMount, engine: &Engine, caches: &BTreeMap<String, Tree>, context: &Tree, sources: &BTreeMap<String, Tree>) -> Result<Tree, String> {
    Ok(match m.kind.as_str() {
        "cache" => caches.get(&m.id).or_else(|| engine.cache_mounts.get(&m.id)).cloned().unwrap_or_default(),
        "bind" => {
            let from = match &m.from {
                Some(name) => sources.get(&name.to_lowercase()).ok_or_else(|| format!("RUN --mount from={name}: no earlier stage is named {name}"))?,
                None => context,
            };
            let key = components(&m.source);
            match from.get(&key) {
                Some(n) if !n.is_dir() => return Err(format!("RUN --mount source={}: binding a single file is not available in this version of Layer Lab", m.source)),
                None if !key.is_empty() => return Err(format!("RUN --mount source={}: not found", m.source)),
                _ => subtree(from, &key),
            }
        }
        _ => Tree::new(),
    })
}

/// The nodes below `key`, keyed relative to it.
fn subtree(tree: &Tree, key: &[String]) -> Tree {
    let mut out = Tree::new();
    for (k, n) in tree.descendants(key) {
        let _ = out.insert(k[key.len()..].to_vec(), n.clone()); // ok: parents come first
    }
    out
}

/// Replaces what is below `key` with `content` (the directory itself stays or is made).
fn graft(tree: &mut Tree, key: &PathKey, content: &Tree) -> Result<(), String> {
    let below: Vec<PathKey> = tree.descendants(key).map(|(k, _)| k.clone()).collect();
    for k in below {
        tree.remove(&k);
    }
    if !key.is_empty() && !tree.get(key).is_some_and(|n| n.is_dir()) {
        tree.remove(key);
        tree.insert(key.clone(), crate::fs::Node::dir(0o755))?;
    }
    for (k, n) in content.iter() {
        let mut full = key.clone();
        full.extend_from_slice(k);
        tree.insert(full, n.clone())?;
    }
    Ok(())
}

/// `RUN`: the command line it runs (shell form through `/bin/sh -c`), what
/// it printed, and its exit status (Err for what this version cannot run).
fn run_step(args: &str, heredocs: &[crate::parser::Heredoc], workdir: &str, env: &[String], shell_cmd: Option<&[String]>, user: Option<&str>, active: &mut crate::snapshot::Active) -> (Vec<String>, String, Result<i32, String>) {
    let args = args.trim();
    // `RUN <<EOF` alone runs the document as the script; otherwise the shell
    // gets the command line followed by the documents (BuildKit's rule).
    let script = match heredocs {
        [doc] if args.split_whitespace().count() == 1 => {
            if let Some(interpreter) = doc.content.strip_prefix("#!").and_then(|c| c.lines().next()) {
                let program = interpreter.split_whitespace().next().unwrap_or("");
                if !matches!(program.rsplit('/').next(), Some("sh" | "bash" | "ash" | "dash")) {
                    let argv = vec![program.to_string()];
                    return (argv, String::new(), Err(format!("RUN <<{}: the interpreter {program} is not available in Layer Lab (shell scripts are)", doc.name)));
                }
            }
            doc.content.clone()
        }
        [] => args.to_string(),
        docs => {
            let mut s = args.to_string();
            for d in docs {
                s.push('\n');
                s.push_str(&d.content);
                s.push_str(&d.name);
            }
            s
        }
    };
    let args = script.as_str();
    let exec_form = args.starts_with('[').then(|| serde_json::from_str::<Vec<String>>(args).ok()).flatten();
    let default_shell = ["/bin/sh".to_string(), "-c".to_string()];
    let shell_cmd = shell_cmd.unwrap_or(&default_shell);
    let argv = exec_form.clone().unwrap_or_else(|| shell_cmd.iter().cloned().chain([args.to_string()]).collect());
    let mut env: std::collections::BTreeMap<String, String> = env.iter().filter_map(|e| e.split_once('=')).map(|(k, v)| (k.to_string(), v.to_string())).collect();
    // USER: who the step runs as (`id`, the owner of the files it makes).
    if let Some(u) = user.filter(|u| !u.is_empty()) {
        env.insert(crate::shell::USER.to_string(), u.to_string());
    }
    let (upper, lower, opaque) = active.parts();
    let mut shell = crate::shell::Shell::new(upper, lower, opaque, workdir, env);
    let status = match &exec_form {
        Some(words) => shell.run_argv(words),
        None => shell.run_script(args),
    };
    (argv, shell.output, Ok(status))
}

/// The N of BuildKit's `[i/N]`: FROM an image and the filesystem steps are
/// vertices; metadata instructions are not.
fn step_total(instructions: &[Instruction], has_base: bool) -> usize {
    usize::from(has_base) + instructions.iter().filter(|i| matches!(i.keyword.as_str(), "COPY" | "ADD" | "RUN" | "WORKDIR")).count()
}

/// Variables visible to an instruction: the image's ENV over the stage's ARGs.
type Vars = BTreeMap<String, String>;

/// `docker commit --change 'CMD ["x"]'`: one Dockerfile instruction applied
/// to an image's run config (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD,
/// USER, VOLUME, WORKDIR, as Docker allows).
pub(crate) fn change(line: &str, c: &mut RunConfig) -> Result<(), String> {
    let line = line.trim();
    let (keyword, args) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    let keyword = keyword.to_ascii_uppercase();
    let vars: Vars = crate::sorting::map_of(c.env.iter().flatten().filter_map(|e| e.split_once('=')).map(|(k, v)| (k.to_string(), v.to_string())));
    match keyword.as_str() {
        "USER" => c.user = Some(expand(args.trim(), &vars)?),
        "WORKDIR" => {
            let dir = expand(args.trim(), &vars)?;
            let base = c.working_dir.clone().unwrap_or_else(|| "/".to_string());
            c.working_dir = Some(if dir.starts_with('/') { dir } else { format!("{}/{dir}", base.trim_end_matches('/')) });
        }
        "CMD" | "ENTRYPOINT" | "ENV" | "EXPOSE" | "LABEL" | "ONBUILD" | "VOLUME" => {
            metadata(&keyword, args, c, &vars)?;
        }
        _ => return Err(format!("{keyword} is not a valid change command")),
    }
    Ok(())
}

fn expand(word: &str, vars: &Vars) -> Result<String, String> {
    let lookup = |name: &str| vars.get(name).cloned();
    crate::shell_lex::process_word(word, &lookup, '\\')
}

/// Splits on whitespace and expands each word (COPY, ADD, EXPOSE, VOLUME).
fn expand_words(args: &str, vars: &Vars) -> Result<String, String> {
    if args.trim_start().starts_with('[') {
        return Ok(args.to_string());
    }
    let words: Result<Vec<String>, String> = args.split_whitespace().map(|w| if w.starts_with("--") { Ok(w.to_string()) } else { expand(w, vars) }).collect();
    Ok(words?.join(" "))
}

/// Splits `KEY=VALUE …` (or the old `KEY VALUE` form) as LABEL and ENV take
/// them, then expands variables in the values (quotes are removed then).
fn pairs(keyword: &str, args: &str, vars: &Vars) -> Result<Vec<(String, String)>, String> {
    let words = crate::parser::words(args, '\\');
    let Some(first) = words.first() else {
        return Err(format!("{keyword} requires at least one argument"));
    };
    if !first.contains('=') {
        // The old form: the rest of the line is the value.
        let rest = args.trim_start()[args.trim_start().find(char::is_whitespace).unwrap_or(args.trim_start().len())..].trim();
        if rest.is_empty() {
            return Err(format!("{keyword} must have two arguments"));
        }
        return Ok(vec![(expand(first, vars)?, expand(rest, vars)?)]);
    }
    words
        .iter()
        .map(|w| {
            let (k, v) = w.split_once('=').ok_or_else(|| format!("Syntax error - can't find = in {w:?}. Must be of the form: name=value"))?;
            Ok((expand(k, vars)?, expand(v, vars)?))
        })
        .collect()
}

/// A JSON array of strings (exec form) or a shell command (`/bin/sh -c`).
fn command_form(args: &str) -> Vec<String> {
    let trimmed = args.trim();
    if trimmed.starts_with('[') {
        if let Ok(list) = serde_json::from_str::<Vec<String>>(trimmed) {
            return list;
        }
    }
    vec!["/bin/sh".to_string(), "-c".to_string(), trimmed.to_string()]
}

/// Go's `%q` of a list of strings: `["sleep" "1d"]`.
fn go_quoted(list: &[String]) -> String {
    let items: Vec<String> = list.iter().map(|s| serde_json::to_string(s).unwrap_or_default()).collect();
    format!("[{}]", items.join(" "))
}

/// Applies an instruction that only changes the image config; returns its
/// history entry as BuildKit writes it.
fn metadata(keyword: &str, args: &str, c: &mut RunConfig, vars: &Vars) -> Result<String, String> {
    let args = args.trim();
    Ok(match keyword {
        "LABEL" | "MAINTAINER" => {
            let list = if keyword == "MAINTAINER" { vec![("maintainer".to_string(), args.to_string())] } else { pairs(keyword, args, vars)? };
            let labels = c.labels.get_or_insert_with(Default::default);
            let mut shown = Vec::new();
            for (k, v) in list {
                shown.push(format!("{k}={v}"));
                labels.insert(k, v);
            }
            if keyword == "MAINTAINER" { format!("MAINTAINER {args}") } else { format!("LABEL {}", shown.join(" ")) }
        }
        "ENV" => {
            let list = pairs(keyword, args, vars)?;
            let env = c.env.get_or_insert_with(Vec::new);
            let mut shown = Vec::new();
            for (k, v) in list {
                env.retain(|e| e.split_once('=').map_or(e.as_str(), |(n, _)| n) != k);
                env.push(format!("{k}={v}"));
                shown.push(format!("{k}={v}"));
            }
            format!("ENV {}", shown.join(" "))
        }
        "CMD" => {
            let cmd = command_form(args);
            let shown = go_quoted(&cmd);
            c.cmd = Some(cmd);
            format!("CMD {shown}")
        }
        "ENTRYPOINT" => {
            let ep = command_form(args);
            let shown = go_quoted(&ep);
            c.entrypoint = Some(ep);
            // A new ENTRYPOINT resets the CMD inherited from the base image.
            c.cmd = None;
            format!("ENTRYPOINT {shown}")
        }
        "EXPOSE" => {
            let args = expand_words(args, vars)?;
            let ports = c.exposed_ports.get_or_insert_with(Default::default);
            for p in args.split_whitespace() {
                let port = if p.contains('/') { p.to_string() } else { format!("{p}/tcp") };
                ports.insert(port, serde_json::json!({}));
            }
            let keys: Vec<String> = ports.keys().map(|k| format!("{k}:{{}}")).collect();
            format!("EXPOSE map[{}]", keys.join(" "))
        }
        "VOLUME" => {
            let args = expand_words(args, vars)?;
            let args = args.as_str();
            let list = if args.starts_with('[') { serde_json::from_str::<Vec<String>>(args).map_err(|e| format!("VOLUME: {e}"))? } else { args.split_whitespace().map(str::to_string).collect() };
            let volumes = c.volumes.get_or_insert_with(Default::default);
            for v in &list {
                volumes.insert(v.clone(), serde_json::json!({}));
            }
            format!("VOLUME [{}]", list.join(" "))
        }
        "SHELL" => {
            let shell: Vec<String> = serde_json::from_str(args).map_err(|_| "SHELL requires the arguments to be in JSON form".to_string())?;
            if shell.is_empty() {
                return Err("SHELL requires at least one argument".to_string());
            }
            let shown = format!("SHELL [{}]", shell.join(" "));
            c.shell = Some(shell);
            shown
        }
        "ONBUILD" => {
            let trigger = args.to_string();
            let keyword = trigger.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
            if matches!(keyword.as_str(), "ONBUILD" | "FROM" | "MAINTAINER") || keyword.is_empty() {
                return Err(format!("{keyword} isn't allowed as an ONBUILD trigger"));
            }
            c.on_build.get_or_insert_with(Vec::new).push(trigger.clone());
            format!("ONBUILD {trigger}")
        }
        "HEALTHCHECK" => {
            let (check, shown) = healthcheck(args)?;
            c.healthcheck = Some(check);
            format!("HEALTHCHECK {shown}")
        }
        "USER" => {
            let user = expand(args, vars)?;
            c.user = Some(user.clone());
            format!("USER {user}")
        }
        "STOPSIGNAL" => {
            let signal = expand(args, vars)?;
            c.stop_signal = Some(signal.clone());
            format!("STOPSIGNAL {signal}")
        }
        other => return Err(format!("{other} is not available in this version of Layer Lab")),
    })
}

/// Go's `time.Duration` string: `30s`, `5m0s`, `1h0m0s`.
fn go_duration(ns: u64) -> String {
    let secs = ns / 1_000_000_000;
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m{s}s"),
        _ => format!("{h}h{m}m{s}s"),
    }
}

/// Parses a duration flag (`30s`, `5m`, `1h30m`, `500ms`) into nanoseconds.
pub(crate) fn parse_duration(text: &str) -> Option<u64> {
    let mut total = 0u64;
    let mut num = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let unit = if c == 'm' && chars.peek() == Some(&'s') {
            chars.next();
            1_000_000
        } else {
            match c {
                'h' => 3_600_000_000_000,
                'm' => 60_000_000_000,
                's' => 1_000_000_000,
                _ => return None,
            }
        };
        total += num.parse::<u64>().ok()? * unit;
        num.clear();
    }
    num.is_empty().then_some(total)
}

/// `HEALTHCHECK [--interval=…] [--timeout=…] [--start-period=…] [--retries=…] CMD …`
/// or `HEALTHCHECK NONE`: the config object and the history text
/// (BuildKit prints the struct with Go's `%q`).
fn healthcheck(args: &str) -> Result<(serde_json::Value, String), String> {
    let mut rest = args.trim();
    let mut durations = [0u64; 3];
    let mut retries = 0u64;
    while let Some(flag) = rest.strip_prefix("--") {
        let (word, after) = flag.split_once(char::is_whitespace).unwrap_or((flag, ""));
        let (name, value) = word.split_once('=').ok_or_else(|| format!("HEALTHCHECK flag --{word} needs a value"))?;
        match name {
            "interval" | "timeout" | "start-period" => {
                let ns = parse_duration(value).ok_or_else(|| format!("HEALTHCHECK --{name}: invalid duration {value:?}"))?;
                durations[match name { "interval" => 0, "timeout" => 1, _ => 2 }] = ns;
            }
            "retries" => retries = value.parse().map_err(|_| format!("HEALTHCHECK --retries: invalid number {value:?}"))?,
            other => return Err(format!("HEALTHCHECK flag --{other} is not available in this version of Layer Lab")),
        }
        rest = after.trim_start();
    }
    let (kind, cmd) = rest.split_once(char::is_whitespace).map(|(k, c)| (k, c.trim())).unwrap_or((rest, ""));
    let test: Vec<String> = match kind.to_ascii_uppercase().as_str() {
        "NONE" if cmd.is_empty() => vec!["NONE".to_string()],
        "CMD" if !cmd.is_empty() => match serde_json::from_str::<Vec<String>>(cmd) {
            Ok(list) if cmd.starts_with('[') => std::iter::once("CMD".to_string()).chain(list).collect(),
            _ => vec!["CMD-SHELL".to_string(), cmd.to_string()],
        },
        _ => return Err("HEALTHCHECK requires CMD followed by a command, or NONE".to_string()),
    };
    let mut check = serde_json::json!({ "Test": test });
    for (key, ns) in ["Interval", "Timeout", "StartPeriod"].iter().zip(durations) {
        if ns > 0 {
            check[*key] = serde_json::json!(ns);
        }
    }
    if retries > 0 {
        check["Retries"] = serde_json::json!(retries);
    }
    let quoted: Vec<String> = test.iter().map(|t| crate::parser::go_quote(t)).collect();
    let shown = format!(
        "&{{[{}] \"{}\" \"{}\" \"{}\" \"0s\" '\\x{:02x}'}}",
        quoted.join(" "),
        go_duration(durations[0]),
        go_duration(durations[1]),
        go_duration(durations[2]),
        retries
    );
    Ok((check, shown))
}

/// `WORKDIR dir`: resolves against the current one and makes the directory.
fn workdir_step(args: &str, current: &str, root: &mut Tree) -> Result<String, String> {
    let arg = args.trim();
    if arg.is_empty() {
        return Err("WORKDIR requires exactly one argument".to_string());
    }
    let joined = if arg.starts_with('/') { arg.to_string() } else { format!("{current}/{arg}") };
    let key = components(&joined);
    match root.get(&key) {
        Some(n) if n.is_dir() => {}
        Some(_) => return Err(format!("mkdir {}: not a directory", display(&key))),
        None if key.is_empty() => {}
        None => root.insert(key.clone(), crate::fs::Node::dir(0o755))?,
    }
    Ok(display(&key))
}

/// `COPY`/`ADD <src>... <dest>` from the build context into `root`; a
/// relative dest is taken from `workdir`.
fn copy(keyword: &str, args: &str, workdir: &str, context: &Tree, root: &mut Tree) -> Result<(), String> {
    let mut owner: Option<(u32, Option<u32>)> = None;
    let mut chmod: Option<u32> = None;
    let mut words: Vec<&str> = Vec::new();
    for w in args.split_whitespace() {
        if let Some(v) = w.strip_prefix("--chown=") {
            let (u, g) = v.split_once(':').map_or((v, None), |(u, g)| (u, Some(g)));
            let id = |name: &str, file: &str| -> Result<u32, String> {
                name.parse().ok().or_else(|| lookup_id(root, file, name)).ok_or_else(|| format!("unable to find user {name}: no matching entries in {file} file"))
            };
            owner = Some((id(u, "/etc/passwd")?, g.map(|g| id(g, "/etc/group")).transpose()?));
        } else if let Some(v) = w.strip_prefix("--chmod=") {
            chmod = Some(u32::from_str_radix(v, 8).map_err(|_| format!("invalid chmod parameter {v:?} (octal modes only)"))?);
        } else if !(keyword == "COPY" && w.starts_with("--from=")) && w != "--link" {
            words.push(w);
        }
    }
    if let Some(flag) = words.iter().find(|w| w.starts_with("--")) {
        return Err(format!("{keyword} flag {flag} is not available in this version of Layer Lab"));
    }
    let Some((dest, sources)) = words.split_last().filter(|(_, s)| !s.is_empty()) else {
        return Err(format!("{keyword} requires at least two arguments, but only one was provided. Destination could not be determined"));
    };
    if words.first().is_some_and(|w| w.starts_with('[')) {
        return Err(format!("the JSON form of {keyword} is not available in this version of Layer Lab"));
    }
    if keyword == "ADD" {
        if let Some(url) = sources.iter().find(|s| s.contains("://")) {
            return Err(format!("failed to load {url}: Layer Lab has no network: ADD from a URL cannot work here"));
        }
    }
    // Wildcards match names in the source, in order.
    let mut expanded: Vec<PathKey> = Vec::new();
    for src in sources {
        let key = components(src);
        if !src.contains(['*', '?', '[']) {
            expanded.push(key);
            continue;
        }
        let pattern: Vec<Vec<char>> = key.iter().map(|c| c.chars().collect()).collect();
        let matches: Vec<PathKey> = context
            .iter()
            .map(|(k, _)| k)
            .filter(|k| k.len() == pattern.len() && k.iter().zip(&pattern).all(|(c, p)| crate::shell_lex::glob(p, &c.chars().collect::<Vec<_>>())))
            .cloned()
            .collect();
        if matches.is_empty() {
            return Err(format!("failed to calculate checksum of ref: \"{}\": not found", display(&key)));
        }
        expanded.extend(matches);
    }
    if expanded.len() > 1 && !dest.ends_with('/') {
        return Err(format!("When using {keyword} with more than one source file, the destination must be a directory and end with a /"));
    }
    let dest_is_dir = dest.ends_with('/') || expanded.len() > 1;
    let dest_key = if dest.starts_with('/') { components(dest) } else { components(&format!("{workdir}/{dest}")) };
    let adjust = |mut n: crate::fs::Node| {
        if let Some((uid, gid)) = owner {
            n.uid = uid;
            n.gid = gid.unwrap_or(uid);
        }
        if let Some(mode) = chmod {
            n.mode = mode;
        }
        n
    };
    for src_key in expanded {
        let node = if src_key.is_empty() { None } else { context.get(&src_key) };
        let copy_into_dir = dest_is_dir || root.get(&dest_key).is_some_and(|n| n.is_dir());
        let unpacked = match node.and_then(|n| n.body()) {
            Some(body) if keyword == "ADD" => crate::layer::unpack_archive(&body.to_vec())?,
            _ => None,
        };
        match node {
            None if !src_key.is_empty() => {
                return Err(format!("failed to calculate checksum of ref: \"{}\": not found", display(&src_key)));
            }
            // ADD unpacks a local tar archive (plain or gzip) into the destination directory.
            Some(_) if unpacked.is_some() => {
                let unpacked = unpacked.unwrap_or_default();
                if !dest_key.is_empty() && root.get(&dest_key).is_none() {
                    root.insert(dest_key.clone(), crate::fs::Node::dir(0o755))?;
                }
                for (key, node) in unpacked.iter() {
                    let mut target = dest_key.clone();
                    target.extend_from_slice(key);
                    if node.is_dir() && root.get(&target).is_some_and(|e| e.is_dir()) {
                        continue;
                    }
                    root.insert(target, adjust(node.clone()))?;
                }
            }
            Some(n) if !n.is_dir() => {
                let mut target = dest_key.clone();
                if copy_into_dir {
                    target.extend(src_key.last().cloned());
                }
                root.insert(target, adjust(n.clone()))?;
            }
            _ => {
                // A directory (or the whole context): its contents go into dest.
                if !dest_key.is_empty() && root.get(&dest_key).is_none() {
                    root.insert(dest_key.clone(), adjust(crate::fs::Node::dir(0o755)))?;
                }
                for (key, n) in context.descendants(&src_key) {
                    let mut target = dest_key.clone();
                    target.extend_from_slice(&key[src_key.len()..]);
                    if n.is_dir() && root.get(&target).is_some_and(|e| e.kind == Kind::Dir) {
                        continue;
                    }
                    root.insert(target, adjust(n.clone()))?;
                }
            }
        }
    }
    Ok(())
}

/// A user or group ID by name, from the image's /etc/passwd or /etc/group.
fn lookup_id(root: &Tree, file: &str, name: &str) -> Option<u32> {
    let body = root.get(&components(file))?.body()?.to_vec();
    String::from_utf8_lossy(&body).lines().find_map(|l| {
        let mut f = l.split(':');
        (f.next()? == name).then(|| f.nth(1)?.parse().ok())?
    })
}

/// Applies `.dockerignore` (Docker's rules: patterns relative to the
/// context, `**` for any directories, `!` re-includes, the last match wins)
/// to the context tree.
pub fn dockerignore(context: &Tree, patterns: &str) -> Tree {
    let rules: Vec<(bool, Vec<Vec<char>>)> = patterns
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (keep, p) = match l.strip_prefix('!') {
                Some(p) => (true, p.trim()),
                None => (false, l),
            };
            (keep, components(p).iter().map(|c| c.chars().collect()).collect())
        })
        .collect();
    fn matches(pattern: &[Vec<char>], path: &[Vec<char>]) -> bool {
        match pattern.split_first() {
            None => true, // a matched directory excludes what is below it
            Some((p, rest)) if p.iter().collect::<String>() == "**" => (0..=path.len()).any(|i| matches(rest, &path[i..])),
            Some((p, rest)) => path.split_first().is_some_and(|(c, tail)| crate::shell_lex::glob(p, c) && matches(rest, tail)),
        }
    }
    let mut out = Tree::new();
    for (key, node) in context.iter() {
        let path: Vec<Vec<char>> = key.iter().map(|c| c.chars().collect()).collect();
        let mut excluded = false;
        for (keep, pattern) in &rules {
            if matches(pattern, &path) {
                excluded = !keep;
            }
        }
        if !excluded {
            let _ = out.insert(key.clone(), node.clone()); // ok: parents come first in a tree's order
        }
    }
    out
}
