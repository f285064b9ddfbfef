/**
 * The parity route over a live paper run: the owner reads "identical, N decisions" for the run's
 * version replayed in a sandbox from its stored code, and the first divergence for another version;
 * someone else's run is a 404, a run that decided nothing a coded 409.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  evaluateTrustedStrategy,
  runInSandbox,
  SMA_CROSS_SOURCE,
  stripTypes,
} from '@tickline/strategy/internal';
import { liveRoutes } from '../live-http/live-routes.ts';
import { P, settings } from '../live/live-world.test-support.ts';
import { createParityService } from './parity-service.ts';
import { ENABLED_AT, feed, history, livePaperRun, storedRun } from './parity.test-support.ts';
import { answerCodedErrors } from '../testing/coded-error-handler.ts';

const V1 = stripTypes(SMA_CROSS_SOURCE);
/** Version 2 crosses on a slower average by default. */
const V2 = V1.replace("slow: { type: 'int', default: 50", "slow: { type: 'int', default: 60");

describe('GET /live-strategies/:id/parity', () => {
  let app: FastifyInstance;
  /** Unknown for a run stored before its enable time was kept. */
  let enabledAt: number | undefined = ENABLED_AT;
  /** What the run's engine started from, kept with it (absent for runs stored before 0061). */
  let startingCapital: number | undefined;
  /** The equity history's point at the enable time (a bucket's last value: it can be later). */
  let equityInHistory: number | undefined;

  beforeAll(async () => {
    expect(V2).not.toBe(V1);
    const { w } = await livePaperRun(evaluateTrustedStrategy(V1));
    const s = settings();
    const stored = () =>
      storedRun({
        ...(enabledAt === undefined ? {} : { enabledAt }),
        ...(startingCapital === undefined ? {} : { startingCapital }),
      });
    app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    answerCodedErrors(app);
    await app.register(liveRoutes, {
      prefix: '/api/v1',
      runner: w.runner,
      desk: w.desk,
      journal: w.journal,
      books: w.books,
      risk: w.options.risk,
      authenticate: async (request) => ({ userId: String(request.headers['x-test-user']), admin: false }),
      ownerOf: async (id) => (id === P ? 'u1' : undefined),
      portfoliosOf: async () => [P],
      versionExists: async () => true,
      maxLive: async () => 1,
      settings: () => s,
      symbols: new Set([feed.symbol]),
      parity: createParityService({
        stored: async (id) => (id === 'run-1' ? stored() : undefined),
        journal: w.journal,
        history,
        code: async (_u, _s, version) => (version === 1 ? V1 : V2),
        settings: () => s,
        equityAt: async () => equityInHistory ?? s.startingCapital,
        run: runInSandbox,
        limits: () => ({ memoryMb: 64, cpuMs: 20_000 }),
        // The cases change what the stored run started from between asks of the same window.
        keptReports: 0,
      }),
    });
  }, 60_000);
  afterAll(() => app?.close());

  const parity = (user: string, query = '') =>
    app.inject({ url: `/api/v1/live-strategies/run-1/parity${query}`, headers: { 'x-test-user': user } });

  it('the run replayed with its version: identical, N decisions', async () => {
    const res = await parity('u1');
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json().parity;
    expect(report.liveDecisions).toBeGreaterThan(2);
    expect(report).toMatchObject({
      identical: true,
      version: 1,
      summary: `identical, ${report.liveDecisions} decisions`,
    });
  });

  it('another version: the first divergence, with the rows up to it identical', async () => {
    const report = (await parity('u1', '?version=2')).json().parity;
    expect(report.identical).toBe(false);
    expect(report.version).toBe(2);
    expect(report.rows[report.firstDivergence].differs.length).toBeGreaterThan(0);
    expect(report.summary).toMatch(/^diverges at decision \d+/);
  });

  it('percent orders are sized from the capital the run started from, not a later equity point', async () => {
    // The equity history's bucket at the enable time already holds the run's first trades' fees.
    equityInHistory = settings().startingCapital * 0.997;
    try {
      const guessed = (await parity('u1')).json().parity;
      expect(guessed.summary).toMatch(/^diverges at decision 1 .*quantity/);
      startingCapital = settings().startingCapital;
      const kept = (await parity('u1')).json().parity;
      expect(kept.summary).toBe(`identical, ${kept.liveDecisions} decisions`);
    } finally {
      equityInHistory = undefined;
      startingCapital = undefined;
    }
  });

  it("someone else's run is not found, a bad version a 400, a run with no known window a 409", async () => {
    expect((await parity('u2')).json().error.code).toBe('STRATEGY_LIVE_NOT_FOUND');
    expect((await parity('u1', '?version=0')).statusCode).toBe(400);
    enabledAt = undefined;
    const res = await parity('u1');
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('STRATEGY_PARITY_UNAVAILABLE');
  });
});
