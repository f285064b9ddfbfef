/**
 * @module `npm run bench:live:floor` — the floor under bench:live's sandbox path: what a live
 * sandbox process pays per call into one of its ~500 isolates, and per step of a run, measured
 * apart from IPC and the server. Each line runs in a fresh process (no way inherits another's warm
 * code or heap):
 *
 * - floor-bare.ts, for each way of calling (`FLOOR_WAYS`, default all): FLOOR_ISOLATES (500)
 *   isolates entered once each per round — applySync with and without a timeout, the CPU read by
 *   getrusage or by the isolate's own clock, rows copied in or passed as numbers, a Callback, async
 *   `apply`;
 * - floor-real.ts: a process's share of bench:live (500 accounts × 5 SMA runs) stepped by
 *   `LiveTenants` itself, with the SMA strategy and with one that does nothing; and the peer, the
 *   same runs' engines stepped on the host thread.
 *
 * The sandbox lines run with a live sandbox process's V8 flags (`LIVE_V8_FLAGS`), the host line
 * with V8's defaults, as bench:live's peer does. FLOOR_HEAP_MB (256, bench:live's premium
 * tenants) sizes the isolates. The last line is `RESULT {json}`: µs of CPU per call or per step.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LIVE_V8_FLAGS } from '@tickline/strategy';
import { envInt, printResult, printTable, progress, round } from '../lib/report.ts';

const WAYS = [
  'sync',
  'sync-timeout',
  'sync-timeout-grid',
  'sync-getrusage',
  'sync-cputime',
  'sync-rows-copy',
  'sync-rows-in',
  'sync-rows-external',
  'sync-rows-fixed',
  'sync-rows-args',
  'sync-callback',
  'async',
];
const ways = (process.env.FLOOR_WAYS ?? WAYS.join(',')).split(',');
const heapMb = envInt('FLOOR_HEAP_MB', 256);
const isolates = envInt('FLOOR_ISOLATES', 500);

function child(file: string, env: Record<string, string>): Record<string, number | string> {
  const out = execFileSync(
    process.execPath,
    // Isolates get a live process's V8 flags (the code it runs, tiered as it does); the host, V8's.
    [
      '--no-node-snapshot',
      ...(env.FLOOR_PLACE === 'host' ? [] : LIVE_V8_FLAGS),
      fileURLToPath(new URL(file, import.meta.url)),
    ],
    {
      env: { ...process.env, FLOOR_HEAP_MB: String(heapMb), ...env },
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, number | string>;
}

const rows: Array<Record<string, string | number>> = [];
const result: Record<string, number> = {};
for (const way of ways) {
  progress(`bare: ${way}`);
  const r = child('./floor-bare.ts', { FLOOR_WAY: way, FLOOR_ISOLATES: String(isolates) });
  rows.push({
    what: `bare call, ${way}`,
    'thread µs': round(Number(r.thread_us), 1),
    'process µs': round(Number(r.process_us), 1),
  });
  result[`bare_${way.replaceAll('-', '_')}_us`] = round(Number(r.process_us), 1);
}
for (const [label, env] of [
  ['sandbox step, SMA', {}],
  ['sandbox step, empty strategy', { FLOOR_STRATEGY: 'empty' }],
  ['host-thread step, SMA (peer)', { FLOOR_PLACE: 'host' }],
] as const) {
  progress(`real: ${label}`);
  const r = child('./floor-real.ts', env);
  rows.push({
    what: label,
    'thread µs': Number(r.thread_us_per_step),
    'process µs': Number(r.process_us_per_step),
  });
  result[`${r.place}_${r.strategy}_step_us`] = Number(r.process_us_per_step);
}
printTable(rows);
printResult({ isolates, heap_mb: heapMb, ...result });
