//! The build context: one editor per file.

use crate::session::Session;
use leptos::prelude::*;

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
    view! {
        <section class="panel files" aria-labelledby="files-title">
            <h2 id="files-title">"Build context"</h2>
            <For each=names key=|n| n.clone() let:name>
                <FileEditor name=name/>
            </For>
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
    view! {
        <div class="file">
            <div class="file-head">
                <label for=id.clone()>{name.clone()}</label>
                <button class="remove" type="button" aria-label=remove_label on:click=remove>"×"</button>
            </div>
            <textarea id=id data-file=name spellcheck="false" rows="4" prop:value=text on:input=on_input></textarea>
        </div>
    }
}
