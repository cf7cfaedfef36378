//! The explorer (what `dive` shows, and container-diff): a layer's files with
//! added / modified / deleted marks and sizes, the image's efficiency and
//! wasted bytes, the layer as its tar; a container's merged view with each
//! file's origin; two images or containers compared side by side. The engine
//! computes all of it; this only draws. Long lists are virtual
//! ([`VirtualList`]): only the rows in sight exist in the page.

use crate::session::{Explore, Session};
use crate::vlist::VirtualList;
use layerlab_engine::explore::{Comparison, LayerEntry, MergedEntry, Origin, Target};
use layerlab_engine::units::{fixed, human_size_precision};
use leptos::prelude::*;
use std::sync::Arc;

fn size(n: u64) -> String {
    human_size_precision(n, 3)
}

/// The explorer's frame: a title, a close button, the body.
fn frame(title: String, body: AnyView) -> AnyView {
    let session = expect_context::<Session>();
    let label = title.clone();
    view! {
        <section class="explorer" aria-label=label>
            <div class="explorer-head">
                <h3>{title}</h3>
                <button class="close" aria-label="close the explorer" on:click=move |_| session.explore.set(None)>"×"</button>
            </div>
            {body}
        </section>
    }
    .into_any()
}

fn gone(text: String) -> AnyView {
    view! { <p class="explorer empty">{text}</p> }.into_any()
}

#[component]
pub fn Explorer() -> impl IntoView {
    let session = expect_context::<Session>();
    view! {
        <CompareForm/>
        {move || session.explore.get().map(|what| match what {
            // A layer never changes: drawn once when opened.
            Explore::Layer(image, index) => layer_view(image, index),
            // Containers do: redrawn after every command, so new files show.
            Explore::Container(name) => {
                session.containers.track();
                session.volumes.track();
                container_view(name)
            }
            Explore::Compare(left, right) => {
                session.images.track();
                session.containers.track();
                session.volumes.track();
                match session.compare(&left, &right) {
                    Ok(c) => compare_view(c, &left, &right),
                    Err(e) => gone(e),
                }
            }
        })}
    }
}

fn layer_view(image: layerlab_engine::Digest, index: usize) -> AnyView {
    let session = expect_context::<Session>();
    let by_size = RwSignal::new(false);
    let download_error = RwSignal::new(String::new());
    let view_of = session.images.with_untracked(|imgs| imgs.iter().find(|i| i.id == image).cloned());
    let Some(img) = view_of else { return gone("That image is gone.".into()) };
    let Some(layer) = img.layers.get(index).cloned() else { return gone("That layer is gone.".into()) };
    let name = img.tags.first().cloned().unwrap_or_else(|| img.id.short().to_string());
    let title = format!("Layer {} of {} in {name}", index + 1, img.layers.len());
    let body = view! {
        <p class="explorer-layer"><code>{layer.diff_id.to_string()}</code> " " <span class="size">{size(layer.size)}</span></p>
        <p class="created-by-full">{layer.created_by.trim_end_matches(" # buildkit").to_string()}</p>
        // The tar is made when asked for, not each time the layer is shown (a base layer is hundreds of MB).
        <a class="download-layer" href="#" on:click={
            let (image, name) = (image.clone(), format!("{}.tar", layer.diff_id.short()));
            move |ev: leptos::ev::MouseEvent| {
                ev.prevent_default();
                if let Err(e) = session.layer_tar(&image, index).and_then(|bytes| crate::files::download(&name, &bytes)) {
                    download_error.set(format!("No download: {e}"));
                }
            }
        }>"Download this layer's tar"</a>
        <p class="error" role="alert">{move || download_error.get()}</p>
        {match session.efficiency(&image) {
            Ok(eff) => view! {
                <p class="efficiency">{format!("Image efficiency {}% · {} wasted (stored, but hidden by a later layer)", fixed(eff.score * 100.0, 1), size(eff.wasted))}</p>
                {(!eff.files.is_empty()).then(|| view! {
                    <details class="waste"><summary>{format!("{} file{} waste space", eff.files.len(), if eff.files.len() == 1 { "" } else { "s" })}</summary>
                        <table><thead><tr><th>"copies"</th><th>"wasted"</th><th>"path"</th></tr></thead><tbody>
                            {eff.files.iter().take(50).map(|w| view! { <tr><td>{w.copies}</td><td>{size(w.wasted)}</td><td><code>{w.path.clone()}</code></td></tr> }).collect_view()}
                        </tbody></table>
                    </details>
                })}
            }.into_any(),
            Err(e) => view! { <p class="error">{e}</p> }.into_any(),
        }}
        <div class="sort" role="group" aria-label="sort the files">
            "Sort by " <button aria-pressed=move || (!by_size.get()).to_string() on:click=move |_| by_size.set(false)>"name"</button>
            <button aria-pressed=move || by_size.get().to_string() on:click=move |_| by_size.set(true)>"size"</button>
        </div>
        {match session.layer_entries(&image, index) {
            Ok(list) => {
                let by_name = Arc::new(list);
                let mut sorted = (*by_name).clone();
                layerlab_engine::sorting::sort_by(&mut sorted, |a, b| b.size.cmp(&a.size).then(a.path.cmp(&b.path)));
                let sorted = Arc::new(sorted);
                let rows = Signal::derive(move || if by_size.get() { sorted.clone() } else { by_name.clone() });
                view! {
                    <p class="count">{move || format!("{} paths", rows.with(|r| r.len()))}</p>
                    <VirtualList rows=rows row=layer_row label="files this layer changes".to_string() class="tree"/>
                }.into_any()
            }
            Err(e) => view! { <p class="error">{e}</p> }.into_any(),
        }}
    };
    frame(title, body.into_any())
}

fn shown_size(kind: char, n: u64) -> String {
    if kind == 'd' || kind == '-' { String::new() } else { size(n) }
}

fn shown_path(kind: char, path: &str) -> String {
    if kind == 'd' { format!("{path}/") } else { path.to_string() }
}

fn layer_row(_: usize, e: &LayerEntry) -> impl IntoView {
    let what = match e.mark { 'A' => "added", 'M' => "modified", 'D' => "deleted (whiteout)", _ => "opaque: hides the layers below" };
    view! {
        <span class=format!("file mark-{}", e.mark) title=what data-path=e.path.clone()>
            <span class="mark">{e.mark.to_string()}</span>
            <span class="size">{shown_size(e.kind, e.size)}</span>
            <code>{shown_path(e.kind, &e.path)}</code>
        </span>
    }
}

fn container_view(name: String) -> AnyView {
    let session = expect_context::<Session>();
    let entries = match session.merged_entries(&name) {
        Ok(e) => e,
        Err(e) => return gone(e),
    };
    let count = |f: &dyn Fn(&Origin) -> bool| entries.iter().filter(|e| f(&e.origin)).count();
    let (writable, volumes) = (count(&|o| *o == Origin::Writable), count(&|o| matches!(o, Origin::Volume(_))));
    let summary = format!("{} paths: {} from the image's layers, {writable} in its writable layer, {volumes} in volumes", entries.len(), entries.len() - writable - volumes);
    let all = Arc::new(entries);
    let own = Arc::new(all.iter().filter(|e| matches!(e.origin, Origin::Writable | Origin::Volume(_))).cloned().collect::<Vec<_>>());
    let only_own = RwSignal::new(false);
    let rows = Signal::derive(move || if only_own.get() { own.clone() } else { all.clone() });
    let body = view! {
        <p class="merged-summary">{summary}</p>
        <label class="only-own"><input type="checkbox" prop:checked=move || only_own.get() on:change=move |ev| only_own.set(event_target_checked(&ev))/>
            " only the container's own files (writable layer and volumes)"</label>
        <VirtualList rows=rows row=merged_row label=format!("the files container {name} sees") class="tree merged"/>
    };
    frame(format!("Container {name}: its merged view"), body.into_any())
}

fn merged_row(_: usize, e: &MergedEntry) -> impl IntoView {
    let class = match e.origin {
        Origin::Writable => "origin-writable",
        Origin::Volume(_) => "origin-volume",
        _ => "origin-layer",
    };
    view! {
        <span class=format!("file {class}") data-path=e.path.clone()>
            <span class="size">{shown_size(e.kind, e.size)}</span>
            <code>{shown_path(e.kind, &e.path)}</code>
            // The layer's number in sight (the picture numbers them too), its diff_id on hover.
            <span class="origin" title=e.origin.label()>{match &e.origin { Origin::Layer(i, _) => format!("layer {}", i + 1), other => other.label() }}</span>
        </span>
    }
}

/// "image app:latest", "container web".
fn named(t: &Target) -> String {
    match t {
        Target::Image(n) => format!("image {n}"),
        Target::Container(n) => format!("container {n}"),
    }
}

fn compare_view(c: Comparison, left: &Target, right: &Target) -> AnyView {
    let title = format!("{} ↔ {}", named(left), named(right));
    let layers = format!(
        "They share {} image layer{} ({} has {}, {} has {}); {} paths are the same, {} differ.",
        c.shared_layers,
        if c.shared_layers == 1 { "" } else { "s" },
        c.left,
        c.left_layers,
        c.right,
        c.right_layers,
        c.same,
        c.differences.len()
    );
    let legend = [format!("− only in {}", c.left), format!("+ only in {}", c.right), "M in both, not the same".to_string()];
    let rows = Signal::stored(Arc::new(c.differences));
    let body = view! {
        <p class="compare-summary">{layers}</p>
        <p class="legend">{legend.map(|t| view! { <span>{t}</span> }).collect_view()}</p>
        <VirtualList rows=rows row=|_, d: &layerlab_engine::explore::Difference| {
            let mark = match d.mark { '-' => "−".to_string(), m => m.to_string() };
            let sizes = if d.kind == 'd' { String::new() } else { match (d.left, d.right) {
                (Some(l), Some(r)) => format!("{} → {}", size(l), size(r)),
                (Some(l), None) => size(l),
                (None, Some(r)) => size(r),
                (None, None) => String::new(),
            } };
            view! {
                <span class=format!("file diff-{}", if d.mark == '-' { 'L' } else if d.mark == '+' { 'R' } else { 'M' }) data-path=d.path.clone()>
                    <span class="mark">{mark}</span> <span class="size">{sizes}</span> <code>{shown_path(d.kind, &d.path)}</code>
                </span>
            }
        } label="paths that differ".to_string() class="tree compare"/>
    };
    frame(title, body.into_any())
}

/// What can be compared: every image (by its first tag, or its short ID) and every container.
fn targets(session: &Session) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = session.images.with(|imgs| {
        imgs.iter().map(|i| {
            let name = i.tags.first().cloned().unwrap_or_else(|| i.id.short().to_string());
            (format!("image:{name}"), format!("image {name}"))
        }).collect()
    });
    session.containers.with(|cs| out.extend(cs.iter().map(|c| (format!("container:{}", c.name), format!("container {}", c.name)))));
    out
}

fn target(value: &str) -> Option<Target> {
    match value.split_once(':')? {
        ("image", name) => Some(Target::Image(name.to_string())),
        ("container", name) => Some(Target::Container(name.to_string())),
        _ => None,
    }
}

/// Two pickers and a button: the comparison opens in the explorer.
#[component]
fn CompareForm() -> impl IntoView {
    let session = expect_context::<Session>();
    let (left, right) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let choices = move || targets(&session);
    // Until the learner picks, the first two choices.
    let pick = move |side: RwSignal<String>, nth: usize| {
        move || {
            let all = choices();
            let v = side.get();
            if all.iter().any(|(x, _)| *x == v) { v } else { all.get(nth).or(all.first()).map(|x| x.0.clone()).unwrap_or_default() }
        }
    };
    let (l, r) = (pick(left, 0), pick(right, 1));
    let go = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let (Some(a), Some(b)) = (target(&l()), target(&r())) {
            session.explore.set(Some(Explore::Compare(a, b)));
        }
    };
    let select = move |id: &'static str, side: RwSignal<String>, current: Box<dyn Fn() -> String + Send + Sync>| {
        let current = Arc::new(current);
        view! {
            <select id=id on:change=move |ev| side.set(event_target_value(&ev))>
                {move || {
                    let now = current();
                    choices().into_iter().map(|(v, text)| { let sel = v == now; view! { <option value=v selected=sel>{text}</option> } }).collect_view()
                }}
            </select>
        }
    };
    view! {
        <Show when=move || { choices().len() >= 2 }>
            <form class="compare-form" on:submit=go>
                <label for="compare-left">"Compare"</label>
                {select("compare-left", left, Box::new(l))}
                <label for="compare-right">"with"</label>
                {select("compare-right", right, Box::new(r))}
                <button type="submit">"Compare"</button>
            </form>
        </Show>
    }
}
