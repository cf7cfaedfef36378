// Measures the release build: gzipped wasm + JS size, what each crate costs,
// and navigation-to-interactive time in headless Chromium, side by side with
// a blank page served the same way (so the figure is a ratio, not a wall-clock
// claim about a noisy shared machine).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import os from 'node:os';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { serve, CHROMIUM } from '../e2e/serve.mjs';

const require = createRequire(new URL('../e2e/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const dist = args.dist ?? 'dist';
const runs = Number(args.runs ?? 9);

const gz = (buf) => zlib.gzipSync(buf, { level: 9 }).length;
const kb = (n) => (n / 1000).toFixed(1);
const files = fs.readdirSync(dist);
const pick = (ext) => files.filter((f) => f.endsWith(ext)).map((f) => fs.readFileSync(path.join(dist, f)));
const [wasm] = pick('.wasm');
const js = Buffer.concat(pick('.js'));
const css = Buffer.concat(pick('.css'));
const html = fs.readFileSync(path.join(dist, 'index.html'));

// --- what each crate costs: code bytes by crate, from the unoptimised release
// wasm's name section (before wasm-bindgen and wasm-opt -Os).
function leb(buf, pos) {
  let result = 0, shift = 0, byte;
  do { byte = buf[pos++]; result += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
  return [result, pos];
}
// The crate a symbol belongs to; null for wasm-bindgen's describe shims,
// which wasm-bindgen removes from the shipped wasm.
function crateOf(name) {
  if (/__wbindgen_describe|WasmDescribe|wasm_bindgen\.\.describe/.test(name)) return null;
  let m = /^_ZN(\d+)/.exec(name);
  if (m) { // legacy mangling: _ZN<len><ident>…; a leading `<T as crate::Trait>` names the first crate path in it
    const first = name.slice(m[0].length, m[0].length + Number(m[1]));
    if (!first.startsWith('_$') && !first.startsWith('$')) return first;
    const t = /([a-z_][a-z0-9_]*)\.\./.exec(first.replace(/\$[A-Za-z0-9]+\$/g, ' '));
    return t ? t[1] : '(other)';
  }
  if (name.startsWith('_R')) { // v0 mangling: the first crate root C[s<hash>_]<len><ident>
    m = /C(?:s[0-9A-Za-z]*_)?(\d+)([A-Za-z_]\w*)/.exec(name);
    if (m) return m[2].slice(0, Number(m[1]));
  }
  return '(other: compiler builtins, allocator, glue)';
}
function crateCosts(file) {
  const buf = fs.readFileSync(file);
  let pos = 8, imports = 0, bodies = [], names = new Map();
  while (pos < buf.length) {
    const id = buf[pos++];
    let size; [size, pos] = leb(buf, pos);
    const end = pos + size;
    if (id === 2) { // imports: functions among them shift the function index space
      let n, p = pos; [n, p] = leb(buf, p);
      for (let i = 0; i < n; i++) {
        let len; [len, p] = leb(buf, p); p += len; [len, p] = leb(buf, p); p += len;
        const kind = buf[p++];
        if (kind === 0) { imports++; [, p] = leb(buf, p); }
        else if (kind === 1) { p++; const flags = buf[p++]; [, p] = leb(buf, p); if (flags & 1) [, p] = leb(buf, p); }
        else if (kind === 2) { const flags = buf[p++]; [, p] = leb(buf, p); if (flags & 1) [, p] = leb(buf, p); }
        else if (kind === 3) { p += 2; }
      }
    } else if (id === 10) {
      let n, p = pos; [n, p] = leb(buf, p);
      for (let i = 0; i < n; i++) { let len; [len, p] = leb(buf, p); bodies.push(len); p += len; }
    } else if (id === 0) {
      let len, p = pos; [len, p] = leb(buf, p);
      const secName = buf.subarray(p, p + len).toString(); p += len;
      if (secName === 'name') {
        while (p < end) {
          const sub = buf[p++]; let subLen; [subLen, p] = leb(buf, p);
          const subEnd = p + subLen;
          if (sub === 1) {
            let n; [n, p] = leb(buf, p);
            for (let i = 0; i < n; i++) { let idx, l; [idx, p] = leb(buf, p); [l, p] = leb(buf, p); names.set(idx, buf.subarray(p, p + l).toString()); p += l; }
          }
          p = subEnd;
        }
      }
    }
    pos = end;
  }
  const costs = new Map();
  let total = 0;
  bodies.forEach((len, i) => {
    const crate = crateOf(names.get(i + imports) ?? '');
    if (crate === null) return;
    costs.set(crate, (costs.get(crate) ?? 0) + len);
    total += len;
  });
  return { total, named: names.size, rows: [...costs].sort((a, b) => b[1] - a[1]) };
}

// --- time from navigation to interactive (the terminal input is there).
async function timeToInteractive(browser, url, selector) {
  const context = await browser.newContext(); // fresh cache every run
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForSelector(selector);
  const ms = await page.evaluate(() => performance.now());
  await context.close();
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  return ms;
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

const blankDir = fs.mkdtempSync(path.join(os.tmpdir(), 'layerlab-blank-'));
fs.writeFileSync(path.join(blankDir, 'index.html'), '<!DOCTYPE html><title>blank</title><input id="x">');
const app = await serve(dist);
const blank = await serve(blankDir);
const browser = await chromium.launch(CHROMIUM);
const appTimes = [], blankTimes = [];
for (let i = 0; i < runs; i++) { // interleaved, so both see the same machine load
  appTimes.push(await timeToInteractive(browser, app.url, 'main.lab[data-ready="true"] #term-input'));
  blankTimes.push(await timeToInteractive(browser, blank.url, '#x'));
}
// sha256 + tar throughput: the same workload natively and in the page's wasm.
const LAYER_MB = 64;
let native = null;
if (args.native && fs.existsSync(args.native)) {
  native = JSON.parse(execFileSync(args.native, [String(LAYER_MB), '100']).toString());
}
// The same native build with sha2's software backend: wasm has no SHA instructions, x86 may.
let nativeSoft = null;
if (args['native-soft'] && fs.existsSync(args['native-soft'])) {
  nativeSoft = JSON.parse(execFileSync(args['native-soft'], [String(LAYER_MB), '1']).toString());
}
const shaNi = fs.existsSync('/proc/cpuinfo') && /\bsha_ni\b/.test(fs.readFileSync('/proc/cpuinfo', 'utf8'));
const page = await browser.newPage();
await page.goto(app.url);
await page.waitForSelector('main.lab[data-ready="true"]');
const wasmRuns = await page.evaluate((mb) => {
  const out = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const digest = window.wasmBindings.bench_layer_digest(mb);
    out.push({ ms: performance.now() - t, digest });
  }
  return out;
}, LAYER_MB);
const wasmMs = median(wasmRuns.map((r) => r.ms));
// 1,000 containers started in wasm, one at a time (alpine pulled first, not timed).
const containerRun = await page.evaluate(() => {
  const bench = new window.wasmBindings.BenchContainers();
  const times = [];
  for (let i = 0; i < 1000; i++) {
    const t = performance.now();
    bench.start();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { ms: times[500], running: bench.running(), memory: performance.memory ? performance.memory.usedJSHeapSize : null };
});
// docker pull mysql typed in the page's terminal (then docker rmi, to pull it again): median of 5.
const pullTimes = [];
for (let i = 0; i < 5; i++) {
  for (const line of ['docker pull mysql', 'docker rmi mysql']) {
    const n = await page.locator('.entry').count();
    const t = Date.now();
    await page.locator('#term-input').fill(line);
    await page.locator('#term-input').press('Enter');
    await page.waitForFunction((k) => document.querySelectorAll('.entry').length > k, n, { timeout: 60000 });
    if (line.includes('pull')) pullTimes.push(Date.now() - t);
  }
}
// The same two pulls straight through the engine in wasm, side by side.
const wasmPull = await page.evaluate(() => {
  const out = { table: [], hashed: [] };
  for (let i = 0; i < 5; i++) {
    for (const hashed of [false, true]) {
      const t = performance.now();
      const err = window.wasmBindings.bench_pull('mysql', hashed);
      if (err) throw new Error(err);
      out[hashed ? 'hashed' : 'table'].push(performance.now() - t);
    }
  }
  return out;
});
// The seeds' experiments 1–4 built in wasm (alpine pulled first, not timed).
const seedRuns = await page.evaluate(() => {
  const bench = new window.wasmBindings.BenchSeeds();
  const out = [];
  for (let n = 1; n <= 4; n++) {
    const times = [];
    let id = '';
    for (let i = 0; i < 21; i++) {
      const t = performance.now();
      id = bench.build(n);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    out.push({ ms: times[10], id });
  }
  return out;
});
// A 10,000-entry file tree opened in the explorer and scrolled top to bottom.
// Frames are read with the Performance API: long-animation-frame entries
// (every frame over 50 ms, with its duration) and requestAnimationFrame gaps.
const TREE_FILES = 10000;
const treeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'layerlab-tree-'));
fs.mkdirSync(path.join(treeDir, 't'));
for (let i = 0; i < TREE_FILES; i++) fs.writeFileSync(path.join(treeDir, 't', `f${String(i).padStart(5, '0')}`), `${i}\n`);
const treeTar = execFileSync('tar', ['-C', treeDir, '--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '-cf', '-', 't'], { maxBuffer: 1 << 26 });
const treePage = await browser.newPage({ viewport: { width: 1280, height: 800 } });
await treePage.goto(app.url);
await treePage.waitForSelector('main.lab[data-ready="true"] #term-input');
await treePage.locator('label.upload input[type="file"]').setInputFiles({ name: 'tree.tar', mimeType: 'application/x-tar', buffer: treeTar });
await treePage.waitForSelector('li.binary[data-file="tree.tar"]');
await treePage.locator('textarea[data-file="Dockerfile"]').fill('FROM scratch\nADD tree.tar /\n');
await treePage.locator('#term-input').fill('docker build -t tree .');
await treePage.locator('#term-input').press('Enter');
await treePage.waitForSelector('article[aria-label="image tree:latest"] li.layer');
await treePage.evaluate(() => {
  window.longFrames = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.longFrames.push({ start: e.startTime, ms: e.duration }); }).observe({ type: 'long-animation-frame' });
});
// The observer must see a long frame when there is one: one busy 80 ms frame first.
const probe = await treePage.evaluate(async () => {
  const frame = () => new Promise((r) => requestAnimationFrame(r));
  await frame();
  const t = performance.now();
  while (performance.now() - t < 80);
  await frame();
  await new Promise((r) => setTimeout(r, 100));
  const seen = window.longFrames.filter((f) => f.start <= t + 80 && f.start + f.ms >= t);
  window.longFrames = [];
  return seen.length ? Math.max(...seen.map((f) => f.ms)) : 0;
});
if (!probe) throw new Error('the long-animation-frame observer did not see an 80 ms busy frame: frame figures would mean nothing');
const tree = await treePage.evaluate(async () => {
  const frame = () => new Promise((r) => requestAnimationFrame(r));
  await frame();
  const t0 = performance.now();
  document.querySelector('article[aria-label="image tree:latest"] li.layer button.diff-id').click();
  while (!document.querySelector('section.explorer .vlist .vrow')) await frame();
  await frame();
  const open = performance.now() - t0;
  const list = document.querySelector('section.explorer .vlist');
  const gaps = [];
  let last = performance.now();
  const t1 = last;
  let steps = 0;
  while (list.scrollTop + list.clientHeight < list.scrollHeight - 1) {
    list.scrollTop += list.clientHeight / 2;
    await frame();
    const now = performance.now();
    gaps.push(now - last);
    last = now;
    steps++;
  }
  await frame();
  const rows = list.querySelectorAll('.vrow');
  return {
    open, scroll: performance.now() - t1, steps, maxGap: Math.max(...gaps), gaps: gaps.length, opened: t0,
    domRows: rows.length, lastRow: Number(rows[rows.length - 1].getAttribute('aria-posinset')), setSize: Number(rows[0].getAttribute('aria-setsize')),
    lastPath: rows[rows.length - 1].querySelector('[data-path]')?.dataset.path,
  };
});
await new Promise((r) => setTimeout(r, 200));
const longFrames = await treePage.evaluate(() => window.longFrames);
const framesAfter = (t) => longFrames.filter((f) => f.start >= t);
const openFrames = framesAfter(tree.opened).filter((f) => f.start < tree.opened + tree.open);
const scrollFrames = framesAfter(tree.opened + tree.open);
fs.rmSync(treeDir, { recursive: true, force: true });
await browser.close(); await app.close(); await blank.close();

const total = gz(wasm) + gz(js);
const lines = [
  '# Benchmark results',
  '',
  `Written by \`bench/run.sh\` on ${new Date().toISOString().slice(0, 10)} (${os.cpus().length} cores, node ${process.version}, Chromium headless).`,
  'Sizes are exact; times are medians of interleaved runs on a shared machine, so read the ratio, not the milliseconds.',
  '',
  '## Release build size (gzip -9)',
  '',
  '| file | raw | gzipped |',
  '|---|---:|---:|',
  `| wasm | ${kb(wasm.length)} kB | ${kb(gz(wasm))} kB |`,
  `| JS (wasm-bindgen glue) | ${kb(js.length)} kB | ${kb(gz(js))} kB |`,
  `| **wasm + JS** | ${kb(wasm.length + js.length)} kB | **${kb(total)} kB** (budget 250 kB: ${(100 * total / 250000).toFixed(0)}% used) |`,
  `| CSS + HTML | ${kb(css.length + html.length)} kB | ${kb(gz(css) + gz(html))} kB |`,
  '',
  `## Navigation to interactive (${runs} runs each, fresh cache)`,
  '',
  '| page | median | min | max |',
  '|---|---:|---:|---:|',
  `| Layer Lab (terminal input present) | ${median(appTimes).toFixed(0)} ms | ${Math.min(...appTimes).toFixed(0)} ms | ${Math.max(...appTimes).toFixed(0)} ms |`,
  `| blank page, same server (baseline) | ${median(blankTimes).toFixed(0)} ms | ${Math.min(...blankTimes).toFixed(0)} ms | ${Math.max(...blankTimes).toFixed(0)} ms |`,
  `| **ratio** | **${(median(appTimes) / median(blankTimes)).toFixed(1)}×** the blank page | | |`,
];
lines.push('', `## sha256 + tar throughput (one ${LAYER_MB} MB layer of generated files, median of 5)`, '');
if (native) {
  const same = wasmRuns.every((r) => r.digest === native.diff_id);
  lines.push('| where | time | throughput |', '|---|---:|---:|',
    `| native (release${shaNi ? ", sha256 on the CPU's SHA instructions (sha_ni)" : ''}) | ${native.layer_ms.toFixed(0)} ms | ${(LAYER_MB * 1000 / native.layer_ms).toFixed(0)} MB/s |`,
    ...(nativeSoft ? [`| native (release, sha2's software backend: the instructions wasm has) | ${nativeSoft.layer_ms.toFixed(0)} ms | ${(LAYER_MB * 1000 / nativeSoft.layer_ms).toFixed(0)} MB/s |`] : []),
    `| wasm in headless Chromium (release build) | ${wasmMs.toFixed(0)} ms | ${(LAYER_MB * 1000 / wasmMs).toFixed(0)} MB/s |`,
    `| **wasm / native** | **${(native.layer_ms / wasmMs).toFixed(2)}** (goal ≥ 0.6) | |`,
    ...(nativeSoft ? [`| wasm / native with software sha256 | ${(nativeSoft.layer_ms / wasmMs).toFixed(2)} | |`] : []),
    '', `Same diff_id natively and in wasm: ${same ? 'yes' : 'NO'} (\`${native.diff_id}\`).`,
    ...(shaNi ? ['', "This CPU has SHA instructions, which native sha256 uses and WebAssembly has no equivalent of; the software row is the same hashing code natively, so its ratio shows what the wasm compilation itself costs."] : []),
    '', `## Export of a ${native.export_mb} MB simulated image (native, \`docker save\` into memory)`, '',
    `${native.export_ms.toFixed(0)} ms for a ${(native.archive_bytes / 1e6).toFixed(1)} MB archive; peak RSS ${(native.peak_rss_kb / 1024).toFixed(0)} MiB (${(native.peak_rss_kb_before / 1024).toFixed(0)} MiB before). The archive and the layer bytes are both held in memory while it is written: about 2× the image size.`);
} else {
  lines.push(`wasm: ${wasmMs.toFixed(0)} ms (no native figure: build the throughput example)`);
}
lines.push('', "## The seeds' Experiments 1–4 built (`docker build --no-cache`, alpine already pulled; median of 21)", '',
  '| experiment | native (release) | wasm in headless Chromium | wasm / native time | same image ID |', '|---|---:|---:|---:|---|');
seedRuns.forEach((r, i) => {
  const n = native?.seed_ms?.[i];
  lines.push(`| exp${i + 1} | ${n === undefined ? '–' : n.toFixed(3) + ' ms'} | ${r.ms.toFixed(3)} ms (goal ≤ 2 ms) | ${n === undefined ? '–' : (r.ms / n).toFixed(1) + '×'} | ${native ? (native.seed_ids[i] === r.id ? 'yes' : 'NO') : '–'} |`);
});
lines.push('', '## `docker pull mysql` (7 layers, about 600 MB of simulated files; median of 5)', '',
  'The catalogue carries each layer\'s diff_id and tar length (`engine/catalogue/digests.txt`, as a registry\'s manifest would); a pull builds the trees and does not make or hash the tars. `engine/tests/catalogue.rs` makes and hashes every tar and checks the table.', '',
  '| where | with the digest table | making and hashing every tar | ratio |', '|---|---:|---:|---:|',
  native?.pull_ms !== undefined ? `| native (release, engine only) | ${native.pull_ms.toFixed(1)} ms | ${native.pull_hashed_ms.toFixed(1)} ms | ${(native.pull_hashed_ms / native.pull_ms).toFixed(0)}× |` : '| native | – | – | – |',
  `| wasm in headless Chromium (engine only) | ${median(wasmPull.table).toFixed(1)} ms | ${median(wasmPull.hashed).toFixed(1)} ms | ${(median(wasmPull.hashed) / median(wasmPull.table)).toFixed(0)}× |`,
  `| the page: typed in the terminal until its output shows | ${median(pullTimes).toFixed(0)} ms | | |`);
lines.push('', '## Containers: 1,000 from one image (`docker run -d alpine sleep 1d`, alpine already pulled)', '',
  '| measure | native (release) | wasm in headless Chromium |', '|---|---:|---:|',
  `| time to start one container (median of 1,000) | ${native ? native.start_ms.toFixed(3) + ' ms' : '–'} | ${containerRun.ms.toFixed(3)} ms |`,
  `| engine heap per idle container | ${native ? native.container_bytes + ' B (goal ≤ 4 KB)' : '–'} | (same structures, 32-bit pointers: no more) |`,
  `| containers running at the end | 1000 | ${containerRun.running} |`,
  '', 'The native figure counts the bytes the engine holds on the heap (a counting allocator) before and after the 1,000 starts: each container keeps only its settings and its (empty) writable layer; the image\'s view is shared.');
const worst = (fs) => (fs.length ? `${Math.max(...fs.map((f) => f.ms)).toFixed(0)} ms` : 'none');
lines.push('', `## A ${TREE_FILES.toLocaleString('en')}-entry file tree in the explorer (one layer: \`ADD tree.tar /\`)`, '',
  `The layer lists ${tree.setSize.toLocaleString('en')} paths (the folder and its files). Opened with a click, then scrolled to the bottom half a screen per frame (${tree.steps} frames).`,
  `Frames over 50 ms are counted by the Performance API (\`long-animation-frame\` entries; checked first on a deliberately busy 80 ms frame, seen as ${probe.toFixed(0)} ms); the gaps between \`requestAnimationFrame\` callbacks give the scroll's frame times.`, '',
  '| measure | value |', '|---|---:|',
  `| open: click to rows drawn | ${tree.open.toFixed(0)} ms |`,
  `| frames over 50 ms while opening | ${openFrames.length} (longest: ${worst(openFrames)}) |`,
  `| frames over 50 ms while scrolling | ${scrollFrames.length} (longest: ${worst(scrollFrames)}) (goal: none) |`,
  `| longest frame gap while scrolling | ${tree.maxGap.toFixed(1)} ms |`,
  `| rows in the page at the bottom (virtual list) | ${tree.domRows} of ${tree.setSize.toLocaleString('en')} |`,
  `| last row reached | ${tree.lastRow.toLocaleString('en')}: \`${tree.lastPath}\` |`);
if (args.floors && fs.existsSync(args.floors)) {
  // Each folder: NAME_bg.wasm after wasm-opt -Os, and its JavaScript (wasm-bindgen's glue, or the engine floor's loader).
  const size = (name) => {
    const dir = path.join(args.floors, name);
    const f = (ext) => fs.readFileSync(path.join(dir, fs.readdirSync(dir).find((x) => x.endsWith(ext) && !x.endsWith('.d.ts'))));
    return gz(f('_bg.wasm')) + gz(f('.js'));
  };
  const [engine, leptos, page] = ['floor_engine_only', 'floor_leptos_only', 'layerlab-web'].map(size);
  lines.push('', '## What the 250 kB budget meets: the engine alone is over it',
    '',
    'Three builds through one pipeline (release profile, `wasm-opt -Os`), gzipped wasm + JS. `bench/floor/` holds the two small crates. The page and Leptos go through `wasm-bindgen`; the engine floor has no web crate at all (two C-ABI exports, a 14-line loader).',
    '',
    '| build | gzipped | of the budget |', '|---|---:|---:|',
    `| the engine alone: \`Engine::run\` behind two C-ABI exports, no page, no web crate (\`bench/floor/engine-only\`) | ${kb(engine)} kB | ${(100 * engine / 250000).toFixed(0)}% |`,
    `| Leptos alone: a counter, a keyed \`<For>\` list, a \`<Show>\` (\`bench/floor/leptos-only\`) | ${kb(leptos)} kB | ${(100 * leptos / 250000).toFixed(0)}% |`,
    `| Layer Lab's page (the release build above, through the same pipeline) | ${kb(page)} kB | ${(100 * page / 250000).toFixed(0)}% |`,
    '',
    `The page's own code (components, web-sys calls, what they instantiate) is what is left: about ${kb(page - engine - leptos)} kB. Meeting the budget would need the docker console itself to lose ${(100 * (1 - (250000 - leptos) / engine)).toFixed(0)}% of its size even with no page code at all.`);
}
if (args['raw-wasm'] && fs.existsSync(args['raw-wasm'])) {
  const c = crateCosts(args['raw-wasm']);
  lines.push('', '## What each dependency costs',
    '',
    `Share of function-body bytes per crate in the release wasm before wasm-bindgen and \`wasm-opt -Os\` (${kb(c.total)} kB of code; wasm-bindgen's describe shims, which it removes, left out).`,
    'Generic code is counted in the crate that defines it, wherever it was instantiated. Applied to the gzipped total, the share gives an estimate of each crate\'s cost.',
    '',
    '| crate | code bytes | share | ≈ gzipped |', '|---|---:|---:|---:|');
  for (const [crate, bytes] of c.rows.slice(0, 20)) {
    lines.push(`| ${crate} | ${bytes} | ${(100 * bytes / c.total).toFixed(1)}% | ${kb(total * bytes / c.total)} kB |`);
  }
  const rest = c.rows.slice(20).reduce((a, [, b]) => a + b, 0);
  if (rest) lines.push(`| (${c.rows.length - 20} more crates) | ${rest} | ${(100 * rest / c.total).toFixed(1)}% | ${kb(total * rest / c.total)} kB |`);
}
fs.writeFileSync(args.out ?? 'bench/RESULTS.md', lines.join('\n') + '\n');
console.log(lines.join('\n'));
