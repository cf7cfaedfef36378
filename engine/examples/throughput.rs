//! Native side of bench/run.sh: times the same workloads the page runs in
//! wasm (layerlab_engine::bench) and prints one JSON line.
use std::time::Instant;

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
    println!(
        "{{\"seed_ms\":[{}],\"seed_ids\":[{}],\"layer_mb\":{layer_mb},\"layer_ms\":{:.1},\"diff_id\":\"{digest}\",\"export_mb\":{export_mb},\"export_ms\":{export_ms:.1},\"archive_bytes\":{len},\"peak_rss_kb_before\":{rss_before},\"peak_rss_kb\":{}}}",
        seed_ms.join(","),
        seed_ids.join(","),
        times[runs / 2],
        peak_rss_kb()
    );
    Ok(())
}
