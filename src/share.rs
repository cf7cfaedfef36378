//! A scenario (files and the lines to replay) as a link or a file. The link
//! carries it compressed in the URL fragment, which browsers never send to a
//! server: `…/#scenario=<deflate, base64url>`.

use crate::session::{Saved, Session};
use base64::Engine as _;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The fragment's key.
pub const FRAGMENT: &str = "#scenario=";
/// A scenario larger than this once inflated is refused (a link is no archive).
const LIMIT: usize = 2 << 20;

pub fn encode(saved: &Saved) -> Result<String, String> {
    let json = serde_json::to_vec(saved).map_err(|e| e.to_string())?;
    if json.len() > LIMIT {
        // A link that would be refused when opened is not made.
        return Err(format!("the scenario is {} kB, more than a link carries ({} kB; files from disk count in full): save it as a file instead", json.len() / 1000, LIMIT / 1000));
    }
    let packed = miniz_oxide::deflate::compress_to_vec(&json, 9);
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(packed))
}

pub fn decode(data: &str) -> Result<Saved, String> {
    let packed = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(data.trim()).map_err(|e| format!("the link is damaged ({e})"))?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, LIMIT).map_err(|e| format!("the link is damaged ({e:?})"))?;
    parse(&json)
}

/// A scenario file (the JSON autosave keeps).
pub fn parse(json: &[u8]) -> Result<Saved, String> {
    Saved::read(json)
}

/// The link to this page with `saved` in its fragment.
pub fn link(saved: &Saved) -> Result<String, String> {
    let location = web_sys::window().ok_or("no window")?.location();
    let base = location.href().map_err(|e| format!("{e:?}"))?;
    let base = base.split('#').next().unwrap_or(&base).to_string();
    Ok(format!("{base}{FRAGMENT}{}", encode(saved)?))
}

/// Opens the scenario the page's link carries, if any (and takes it out of
/// the address, so a reload keeps the work done since). Returns whether it did.
pub fn open_from_link(session: &Session) -> bool {
    let Some(window) = web_sys::window() else { return false };
    let hash = window.location().hash().unwrap_or_default();
    let Some(data) = hash.strip_prefix(FRAGMENT) else { return false };
    let path = window.location().pathname().unwrap_or_default();
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
    }
    match decode(data) {
        Ok(saved) => {
            let n = saved.runs();
            match session.load(saved) {
                Ok(()) => session.notice.set(Some(format!("Opened the shared scenario: {n} command{} replayed.", if n == 1 { "" } else { "s" }))),
                Err(e) => session.notice.set(Some(format!("The shared scenario was refused: {e}."))),
            }
            true
        }
        Err(e) => {
            session.notice.set(Some(format!("The shared scenario was refused: {e}. Your own saved work is below.")));
            false
        }
    }
}

/// The header's scenario buttons: a link to share, the scenario as a file, a file to open.
#[component]
pub fn ScenarioBar() -> impl IntoView {
    let session = expect_context::<Session>();
    let shared = RwSignal::new(None::<String>);
    let file_url = RwSignal::new(None::<String>);
    let share = move |_| match link(&session.snapshot()) {
        Ok(l) => shared.set(Some(l)),
        Err(e) => session.notice.set(Some(format!("No link could be made: {e}"))),
    };
    let save = move |_| {
        let json = serde_json::to_vec_pretty(&session.snapshot()).unwrap_or_default();
        match crate::session::blob_url(&json) {
            Ok(url) => file_url.set(Some(url)),
            Err(e) => session.notice.set(Some(format!("The scenario could not be offered as a file: {e}"))),
        }
    };
    let open = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        let name = file.name();
        leptos::task::spawn_local(async move {
            let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
            let result = text.map_err(|e| format!("{e:?}")).and_then(|t| parse(t.as_string().unwrap_or_default().as_bytes()));
            match result.and_then(|saved| session.load(saved)) {
                Ok(()) => session.notice.set(Some(format!("Opened {name}."))),
                Err(e) => session.notice.set(Some(format!("{name} was refused: {e}. Nothing was changed."))),
            }
        });
    };
    view! {
        <div class="scenario" role="group" aria-label="scenario">
            <button class="share" on:click=share title="a link that opens this page with these files and commands replayed">"Share link"</button>
            <button class="save-scenario" on:click=save>"Save scenario"</button>
            {move || file_url.get().map(|u| view! { <a class="scenario-file" href=u download="layerlab-scenario.json">"layerlab-scenario.json"</a> })}
            <label class="open-scenario">"Open scenario… " <input type="file" accept=".json,application/json" on:change=open/></label>
            {move || shared.get().map(|l| view! {
                <input class="share-link" readonly aria-label="link to this scenario" prop:value=l on:focus=move |ev| {
                    if let Some(i) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) { i.select(); }
                }/>
            })}
        </div>
    }
}
