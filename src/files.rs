//! The build context: one editor per file.

use crate::session::Session;
use layerlab_engine::units::human_size_precision;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

#[component]
pub fn Files() -> impl IntoView {
    let session = expect_context::<Session>();
    let names = move || session.files.with(|f| f.keys().cloned().collect::<Vec<_>>());
    let new_name = RwSignal::new(String::new());
    let error = RwSignal::new(String::new());
    let add = move || match session.add_file(&new_name.get_untracked()) {
        Ok(()) => {
            new_name.set(String::new());
            error.set(String::new());
        }
        Err(e) => error.set(e),
    };
    let binaries = move || session.binaries.with(|b| b.iter().map(|(n, v)| (n.clone(), v.len() as u64)).collect::<Vec<_>>());
    // Files picked from disk: text ones become editors, others (an image archive) binary files.
    let upload = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(list) = input.files() else { return };
        for i in 0..list.length() {
            let Some(file) = list.get(i) else { continue };
            leptos::task::spawn_local(async move {
                let name = file.name();
                match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
                    Ok(buffer) => {
                        let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
                        if let Err(e) = session.add_upload(&name, bytes) {
                            error.set(e);
                        }
                    }
                    Err(e) => error.set(format!("{name} could not be read: {e:?}")),
                }
            });
        }
    };
    view! {
        <section class="panel files" aria-labelledby="files-title">
            <h2 id="files-title">"Build context"</h2>
            <For each=names key=|n| n.clone() let:name>
                <FileEditor name=name/>
            </For>
            <Show when=move || session.binaries.with(|b| !b.is_empty())>
                <ul class="binaries" aria-label="files that are not text">
                    <For each=binaries key=|x| x.clone() let:item>
                        <BinaryFile name=item.0 size=item.1/>
                    </For>
                </ul>
            </Show>
            <label class="upload">"Add files from disk " <input type="file" multiple on:change=upload/></label>
            <form class="new-file" on:submit=move |ev| { ev.prevent_default(); add(); }>
                <label for="new-file-name">"New file"</label>
                <input id="new-file-name" type="text" placeholder="exp1, app/main.c" autocomplete="off" spellcheck="false"
                    prop:value=move || new_name.get() on:input=move |ev| new_name.set(event_target_value(&ev))/>
                <button type="submit">"Add"</button>
                <p class="error" role="alert">{move || error.get()}</p>
            </form>
        </section>
    }
}

#[component]
fn FileEditor(name: String) -> impl IntoView {
    let session = expect_context::<Session>();
    let id = format!("file-{}", name.replace(|c: char| !c.is_ascii_alphanumeric(), "-"));
    let path = name.clone();
    let text = move || session.files.with(|f| f.get(&path).cloned().unwrap_or_default());
    let on_input = {
        let name = name.clone();
        move |ev| session.set_file(&name, event_target_value(&ev))
    };
    let remove = {
        let name = name.clone();
        move |_| session.remove_file(&name)
    };
    let remove_label = format!("remove {name}");
    // A Dockerfile (by name, or by its first instruction) is parsed as it is typed:
    // the engine's parser says what is wrong, and on which line.
    let looks_like_dockerfile = {
        let name = name.clone();
        move |text: &str| {
            let lower = name.to_ascii_lowercase();
            let first = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#')).unwrap_or("").to_ascii_uppercase();
            lower.contains("dockerfile") || first.starts_with("FROM ") || first.starts_with("ARG ")
        }
    };
    let parse_error = {
        let path = name.clone();
        move || {
            let text = session.files.with(|f| f.get(&path).cloned().unwrap_or_default());
            if !looks_like_dockerfile(&text) {
                return None;
            }
            layerlab_engine::dockerfile::parse(&text).err().map(|e| format!("line {}: {}", e.line, e.message))
        }
    };
    let error_id = format!("{id}-error");
    let described = error_id.clone();
    let has_error = parse_error.clone();
    view! {
        <div class="file">
            <div class="file-head">
                <label for=id.clone()>{name.clone()}</label>
                <button class="remove" type="button" aria-label=remove_label on:click=remove>"×"</button>
            </div>
            <textarea id=id data-file=name spellcheck="false" rows="4" prop:value=text on:input=on_input
                aria-invalid=move || has_error().is_some().to_string() aria-describedby=described></textarea>
            <p class="parse-error" id=error_id role="status">{move || parse_error().map(|e| format!("Dockerfile error, {e}"))}</p>
        </div>
    }
}

/// A file that is not text: its name, size and a remove button.
#[component]
fn BinaryFile(name: String, size: u64) -> impl IntoView {
    let session = expect_context::<Session>();
    let label = format!("remove {name}");
    let (target, attr) = (name.clone(), name.clone());
    view! {
        <li class="binary" data-file=attr>
            <code>{name}</code> " " <span class="size">{human_size_precision(size, 3)}</span>
            <button class="remove" type="button" aria-label=label on:click=move |_| session.remove_binary(&target)>"×"</button>
        </li>
    }
}
