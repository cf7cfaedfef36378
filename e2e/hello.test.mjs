// End to end: the release build served on 127.0.0.1, driven in headless
// Chromium as a learner would. Fails on any page error or console error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { serve, CHROMIUM } from './serve.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = process.env.DIST ?? path.join(here, '..', 'dist');
let server, browser;

before(async () => {
  assert.ok(fs.existsSync(path.join(dist, 'index.html')), `no release build in ${dist}: run trunk build --release`);
  server = await serve(dist);
  browser = await chromium.launch(CHROMIUM);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function openPage() {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const problems = [];
  const requests = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(server.url);
  await page.waitForSelector('main.lab[data-ready="true"] #term-input');
  return { page, problems, requests };
}

async function run(page, line) {
  const before = await page.locator('.entry').count();
  await page.locator('#term-input').fill(line);
  await page.locator('#term-input').press('Enter');
  await page.waitForFunction((n) => document.querySelectorAll('.entry').length > n, before);
  return page.locator('.entry').last().innerText();
}

test('editing hello.txt and rebuilding shows a new diff_id', async () => {
  const { page, problems, requests } = await openPage();

  const first = await run(page, 'docker build -t hello .');
  assert.match(first, /naming to docker\.io\/library\/hello:latest done/);
  const layers = page.locator('li.layer');
  assert.equal(await layers.count(), 1);
  const oldId = await layers.first().getAttribute('data-diff-id');
  assert.match(oldId, /^sha256:[0-9a-f]{64}$/);
  assert.match(await layers.first().innerText(), new RegExp(`sha256:${oldId.slice(7, 19)}`));

  await page.emulateMedia({ reducedMotion: 'reduce' }); // a still picture for the screenshot
  await page.locator('textarea[data-file="hello.txt"]').fill('hello from the end-to-end test\n');
  await run(page, 'docker build -t hello .');
  await page.waitForFunction(() => document.querySelectorAll('li.layer').length === 2);
  const ids = await layers.evaluateAll((els) => els.map((e) => e.getAttribute('data-diff-id')));
  const newIds = ids.filter((d) => d !== oldId);
  assert.equal(newIds.length, 1, `expected one new diff_id beside ${oldId}: ${ids}`);
  assert.match(newIds[0], /^sha256:[0-9a-f]{64}$/);
  assert.notEqual(newIds[0], oldId);
  assert.equal(await page.locator(`li.layer.fresh[data-diff-id="${newIds[0]}"]`).count(), 1, 'the new layer is marked');
  // The tag moved to the new image; the old one is dangling, as in Docker.
  const tags = await page.locator('article.image .tag').allInnerTexts();
  assert.deepEqual(tags.sort(), ['<none>', 'hello:latest']);

  fs.mkdirSync(path.join(here, 'test-results'), { recursive: true });
  await page.screenshot({ path: path.join(here, 'test-results', 'hello.png') });

  const inspect = await run(page, 'docker image inspect hello');
  const json = JSON.parse(inspect.slice(inspect.indexOf('[')));
  assert.deepEqual(json[0].RootFS.Layers, [newIds[0]], 'inspect shows the layer the picture shows');


  const offsite = requests.filter((u) => !u.startsWith(server.url));
  assert.deepEqual(offsite, [], 'every request goes to the page\'s own server');
  assert.deepEqual(problems, []);
  await page.close();
});

test('docker save offers the archive as a download that skopeo and umoci accept', async () => {
  const { page, problems } = await openPage();
  await run(page, 'docker build -t hello .');
  const diffId = await page.locator('li.layer').first().getAttribute('data-diff-id');
  const out = await run(page, 'docker save -o hello.tar hello');
  assert.match(out, /Download hello\.tar \(\d/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('a.download').click()]);
  assert.equal(download.suggestedFilename(), 'hello.tar');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layerlab-e2e-'));
  const tar = path.join(dir, 'hello.tar');
  await download.saveAs(tar);
  // Real tools judge what the wasm engine wrote: skopeo verifies every diff_id on copy, umoci again on unpack.
  const inspect = JSON.parse(execFileSync('skopeo', ['inspect', `docker-archive:${tar}`]).toString());
  assert.deepEqual(inspect.Layers, [diffId]);
  execFileSync('skopeo', ['copy', '--quiet', `docker-archive:${tar}`, `oci:${dir}/oci:t`]);
  execFileSync('umoci', ['unpack', '--rootless', '--image', `${dir}/oci:t`, `${dir}/bundle`]);
  assert.equal(fs.readFileSync(path.join(dir, 'bundle', 'rootfs', 'hello.txt'), 'utf8'), 'hello, layers\n');
  fs.rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('pulling a simulated base image and building on it', async () => {
  const { page, problems } = await openPage();
  const pull = await run(page, 'docker pull alpine:3.17');
  assert.match(pull, /3\.17: Pulling from library\/alpine\n[0-9a-f]{12}: Pull complete/);
  const alpine = page.locator('article[aria-label="image alpine:3.17"]');
  assert.match(await alpine.innerText(), /simulated/i);
  const base = await alpine.locator('li.layer').first().getAttribute('data-diff-id');
  await page.locator('textarea[data-file="Dockerfile"]').fill('FROM alpine:3.17\nCOPY hello.txt /\n');
  const build = await run(page, 'docker build -t onalpine .');
  assert.match(build, /\[1\/2\] FROM docker\.io\/library\/alpine:3\.17@sha256:[0-9a-f]{64}\n#\d+ CACHED/);
  const built = page.locator('article[aria-label="image onalpine:latest"]');
  const ids = (await built.getAttribute('data-diff-ids')).split(' ');
  assert.equal(ids.length, 2);
  assert.equal(ids[0], base, 'the bottom layer is alpine\'s own');
  assert.equal(await built.locator('li.layer').count(), 1, 'only its own layer is drawn');
  assert.match(await built.locator('p.base').innerText(), /on top of alpine:3\.17 \(1 layer, drawn there\)/);
  assert.match(await alpine.locator('li.layer').innerText(), /also in onalpine:latest/);
  const images = await run(page, 'docker images');
  assert.match(images, /\nREPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE\n/);
  assert.match(images, /alpine\s+3\.17\s+[0-9a-f]{12}\s+\d+ years ago\s+7\.05MB/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the seeds\' exp1 and exp3 in the page: files added, built with -f, layers compared', async () => {
  const { page, problems } = await openPage();
  await page.emulateMedia({ reducedMotion: 'reduce' });
  for (const [name, text] of [
    ['exp1', 'FROM alpine\nLABEL author="anil"\nCMD ["sleep", "1d"]\n'],
    ['exp3', 'FROM alpine\nLABEL author ="anil"\nRUN echo "one" > 1.txt\nRUN echo "two" > 2.txt\nRUN echo "three" > 3.txt\nCMD ["sleep", "1d"]\n'],
  ]) {
    await page.locator('#new-file-name').fill(name);
    await page.locator('.new-file button').click();
    await page.locator(`textarea[data-file="${name}"]`).fill(text);
  }
  await page.locator('#new-file-name').fill('exp1');
  await page.locator('.new-file button').click();
  assert.match(await page.locator('.new-file .error').innerText(), /exp1 already exists/);
  await run(page, 'docker image pull alpine');
  await run(page, 'docker image build -t exp1 -f exp1 .');
  const exp3 = await run(page, 'docker image build -t exp3 -f exp3 .');
  assert.match(exp3, /\[4\/4\] RUN echo "three" > 3.txt/);
  const layers = async (tag) => (await page.locator(`article[aria-label="image ${tag}"]`).getAttribute('data-diff-ids')).split(' ');
  const alpine = await layers('alpine:latest');
  assert.deepEqual(await layers('exp1:latest'), alpine, 'exp1 has exactly alpine\'s layers');
  assert.match(await page.locator('article[aria-label="image exp1:latest"] p.base').innerText(), /no layer of its own: exactly alpine:latest's 1 layer/);
  // Its steps are drawn though, as metadata without a layer (dive hides them), newest first.
  assert.deepEqual(await page.locator('article[aria-label="image exp1:latest"] li.meta .created-by').allInnerTexts(), ['CMD ["sleep" "1d"]', 'LABEL author=anil']);
  assert.equal(await page.locator('article[aria-label="image exp3:latest"] li.meta').count(), 2, 'exp3: LABEL and CMD between its three layers');
  const three = await layers('exp3:latest');
  assert.equal(three.length, alpine.length + 3, 'exp3 adds three layers');
  assert.equal(three[0], alpine[0], 'the bottom layer is alpine\'s');
  assert.equal(await page.locator('article[aria-label="image exp3:latest"] li.layer').count(), 3, 'exp3 draws its three own layers');
  assert.equal(await page.locator(`li.layer[data-diff-id="${alpine[0]}"]`).count(), 1, 'alpine\'s layer is drawn once, for all three images');
  assert.match(await page.locator(`li.layer[data-diff-id="${alpine[0]}"]`).innerText(), /also in exp1:latest, exp3:latest/);
  fs.mkdirSync(path.join(here, 'test-results'), { recursive: true });
  await page.screenshot({ path: path.join(here, 'test-results', 'seeds.png') });
  await page.locator('button[aria-label="remove exp3"]').click();
  assert.equal(await page.locator('textarea[data-file="exp3"]').count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a Dockerfile error is shown with its line, and the page keeps working', async () => {
  const { page, problems } = await openPage();
  await page.locator('textarea[data-file="Dockerfile"]').fill('FROM scratch\nCOPPY hello.txt /\n');
  // Marked as it is typed, with its line, before any build.
  assert.equal(await page.locator('.file:has(textarea[data-file="Dockerfile"]) .parse-error').innerText(), 'Dockerfile error, line 2: unknown instruction: COPPY (did you mean copy?)');
  assert.equal(await page.locator('textarea[data-file="Dockerfile"]').getAttribute('aria-invalid'), 'true');
  const out = await run(page, 'docker build -t broken .');
  assert.match(out, /dockerfile parse error on line 2: unknown instruction: COPPY \(did you mean copy\?\)/);
  assert.equal(await page.locator('.entry.failed').count(), 1);
  assert.equal(await page.locator('li.layer').count(), 0, 'a failed build adds no layer');
  await page.locator('textarea[data-file="Dockerfile"]').fill('FROM scratch\nCOPY hello.txt /\n');
  assert.equal(await page.locator('textarea[data-file="Dockerfile"]').getAttribute('aria-invalid'), 'false');
  assert.equal(await page.locator('.file:has(textarea[data-file="Dockerfile"]) .parse-error').innerText(), '');
  await run(page, 'docker build -t fixed .');
  assert.equal(await page.locator('li.layer').count(), 1);
  assert.equal(await page.locator('li.layer.cached').count(), 0);
  // Built again: the layer came from the build cache, and the picture says so.
  await run(page, 'docker build -t fixed .');
  assert.match(await page.locator('li.layer.cached').innerText(), /cache hit: reused, not rebuilt/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('two containers from one image: a change in one is invisible in the other (seed 000)', async () => {
  const { page, problems, requests } = await openPage();
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.locator('#new-file-name').fill('app.jar');
  await page.locator('.new-file button').click();
  await page.locator('textarea[data-file="app.jar"]').fill('PK simulated jar\n');
  await page.locator('textarea[data-file="Dockerfile"]').fill('FROM openjdk:8\nCOPY app.jar /spring-petclinic.jar\nEXPOSE 8080\nCMD ["java", "-jar", "/spring-petclinic.jar"]\n');
  await run(page, 'docker image build -t springpetclinic:1.0 .');
  const id1 = await run(page, 'docker container run --name cont1 -d -P springpetclinic:1.0');
  assert.match(id1, /[0-9a-f]{64}/);
  await run(page, 'docker container run --name cont2 -d -P springpetclinic:1.0');
  // Both containers sit on the same image, drawn once.
  const image = page.locator('article[aria-label="image springpetclinic:1.0"]');
  assert.equal(await image.locator('li.container').count(), 2);
  // Drawn under the image's title, on top of its layers.
  assert.deepEqual(await image.evaluate((a) => [...a.children].map((c) => c.tagName)), ['H3', 'UL', 'OL', 'P']);
  assert.match(await image.locator('p.base').innerText(), /on top of openjdk:8 \(7 layers, drawn there\)/);

  // An interactive shell in cont1: the prompt becomes the container's.
  await run(page, 'docker exec -it cont1 bash');
  assert.match(await page.locator('.ps1').innerText(), /^root@[0-9a-f]{12}:\/#$/);
  await run(page, 'echo hello > /hello.txt');
  await run(page, 'echo more >> /etc/passwd');
  await run(page, 'exit');
  assert.equal(await page.locator('.ps1').innerText(), '$');

  const cont1 = page.locator('li.container[data-name="cont1"]');
  const cont2 = page.locator('li.container[data-name="cont2"]');
  assert.match(await cont1.innerText(), /A \/hello\.txt/);
  assert.match(await cont1.innerText(), /C \/etc\/passwd/, 'the image file was copied up into cont1 only');
  assert.doesNotMatch(await cont2.innerText(), /hello\.txt|\/etc\/passwd/);
  const other = await run(page, 'docker exec cont2 cat /hello.txt');
  assert.match(other, /No such file or directory/);
  const ps = await run(page, 'docker ps -s');
  assert.match(ps, /SIZE/);
  assert.match(ps, /cont1\s+\S+ \(virtual [\d.]+MB\)/);
  assert.match(await run(page, 'docker diff cont1'), /C \/etc\nC \/etc\/passwd\nA \/hello\.txt/);
  fs.mkdirSync(path.join(here, 'test-results'), { recursive: true });
  await page.screenshot({ path: path.join(here, 'test-results', 'containers.png') });

  // rm throws the writable layer away: cont1 is gone from the picture, cont2 unchanged.
  await run(page, 'docker rm -f cont1');
  assert.equal(await image.locator('li.container').count(), 1);
  assert.equal(await cont1.count(), 0);
  // A shell loop as the main process: its first sleep keeps the container running.
  await run(page, "docker run -d --name ticker alpine sh -c 'i=0; while true; do i=$((i+1)); echo tick $i; sleep 5; done'");
  assert.match(await page.locator('li.container[data-name="ticker"]').getAttribute('class'), /\brunning\b/);
  assert.match(await run(page, 'docker logs ticker'), /docker logs ticker\ntick 1\n$/);
  // The classroom's clean-up: every container, through a command substitution.
  assert.match(await run(page, 'docker rm -f $(docker ps -aq)'), /docker rm -f \$\(docker ps -aq\)\n(?:[0-9a-f]{12}\n){2}$/);
  assert.equal(await page.locator('li.container').count(), 0);
  const origin = new URL(server.url).origin;
  assert.deepEqual(requests.filter((r) => !r.startsWith(origin) && !r.startsWith('blob:') && !r.startsWith('data:')), []);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the terminal: history, Tab completion, Ctrl-C, Ctrl-L and a multi-line paste', async () => {
  const { page, problems } = await openPage();
  const input = page.locator('#term-input');
  await run(page, 'docker run -d --name web1 busybox sleep 1d');
  await run(page, 'docker run -d --name web2 busybox sleep 1d');
  // ↑ brings back the last command, ↑↑ the one before, ↓ walks forward again.
  await input.press('ArrowUp');
  assert.equal(await input.inputValue(), 'docker run -d --name web2 busybox sleep 1d');
  await input.press('ArrowUp');
  assert.equal(await input.inputValue(), 'docker run -d --name web1 busybox sleep 1d');
  await input.press('ArrowDown');
  await input.press('ArrowDown');
  assert.equal(await input.inputValue(), '');
  // Tab completes commands and names from the engine; several candidates are listed.
  await input.fill('docker ex');
  await input.press('Tab');
  assert.equal(await input.inputValue(), 'docker ex');
  assert.match(await page.locator('.completions').innerText(), /exec\s+export/);
  await input.fill('docker exe');
  await input.press('Tab');
  assert.equal(await input.inputValue(), 'docker exec ');
  await input.pressSequentially('w');
  await input.press('Tab');
  assert.equal(await input.inputValue(), 'docker exec web');
  assert.match(await page.locator('.completions').innerText(), /web1\s+web2/);
  // Ctrl-C drops the line; nothing runs.
  await input.press('Control+c');
  assert.equal(await input.inputValue(), '');
  assert.match(await page.locator('.entry').last().innerText(), /docker exec web\^C/);
  // A pasted block runs line by line; a last line without newline waits in the prompt.
  const before = await page.locator('.entry').count();
  await input.evaluate((el, text) => {
    const dt = new DataTransfer();
    dt.setData('text/plain', text);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, 'docker exec web1 sh -c "echo pasted > /p.txt"\ndocker exec web1 cat /p.txt\ndocker ps');
  await page.waitForFunction((n) => document.querySelectorAll('.entry').length >= n + 2, before);
  assert.match(await page.locator('.entry').last().innerText(), /pasted/);
  assert.equal(await input.inputValue(), 'docker ps');
  // Ctrl-L clears the screen; the history stays, as in a shell.
  await input.press('Control+l');
  assert.equal(await page.locator('.entry').count(), 0);
  await input.fill('');
  await input.press('ArrowUp');
  assert.equal(await input.inputValue(), 'docker exec web1 cat /p.txt');
  // `clear` typed does the same.
  await input.fill('');
  await run(page, 'docker ps -q');
  assert.ok(await page.locator('.entry').count() > 0);
  await input.fill('clear');
  await input.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('.entry').length === 0);
  await input.press('ArrowUp');
  assert.equal(await input.inputValue(), 'clear');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a bind mount: the page\'s files are the container\'s, both ways, and a reload keeps them', async () => {
  const { page, problems, requests } = await openPage();
  await run(page, 'docker run -d --name web -p 8080:80 -v $(pwd):/usr/share/nginx/html nginx');
  assert.match(await run(page, 'curl -s localhost:8080/hello.txt'), /^\$ curl -s localhost:8080\/hello.txt\nhello, layers\n?$/);
  // Edited in the page: the container sees it at the next command.
  await page.locator('textarea[data-file="hello.txt"]').fill('edited on the host\n');
  assert.match(await run(page, 'curl -s localhost:8080/hello.txt'), /edited on the host\n?$/);
  // Written in the container: the file appears among the page's files, and in no layer.
  await run(page, 'docker exec web sh -c "echo made in web > /usr/share/nginx/html/made.txt"');
  assert.equal(await page.locator('textarea[data-file="made.txt"]').inputValue(), 'made in web\n');
  assert.doesNotMatch(await run(page, 'docker diff web'), /made\.txt/);
  assert.match(await page.locator('li.container[data-name="web"]').innerText(), /\/usr\/share\/nginx\/html ← \/home\/learner/);
  await page.reload();
  await page.waitForSelector('main.lab[data-ready="true"] #term-input');
  assert.equal(await page.locator('textarea[data-file="made.txt"]').inputValue(), 'made in web\n');
  assert.match(await run(page, 'curl -s localhost:8080/made.txt'), /made in web\n?$/);
  // Removed in the container: gone from the page.
  await run(page, 'docker exec web rm /usr/share/nginx/html/made.txt');
  assert.equal(await page.locator('textarea[data-file="made.txt"]').count(), 0);
  assert.deepEqual(problems, []);
  // curl reached the simulated bridge, not the network: nothing was requested off the page's server.
  assert.deepEqual(requests.filter((u) => !u.startsWith(server.url)), []);
  await page.close();
});

test('autosave: a reload restores the state exactly; a foreign state is refused; a full storage is reported', async () => {
  const { page, problems } = await openPage();
  await run(page, 'docker run -d --name keep busybox sleep 1d');
  await run(page, 'docker exec keep sh -c "echo kept > /k"');
  await page.locator('textarea[data-file="hello.txt"]').fill('edited before the reload\n');
  await run(page, 'docker build -t hello .');
  // Edited between two builds: the first image is left dangling, and a
  // replay must build it from the text it had then.
  await page.locator('textarea[data-file="hello.txt"]').fill('edited again\n');
  await run(page, 'docker build -t hello .');
  const images = await run(page, 'docker images --no-trunc');
  assert.match(images, /<none>/);
  await page.locator('textarea[data-file="hello.txt"]').fill('edited before the reload\n');
  const layers = async () => page.locator('li.layer').evaluateAll((els) => els.map((e) => e.getAttribute('data-diff-id')));
  const before = { layers: await layers(), keep: await page.locator('li.container[data-name="keep"]').innerText() };

  await page.reload();
  await page.waitForSelector('main.lab[data-ready="true"] #term-input');
  assert.match(await page.locator('.notice').innerText(), /Restored your last session: 5 commands replayed/);
  assert.equal(await page.locator('textarea[data-file="hello.txt"]').inputValue(), 'edited before the reload\n');
  assert.deepEqual(await layers(), before.layers, 'the same layers, digests and all');
  assert.match(await page.locator('li.container[data-name="keep"]').innerText(), /A \/k/);
  assert.equal(await page.locator('.entry').count(), 5, 'the scrollback is back too');
  assert.equal(await page.locator('.entry').nth(4).innerText(), images, 'both builds replayed on the text each saw');

  // A state from elsewhere is refused with a message, never a blank page.
  await page.evaluate(() => localStorage.setItem('layerlab.state', '{"version": 99, "files": {}, "commands": ["docker ps"]}'));
  await page.reload();
  await page.waitForSelector('main.lab[data-ready="true"] #term-input');
  assert.match(await page.locator('.notice').innerText(), /The saved state was refused: it is of version 99/);
  assert.equal(await page.locator('li.container').count(), 0);
  assert.equal(await page.evaluate(() => localStorage.getItem('layerlab.state.refused')), '{"version": 99, "files": {}, "commands": ["docker ps"]}');

  // A full storage quota: the page says so and keeps working.
  await page.evaluate(() => {
    let i = 0;
    for (const size of [1_000_000, 100_000, 10_000, 1_000, 100, 10, 1]) {
      try { for (;;) localStorage.setItem(`fill${i++}`, 'x'.repeat(size)); } catch (e) { /* full at this size */ }
    }
  });
  await run(page, 'docker run -d --name after busybox sleep 1d');
  assert.match(await page.locator('.notice').innerText(), /Autosave failed: the browser's storage for this page is full/);
  assert.equal(await page.locator('li.container[data-name="after"]').count(), 1);
  await page.evaluate(() => localStorage.clear());
  // Start again forgets everything.
  await page.locator('button.reset').click();
  assert.equal(await page.locator('li.container').count(), 0);
  assert.equal(await page.locator('.entry').count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a strict Content-Security-Policy, and a panic shows its message while the saved state stays', async () => {
  const { page, problems } = await openPage();
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/=]{44}'/);
  assert.match(csp, /connect-src 'self'/);
  await run(page, 'docker run -d --name before busybox sleep 1d');
  // A panic in the wasm: the message is shown on top of the page.
  await page.evaluate(() => { try { window.wasmBindings.debug_panic('boom for the test'); } catch (e) { /* the wasm traps after the hook */ } });
  assert.match(await page.locator('.crash').innerText(), /Layer Lab hit an internal error and stopped: .*boom for the test.*reload the page to go on/);
  assert.ok(await page.locator('main.lab').isVisible(), 'the page is still there');
  await page.reload();
  await page.waitForSelector('main.lab[data-ready="true"] #term-input');
  assert.equal(await page.locator('li.container[data-name="before"]').count(), 1, 'the work before the panic is back');
  // The panic's own console error is expected; nothing else.
  assert.deepEqual(problems.filter((p) => !/boom for the test|unreachable|RuntimeError/.test(p)), []);
  await page.close();
});

test('a shared link opens the scenario in a fresh browser profile; a damaged one is refused', async () => {
  const { page, problems } = await openPage();
  await page.locator('textarea[data-file="hello.txt"]').fill('shared with the class\n');
  await run(page, 'docker build -t hello .');
  await run(page, 'docker run -d --name shared busybox sleep 1d');
  const layers = async (p) => p.locator('li.layer').evaluateAll((els) => els.map((e) => e.getAttribute('data-diff-id')));
  const mine = await layers(page);
  await page.locator('button.share').click();
  const link = await page.locator('.share-link').inputValue();
  assert.match(link, /#scenario=[A-Za-z0-9_-]+$/);
  assert.ok(link.length < 2000, `a link short enough to share: ${link.length} characters`);

  const other = await browser.newContext();
  const fresh = await other.newPage();
  const freshProblems = [];
  fresh.on('console', (m) => { if (m.type() === 'error') freshProblems.push(m.text()); });
  await fresh.goto(link);
  await fresh.waitForSelector('main.lab[data-ready="true"] #term-input');
  assert.match(await fresh.locator('.notice').innerText(), /Opened the shared scenario: 2 commands replayed/);
  assert.equal(await fresh.locator('textarea[data-file="hello.txt"]').inputValue(), 'shared with the class\n');
  assert.deepEqual(await layers(fresh), mine, 'the same digests in another profile');
  assert.equal(await fresh.locator('li.container[data-name="shared"]').count(), 1);
  assert.doesNotMatch(fresh.url(), /#scenario=/, 'the fragment is taken out of the address once opened');

  await fresh.goto(link.replace(/#scenario=.*/, '#scenario=damaged!'));
  await fresh.reload();
  await fresh.waitForSelector('main.lab[data-ready="true"] #term-input');
  assert.match(await fresh.locator('.notice').innerText(), /The shared scenario was refused: the link is damaged/);
  assert.deepEqual(freshProblems, []);
  await other.close();
  assert.deepEqual(problems, []);
  await page.close();
});

test('the layer explorer: a layer\'s files with marks and sizes, the wasted space, the layer tar', async () => {
  const { page, problems } = await openPage();
  await page.locator('textarea[data-file="Dockerfile"]').fill('FROM alpine\nRUN dd if=/dev/zero of=/big bs=1k count=100 && echo v1 > /app.conf && echo s > /small\nRUN rm /big && echo v2 > /app.conf\n');
  await run(page, 'docker build -t waste .');
  const image = page.locator('article[aria-label="image waste:latest"]');
  // From the keyboard: the top layer (drawn first) opens with Enter.
  await image.locator('li.layer button.diff-id').first().focus();
  await page.keyboard.press('Enter');
  const explorer = page.locator('section.explorer');
  assert.match(await explorer.locator('h3').innerText(), /Layer 3 of 3 in waste:latest/);
  const files = async () => explorer.locator('.vrow .file').evaluateAll((els) => els.map((e) => e.innerText.replace(/\s+/g, ' ').trim()));
  assert.deepEqual(await files(), ['M 3B /app.conf', 'D /big']);
  assert.match(await explorer.locator('.efficiency').innerText(), /Image efficiency \d+\.\d% · 102kB wasted/);
  // The layer below, sorted by size: the 100 kB file first.
  await image.locator('li.layer button.diff-id').nth(1).click();
  assert.match(await explorer.locator('h3').innerText(), /Layer 2 of 3/);
  await explorer.locator('.sort button', { hasText: 'size' }).click();
  assert.match((await files())[0], /^A 102kB \/big$/);
  // The download is the layer tar, whose sha256 is the diff_id.
  const diffId = await image.locator('li.layer.open').getAttribute('data-diff-id');
  const [download] = await Promise.all([page.waitForEvent('download'), explorer.locator('a.download-layer').click()]);
  const bytes = fs.readFileSync(await download.path());
  const { createHash } = await import('node:crypto');
  assert.equal(`sha256:${createHash('sha256').update(bytes).digest('hex')}`, diffId);
  await explorer.locator('details.waste summary').click();
  fs.mkdirSync(path.join(here, 'test-results'), { recursive: true });
  await page.screenshot({ path: path.join(here, 'test-results', 'explorer.png') });
  await explorer.locator('button.close').click();
  assert.equal(await page.locator('section.explorer').count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});

// axe-core (npm) judges each main view: no serious or critical violation.
async function axe(page) {
  await page.addScriptTag({ path: path.join(here, 'node_modules', 'axe-core', 'axe.min.js') });
  const result = await page.evaluate(async () => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

test('accessibility: axe-core finds no serious or critical violation on the main views, light and dark', async () => {
  for (const scheme of ['light', 'dark']) {
    // axe is injected as a script: this context lets it past the page's Content-Security-Policy.
    const context = await browser.newContext({ bypassCSP: true, colorScheme: scheme, viewport: { width: 1024, height: 768 } });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.waitForSelector('main.lab[data-ready="true"] #term-input');
    const views = {};
    views.start = await axe(page);
    await run(page, 'docker build -t hello .');
    await run(page, 'docker run -d --name a11y busybox sleep 1d');
    await run(page, 'docker exec a11y sh -c "echo x > /x"');
    views['images and containers'] = await axe(page);
    await page.locator('li.layer button.diff-id').first().click();
    await page.locator('details.waste summary').click().catch(() => {});
    views.explorer = await axe(page);
    await page.locator('button[aria-label="explore the files of container a11y"]').click();
    await page.locator('section.explorer .vrow').first().waitFor();
    views['container files'] = await axe(page);
    await page.locator('#compare-left').selectOption('container:a11y');
    await page.locator('#compare-right').selectOption('image:busybox:latest');
    await page.locator('.compare-form button[type="submit"]').click();
    await page.locator('section.explorer .compare-summary').waitFor();
    views.comparison = await axe(page);
    // The theme button overrides the system's choice; the page must stay readable.
    await page.locator('button.theme-toggle').click();
    await page.locator('button.theme-toggle').click();
    views['theme chosen (light)'] = await axe(page);
    await page.locator('button.theme-toggle').click();
    await page.locator('button.share').click();
    views['share link'] = await axe(page);
    // Projector mode: larger text, still accessible.
    await page.locator('button.projector-toggle').click();
    assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize), '20px');
    assert.equal(await page.locator('#term-input').evaluate((el) => getComputedStyle(el).fontSize), '18px');
    views.projector = await axe(page);
    await page.locator('button.projector-toggle').click();
    assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize), '15px');
    for (const [view, found] of Object.entries(views)) {
      assert.deepEqual(found, [], `${scheme} theme, ${view}`);
    }
    await context.close();
  }
});

test('every lesson, run as a learner would: its checks go from open to passed', async () => {
  const { page, problems } = await openPage();
  const titles = await page.locator('#lesson-choice option').evaluateAll((os) => os.map((o) => o.value).filter((v) => v !== ''));
  assert.equal(titles.length, 13);
  for (const value of titles) {
    await page.locator('#lesson-choice').selectOption(value);
    const lesson = page.locator('.lesson');
    const name = await page.locator(`#lesson-choice option[value="${value}"]`).innerText();
    const checks = lesson.locator('li.check');
    const total = await checks.count();
    assert.ok(total > 0, name);
    assert.equal(await lesson.locator('li.check.passed').count(), 0, `${name}: nothing passes before the learner works`);
    if (await lesson.locator('button.setup').count()) await lesson.locator('button.setup').click();
    const steps = lesson.locator('button.step');
    for (let i = 0; i < await steps.count(); i++) {
      const before = await page.locator('.entry').count();
      await steps.nth(i).click();
      await page.waitForFunction((n) => document.querySelectorAll('.entry').length > n, before);
    }
    assert.equal(await lesson.locator('li.check.passed').count(), total, `${name}: ${await checks.allInnerTexts()}`);
    assert.ok((await checks.allInnerTexts()).every((t) => t.startsWith('✓')), name);
  }
  await page.locator('#lesson-choice').selectOption(titles[1]);
  fs.mkdirSync(path.join(here, 'test-results'), { recursive: true });
  await page.screenshot({ path: path.join(here, 'test-results', 'lessons.png') });
  // The free sandbox shows no lesson.
  await page.locator('#lesson-choice').selectOption('');
  assert.equal(await page.locator('.lesson').count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a lesson\'s checks are not passed before the learner did the work', async () => {
  const { page, problems } = await openPage();
  await page.locator('#lesson-choice').selectOption({ index: 1 });
  const lesson = page.locator('.lesson');
  assert.equal(await lesson.locator('li.check.passed').count(), 0);
  await lesson.locator('button.setup').click();
  // exp1 built but not yet the others: only the first check passes.
  await run(page, 'docker image build -t exp1 -f exp1 .');
  const passed = () => lesson.locator('li.check').evaluateAll((ls) => ls.map((l) => l.classList.contains('passed')));
  assert.deepEqual(await passed(), [true, false, false]);
  // A reload keeps the lesson open, and its checks where they were.
  const title = await page.locator('#lesson-choice option:checked').innerText();
  await page.reload();
  await page.waitForSelector('main.lab[data-ready="true"] #term-input');
  assert.equal(await page.locator('#lesson-choice option:checked').innerText(), title);
  assert.deepEqual(await passed(), [true, false, false]);
  assert.deepEqual(problems, []);
  await page.close();
});

test('docker save then docker load in the page, and an archive picked from disk loads', async () => {
  const { page, problems } = await openPage();
  await run(page, 'docker build -t hello .');
  await run(page, 'docker save -o hello.tar hello');
  assert.equal(await page.locator('li.binary[data-file="hello.tar"]').count(), 1, 'the archive stays on the page');
  await run(page, 'docker rmi hello');
  assert.match(await run(page, 'docker load -i hello.tar'), /Loaded image: hello:latest/);
  // An archive from disk (here the one the page wrote, downloaded) loads as well.
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('a.download').first().click()]);
  const bytes = fs.readFileSync(await download.path());
  await page.locator('label.upload input[type="file"]').setInputFiles({ name: 'from-disk.tar', mimeType: 'application/x-tar', buffer: bytes });
  await page.waitForSelector('li.binary[data-file="from-disk.tar"]');
  await run(page, 'docker rmi hello');
  assert.match(await run(page, 'docker load -i from-disk.tar'), /Loaded image: hello:latest/);
  // A text file from disk becomes an editable file of the build context.
  await page.locator('label.upload input[type="file"]').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('from disk\n') });
  await page.waitForSelector('textarea[data-file="notes.txt"]');
  assert.equal(await page.locator('textarea[data-file="notes.txt"]').inputValue(), 'from disk\n');
  // An archive dropped on the page is loaded at once, as if typed.
  await run(page, 'docker rmi hello');
  const dropped = await page.evaluateHandle((b64) => {
    const dt = new DataTransfer();
    dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'dropped.tar'));
    return dt;
  }, bytes.toString('base64'));
  const entries = await page.locator('.entry').count();
  await page.dispatchEvent('main.lab', 'drop', { dataTransfer: dropped });
  await page.waitForFunction((n) => document.querySelectorAll('.entry').length > n, entries);
  const last = await page.locator('.entry').last().innerText();
  assert.match(last, /docker load -i dropped\.tar\s+Loaded image: hello:latest/);
  assert.equal(await page.locator('li.binary[data-file="dropped.tar"]').count(), 1);
  // Files from disk are autosaved with the lines that used them: a reload
  // loads the dropped archive again.
  const images = await run(page, 'docker images');
  await page.reload();
  await page.waitForSelector('main.lab[data-ready="true"] #term-input');
  assert.match(await page.locator('.notice').innerText(), /Restored your last session: 9 commands replayed/);
  for (const name of ['hello.tar', 'from-disk.tar', 'dropped.tar']) assert.equal(await page.locator(`li.binary[data-file="${name}"]`).count(), 1, name);
  assert.match(await page.locator('.entry').nth(7).innerText(), /docker load -i dropped\.tar\s+Loaded image: hello:latest/);
  assert.equal(await run(page, 'docker images'), images);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a container\'s merged view names each file\'s layer; two containers and two images side by side', async () => {
  const { page, problems } = await openPage();
  await page.locator('textarea[data-file="Dockerfile"]').fill('FROM alpine\nCOPY hello.txt /app/\nRUN echo v1 > /app/v\n');
  await run(page, 'docker build -t app .');
  await run(page, 'docker run -d --name a app sleep 1d');
  await run(page, 'docker run -d --name b -v data:/data app sleep 1d');
  await run(page, "docker exec a sh -c 'echo changed > /app/v; echo new > /etc/motd'");
  await run(page, "docker exec b sh -c 'echo y > /data/y'");
  const ids = await page.locator('article[aria-label="image app:latest"]').getAttribute('data-diff-ids');
  const [base, copy, runLayer] = ids.split(' ').map((d) => d.slice(7, 19));
  // Container a from the keyboard: its files, each with where it comes from.
  await page.locator('button[aria-label="explore the files of container a"]').focus();
  await page.keyboard.press('Enter');
  const explorer = page.locator('section.explorer');
  assert.equal(await explorer.locator('h3').innerText(), 'Container a: its merged view');
  const origin = async (p) => explorer.locator(`.vrow .file[data-path="${p}"] .origin`).innerText();
  const originTitle = async (p) => explorer.locator(`.vrow .file[data-path="${p}"] .origin`).getAttribute('title');
  assert.equal(await origin('/app/hello.txt'), 'layer 2');
  assert.equal(await originTitle('/app/hello.txt'), `layer 2 sha256:${copy}`);
  assert.equal(await origin('/app/v'), 'writable layer', 'changed, so copied up');
  assert.equal(await originTitle('/bin/busybox'), `layer 1 sha256:${base}`);
  assert.match(await explorer.locator('.merged-summary').innerText(), /^\d+ paths: \d+ from the image's layers, 2 in its writable layer, 0 in volumes$/);
  await explorer.locator('.only-own input').check();
  assert.deepEqual(await explorer.locator('.vrow .file').evaluateAll((els) => els.map((e) => e.dataset.path)), ['/app/v', '/etc/motd']);
  // The open view follows the container: a file written now appears in it.
  await run(page, 'docker exec a touch /later.txt');
  await explorer.locator('.vrow .file[data-path="/later.txt"]').waitFor();
  assert.equal(await origin('/later.txt'), 'writable layer');
  // b's volume.
  await page.locator('button[aria-label="explore the files of container b"]').click();
  await explorer.locator('.vrow .file[data-path="/data/y"]').waitFor();
  assert.equal(await origin('/data/y'), 'volume data');
  assert.equal(await originTitle('/app/v'), `layer 3 sha256:${runLayer}`, 'b still sees the image\'s file');
  // a and b side by side: only their own changes differ.
  await page.locator('#compare-left').selectOption('container:a');
  await page.locator('#compare-right').selectOption('container:b');
  await page.locator('.compare-form button[type="submit"]').click();
  assert.equal(await explorer.locator('h3').innerText(), 'container a ↔ container b');
  assert.match(await explorer.locator('.compare-summary').innerText(), /^They share 3 image layers \(a has 3, b has 3\); \d+ paths are the same, 5 differ\.$/);
  const rows = async () => explorer.locator('.vrow .file').evaluateAll((els) => els.map((e) => e.innerText.replace(/\s+/g, ' ').trim()));
  assert.deepEqual(await rows(), ['M 8B → 3B /app/v', '+ /data/', '+ 2B /data/y', '− 4B /etc/motd', '− 0B /later.txt']);
  // alpine and app: one shared layer, the rest added.
  await page.locator('#compare-left').selectOption('image:alpine:latest');
  await page.locator('#compare-right').selectOption('image:app:latest');
  await page.locator('.compare-form button[type="submit"]').click();
  assert.match(await explorer.locator('.compare-summary').innerText(), /^They share 1 image layer \(alpine:latest has 1, app:latest has 3\)/);
  assert.deepEqual(await rows(), ['+ /app/', '+ 14B /app/hello.txt', '+ 3B /app/v']);
  fs.mkdirSync(path.join(here, 'test-results'), { recursive: true });
  await page.screenshot({ path: path.join(here, 'test-results', 'compare.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('files: rename, download, highlighting, the error line marked; the theme toggle', async () => {
  const { page, problems } = await openPage();
  const editor = page.locator('textarea[data-file="Dockerfile"]');
  await editor.fill('# a comment\nFROM alpine\nRUN --mount=type=cache,target=/c echo "$HOME" ${X:-y}\nCOPY <<EOF /x\nhi\nEOF\n');
  const pre = page.locator('.file:has(textarea[data-file="Dockerfile"]) pre');
  const tokens = async (cls) => pre.locator(`.${cls}`).allInnerTexts();
  assert.deepEqual(await tokens('tok-instruction'), ['FROM', 'RUN', 'COPY']);
  assert.deepEqual(await tokens('tok-comment'), ['# a comment\n']);
  assert.deepEqual(await tokens('tok-flag'), ['--mount=type=cache,target=/c']);
  assert.deepEqual(await tokens('tok-string'), ['"$HOME"']);
  assert.deepEqual(await tokens('tok-variable'), ['${X:-y}']);
  assert.equal((await tokens('tok-heredoc')).join(''), 'hi\nEOF\n');
  // The coloured copy is exactly the text (the textarea lies over it).
  assert.equal(await pre.evaluate((p) => p.textContent.slice(0, -1)), await editor.inputValue());
  // A parse error: its line is marked.
  await editor.fill('FROM alpine\nRUN echo ok\nFROOM x\n');
  assert.match(await page.locator('.file:has(textarea[data-file="Dockerfile"]) .parse-error').innerText(), /line 3/);
  assert.deepEqual(await pre.locator('.line.bad-line').allInnerTexts(), ['FROOM x\n']);
  await editor.fill('FROM alpine\nRUN echo hi > /hi\n');
  // Rename: the build's -f follows the new name; the old one is gone.
  await page.locator('button[aria-label="rename Dockerfile"]').click();
  await page.locator('input[aria-label="new name for Dockerfile"]').fill('app.Dockerfile');
  await page.locator('input[aria-label="new name for Dockerfile"]').press('Enter');
  await page.waitForSelector('textarea[data-file="app.Dockerfile"]');
  assert.equal(await page.locator('textarea[data-file="Dockerfile"]').count(), 0);
  assert.match(await run(page, 'docker build -t renamed -f app.Dockerfile .'), /naming to docker\.io\/library\/renamed:latest done/);
  // A taken name is refused, and said so.
  await page.locator('button[aria-label="rename hello.txt"]').click();
  await page.locator('input[aria-label="new name for hello.txt"]').fill('app.Dockerfile');
  await page.locator('input[aria-label="new name for hello.txt"]').press('Enter');
  assert.match(await page.locator('.file:has(textarea[data-file="hello.txt"]) .file-head .error').innerText(), /app\.Dockerfile already exists/);
  await page.getByRole('button', { name: 'Cancel' }).click();
  // Download any file: its bytes.
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button[aria-label="download hello.txt"]').click()]);
  assert.equal(download.suggestedFilename(), 'hello.txt');
  assert.equal(fs.readFileSync(await download.path(), 'utf8'), 'hello, layers\n');
  // Theme: system → dark → light → system, kept over a reload.
  const theme = () => page.evaluate(() => document.documentElement.dataset.theme ?? 'system');
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(await theme(), 'system');
  await page.locator('button.theme-toggle').click();
  assert.equal(await theme(), 'dark');
  assert.equal(await bg(), 'rgb(15, 18, 22)');
  await page.reload();
  await page.waitForSelector('main.lab[data-ready="true"] #term-input');
  assert.equal(await theme(), 'dark');
  await page.locator('button.theme-toggle').click();
  assert.equal(await theme(), 'light');
  assert.equal(await bg(), 'rgb(246, 247, 249)');
  await page.locator('button.theme-toggle').click();
  assert.equal(await theme(), 'system');
  assert.deepEqual(problems, []);
  await page.close();
});
