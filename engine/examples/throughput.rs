//! Native side of bench/run.sh: times the same workloads the page runs in
//! wasm (layerlab_engine::bench) and prints one JSON line.
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Counts the bytes the program holds on the heap, to measure what the
/// engine keeps per container exactly (not through the RSS).
struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()))
        .unwrap_or(0)
}

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let layer_mb: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(64);
    let export_mb: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(100);
    let runs = 5;
    let mut times = Vec::new();
    let mut digest = String::new();
    for _ in 0..runs {
        let t = Instant::now();
        digest = layerlab_engine::bench::layer_digest(layer_mb * 1_000_000)?.to_string();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let rss_before = peak_rss_kb();
    let t = Instant::now();
    let len = layerlab_engine::bench::export(export_mb * 1_000_000)?;
    let export_ms = t.elapsed().as_secs_f64() * 1000.0;
    // The seeds' experiments 1–4, each built 21 times with --no-cache.
    let mut seeds = layerlab_engine::bench::SeedBuilds::new()?;
    let mut seed_ms = Vec::new();
    let mut seed_ids = Vec::new();
    for n in 1..=4 {
        let mut t = Vec::new();
        let mut id = String::new();
        for _ in 0..21 {
            let start = Instant::now();
            id = seeds.build(n)?;
            t.push(start.elapsed().as_secs_f64() * 1000.0);
        }
        t.sort_by(f64::total_cmp);
        seed_ms.push(format!("{:.3}", t[10]));
        seed_ids.push(format!("\"{id}\""));
    }
    // 1,000 idle containers from one image: heap bytes held per container, and the time to start one.
    let mut starts = layerlab_engine::bench::ContainerStarts::new()?;
    let before = LIVE.load(Ordering::Relaxed);
    let mut start_ms = Vec::new();
    for _ in 0..1000 {
        let t = Instant::now();
        starts.start()?;
        start_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let per_container = (LIVE.load(Ordering::Relaxed) - before) / 1000;
    if starts.running() != 1000 {
        return Err(format!("{} containers running, not 1000", starts.running()));
    }
    start_ms.sort_by(f64::total_cmp);
    // docker pull mysql (about 600 MB of layers): with the digest table, and hashing every tar.
    let mut pull_ms = [Vec::new(), Vec::new()];
    for _ in 0..5 {
        for (i, hashed) in [false, true].into_iter().enumerate() {
            let t = Instant::now();
            layerlab_engine::bench::pull("mysql", hashed)?;
            pull_ms[i].push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    for p in &mut pull_ms {
        p.sort_by(f64::total_cmp);
    }
    println!(
        "{{\"pull_ms\":{:.1},\"pull_hashed_ms\":{:.1},\"container_bytes\":{per_container},\"start_ms\":{:.3},\"seed_ms\":[{}],\"seed_ids\":[{}],\"layer_mb\":{layer_mb},\"layer_ms\":{:.1},\"diff_id\":\"{digest}\",\"export_mb\":{export_mb},\"export_ms\":{export_ms:.1},\"archive_bytes\":{len},\"peak_rss_kb_before\":{rss_before},\"peak_rss_kb\":{}}}",
        pull_ms[0][2],
        pull_ms[1][2],
        start_ms[500],
        seed_ms.join(","),
        seed_ids.join(","),
        times[runs / 2],
        peak_rss_kb()
    );
    Ok(())
}
