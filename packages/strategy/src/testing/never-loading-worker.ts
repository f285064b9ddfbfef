/** @module A worker thread whose module never finishes loading (pbo-thread.test.ts): a top-level await that never settles, kept alive. */
setInterval(() => {}, 60_000);
await new Promise(() => {});
