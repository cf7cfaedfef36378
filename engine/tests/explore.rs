//! The explorer's engine side: a container's merged view with each file's
//! origin, and two images or containers compared side by side.

mod common;

use common::ok;
use layerlab_engine::explore::{Origin, Target};
use layerlab_engine::{Engine, MemHost};

fn setup() -> (Engine, MemHost) {
    let mut e = Engine::new();
    let mut h = MemHost::new([
        ("Dockerfile".to_string(), b"FROM alpine\nCOPY app.txt /app/app.txt\nRUN echo two > /app/two.txt\n".to_vec()),
        ("app.txt".to_string(), b"one\n".to_vec()),
    ]);
    ok(&mut e, &mut h, "docker build -t app .");
    (e, h)
}

#[test]
fn merged_view_names_the_layer_writable_layer_or_volume_of_each_file() {
    let (mut e, mut h) = setup();
    ok(&mut e, &mut h, "docker run -d --name web -v data:/data app sleep 1d");
    ok(&mut e, &mut h, "docker exec web sh -c 'echo changed > /etc/os-release; echo new > /new.txt; echo v > /data/v.txt'");
    let entries = e.merged_entries("web").unwrap();
    let origin = |p: &str| entries.iter().find(|x| x.path == p).map(|x| x.origin.clone());
    let img = e.image("app").unwrap().diff_ids().to_vec();
    assert_eq!(img.len(), 3);
    assert_eq!(origin("/app/app.txt"), Some(Origin::Layer(1, img[1].short().to_string())));
    assert_eq!(origin("/app/two.txt"), Some(Origin::Layer(2, img[2].short().to_string())));
    assert_eq!(origin("/bin/busybox"), Some(Origin::Layer(0, img[0].short().to_string())));
    assert_eq!(origin("/etc/os-release"), Some(Origin::Writable), "a changed file is copied up");
    assert_eq!(origin("/etc/hostname"), Some(Origin::Runtime), "the runtime mounts it");
    assert_eq!(origin("/new.txt"), Some(Origin::Writable));
    assert_eq!(origin("/data/v.txt"), Some(Origin::Volume("data".into())));
    assert_eq!(origin("/data/v.txt").unwrap().label(), "volume data");
    assert_eq!(origin("/app/two.txt").unwrap().label(), format!("layer 3 sha256:{}", img[2].short()));
    let size = entries.iter().find(|x| x.path == "/new.txt").unwrap().size;
    assert_eq!(size, 4);
    // Every path of the container's filesystem is listed once.
    assert_eq!(entries.len(), e.container_fs("web").unwrap().iter().filter(|(k, _)| !k.is_empty()).count());
    assert!(e.merged_entries("nope").unwrap_err().contains("No such container: nope"));
}

#[test]
fn two_containers_of_one_image_differ_only_in_their_writable_layers() {
    let (mut e, mut h) = setup();
    ok(&mut e, &mut h, "docker run -d --name a app sleep 1d");
    ok(&mut e, &mut h, "docker run -d --name b app sleep 1d");
    let same = e.compare(&Target::Container("a".into()), &Target::Container("b".into())).unwrap();
    assert_eq!(same.differences, vec![]);
    assert_eq!((same.shared_layers, same.left_layers, same.right_layers), (3, 3, 3));
    assert!(same.same > 50, "{}", same.same);
    ok(&mut e, &mut h, "docker exec a sh -c 'echo a > /only-a; rm /app/two.txt'");
    ok(&mut e, &mut h, "docker exec b sh -c 'echo bb > /app/app.txt'");
    let c = e.compare(&Target::Container("a".into()), &Target::Container("b".into())).unwrap();
    let marks: Vec<(char, &str, Option<u64>, Option<u64>)> = c.differences.iter().map(|d| (d.mark, d.path.as_str(), d.left, d.right)).collect();
    assert_eq!(marks, vec![('M', "/app/app.txt", Some(4), Some(3)), ('+', "/app/two.txt", None, Some(4)), ('-', "/only-a", Some(2), None)]);
    assert_eq!(c.same, same.same - 2, "app.txt and two.txt no longer count as the same");
}

#[test]
fn two_images_share_their_base_layers() {
    let (mut e, mut h) = setup();
    let c = e.compare(&Target::Image("alpine".into()), &Target::Image("app".into())).unwrap();
    assert_eq!((c.shared_layers, c.left_layers, c.right_layers), (1, 1, 3));
    let added: Vec<&str> = c.differences.iter().filter(|d| d.mark == '+').map(|d| d.path.as_str()).collect();
    assert_eq!(added, vec!["/app", "/app/app.txt", "/app/two.txt"]);
    assert!(c.differences.iter().all(|d| d.mark == '+'), "{:?}", c.differences);
    assert!(e.compare(&Target::Image("alpine".into()), &Target::Image("ghost".into())).unwrap_err().contains("No such image: ghost"));
    // Nothing changes in the store.
    assert_eq!(ok(&mut e, &mut h, "docker images -q").lines().count(), 2);
}
