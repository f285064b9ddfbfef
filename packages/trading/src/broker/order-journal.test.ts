import { createPgliteSql, type Sql } from '@tickline/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOrderJournalContract } from './contract/order-journal-contract.ts';
import { createSecretBox, generateSecretKey } from '@tickline/kernel';
import { openVenueCredentials, sealVenueCredentials } from './credentials.ts';
import { InMemoryOrderJournal } from './order-journal.ts';
import { findSealedCredentials, saveSealedCredentials } from './sql/sql-credentials.ts';
import { migrateForTrading } from '../testing/trading-migrations.ts';
import { SqlOrderJournal } from './sql/sql-order-journal.ts';

let sql: Sql;
beforeAll(async () => {
  sql = await createPgliteSql({ memory: true });
  await migrateForTrading(sql);
}, 60_000);
afterAll(() => sql?.close());

runOrderJournalContract('in memory', async () => new InMemoryOrderJournal());
runOrderJournalContract('sql (pglite)', async () => new SqlOrderJournal(sql, 'binance-spot'));

describe('broker credentials in sql (pglite)', () => {
  it('stores sealed values only, and they open again', async () => {
    const box = createSecretBox({ activeKeyId: 'k1', keys: { k1: generateSecretKey() } });
    const plain = { apiKey: 'key-abcd', apiSecret: 'secret-xyz' };
    await saveSealedCredentials(
      sql,
      'p1',
      sealVenueCredentials(box, 'binance-spot', 'p1', plain),
      new Date(),
    );
    const { rows } = await sql.query<{ api_secret: string }>('select api_secret from broker_credentials');
    expect(rows[0]!.api_secret).not.toContain('secret-xyz');
    const found = await findSealedCredentials(sql, 'p1', 'binance-spot');
    expect(found?.apiKeyHint).toBe('abcd');
    expect(openVenueCredentials(box, 'p1', found!)).toEqual(plain);
    expect(await findSealedCredentials(sql, 'p2', 'binance-spot')).toBeUndefined();
    await expect(
      sql.query(
        `insert into broker_credentials (portfolio_id, venue, api_key_hint, api_key, api_secret, updated_at)
         values ('p3', 'binance-spot', 'x', 'plain-key', 'plain-secret', now())`,
      ),
    ).rejects.toMatchObject({ code: expect.stringMatching(/^STORE_/) });
  });
});
