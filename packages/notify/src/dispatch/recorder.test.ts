import { systemClock } from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import { describe, expect, it } from 'vitest';
import { createRecorder, type DeliveryWork, type RecordEntry } from './recorder.ts';

/** A store that counts statements and the deliveries each carried; `failing` refuses them. */
function countingSql() {
  const statements: number[] = [];
  const state = { failing: false, statements };
  const sql = {
    async query(_text: string, params?: readonly unknown[]) {
      if (state.failing) throw new Error('database away');
      statements.push((JSON.parse(String(params![1])) as unknown[]).length);
      return { rows: [], rowCount: 0 };
    },
  } as unknown as Sql;
  return { sql, state };
}

const work = (i: number): DeliveryWork => ({
  id: `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`,
  channel: 'webhook',
  target: 'endpoint-1',
  attempts: 1,
  stored: false,
  notification: {
    id: `00000000-0000-7000-9000-${String(i).padStart(12, '0')}`,
    userId: '00000000-0000-7000-8000-000000000001',
    kind: 'backtest.completed',
    severity: 'info',
    title: 't',
    body: 'b',
    data: {},
    createdAt: new Date().toISOString(),
    locale: 'en',
  },
});
const delivered = (i: number): RecordEntry => ({ work: work(i), status: 'delivered', error: null });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('recorder', () => {
  it('recorder - outcomes that end apart within the linger share one statement', async () => {
    const { sql, state } = countingSql();
    const committed: number[] = [];
    const recorder = createRecorder({
      sql,
      clock: systemClock,
      lingerMs: 2_000,
      onCommitted: (entries) => committed.push(entries.length),
    });
    for (let i = 0; i < 10; i++) {
      recorder.record(delivered(i));
      await sleep(5);
    }
    await recorder.drained();
    expect(state.statements).toEqual([10]);
    expect(committed).toEqual([10]);
  });

  it('recorder - a large group is written at once, without waiting out the linger', async () => {
    const { sql, state } = countingSql();
    const recorder = createRecorder({
      sql,
      clock: systemClock,
      lingerMs: 60_000,
      eagerFlush: 100,
      onCommitted: () => {},
    });
    for (let i = 0; i < 100; i++) recorder.record(delivered(i));
    const started = performance.now();
    await recorder.drained();
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(state.statements).toEqual([100]);
  });

  it('recorder - a failed write keeps its outcomes and backs off, however many more arrive', async () => {
    const { sql, state } = countingSql();
    let attempts = 0;
    const failing = {
      query: async (text: string, params?: readonly unknown[]) => {
        attempts++;
        return sql.query(text, params as never);
      },
    } as unknown as Sql;
    const recorder = createRecorder({
      sql: failing,
      clock: systemClock,
      lingerMs: 1,
      eagerFlush: 10,
      onCommitted: () => {},
    });
    state.failing = true;
    for (let i = 0; i < 5; i++) recorder.record(delivered(i));
    await sleep(50);
    // Past the eager size while the first write's backoff runs: no write is tried early.
    for (let i = 5; i < 200; i++) recorder.record(delivered(i));
    await sleep(50);
    expect(attempts).toBeLessThanOrEqual(2);
    state.failing = false;
    await recorder.drained();
    expect(state.statements.reduce((a, b) => a + b, 0)).toBe(200);
  });
});
