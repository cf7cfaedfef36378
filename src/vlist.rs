//! A list that draws only the rows in sight: a layer or a container can hold
//! tens of thousands of files, and the page must stay smooth when one is
//! opened and scrolled. Rows have one fixed height (1.5em of the list's
//! font, so the projector mode's larger text keeps working).

use layerlab_engine::units::fixed;
use leptos::html::Div;
use leptos::prelude::*;
use std::sync::Arc;

/// Rows drawn beyond the visible ones, above and below.
const OVERSCAN: usize = 10;

/// The row height in pixels: 1.5 × the list's computed font size.
fn row_height(el: &web_sys::HtmlDivElement) -> f64 {
    let px = web_sys::window()
        .and_then(|w| w.get_computed_style(el).ok().flatten())
        .and_then(|s| s.get_property_value("font-size").ok())
        // JavaScript's parseFloat: Rust's float parsing would add its tables to the download.
        .map(|v| js_sys::Number::parse_float(v.trim_end_matches("px")))
        .filter(|px| px.is_finite())
        .unwrap_or(12.0);
    (px * 1.5).max(1.0)
}

/// `rows` drawn with `row` inside a scrolling box labelled `label`.
#[component]
pub fn VirtualList<T, F, V>(rows: Signal<Arc<Vec<T>>>, row: F, label: String, #[prop(optional)] class: &'static str) -> impl IntoView
where
    T: Send + Sync + 'static,
    F: Fn(usize, &T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let boxed = NodeRef::<Div>::new();
    // (scrollTop, height of the box, row height), all in pixels.
    let window = RwSignal::new((0.0f64, 400.0f64, 18.0f64));
    let measure = move || {
        if let Some(el) = boxed.get_untracked() {
            window.set((el.scroll_top() as f64, el.client_height().max(1) as f64, row_height(&el)));
        }
    };
    Effect::new(move |_| {
        if boxed.get().is_some() {
            measure();
        }
    });
    // A new list starts at its top.
    Effect::new(move |prev: Option<()>| {
        rows.track();
        if prev.is_some() {
            if let Some(el) = boxed.get_untracked() {
                el.set_scroll_top(0);
            }
            measure();
        }
    });
    let total = move || rows.with(|r| r.len());
    // (first row drawn, one past the last, row height): read by the rows and both styles.
    let range = Memo::new(move |_| {
        let (top, height, rh) = window.get();
        let first = ((top / rh) as usize).saturating_sub(OVERSCAN);
        let last = (((top + height) / rh).ceil() as usize + OVERSCAN).min(total());
        (first, last.max(first), rh)
    });
    let visible = move || {
        let (first, last, _) = range.get();
        let row = row.clone();
        rows.with(|r| (first..last).map(|i| view! { <li class="vrow" aria-setsize=r.len() aria-posinset=i + 1>{row(i, &r[i])}</li> }).collect_view())
    };
    view! {
        <div class=format!("vlist {class}") node_ref=boxed tabindex="0" role="region" aria-label=label on:scroll=move |_| measure()>
            // Through the CSSOM (style:…), which the page's CSP allows; a style attribute it refuses.
            <ul style:height=move || format!("{}px", fixed(total() as f64 * range.get().2, 2)) style:padding-top=move || { let (first, _, rh) = range.get(); format!("{}px", fixed(first as f64 * rh, 2)) }>
                {visible}
            </ul>
        </div>
    }
}
