//! Every engine feature the console reaches, and nothing of the page: the
//! engine behind two plain C-ABI exports. No wasm-bindgen or other web
//! crate: like the engine itself, this floor has no web dependency, and
//! `floor_engine_only.js` beside it is all the JavaScript it needs.
use layerlab_engine::{Engine, MemHost};
use std::cell::RefCell;

thread_local! {
    /// The console, and what its last line printed (NUL-terminated).
    static CONSOLE: RefCell<(Engine, MemHost, Vec<u8>)> = RefCell::new((Engine::new(), MemHost::default(), Vec::new()));
}

/// `len` bytes of memory for the caller to write a console line into.
#[no_mangle]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    let mut buf = vec![0u8; len];
    let ptr = buf.as_mut_ptr();
    std::mem::forget(buf);
    ptr
}

/// Runs the console line at `ptr` (`len` bytes from [`alloc`], which it
/// frees) and returns what it printed, NUL-terminated, valid until the next call.
///
/// # Safety
/// `ptr` and `len` must come from one call of [`alloc`].
#[no_mangle]
pub unsafe extern "C" fn run(ptr: *mut u8, len: usize) -> *const u8 {
    // SAFETY: the caller passes back a buffer `alloc(len)` made.
    let line = unsafe { Vec::from_raw_parts(ptr, len, len) };
    let line = String::from_utf8_lossy(&line).into_owned();
    CONSOLE.with_borrow_mut(|(engine, host, out)| {
        *out = engine.run(&line, host).text.into_bytes();
        out.push(0);
        out.as_ptr()
    })
}
