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
