//! The terminal: type a command, Enter runs it in the engine. ↑/↓ walk the
//! history, Tab completes (the engine says what), Ctrl-C drops the line,
//! Ctrl-L clears the screen, a multi-line paste runs line by line.

use crate::session::Session;
use layerlab_engine::units::human_size_precision;
use leptos::prelude::*;

/// The longest common prefix of the candidates.
fn common_prefix(items: &[String]) -> String {
    let Some(first) = items.first() else { return String::new() };
    let mut end = first.len();
    for other in &items[1..] {
        end = end.min(first.bytes().zip(other.bytes()).take_while(|(a, b)| a == b).count());
    }
    while !first.is_char_boundary(end) {
        end -= 1;
    }
    first[..end].to_string()
}

#[component]
pub fn Terminal() -> impl IntoView {
    let session = expect_context::<Session>();
    let input = RwSignal::new(String::new());
    // Where ↑/↓ are in the history (None: the line being typed) and that line.
    let cursor = RwSignal::new(None::<usize>);
    let draft = RwSignal::new(String::new());
    let candidates = RwSignal::new(Vec::<String>::new());
    let scrollback = NodeRef::<leptos::html::Div>::new();
    // Keep the newest output in sight, as a terminal does.
    Effect::new(move |_| {
        session.entries.track();
        if let Some(el) = scrollback.get() {
            el.set_scroll_top(el.scroll_height());
        }
    });
    let submit = move |line: String| {
        cursor.set(None);
        candidates.set(Vec::new());
        session.run(line.trim());
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let key = ev.key();
        match key.as_str() {
            "Enter" => {
                ev.prevent_default();
                let line = input.get_untracked();
                input.set(String::new());
                submit(line);
            }
            "ArrowUp" | "ArrowDown" => {
                ev.prevent_default();
                let history = session.history();
                let next = match (key.as_str(), cursor.get_untracked()) {
                    ("ArrowUp", None) if !history.is_empty() => {
                        draft.set(input.get_untracked());
                        Some(history.len() - 1)
                    }
                    ("ArrowUp", Some(i)) => Some(i.saturating_sub(1)),
                    ("ArrowDown", Some(i)) if i + 1 < history.len() => Some(i + 1),
                    ("ArrowDown", Some(_)) => None,
                    (_, c) => c,
                };
                cursor.set(next);
                input.set(match next {
                    Some(i) => history.get(i).cloned().unwrap_or_default(),
                    None => draft.get_untracked(),
                });
            }
            "Tab" => {
                ev.prevent_default();
                let line = input.get_untracked();
                let found = session.complete(&line);
                let partial = if line.ends_with(char::is_whitespace) { "" } else { line.rsplit(char::is_whitespace).next().unwrap_or("") };
                let prefix = common_prefix(&found);
                if prefix.len() > partial.len() {
                    let mut completed = format!("{}{prefix}", &line[..line.len() - partial.len()]);
                    if found.len() == 1 {
                        completed.push(' ');
                    }
                    input.set(completed);
                }
                candidates.set(if found.len() > 1 { found } else { Vec::new() });
            }
            "c" | "C" if ev.ctrl_key() => {
                ev.prevent_default();
                session.interrupt(&input.get_untracked());
                input.set(String::new());
                cursor.set(None);
            }
            "l" | "L" if ev.ctrl_key() => {
                ev.prevent_default();
                session.entries.set(Vec::new());
            }
            _ => {}
        }
    };
    // A paste of several lines runs them one after the other.
    let on_paste = move |ev: leptos::ev::ClipboardEvent| {
        let text = ev.clipboard_data().and_then(|d| d.get_data("text/plain").ok()).unwrap_or_default();
        if !text.contains('\n') {
            return;
        }
        ev.prevent_default();
        let first = format!("{}{}", input.get_untracked(), text);
        input.set(String::new());
        let lines: Vec<&str> = first.split('\n').map(|l| l.trim_end_matches('\r')).collect();
        let (last, whole) = lines.split_last().map(|(l, w)| (*l, w.to_vec())).unwrap_or(("", Vec::new()));
        for line in whole {
            submit(line.to_string());
        }
        // A last line without its newline stays in the prompt, as in a terminal.
        input.set(last.to_string());
    };
    view! {
        <section class="panel terminal" aria-labelledby="term-title">
            <h2 id="term-title">"Terminal"</h2>
            // One focusable region: the keyboard can scroll the log, sideways too (Docker's tables do not wrap).
            <div class="scrollback" role="log" aria-live="polite" aria-label="terminal output" tabindex="0" node_ref=scrollback>
                <p class="hint">"Try " <kbd>"docker build -t hello ."</kbd> ", " <kbd>"docker run -d --name c1 alpine sleep 1d"</kbd> " then " <kbd>"docker exec -it c1 sh"</kbd>
                    ". " <kbd>"↑"</kbd> "/" <kbd>"↓"</kbd> " history, " <kbd>"Tab"</kbd> " completes."</p>
                <For each=move || session.entries.get().into_iter().enumerate() key=|(i, e)| (*i, e.command.clone()) let:item>
                    <div class="entry" class:failed=item.1.status != 0 && item.1.status != 130>
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
            <Show when=move || candidates.with(|c| !c.is_empty())>
                <p class="completions" aria-live="polite">{move || candidates.get().join("  ")}</p>
            </Show>
            <div class="prompt">
                <label for="term-input" class="ps1">{move || session.prompt.get().trim_end().to_string()}</label>
                <input id="term-input" type="text" autocomplete="off" spellcheck="false"
                    aria-label=move || if session.prompt.get() == "$ " { "docker command".to_string() } else { format!("command in the container ({})", session.prompt.get().trim_end()) }
                    prop:value=move || input.get()
                    on:input=move |ev| {
                        cursor.set(None);
                        input.set(event_target_value(&ev));
                    }
                    on:keydown=on_keydown
                    on:paste=on_paste/>
            </div>
        </section>
    }
}
