use crate::files::Files;
use crate::layers::Images;
use crate::session::Session;
use crate::terminal::Terminal;
use gloo_storage::Storage;
use leptos::prelude::*;

/// The local-storage key of the chosen theme (`light` or `dark`; absent: the system's).
pub const THEME_KEY: &str = "layerlab.theme";

#[component]
pub fn App() -> impl IntoView {
    let session = Session::new();
    provide_context(session);
    // A shared link opens its scenario; otherwise the last session comes back.
    // From then on every change is saved.
    if !crate::share::open_from_link(&session) {
        let about_link = session.notice.get_untracked();
        session.restore();
        if about_link.is_some() {
            session.notice.set(about_link);
        }
    }
    Effect::new(move |first: Option<()>| {
        session.files.track();
        session.log.track();
        session.binaries.track();
        if first.is_some() {
            if let Err(e) = session.save() {
                session.notice.set(Some(format!("Autosave failed: {e}. Nothing on the page is lost, but a reload would not bring it back.")));
            }
        }
    });
    // Projector mode: larger text everywhere, for the back of a classroom.
    let projector = RwSignal::new(false);
    Effect::new(move |_| {
        let on = projector.get();
        if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            root.set_class_name(if on { "projector" } else { "" });
        }
    });
    // Light or dark: the system's choice until the learner picks one (kept in local storage).
    let theme = RwSignal::new(gloo_storage::LocalStorage::raw().get_item(THEME_KEY).ok().flatten().filter(|t| t == "light" || t == "dark").unwrap_or_default());
    Effect::new(move |_| {
        let chosen = theme.get();
        if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            let _ = if chosen.is_empty() { root.remove_attribute("data-theme") } else { root.set_attribute("data-theme", &chosen) };
        }
        let storage = gloo_storage::LocalStorage::raw();
        let _ = if chosen.is_empty() { storage.remove_item(THEME_KEY) } else { storage.set_item(THEME_KEY, &chosen) };
    });
    let next_theme = move |_| theme.update(|t| *t = match t.as_str() { "" => "dark", "dark" => "light", _ => "" }.to_string());
    let theme_text = move || match theme.get().as_str() { "dark" => "Theme: dark", "light" => "Theme: light", _ => "Theme: system" };
    // A file dropped anywhere on the lab joins the build context; an image archive is loaded.
    let drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        if let Some(list) = ev.data_transfer().and_then(|d| d.files()) {
            crate::files::read_files(session, list, Callback::new(move |e| session.notice.set(Some(e))), true);
        }
    };
    view! {
        <header class="top">
            <h1>"Layer Lab"</h1>
            <p class="tagline">"A simulated Docker host in your browser: real layer tars, real " <code>"sha256:"</code> " digests, nothing sent anywhere."</p>
            <crate::share::ScenarioBar/>
            <button class="projector-toggle" aria-pressed=move || projector.get().to_string() on:click=move |_| projector.update(|p| *p = !*p)>"Large text"</button>
            <button class="theme-toggle" on:click=next_theme title="light, dark, or as the system says">{theme_text}</button>
            <button class="reset" on:click=move |_| session.reset() title="forget the files, images and containers and start from the example">"Start again"</button>
        </header>
        <Show when=move || session.notice.with(Option::is_some)>
            <p class="notice" role="status">
                {move || session.notice.get().unwrap_or_default()}
                " " <button class="dismiss" aria-label="dismiss the message" on:click=move |_| session.notice.set(None)>"×"</button>
            </p>
        </Show>
        <main class="lab" data-ready="true" on:dragover=move |ev| ev.prevent_default() on:drop=drop>
            <div class="left">
                <crate::lessons::Lessons/>
                <Files/>
            </div>
            <Terminal/>
            <Images/>
        </main>
    }
}
