/**
 * The operations API's live strategies through the gateway plumbing: admin only (401 and 403
 * before anything else), every strategy process's runs gathered over the in-process request/reply
 * port, an audited pause that reaches the process holding the run, 404 for a run nobody holds, and
 * 503 `EVLOG_RPC_NO_RESPONDER` naming the strategy role when no strategy process answers.
 */
import { createInMemoryEventLog, createInProcessRequestReply } from '@tickline/eventlog';
import { createInMemoryIdentityRepository, requestAuth } from '@tickline/identity';
import { createPlatformOperations, platformRoutes, remoteLiveStrategies } from '@tickline/platform';
import { AdminLivePausedSchema, AdminLiveStrategiesSchema } from '@tickline/protocol';
import { createPgliteSql, migrate, type Sql } from '@tickline/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerApiScope } from '../api/api-scope.ts';
import { GOOD_PASSWORD, createTestApi, type TestApi } from '../http/plugins/testing/test-api.ts';
import { accessTokenFor, callJson } from '../testing/api-clients.ts';
import { loadAllMigrations } from '../wiring/migrations.ts';
import { startStrategyProcess, type StrategyProcessUnderTest } from './testing/live-processes.ts';

const rpc = createInProcessRequestReply();
let sql: Sql;
let api: TestApi;
let base: string;
let admin: string;
let user: string;
let a: StrategyProcessUnderTest;
let b: StrategyProcessUnderTest;
let buyer: string;

const signIn = (email: string): Promise<string> => accessTokenFor(base, email, GOOD_PASSWORD);

beforeAll(async () => {
  sql = await createPgliteSql({ memory: true });
  await migrate(sql, { migrations: await loadAllMigrations() });
  api = await createTestApi({ repository: createInMemoryIdentityRepository() });
  const operations = createPlatformOperations({
    sql,
    consumerGroup: 'platform',
    log: createInMemoryEventLog({ name: 'main' }),
    liveStrategies: remoteLiveStrategies(rpc),
  });
  await registerApiScope(api.app, {
    plugins: [platformRoutes({ identity: api.identity, operations })],
    limiter: undefined,
    authorize: requestAuth(api.identity).authorize,
  });
  base = await api.listen();
  await api.identity.createAccount({ email: 'ops@example.com', password: GOOD_PASSWORD }, 'admin');
  await api.identity.signUp({ email: 'someone@example.com', password: GOOD_PASSWORD });
  admin = await signIn('ops@example.com');
  user = await signIn('someone@example.com');
  a = await startStrategyProcess('runner-a', rpc);
  b = await startStrategyProcess('runner-b', rpc);
  buyer = await a.enable('buyer');
  await b.enable('fragile');
  await a.candles(2);
  await b.candles(2);
}, 60_000); // PGlite start and migrations take seconds on a busy machine
afterAll(async () => {
  await a?.responder.stop();
  await b?.responder.stop();
  await rpc.close();
  await api?.close();
  await sql?.close();
});

const asAdmin = (method: string, path: string, body?: unknown) =>
  callJson(base, method, `/api/v1${path}`, { bearer: admin, ...(body === undefined ? {} : { body }) });

describe('operations api - live strategies', () => {
  it('live admin api - a non-admin gets 403 AUTH_FORBIDDEN and an anonymous caller 401', async () => {
    for (const [method, path] of [
      ['GET', '/admin/live-strategies'],
      ['POST', `/admin/live-strategies/${encodeURIComponent(buyer)}/pause`],
    ] as const) {
      const forbidden = await callJson(base, method, `/api/v1${path}`, { bearer: user });
      expect([path, forbidden.status, forbidden.body.error.code]).toEqual([path, 403, 'AUTH_FORBIDDEN']);
      const anonymous = await callJson(base, method, `/api/v1${path}`);
      expect([path, anonymous.status]).toEqual([path, 401]);
    }
    expect(a.live.runner.status(buyer)?.state).toBe('running');
  });

  it('live admin api - lists the runs of every strategy process with CPU time and errors', async () => {
    const response = await asAdmin('GET', '/admin/live-strategies');
    expect(response.status).toBe(200);
    const body = AdminLiveStrategiesSchema.parse(response.body);
    expect(
      body.processes.map((p) => [p.member, p.runs.map((r) => [r.strategyId, r.state, r.errors])]),
    ).toEqual([
      ['runner-a', [['buyer', 'running', 0]]],
      ['runner-b', [['fragile', 'paused', 1]]],
    ]);
    expect(body.processes[0]!.runs[0]!.cpuMs).toBeGreaterThan(0);
    expect(body.processes[1]!.runs[0]!.lastError?.reason).toBe('fragile broke on its second candle');
  });

  it('live admin api - a pause reaches the process holding the run and is audited; unknown is 404', async () => {
    const response = await asAdmin('POST', `/admin/live-strategies/${encodeURIComponent(buyer)}/pause`, {
      reason: 'runaway orders',
    });
    expect(response.status).toBe(200);
    expect(AdminLivePausedSchema.parse(response.body)).toMatchObject({
      member: 'runner-a',
      run: { id: buyer, state: 'paused', pause: { code: 'admin', reason: 'runaway orders' } },
    });
    expect(a.live.runner.status(buyer)?.pause?.code).toBe('admin');

    const unknown = await asAdmin('POST', '/admin/live-strategies/p-x%3Anothing/pause');
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'PLATFORM_NOT_FOUND']);

    const audit = await asAdmin('GET', '/admin/audit?action=live_strategy.pause');
    expect(audit.body.entries.map((e: { target: string; outcome: string }) => [e.target, e.outcome])).toEqual(
      expect.arrayContaining([
        [buyer, 'ok'],
        ['p-x:nothing', 'failed'],
      ]),
    );
  });

  it('live admin api - no strategy process answering is 503 EVLOG_RPC_NO_RESPONDER naming the role', async () => {
    await a.responder.stop();
    await b.responder.stop();
    const response = await asAdmin('GET', '/admin/live-strategies');
    expect(response.status).toBe(503);
    expect(response.body.error).toMatchObject({
      code: 'EVLOG_RPC_NO_RESPONDER',
      details: { role: 'strategy' },
    });
    expect(response.body.error.message).toMatch(/no strategy process answered/);
  });
});
