//! The engine's digests natively; tests/web.rs checks the same table in wasm.

mod common;
use common::golden::{golden_actual, GOLDEN};

#[test]
fn golden_digests_native() {
    let actual = golden_actual();
    assert_eq!(GOLDEN.len(), actual.len());
    for ((what, expected), (what2, got)) in GOLDEN.iter().zip(&actual) {
        assert_eq!(what, what2);
        assert_eq!(got, expected, "{what}");
    }
}
