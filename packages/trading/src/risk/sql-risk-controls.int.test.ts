import { createPgliteSql, type Sql } from '@tickline/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateForTrading } from '../testing/trading-migrations.ts';
import { riskControlsContract } from './risk-controls-contract.ts';
import { SqlRiskControls } from './sql-risk-controls.ts';

let sql: Sql;
beforeAll(async () => {
  sql = await createPgliteSql({ memory: true });
  await migrateForTrading(sql);
});
afterAll(() => sql.close());

// Each test uses its own portfolio ids, so one database serves them all.
riskControlsContract('SQL (PGlite)', async () => new SqlRiskControls(sql));

describe('SQL risk controls - shared state', () => {
  it('a switch engaged through one process is read by another', async () => {
    // Given two processes' stores over one database
    const a = new SqlRiskControls(sql);
    const b = new SqlRiskControls(sql);
    // When a engages, Then b reads it engaged; When b releases, Then a reads it off
    await a.engage('shared', { actor: 'user', by: 'u9', at: 1, reason: 'stop' });
    expect((await b.read('shared')).killSwitch.user?.by).toBe('u9');
    await b.release('shared', { actor: 'user', by: 'u9', at: 2, reason: 'go' });
    expect((await a.read('shared')).killSwitch).toEqual({});
  });
});
