//! Every engine feature the console reaches, and nothing of the page.
use layerlab_engine::{Engine, MemHost};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub struct Console {
    engine: Engine,
    host: MemHost,
}

#[wasm_bindgen]
impl Console {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Console {
        Console { engine: Engine::new(), host: MemHost::default() }
    }

    /// Puts a build-context file.
    pub fn put(&mut self, path: &str, bytes: &[u8]) {
        self.host.files.insert(path.to_string(), bytes.to_vec());
    }

    /// Runs one console line and returns what it printed.
    pub fn run(&mut self, line: &str) -> String {
        self.engine.run(line, &mut self.host).text
    }
}

impl Default for Console {
    fn default() -> Self {
        Console::new()
    }
}
