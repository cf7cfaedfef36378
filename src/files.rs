//! The build context: one editor per file.

use crate::session::Session;
use leptos::prelude::*;

#[component]
pub fn Files() -> impl IntoView {
    let session = expect_context::<Session>();
    let names = move || session.files.with(|f| f.keys().cloned().collect::<Vec<_>>());
    view! {
        <section class="panel files" aria-labelledby="files-title">
            <h2 id="files-title">"Build context"</h2>
            <For each=names key=|n| n.clone() let:name>
                <FileEditor name=name/>
            </For>
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
    view! {
        <div class="file">
            <label for=id.clone()>{name.clone()}</label>
            <textarea id=id data-file=name spellcheck="false" rows="4" prop:value=text on:input=on_input></textarea>
        </div>
    }
}
