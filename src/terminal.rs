//! The terminal: type a command, Enter runs it in the engine.

use crate::session::Session;
use layerlab_engine::units::human_size_precision;
use leptos::prelude::*;

#[component]
pub fn Terminal() -> impl IntoView {
    let session = expect_context::<Session>();
    let input = RwSignal::new(String::new());
    let scrollback = NodeRef::<leptos::html::Div>::new();
    // Keep the newest output in sight, as a terminal does.
    Effect::new(move |_| {
        session.entries.track();
        if let Some(el) = scrollback.get() {
            el.set_scroll_top(el.scroll_height());
        }
    });
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" {
            ev.prevent_default();
            let line = input.get_untracked();
            input.set(String::new());
            session.run(line.trim());
        }
    };
    view! {
        <section class="panel terminal" aria-labelledby="term-title">
            <h2 id="term-title">"Terminal"</h2>
            <div class="scrollback" role="log" aria-live="polite" node_ref=scrollback>
                <p class="hint">"Try " <kbd>"docker build -t hello ."</kbd> ", " <kbd>"docker run -d --name c1 alpine sleep 1d"</kbd> " then " <kbd>"docker exec -it c1 sh"</kbd></p>
                <For each=move || session.entries.get().into_iter().enumerate() key=|(i, _)| *i let:item>
                    <div class="entry" class:failed=item.1.status != 0>
                        <pre class="command">{format!("{}{}", item.1.prompt, item.1.command)}</pre>
                        <pre class="output">{item.1.output.clone()}</pre>
                        {item.1.downloads.iter().map(|d| view! {
                            <a class="download" href=d.url.clone() download=d.name.clone()>
                                {format!("Download {} ({})", d.name, human_size_precision(d.size, 3))}
                            </a>
                        }).collect_view()}
                    </div>
                </For>
            </div>
            <div class="prompt">
                <label for="term-input" class="ps1">{move || session.prompt.get().trim_end().to_string()}</label>
                <input id="term-input" type="text" autocomplete="off" spellcheck="false"
                    aria-label=move || if session.prompt.get() == "$ " { "docker command".to_string() } else { format!("command in the container ({})", session.prompt.get().trim_end()) }
                    prop:value=move || input.get()
                    on:input=move |ev| input.set(event_target_value(&ev))
                    on:keydown=on_keydown/>
            </div>
        </section>
    }
}
