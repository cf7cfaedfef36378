//! Browser tests (wasm-pack test --headless --chrome): the engine in wasm
//! gives the native digests, and the page mounts and shows a build.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

mod golden {
    include!("../engine/tests/common/golden.rs");
}

#[wasm_bindgen_test]
fn engine_digests_in_wasm_equal_native_ones() {
    let actual = golden::golden_actual();
    assert_eq!(actual.len(), golden::GOLDEN.len());
    for ((what, expected), (_, got)) in golden::GOLDEN.iter().zip(&actual) {
        assert_eq!(got, expected, "{what}");
    }
}

fn document() -> web_sys::Document {
    web_sys::window().and_then(|w| w.document()).expect("a document")
}

/// Mounts the app into a fresh element and returns it (with no autosaved state).
async fn mount() -> HtmlElement {
    <gloo_storage::LocalStorage as gloo_storage::Storage>::clear();
    let root: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&root).unwrap();
    leptos::mount::mount_to(root.clone(), layerlab_web::App).forget();
    leptos::task::tick().await;
    root
}

async fn type_command(root: &HtmlElement, line: &str) {
    let input: HtmlInputElement = root.query_selector("#term-input").unwrap().expect("terminal input").unchecked_into();
    input.set_value(line);
    input.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Enter");
    init.set_bubbles(true);
    let enter = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    input.dispatch_event(&enter).unwrap();
    leptos::task::tick().await;
}

fn layer_ids(root: &HtmlElement) -> Vec<String> {
    let nodes = root.query_selector_all("li.layer").unwrap();
    (0..nodes.length())
        .filter_map(|i| nodes.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
        .filter_map(|e| e.get_attribute("data-diff-id"))
        .collect()
}

#[wasm_bindgen_test]
async fn app_mounts_and_a_build_updates_the_dom() {
    let root = mount().await;
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("Layer Lab"), "{text}");
    assert!(text.contains("No images yet"), "{text}");
    assert!(layer_ids(&root).is_empty());

    type_command(&root, "docker build -t hello .").await;
    let ids = layer_ids(&root);
    assert_eq!(ids, [golden::GOLDEN[1].1.to_string()], "the hello layer is drawn with its diff_id");
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("naming to docker.io/library/hello:latest done"), "{text}");
    assert!(text.contains("hello:latest"));

    // Edit hello.txt in its editor, rebuild: a second image with a new layer.
    let editor: HtmlTextAreaElement = root.query_selector("textarea[data-file='hello.txt']").unwrap().expect("editor").unchecked_into();
    editor.set_value("changed in the browser\n");
    editor.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    leptos::task::tick().await;
    type_command(&root, "docker build -t hello .").await;
    let ids = layer_ids(&root);
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert!(ids.iter().any(|d| d != golden::GOLDEN[1].1));

    type_command(&root, "docker image inspect hello").await;
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("\"RootFS\": {"), "{text}");
    root.remove();
}

#[wasm_bindgen_test]
async fn a_bad_command_shows_its_error_and_keeps_the_page() {
    let root = mount().await;
    type_command(&root, "docker frobnicate").await;
    let failed = root.query_selector(".entry.failed").unwrap();
    assert!(failed.is_some(), "the failed entry is marked");
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("docker: 'frobnicate' is not a docker command."), "{text}");
    assert!(root.query_selector("#term-input").unwrap().is_some());
    root.remove();
}

fn text_of(root: &HtmlElement, selector: &str) -> String {
    root.query_selector(selector).unwrap().and_then(|e| e.text_content()).unwrap_or_default()
}

#[wasm_bindgen_test]
async fn two_containers_are_drawn_with_their_own_writable_layers() {
    let root = mount().await;
    type_command(&root, "docker run -d --name c1 busybox sleep 1d").await;
    type_command(&root, "docker run -d --name c2 busybox sleep 1d").await;
    assert!(text_of(&root, "li.container[data-name='c1']").contains("running"), "{}", text_of(&root, ".images"));
    // Inside the container the prompt is the container's.
    type_command(&root, "docker exec -it c1 sh").await;
    assert_eq!(text_of(&root, ".ps1"), "/ #");
    type_command(&root, "echo hi > /hi.txt && rm /etc/group").await;
    type_command(&root, "exit").await;
    assert_eq!(text_of(&root, ".ps1"), "$");
    let c1 = text_of(&root, "li.container[data-name='c1']");
    assert!(c1.contains("A /hi.txt") && c1.contains("D /etc/group"), "{c1}");
    let c2 = text_of(&root, "li.container[data-name='c2']");
    assert!(!c2.contains("/hi.txt") && c2.contains("writable layer 0B"), "{c2}");
    // The whiteout was marked when it happened.
    assert!(root.query_selector("li.container[data-name='c1'] li.change-D").unwrap().is_some());
    root.remove();
}

#[wasm_bindgen_test]
fn a_scenario_survives_the_link_and_damage_is_refused() {
    use layerlab_engine::scenario::Step;
    let step = |run: &str| Step { run: Some(run.to_string()), ..Step::default() };
    let saved = layerlab_web::session::Saved::new([("Dockerfile".to_string(), "FROM alpine\n".to_string())].into(), vec![step("docker build -t a .")]);
    let data = layerlab_web::share::encode(&saved).unwrap();
    assert!(data.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{data}");
    assert_eq!(layerlab_web::share::decode(&data).unwrap(), saved);
    assert!(layerlab_web::share::decode(&data[..data.len() / 2]).unwrap_err().contains("damaged"));
    assert!(layerlab_web::share::decode("not base64!").unwrap_err().contains("damaged"));
    let foreign = layerlab_web::share::encode(&layerlab_web::session::Saved { version: 7, ..saved.clone() }).unwrap();
    assert!(layerlab_web::share::decode(&foreign).unwrap_err().contains("version 7"));
    // More than a link carries (a large file from disk) is refused when the link is made.
    let big = layerlab_web::session::Saved::new([("big.txt".to_string(), "x".repeat(3 << 20))].into(), vec![]);
    assert!(layerlab_web::share::encode(&big).unwrap_err().contains("save it as a file instead"));
    let escaping = layerlab_web::share::encode(&layerlab_web::session::Saved { files: [("../x".to_string(), String::new())].into(), ..saved }).unwrap();
    assert!(layerlab_web::share::decode(&escaping).unwrap_err().contains("outside the build context"));
}

/// The deepest nesting the shell accepts (subshells and groups, down to a
/// deep `$((…))`) runs in wasm's 1 MB stack: engine/tests/run.rs checks the
/// limits natively; this checks that the limits fit where the page runs.
#[wasm_bindgen_test]
fn the_deepest_nesting_fits_in_the_wasm_stack() {
    use layerlab_engine::{Engine, MemHost};
    let mut h = MemHost::default();
    let mut e = Engine::new();
    assert_eq!(e.run("docker pull alpine", &mut h).status, 0);
    let mut script = format!("echo $(({}1{}))", "(".repeat(99), ")".repeat(99));
    for _ in 0..24 {
        script = format!("echo $( {{ {script}; }} )");
    }
    assert_eq!(e.run(&format!("docker run --rm alpine sh -c '{script}'"), &mut h).text, "1\n");
    assert!(e.run("docker run --rm alpine sh -c 'f() { echo $(f); }; f'", &mut h).text.contains("nested more than 50 deep"));
    let deep = format!("docker ps -q {}{}", "$(docker ps -q ".repeat(50), ")".repeat(50));
    assert_eq!(e.run(&deep, &mut h).status, 0);
}
