//! The Layer Lab page: a thin Leptos layer over `layerlab_engine`.
//!
//! Data flows one way: the learner's input becomes a command line, the
//! [`session::Session`] hands it to the engine, and the components render
//! the engine's output and state. No component computes what the engine knows.

pub mod app;
pub mod files;
pub mod layers;
pub mod session;
pub mod terminal;

pub use app::App;

/// For bench/: the same workload as `layerlab_engine::bench::layer_digest`
/// natively, called from the page by the benchmark script (not by the UI).
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn bench_layer_digest(megabytes: u32) -> String {
    layerlab_engine::bench::layer_digest(u64::from(megabytes) * 1_000_000).map(|d| d.to_string()).unwrap_or_else(|e| e)
}

/// For bench/: the seeds' Experiments 1–4 built in wasm, the same workload
/// as `layerlab_engine::bench::SeedBuilds` natively.
#[wasm_bindgen::prelude::wasm_bindgen]
pub struct BenchSeeds(layerlab_engine::bench::SeedBuilds);

#[wasm_bindgen::prelude::wasm_bindgen]
impl BenchSeeds {
    /// Pulls alpine (not timed).
    #[wasm_bindgen::prelude::wasm_bindgen(constructor)]
    pub fn new() -> Result<BenchSeeds, String> {
        layerlab_engine::bench::SeedBuilds::new().map(BenchSeeds)
    }

    /// Builds experiment `n` with `--no-cache`; returns the image ID.
    pub fn build(&mut self, n: usize) -> Result<String, String> {
        self.0.build(n)
    }
}

/// For bench/: containers started in wasm, the same workload as
/// `layerlab_engine::bench::ContainerStarts` natively.
#[wasm_bindgen::prelude::wasm_bindgen]
pub struct BenchContainers(layerlab_engine::bench::ContainerStarts);

#[wasm_bindgen::prelude::wasm_bindgen]
impl BenchContainers {
    /// Pulls alpine (not timed).
    #[wasm_bindgen::prelude::wasm_bindgen(constructor)]
    pub fn new() -> Result<BenchContainers, String> {
        layerlab_engine::bench::ContainerStarts::new().map(BenchContainers)
    }

    /// `docker run -d alpine sleep 1d`; returns the container ID.
    pub fn start(&mut self) -> Result<String, String> {
        self.0.start()
    }

    pub fn running(&self) -> usize {
        self.0.running()
    }
}
