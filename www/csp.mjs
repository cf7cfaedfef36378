// Trunk post-build hook: the Content-Security-Policy allows exactly the
// inline module script Trunk writes to start the wasm (its sha256 changes
// with every build), and nothing from anywhere else.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

const file = path.join(process.env.TRUNK_STAGING_DIR ?? 'dist', 'index.html');
const html = fs.readFileSync(file, 'utf8');
const token = "'sha256-REPLACED-AT-BUILD'";
const scripts = [...html.matchAll(/<script type="module">([\s\S]*?)<\/script>/g)].map((m) => m[1]);
if (!html.includes(token) || scripts.length === 0) {
  console.error(`csp.mjs: ${file} has no ${token} placeholder or no inline module script`);
  process.exit(1);
}
const hashes = scripts.map((s) => `'sha256-${crypto.createHash('sha256').update(s, 'utf8').digest('base64')}'`);
fs.writeFileSync(file, html.replace(token, hashes.join(' ')));
console.log(`csp.mjs: allowed ${hashes.length} inline script(s) by hash`);
