//! The Layer Lab page: a thin Leptos layer over `layerlab_engine`.
//!
//! Data flows one way: the learner's input becomes a command line, the
//! [`session::Session`] hands it to the engine, and the components render
//! the engine's output and state. No component computes what the engine knows.

pub mod app;
pub mod files;
pub mod explorer;
pub mod layers;
pub mod lessons;
pub mod session;
pub mod share;
pub mod terminal;
pub mod vlist;

pub use app::App;

/// A panic must not leave a dead page that looks alive: the message goes on
/// top of the page (and to the console). The state up to the last finished
/// command is in local storage, so a reload goes on from there.
pub fn show_panics() {
    std::panic::set_hook(Box::new(|info| {
        let message = format!("Layer Lab hit an internal error and stopped: {info}. Your work up to the last finished command is saved: reload the page to go on.");
        web_sys::console::error_1(&message.clone().into());
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
        if let (Ok(el), Some(body)) = (doc.create_element("p"), doc.body()) {
            el.set_class_name("notice crash");
            let _ = el.set_attribute("role", "alert");
            el.set_text_content(Some(&message));
            let _ = body.prepend_with_node_1(&el);
        }
    }));
}

/// For the end-to-end test of [`show_panics`]: panics with `message`.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn debug_panic(message: String) {
    panic!("{message}");
}

/// For bench/: the same workload as `layerlab_engine::bench::layer_digest`
/// natively, called from the page by the benchmark script (not by the UI).
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn bench_layer_digest(megabytes: u32) -> String {
    layerlab_engine::bench::layer_digest(u64::from(megabytes) * 1_000_000).map(|d| d.to_string()).unwrap_or_else(|e| e)
}

/// For bench/: `docker pull REFERENCE` on a fresh engine, with the
/// catalogue's digest table or making and hashing every tar. Empty, or the error.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn bench_pull(reference: String, hashed: bool) -> String {
    layerlab_engine::bench::pull(&reference, hashed).err().unwrap_or_default()
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
