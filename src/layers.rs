//! Images drawn as stacks of layers, newest on top, with their containers
//! above them (each with its own writable layer) and the volumes beside.

use crate::session::{Explore, Session};
use layerlab_engine::units::human_size_precision;
use layerlab_engine::containers::ContainerView;
use layerlab_engine::ImageView;
use leptos::prelude::*;

#[component]
pub fn Images() -> impl IntoView {
    let session = expect_context::<Session>();
    view! {
        <section class="panel images" aria-labelledby="images-title">
            <h2 id="images-title">"Images"</h2>
            <crate::explorer::Explorer/>
            <Show when=move || session.images.with(|i| i.is_empty())>
                <p class="empty">"No images yet. Build one in the terminal."</p>
            </Show>
            // Keyed by the whole view: an image whose tags moved is redrawn.
            <For each=move || session.images.get() key=|img| img.clone() let:img>
                <ImageStack image=img/>
            </For>
            <Show when=move || session.volumes.with(|v| !v.is_empty())>
                <h3 class="volumes-title">"Volumes"</h3>
                <ul class="volumes" aria-label="volumes">
                    <For each=move || session.volumes.get() key=|v| v.clone() let:v>
                        <li class="volume" data-name=v.name.clone()>
                            <code>{if v.anonymous { format!("{}… (anonymous)", &v.name[..12.min(v.name.len())]) } else { v.name.clone() }}</code>
                            " " <span class="size">{human_size_precision(v.size, 3)}</span>
                            " " <span class="used-by">{if v.used_by.is_empty() { "unused".to_string() } else { format!("mounted in {}", v.used_by.join(", ")) }}</span>
                        </li>
                    </For>
                </ul>
            </Show>
        </section>
    }
}

/// A container: its own writable layer on top of the image's layers.
#[component]
fn ContainerBox(container: ContainerView) -> impl IntoView {
    let session = expect_context::<Session>();
    let shown = 12;
    let more = container.changes.len().saturating_sub(shown);
    let id = container.id.clone();
    let name = container.name.clone();
    let label = format!("container {}, {}, writable layer {}", container.name, container.state, human_size_precision(container.size, 3));
    view! {
        <li class="container" class:running=container.state == "running" data-name=container.name.clone() aria-label=label>
            <h4><span class="name">{container.name.clone()}</span> " " <code>{container.id[..12].to_string()}</code> " " <span class="state">{container.state.clone()}</span>
                " " <button class="explore-files" aria-label=format!("explore the files of container {}", container.name) on:click=move |_| session.explore.set(Some(Explore::Container(name.clone())))>"files"</button></h4>
            <p class="writable"><span class="size">{format!("writable layer {}", human_size_precision(container.size, 3))}</span>
                " " <span class="virtual">{format!("(virtual {})", human_size_precision(container.virtual_size, 3))}</span></p>
            // The default bridge goes unsaid; another network is named, with the address there.
            {(container.network != "bridge").then(|| view! {
                <p class="network">{format!("network {} {}", container.network, container.address)}</p>
            })}
            {(!container.mounts.is_empty()).then(|| view! {
                <p class="mounts">{container.mounts.iter().map(|(v, d)| layerlab_engine::runtime::mount_label(v, d)).collect::<Vec<_>>().join(", ")}</p>
            })}
            <ul class="changes" aria-label="changes in the writable layer">
                {container.changes.iter().take(shown).map(|(mark, path)| {
                    let (cid, p) = (id.clone(), path.clone());
                    let touched = move || session.touched.with(|t| t.iter().any(|(c, x)| *c == cid && *x == p));
                    let what = match mark { 'A' => "added", 'C' => "changed (copied up)", _ => "deleted (whiteout)" };
                    view! { <li class=format!("change change-{mark}") class:touched=touched title=what>{format!("{mark} {path}")}</li> }
                }).collect_view()}
                {(more > 0).then(|| view! { <li class="more">{format!("… {more} more (docker diff {} lists all)", container.name)}</li> })}
            </ul>
        </li>
    }
}

#[component]
fn ImageStack(image: ImageView) -> impl IntoView {
    let session = expect_context::<Session>();
    let name = if image.tags.is_empty() { "<none>".to_string() } else { image.tags.join(", ") };
    // Only the image's own layers are drawn; the ones below are its base's, drawn there once.
    let below = image.base.as_ref().map_or(0, |(_, n)| *n);
    let layers: Vec<(usize, _)> = image.layers.iter().cloned().enumerate().skip(below).rev().collect();
    // The image's own steps, newest first: its layers, and between them the
    // metadata-only steps (LABEL, CMD, ENV…) that made no layer (dive hides those).
    let own_history: Vec<(String, bool)> = image.history.iter().skip(image.base_history).cloned().collect();
    let consistent = own_history.iter().filter(|(_, empty)| !empty).count() == layers.len() && (image.base.is_none() || image.base_history > 0);
    let mut pending = layers.clone().into_iter();
    let rows: Vec<Option<(usize, _)>> = if consistent {
        own_history.iter().rev().map(|(_, empty)| if *empty { None } else { pending.next() }).collect()
    } else {
        layers.iter().cloned().map(Some).collect()
    };
    let metas: Vec<String> = if consistent { own_history.iter().rev().map(|(t, _)| t.clone()).collect() } else { Vec::new() };
    let all_ids = image.layers.iter().map(|l| l.diff_id.to_string()).collect::<Vec<_>>().join(" ");
    let base_line = image.base.clone().map(|(base, n)| {
        let count = format!("{n} layer{}", if n == 1 { "" } else { "s" });
        if layers.is_empty() { format!("no layer of its own: exactly {base}'s {count}, drawn there") } else { format!("on top of {base} ({count}, drawn there)") }
    });
    let label = format!("image {name}");
    let id = image.id.clone();
    let containers = move || session.containers.with(|cs| cs.iter().filter(|c| c.image == id).cloned().collect::<Vec<_>>());
    view! {
        <article class="image" aria-label=label data-diff-ids=all_ids>

            <h3><span class="tag">{name}</span> " " <code class="image-id">{image.id.short().to_string()}</code>
                <span class="size">{human_size_precision(image.size, 3)}</span>
                {image.simulated.then(|| view! { <span class="badge" title="file contents generated by Layer Lab; not the image from Docker Hub">"simulated"</span> })}</h3>
            <ul class="containers" aria-label="containers of this image">
                <For each=containers key=|c| c.clone() let:c>
                    <ContainerBox container=c/>
                </For>
            </ul>
            <ol class="stack" aria-label="layers, newest first">
                {rows.into_iter().enumerate().map(|(row, step)| {
                    let Some((index, layer)) = step else {
                        let text = metas.get(row).cloned().unwrap_or_default();
                        let text = text.trim_end_matches(" # buildkit").trim_start_matches("/bin/sh -c #(nop) ").trim().to_string();
                        return view! {
                            <li class="meta" title="a metadata-only step: it changes the image's config, not its files (empty_layer in the history)">
                                <span class="no-layer">"no layer"</span>
                                <span class="created-by">{text}</span>
                            </li>
                        }.into_any();
                    };
                    let (image_id, open_id) = (image.id.clone(), image.id.clone());
                    let open = move |_| session.explore.set(Some(Explore::Layer(open_id.clone(), index)));
                    let is_open = move || session.explore.with(|s| matches!(s, Some(Explore::Layer(i, n)) if *i == image_id && *n == index));
                    let diff_id = layer.diff_id.to_string();
                    let short = format!("sha256:{}", layer.diff_id.short());
                    let fresh = {
                        let d = diff_id.clone();
                        move || session.fresh.with(|f| f.contains(&d))
                    };
                    let cached = {
                        let d = diff_id.clone();
                        move || session.reused.with(|f| f.contains(&d))
                    };
                    let cached_badge = cached.clone();
                    view! {
                        <li class="layer" class:fresh=fresh class:cached=cached class:open=is_open data-diff-id=diff_id.clone() title=diff_id on:click=open>
                            <button class="diff-id" aria-label=format!("explore layer {short}")>{short.clone()}</button>
                            <span class="size">{human_size_precision(layer.size, 3)}</span>
                            <span class="created-by">{layer.created_by.trim_end_matches(" # buildkit").to_string()}</span>
                            {move || cached_badge().then(|| view! { <span class="cache-hit">"cache hit: reused, not rebuilt"</span> })}
                            {(!layer.shared_with.is_empty()).then(|| view! { <span class="shared">{format!("also in {}", layer.shared_with.join(", "))}</span> })}
                        </li>
                    }.into_any()
                }).collect_view()}
            </ol>
            {base_line.map(|t| view! { <p class="base">{t}</p> })}
        </article>
    }
}
