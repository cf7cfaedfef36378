use crate::files::Files;
use crate::layers::Images;
use crate::session::Session;
use crate::terminal::Terminal;
use leptos::prelude::*;

#[component]
pub fn App() -> impl IntoView {
    let session = Session::new();
    provide_context(session);
    view! {
        <header class="top">
            <h1>"Layer Lab"</h1>
            <p class="tagline">"A simulated Docker host in your browser: real layer tars, real " <code>"sha256:"</code> " digests, nothing sent anywhere."</p>
        </header>
        <main class="lab" data-ready="true">
            <Files/>
            <Terminal/>
            <Images/>
        </main>
    }
}
