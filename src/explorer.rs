//! The layer explorer (what `dive` shows): the files a layer adds, changes
//! and deletes with their sizes, sortable by name or size; the layer as its
//! tar; the image's efficiency and the files that waste space. The engine
//! computes all of it; this only draws.

use crate::session::Session;
use layerlab_engine::units::human_size_precision;
use leptos::prelude::*;

/// How many entries are drawn before "… N more".
const SHOWN: usize = 300;

#[component]
pub fn Explorer() -> impl IntoView {
    let session = expect_context::<Session>();
    let by_size = RwSignal::new(false);
    view! {
        {move || session.selected.get().map(|(image, index)| {
            let view_of = session.images.with_untracked(|imgs| imgs.iter().find(|i| i.id == image).cloned());
            let Some(img) = view_of else { return view! { <p class="explorer empty">"That image is gone."</p> }.into_any() };
            let Some(layer) = img.layers.get(index).cloned() else { return view! { <p class="explorer empty">"That layer is gone."</p> }.into_any() };
            let name = img.tags.first().cloned().unwrap_or_else(|| img.id.short().to_string());
            let entries = session.layer_entries(&image, index);
            let efficiency = session.efficiency(&image);
            let download = session.layer_download(&image, index);
            let title = format!("Layer {} of {} in {name}", index + 1, img.layers.len());
            let label = title.clone();
            view! {
                <section class="explorer" aria-label=label>
                    <div class="explorer-head">
                        <h3>{title}</h3>
                        <button class="close" aria-label="close the explorer" on:click=move |_| session.selected.set(None)>"×"</button>
                    </div>
                    <p class="explorer-layer"><code>{layer.diff_id.to_string()}</code> " " <span class="size">{human_size_precision(layer.size, 3)}</span></p>
                    <p class="created-by-full">{layer.created_by.trim_end_matches(" # buildkit").to_string()}</p>
                    {match download {
                        Ok(url) => view! { <a class="download-layer" href=url download=format!("{}.tar", layer.diff_id.short())>"Download this layer's tar"</a> }.into_any(),
                        Err(e) => view! { <p class="error">{format!("No download: {e}")}</p> }.into_any(),
                    }}
                    {match efficiency {
                        Ok(eff) => view! {
                            <p class="efficiency">{format!("Image efficiency {:.1}% · {} wasted (stored, but hidden by a later layer)", eff.score * 100.0, human_size_precision(eff.wasted, 3))}</p>
                            {(!eff.files.is_empty()).then(|| view! {
                                <details class="waste"><summary>{format!("{} file{} waste space", eff.files.len(), if eff.files.len() == 1 { "" } else { "s" })}</summary>
                                    <table><thead><tr><th>"copies"</th><th>"wasted"</th><th>"path"</th></tr></thead><tbody>
                                        {eff.files.iter().take(50).map(|w| view! { <tr><td>{w.copies}</td><td>{human_size_precision(w.wasted, 3)}</td><td><code>{w.path.clone()}</code></td></tr> }).collect_view()}
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
                    {match entries {
                        Ok(list) => {
                            let total = list.len();
                            view! {
                                <ul class="tree" aria-label="files this layer changes" tabindex="0">
                                    {move || {
                                        let mut list = list.clone();
                                        if by_size.get() {
                                            list.sort_by(|a, b| b.size.cmp(&a.size).then(a.path.cmp(&b.path)));
                                        }
                                        list.into_iter().take(SHOWN).map(|e| {
                                            let what = match e.mark { 'A' => "added", 'M' => "modified", 'D' => "deleted (whiteout)", _ => "opaque: hides the layers below" };
                                            view! {
                                                <li class=format!("file mark-{}", e.mark) title=what data-path=e.path.clone()>
                                                    <span class="mark">{e.mark.to_string()}</span>
                                                    <span class="size">{if e.kind == 'f' || e.kind == 'h' || e.kind == 'l' { human_size_precision(e.size, 3) } else { String::new() }}</span>
                                                    <code>{if e.kind == 'd' { format!("{}/", e.path) } else { e.path.clone() }}</code>
                                                </li>
                                            }
                                        }).collect_view()
                                    }}
                                    {(total > SHOWN).then(|| view! { <li class="more">{format!("… {} more", total - SHOWN)}</li> })}
                                </ul>
                            }.into_any()
                        }
                        Err(e) => view! { <p class="error">{e}</p> }.into_any(),
                    }}
                </section>
            }.into_any()
        })}
    }
}
