#!/usr/bin/env node
/** @module The `tickline` executable. Runs on Node 24 (TypeScript type stripping, no build). */
import { enableCompileCache, flushCompileCache } from 'node:module';

// Node's module compile cache keeps each module's type-stripped source and V8 code on disk
// (os.tmpdir()/node-compile-cache, or NODE_COMPILE_CACHE): loading the CLI's module graph took
// 4.0 s on a busy 2-core machine and 2.4 s from the cache. Enabled before the CLI is imported,
// hence the dynamic imports below; the sandbox processes inherit the directory through the
// environment. NODE_DISABLE_COMPILE_CACHE=1 turns it off.
const cache = enableCompileCache();
if (cache.directory !== undefined) process.env.NODE_COMPILE_CACHE ??= cache.directory;

const { processIo } = await import('@tickline/cli');
const { runCli } = await import('./cli/program.ts');
const outcome = await runCli(process.argv, processIo());
if (outcome !== 'running') {
  process.exitCode = outcome;
} else {
  // Written now, not only at exit: a server stopped by SIGKILL leaves the cache filled too.
  flushCompileCache();
}
