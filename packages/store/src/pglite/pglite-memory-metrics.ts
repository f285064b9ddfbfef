/**
 * @module `tickline_pglite_memory_bytes{area}`: what the embedded database holds outside the main
 * thread's heap — the worker's V8 heap (used and total) and PGlite's WebAssembly memory, which
 * grows to its peak and never shrinks. On the embedded default these are a third of the process's
 * resident memory, and no Node metric shows them.
 */
import { Gauge, getOrCreateMetric, type Registry } from '@tickline/kernel';
import type { WorkerClient } from './worker-client.ts';

/** Open workers per registry: a gauge is registered once and reads every open worker. */
const openWorkers = new WeakMap<Registry, Set<WorkerClient>>();

/** Reports `client`'s memory on `registry` until the returned function is called. */
export function reportPgliteMemory(registry: Registry, client: WorkerClient): () => void {
  let clients = openWorkers.get(registry);
  if (!clients) {
    clients = new Set();
    openWorkers.set(registry, clients);
    registerGauge(registry, clients);
  }
  clients.add(client);
  return () => void clients.delete(client);
}

function registerGauge(registry: Registry, clients: ReadonlySet<WorkerClient>): void {
  getOrCreateMetric(
    registry,
    'tickline_pglite_memory_bytes',
    () =>
      new Gauge({
        name: 'tickline_pglite_memory_bytes',
        help: 'Memory of the embedded database: its worker thread V8 heap (used, total) and PGlite WebAssembly memory (wasm).',
        labelNames: ['area'],
        registers: [registry],
        async collect() {
          const totals = { worker_heap_used: 0, worker_heap_total: 0, wasm: 0 };
          for (const c of clients) {
            // A worker that is closing or dead reports nothing rather than failing the scrape.
            const m = await c.memory().catch(() => undefined);
            if (!m) continue;
            totals.worker_heap_used += m.heapUsedBytes;
            totals.worker_heap_total += m.heapTotalBytes;
            totals.wasm += m.wasmBytes;
          }
          for (const [area, bytes] of Object.entries(totals)) this.set({ area }, bytes);
        },
      }),
  );
}
