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
        if let Some(list) = input.files() {
            read_files(session, list, Callback::new(move |e| error.set(e)), false);
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

/// A file name as a word of a command line.
fn quoted(name: &str) -> String {
    if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || "._-/+".contains(c)) {
        name.to_string()
    } else {
        format!("'{}'", name.replace('\'', "'\\''"))
    }
}

/// Reads files from disk into the build context; errors go to `report`.
/// With `load`, an image archive (`.tar`, `.tar.gz`, `.tgz`) is then loaded
/// with `docker load -i`, as typed in the terminal (a drop on the page).
pub fn read_files(session: Session, list: web_sys::FileList, report: Callback<String>, load: bool) {
    for i in 0..list.length() {
        let Some(file) = list.get(i) else { continue };
        leptos::task::spawn_local(async move {
            let name = file.name();
            match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => {
                    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
                    match session.add_upload(&name, bytes) {
                        Ok(()) if load && [".tar", ".tar.gz", ".tgz"].iter().any(|x| name.ends_with(x)) => {
                            session.run(&format!("docker load -i {}", quoted(&name)));
                        }
                        Ok(()) => {}
                        Err(e) => report.run(e),
                    }
                }
                Err(e) => report.run(format!("{name} could not be read: {e:?}")),
            }
        });
    }
}

/// Offers `bytes` as a download named `name` (a click on a temporary link).
pub fn download(name: &str, bytes: &[u8]) -> Result<(), String> {
    let url = crate::session::blob_url(bytes)?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let link = document.create_element("a").map_err(|e| format!("{e:?}"))?.dyn_into::<web_sys::HtmlElement>().map_err(|_| "not a link")?;
    let base = name.rsplit('/').next().unwrap_or(name);
    link.set_attribute("href", &url).and_then(|_| link.set_attribute("download", base)).map_err(|e| format!("{e:?}"))?;
    link.click();
    Ok(())
}

/// A file's name and its buttons: rename, download, remove.
#[component]
fn FileHead(name: String, label_for: Option<String>, bytes: Callback<(), Vec<u8>>) -> impl IntoView {
    let session = expect_context::<Session>();
    let renaming = RwSignal::new(false);
    let new_name = RwSignal::new(name.clone());
    let error = RwSignal::new(String::new());
    let (old, shown, target) = (name.clone(), name.clone(), name.clone());
    let rename = move |ev: leptos::ev::SubmitEvent| {
        let old = old.clone();
        ev.prevent_default();
        match session.rename_file(&old, &new_name.get_untracked()) {
            Ok(()) => renaming.set(false),
            Err(e) => error.set(e),
        }
    };
    let down = {
        let name = name.clone();
        move |_| {
            if let Err(e) = download(&name, &bytes.run(())) {
                error.set(format!("no download: {e}"));
            }
        }
    };
    view! {
        <div class="file-head">
            <Show when=move || renaming.get() fallback=move || match label_for.clone() {
                Some(id) => view! { <label for=id>{shown.clone()}</label> }.into_any(),
                None => view! { <code>{shown.clone()}</code> }.into_any(),
            }>
                <form class="rename" on:submit=rename.clone()>
                    <input type="text" aria-label=format!("new name for {target}") prop:value=move || new_name.get()
                        on:input=move |ev| new_name.set(event_target_value(&ev)) autocomplete="off" spellcheck="false"/>
                    <button type="submit">"OK"</button>
                    <button type="button" on:click=move |_| { renaming.set(false); error.set(String::new()); }>"Cancel"</button>
                </form>
            </Show>
            <span class="file-actions">
                <button class="rename-file" type="button" aria-label=format!("rename {name}") on:click=move |_| renaming.set(true)>"rename"</button>
                <button class="download-file" type="button" aria-label=format!("download {name}") on:click=down>"↓"</button>
                <button class="remove" type="button" aria-label=format!("remove {name}") on:click={ let name = name.clone(); move |_| session.remove_file(&name) }>"×"</button>
            </span>
            <p class="error" role="alert">{move || error.get()}</p>
        </div>
    }
}

/// Whether a file is a Dockerfile: by its name, or by its first instruction.
fn is_dockerfile(name: &str, text: &str) -> bool {
    let first = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#')).unwrap_or("").to_ascii_uppercase();
    name.to_ascii_lowercase().contains("dockerfile") || first.starts_with("FROM ") || first.starts_with("ARG ")
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
    // A Dockerfile is parsed as it is typed: the engine's parser says what
    // is wrong, and on which line; the engine's highlighter colours it.
    let parsed = {
        let (name, text) = (name.clone(), text.clone());
        Memo::new(move |_| {
            let text = text();
            let dockerfile = is_dockerfile(&name, &text);
            let error = if dockerfile { layerlab_engine::dockerfile::parse(&text).err().map(|e| (e.line, e.message)) } else { None };
            (text, dockerfile, error)
        })
    };
    let parse_error = move || parsed.with(|(_, _, e)| e.as_ref().map(|(line, message)| format!("line {line}: {message}")));
    let highlighted = move || {
        parsed.with(|(text, dockerfile, error)| {
            let spans = if *dockerfile { layerlab_engine::highlight::highlight(text) } else { vec![(layerlab_engine::highlight::Token::Plain, text.as_str())] };
            // Cut into lines, so the line with the parse error can be marked.
            let mut lines: Vec<Vec<(&'static str, String)>> = vec![Vec::new()];
            for (token, part) in spans {
                for piece in part.split_inclusive('\n') {
                    if let Some(line) = lines.last_mut() {
                        line.push((token.class(), piece.to_string()));
                    }
                    if piece.ends_with('\n') {
                        lines.push(Vec::new());
                    }
                }
            }
            let bad = error.as_ref().map(|(line, _)| *line);
            lines.into_iter().enumerate().map(|(i, parts)| view! {
                <span class="line" class:bad-line=bad == Some(i + 1)>
                    {parts.into_iter().map(|(class, t)| view! { <span class=class>{t}</span> }).collect_view()}
                </span>
            }).collect_view()
        })
    };
    let rows = {
        let text = text.clone();
        move || (text().lines().count() + 1).max(3)
    };
    // Where the textarea scrolls (a browser without field-sizing), its coloured copy follows.
    let copy = NodeRef::<leptos::html::Pre>::new();
    let follow = move |ev: leptos::ev::Event| {
        if let (Some(pre), Some(area)) = (copy.get_untracked(), ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok())) {
            pre.set_scroll_top(area.scroll_top());
        }
    };
    let error_id = format!("{id}-error");
    let described = error_id.clone();
    let bytes = {
        let path = name.clone();
        Callback::new(move |()| session.files.with_untracked(|f| f.get(&path).cloned().unwrap_or_default().into_bytes()))
    };
    view! {
        <div class="file">
            <FileHead name=name.clone() label_for=Some(id.clone()) bytes=bytes/>
            <div class="editor">
                <pre aria-hidden="true" node_ref=copy>{highlighted}" "</pre>
                <textarea id=id data-file=name spellcheck="false" rows=rows prop:value=text on:input=on_input on:scroll=follow
                    aria-invalid=move || parse_error().is_some().to_string() aria-describedby=described></textarea>
            </div>
            <p class="parse-error" id=error_id role="status">{move || parse_error().map(|e| format!("Dockerfile error, {e}"))}</p>
        </div>
    }
}

/// A file that is not text: its name, size and buttons.
#[component]
fn BinaryFile(name: String, size: u64) -> impl IntoView {
    let session = expect_context::<Session>();
    let attr = name.clone();
    let bytes = {
        let name = name.clone();
        Callback::new(move |()| session.binaries.with_untracked(|b| b.get(&name).map(|v| v.to_vec()).unwrap_or_default()))
    };
    view! {
        <li class="binary" data-file=attr>
            <FileHead name=name.clone() label_for=None bytes=bytes/>
            <span class="size">{human_size_precision(size, 3)}</span>
        </li>
    }
}
