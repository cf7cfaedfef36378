#![allow(dead_code)]
pub mod golden;
pub mod judge;

/// Runs a console line that must succeed; returns what it printed.
pub fn ok(engine: &mut layerlab_engine::Engine, host: &mut layerlab_engine::MemHost, line: &str) -> String {
    let out = engine.run(line, host);
    assert_eq!(out.status, 0, "{line}\n{}", out.text);
    out.text
}
