/**
 * @module Where a gateway process's resident memory goes, read from outside it: `VmRSS`
 * (`/proc/<pid>/status`) and the process's own `/metrics` (V8's heap spaces, committed and used).
 * Two readings a connect burst apart, divided by the connections, give the per-connection split
 * `docs/capacity.md` reports ("Memory per connection"): V8's old space (live objects, and garbage
 * not yet collected), its young generation (semi-spaces grown by the burst: a fixed cost per
 * process, whatever the count), V8's other spaces, and the rest — native memory (malloc: sockets,
 * libuv handles, Buffers' backing stores) — as what the resident set grew by beyond V8's spaces.
 */
import { rssBytes } from '../../lib/proc-stat.ts';

/** One reading of a process, in bytes. */
export interface MemoryReading {
  rss: number;
  /** V8 heap spaces, committed bytes by space (prom-client's names: `old`, `new`, `code`…). */
  v8Committed: Record<string, number>;
  /** V8 heap spaces, bytes in use by space name. */
  v8Used: Record<string, number>;
}

/** What each connection added, in KB (1,024 bytes). */
export interface MemorySplit {
  rssKb: number;
  /** Old space, committed; `oldUsedKb` is what of it holds objects (live or not yet collected). */
  oldKb: number;
  oldUsedKb: number;
  /** The young generation (new space and new large objects), committed. */
  youngKb: number;
  /** Code, large-object, trusted and other V8 spaces, committed. */
  otherV8Kb: number;
  /** The resident set's growth beyond V8's spaces: native memory. */
  nativeKb: number;
}

/** V8's young generation (prom-client drops the `_space` suffix of V8's space names). */
const YOUNG = new Set(['new', 'new_large_object']);
const OLD = 'old';

function spaces(text: string, metric: string): Record<string, number> {
  const out: Record<string, number> = {};
  const line = new RegExp(`^${metric}\\{space="([a-z_]+)"\\} (\\S+)$`, 'gm');
  for (const match of text.matchAll(line)) out[match[1]!] = Number(match[2]);
  return out;
}

/** Reads process `pid`, whose Prometheus metrics are at `metricsUrl`. */
export async function readMemory(pid: number, metricsUrl: string): Promise<MemoryReading> {
  const response = await fetch(metricsUrl);
  if (!response.ok) throw new Error(`${metricsUrl}: HTTP ${response.status}`);
  const text = await response.text();
  return {
    rss: rssBytes(pid),
    v8Committed: spaces(text, 'tickline_nodejs_heap_space_size_total_bytes'),
    v8Used: spaces(text, 'tickline_nodejs_heap_space_size_used_bytes'),
  };
}

const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);

/** The growth from `before` to `after` (one reading per process, summed), per connection. */
export function splitPerConnection(
  before: readonly MemoryReading[],
  after: readonly MemoryReading[],
  connections: number,
): MemorySplit {
  const delta = (pick: (r: MemoryReading) => number) =>
    sum(after.map(pick)) - sum(before.map(pick));
  const space = (r: MemoryReading, test: (name: string) => boolean, of: 'v8Committed' | 'v8Used') =>
    sum(Object.entries(r[of]).filter(([name]) => test(name)).map(([, bytes]) => bytes));
  const old = delta((r) => space(r, (n) => n === OLD, 'v8Committed'));
  const young = delta((r) => space(r, (n) => YOUNG.has(n), 'v8Committed'));
  const allV8 = delta((r) => space(r, () => true, 'v8Committed'));
  const rss = delta((r) => r.rss);
  const kb = (bytes: number) => bytes / connections / 1024;
  return {
    rssKb: kb(rss),
    oldKb: kb(old),
    oldUsedKb: kb(delta((r) => space(r, (n) => n === OLD, 'v8Used'))),
    youngKb: kb(young),
    otherV8Kb: kb(allV8 - old - young),
    nativeKb: kb(rss - allV8),
  };
}
