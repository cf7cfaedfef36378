fn main() {
    layerlab_web::show_panics();
    leptos::mount::mount_to_body(layerlab_web::App);
}
