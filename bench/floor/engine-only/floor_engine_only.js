// The JavaScript the engine-only floor needs: instantiate it, then run
// console lines through its two C-ABI exports (alloc, run).
export default async function init(url) {
  const { instance } = await WebAssembly.instantiateStreaming(fetch(url), {});
  const { memory, alloc, run } = instance.exports;
  return (line) => {
    const bytes = new TextEncoder().encode(line);
    const ptr = alloc(bytes.length);
    new Uint8Array(memory.buffer, ptr, bytes.length).set(bytes);
    const out = run(ptr, bytes.length);
    const view = new Uint8Array(memory.buffer, out);
    return new TextDecoder().decode(view.subarray(0, view.indexOf(0)));
  };
}
