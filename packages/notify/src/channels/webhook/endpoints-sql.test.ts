import { ManualClock } from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import { describe, expect, it } from 'vitest';
import { createEndpointStore } from './endpoints-sql.ts';
import { createSecretBox } from './secret-box.ts';

const box = createSecretBox('endpoint-store-test-secret-0123456789');

/** A `Sql` that answers endpoint reads by hand, so a test decides when each one returns. */
function fakeSql() {
  const pending: Array<{ text: string; resolve: (url: string) => void }> = [];
  const sql = {
    query: (text: string) =>
      new Promise((resolve) => {
        pending.push({
          text,
          resolve: (url) =>
            resolve({
              rowCount: 1,
              rows: [
                {
                  id: 'ep-1',
                  user_id: 'u-1',
                  url,
                  format: 'standard',
                  kinds: [],
                  secrets: [{ box: box.seal('whsec_c2VjcmV0'), expiresAt: null }],
                  disabled_at: null,
                  disabled_reason: null,
                  failing_since: null,
                  created_at: new Date(0),
                },
              ],
            }),
        });
      }),
  } as unknown as Sql;
  return { sql, pending };
}

describe('endpoint store, the sender cache', () => {
  it('reads an expired endpoint once however many sends wait on it', async () => {
    const { sql, pending } = fakeSql();
    const store = createEndpointStore({ sql, box, clock: new ManualClock(0), cacheMs: 1_000 });
    const sends = Array.from({ length: 200 }, () => store.forSending('ep-1'));
    expect(pending).toHaveLength(1);
    pending[0]!.resolve('http://a.test/hook');
    const got = await Promise.all(sends);
    expect(new Set(got.map((e) => e?.url))).toEqual(new Set(['http://a.test/hook']));
    expect(got[0]!.secrets).toEqual(['whsec_c2VjcmV0']);
    await store.forSending('ep-1');
    expect(pending).toHaveLength(1);
  });

  it('does not cache a read that a write overtook', async () => {
    const { sql, pending } = fakeSql();
    const store = createEndpointStore({ sql, box, clock: new ManualClock(0), cacheMs: 1_000 });
    const before = store.forSending('ep-1');
    const disabling = store.disable('ep-1', 'gone'); // the write's query is pending[1]
    pending[1]!.resolve('unused');
    await disabling;
    pending[0]!.resolve('http://old.test/hook');
    expect((await before)?.url).toBe('http://old.test/hook');
    const after = store.forSending('ep-1');
    expect(pending).toHaveLength(3);
    pending[2]!.resolve('http://new.test/hook');
    expect((await after)?.url).toBe('http://new.test/hook');
  });
});
