#!/usr/bin/env node
/** @module The `tickline` executable. Runs on Node 24 (TypeScript type stripping, no build). */
import { processIo } from '@tickline/cli';
import { runCli } from './cli/program.ts';

const outcome = await runCli(process.argv, processIo());
if (outcome !== 'running') {
  process.exitCode = outcome;
}
