//! Images drawn as stacks of layers, newest on top.

use crate::session::Session;
use layerlab_engine::units::human_size_precision;
use layerlab_engine::ImageView;
use leptos::prelude::*;

#[component]
pub fn Images() -> impl IntoView {
    let session = expect_context::<Session>();
    view! {
        <section class="panel images" aria-labelledby="images-title">
            <h2 id="images-title">"Images"</h2>
            <Show when=move || session.images.with(|i| i.is_empty())>
                <p class="empty">"No images yet. Build one in the terminal."</p>
            </Show>
            // Keyed by the whole view: an image whose tags moved is redrawn.
            <For each=move || session.images.get() key=|img| img.clone() let:img>
                <ImageStack image=img/>
            </For>
        </section>
    }
}

#[component]
fn ImageStack(image: ImageView) -> impl IntoView {
    let session = expect_context::<Session>();
    let name = if image.tags.is_empty() { "<none>".to_string() } else { image.tags.join(", ") };
    let layers: Vec<_> = image.layers.iter().rev().cloned().collect();
    let label = format!("image {name}");
    view! {
        <article class="image" aria-label=label>
            <h3><span class="tag">{name}</span> " " <code class="image-id">{image.id.short().to_string()}</code>
                <span class="size">{human_size_precision(image.size, 3)}</span></h3>
            <ol class="stack" aria-label="layers, newest first">
                {layers.into_iter().map(|layer| {
                    let diff_id = layer.diff_id.to_string();
                    let short = format!("sha256:{}", layer.diff_id.short());
                    let fresh = {
                        let d = diff_id.clone();
                        move || session.fresh.with(|f| f.contains(&d))
                    };
                    view! {
                        <li class="layer" class:fresh=fresh data-diff-id=diff_id.clone() title=diff_id>
                            <code class="diff-id">{short}</code>
                            <span class="size">{human_size_precision(layer.size, 3)}</span>
                            <span class="created-by">{layer.created_by.trim_end_matches(" # buildkit").to_string()}</span>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </article>
    }
}
