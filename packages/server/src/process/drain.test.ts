import { silentLogger } from '@tickline/kernel';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { readiness } from '../http/health-routes.ts';
import { closeConnectionsWhileDraining, createDrain } from './drain.ts';

describe('process - drain before stop', () => {
  it('drain - /readyz turns unavailable for drainMs, then run() resolves', async () => {
    const drain = createDrain(150, silentLogger);
    const up = { http: { status: 'up' as const } };
    expect(readiness({ ...up, ...drain.health() }).status).toBe('ready');
    const started = performance.now();
    const done = drain.run();
    expect(drain.draining()).toBe(true);
    const report = readiness({ ...up, ...drain.health() });
    expect(report.status).toBe('unavailable');
    expect(report.services.drain?.detail).toMatch(/^draining: stopping in \d+ ms$/);
    await done;
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('drain - 0 does not drain: the process stops at once and stays ready until then', async () => {
    const drain = createDrain(0, silentLogger);
    await drain.run();
    expect(drain.draining()).toBe(false);
    expect(drain.health()).toEqual({});
  });

  it('drain - responses close their connection only while draining', async () => {
    let draining = false;
    const app = Fastify();
    closeConnectionsWhileDraining(app, () => draining);
    app.get('/x', async () => ({ ok: true }));
    expect((await app.inject('/x')).headers.connection).not.toBe('close');
    draining = true;
    const answer = await app.inject('/x');
    expect(answer.statusCode).toBe(200);
    expect(answer.headers.connection).toBe('close');
    await app.close();
  });
});
