//! The least a Leptos page with signals, a keyed list and a condition costs.
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

#[component]
fn App() -> impl IntoView {
    let n = RwSignal::new(0);
    let items = RwSignal::new(vec!["a".to_string()]);
    view! {
        <button on:click=move |_| {
            n.update(|n| *n += 1);
            items.update(|v| v.push(n.get_untracked().to_string()))
        }>{move || n.get()}</button>
        <ul>
            <For each=move || items.get() key=|s| s.clone() let:s>
                <li>{s}</li>
            </For>
        </ul>
        <Show when=move || n.get() % 2 == 0>
            <p>"even"</p>
        </Show>
    }
}

#[wasm_bindgen(start)]
pub fn start() {
    mount_to_body(App)
}
