fn main() {
    leptos::mount::mount_to_body(layerlab_web::App);
}
