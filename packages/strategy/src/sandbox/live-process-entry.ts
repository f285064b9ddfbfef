/**
 * @module The main module of a live sandbox process (started by LiveProcesses, live-processes.ts):
 * the tenants' isolates and their live runs (live-tenants.ts), served one message at a time. The
 * engine's isolate bundle is built and one empty strategy opened and closed before the process
 * says it is ready, so no user input meets a cold process.
 */
import { TicklineError } from '@tickline/kernel';
import { serveResidentProcess } from '@tickline/sandbox';
// The strategy's codes are declared here too: only declared codes pass as answers (serve.ts).
import '../core/errors.ts';
import { resolveBacktestSettings } from '../settings/backtest-settings.ts';
import type { RestoredBooks } from './isolate-live.ts';
import { applyNotes, type LiveNote } from './live-notes.ts';
import { LiveTenants } from './live-tenants.ts';
import type { OpenRunPayload, StepPayload } from './live-wire.ts';

const tenants = new LiveTenants();

await serveResidentProcess(
  {
    open: (payload: OpenRunPayload) => tenants.open(payload),
    warm: (payload: { runId: string; rows: Float64Array }, context) =>
      tenants.warm(payload.runId, payload.rows, () => context.alive()),
    // Parts of the answer go ahead of it: the server acts on the first runs decided meanwhile.
    step: (payload: StepPayload, context) =>
      tenants.step(
        payload,
        () => context.alive(),
        (part) => context.progress(part),
      ),
    restore: (payload: { runId: string; books: RestoredBooks }) =>
      tenants.restore(payload.runId, payload.books),
    notes: (payload: LiveNote[]) => applyNotes(tenants, payload),
    stats: () => ({ runs: tenants.runCount, tenants: tenants.tenantCount }),
  },
  async () => {
    try {
      await warmUp();
    } catch (error) {
      // As process-entry.ts: a realm set-up that throws here throws for every tenant, and the
      // process serves all the same, refusing each open at once with the code.
      if (!(error instanceof TicklineError && error.code === 'STRATEGY_SANDBOX_SETUP_FAILED')) throw error;
      process.stderr.write(`live sandbox warm-up: ${error.message}\n`);
    }
  },
);

/** Opens one empty strategy, steps it once and closes it. */
async function warmUp(): Promise<void> {
  await tenants.open({
    runId: 'warm-up',
    tenant: 'warm-up',
    tenantMemoryMb: 32,
    code: 'export default defineStrategy({ onCandle() {} });',
    feeds: [{ symbol: 'BTC-USDT', interval: '1m' }],
    settings: resolveBacktestSettings({}),
    params: {},
    capacity: 8,
    limits: { cpuMsPerCandle: 1_000, setupCpuMs: 10_000, warmupCpuMs: 10_000 },
  });
  tenants.warm('warm-up', new Float64Array([0, 0, 60_000, 1, 1, 1, 1, 1]), () => {});
  tenants.close('warm-up');
}
