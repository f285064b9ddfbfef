/**
 * @module The KeyInterest contract: one suite for every log that can be read by key (in-memory,
 * NATS). An adapter's test file calls {@link runKeyInterestContract} with a factory.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LogRecord } from '../port/event-log.ts';
import type { InterestLog } from '../port/key-interest.ts';
import { sampleRecord } from './event-log-contract.ts';

/** What a factory returns for one test. */
export interface KeyInterestSubject {
  log: InterestLog;
  cleanup?: () => Promise<void>;
}

const until = async (check: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  expect(check(), what).toBe(true);
};

/** Records the overlap test appends at most: under any adapter's per-key retention. */
const MAX_APPENDS = 900;

/** Registers the suite; keys are segmented (`c:market:X:trades`), as the delivery log's are. */
export function runKeyInterestContract(adapter: string, create: () => Promise<KeyInterestSubject>): void {
  describe(`key interest contract - ${adapter}`, () => {
    let subject: KeyInterestSubject | undefined;
    const open = async (): Promise<InterestLog> => (subject = await create()).log;
    afterEach(async () => {
      await subject?.log.close();
      await subject?.cleanup?.();
      subject = undefined;
    });

    it('watch - a watch gets the records of its key appended after it started, and no other key', async () => {
      const log = await open();
      const seen: LogRecord[] = [];
      const before = sampleRecord('c:market:BTC:trades');
      await log.append([before]);
      const watch = await log.watchKey('c:market:BTC:trades', (r) => seen.push(r));
      const wanted = [sampleRecord('c:market:BTC:trades'), sampleRecord('c:market:BTC:trades')];
      await log.append([wanted[0]!, sampleRecord('c:market:ETH:trades'), wanted[1]!]);
      await until(() => seen.length >= 2, 'both records of the watched key');
      watch.close();
      await log.append([sampleRecord('c:market:BTC:trades')]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(seen.map((r) => [r.id, r.key, r.offset])).toEqual(
        wanted.map((w) => [w.id, 'c:market:BTC:trades', 0]),
      );
      expect([...seen[0]!.payload]).toEqual([...wanted[0]!.payload]);
    });

    it('history - the newest records of a key since a time, oldest first, and whether some were left out', async () => {
      const log = await open();
      const since = Date.now() - 1_000;
      const records = Array.from({ length: 5 }, () => sampleRecord('h:user:abc'));
      await log.append([records[0]!, sampleRecord('h:user:other'), ...records.slice(1)]);
      const all = await log.keyHistory('h:user:abc', { sinceMs: since, limit: 10 });
      expect(all.records.map((r) => r.id)).toEqual(records.map((r) => r.id));
      expect(all.truncated).toBe(false);
      expect(all.records.every((r, i) => i === 0 || r.offset > all.records[i - 1]!.offset)).toBe(true);
      const newest = await log.keyHistory('h:user:abc', { sinceMs: since, limit: 2 });
      expect(newest.records.map((r) => r.id)).toEqual(records.slice(3).map((r) => r.id));
      expect(newest.truncated).toBe(true);
      expect(
        (await log.keyHistory('h:user:abc', { sinceMs: Date.now() + 60_000, limit: 10 })).records,
      ).toEqual([]);
      expect((await log.keyHistory('h:user:nobody', { sinceMs: since, limit: 10 })).records).toEqual([]);
    });

    it('history - a watch started first and the history read after cover every record once or twice, never none', async () => {
      const log = await open();
      const key = 'c:admin:game';
      const seen = new Set<string>();
      const appended: string[] = [];
      let appending = true;
      // A steady writer; it yields to timers, or an in-memory log's appends would starve them. It
      // stops below the adapters' per-key retention (1,000 on NATS here), so the log keeps every
      // record however slowly the history is read on a loaded machine.
      const writer = (async () => {
        while (appending && appended.length < MAX_APPENDS) {
          const record = sampleRecord(key);
          await log.append([record]);
          appended.push(record.id);
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      // Some records before the watch, and the writer still going while it starts.
      await until(() => appended.length >= 20, 'records before the watch');
      const watch = await log.watchKey(key, (r) => seen.add(r.id));
      const history = await log.keyHistory(key, { sinceMs: 0, limit: 100_000 });
      for (const r of history.records) seen.add(r.id);
      appending = false;
      await writer;
      await until(() => appended.every((id) => seen.has(id)), 'every appended record');
      watch.close();
      const stored = await log.keyHistory(key, { sinceMs: 0, limit: 100_000 });
      expect([...seen].sort()).toEqual([...appended].sort());
      expect(stored.records.map((r) => r.id).sort()).toEqual([...appended].sort());
    });

    it('last - the newest record of a key, or undefined', async () => {
      const log = await open();
      const newest = sampleRecord('c:market:BTC:ticker');
      await log.append([sampleRecord('c:market:BTC:ticker'), newest, sampleRecord('c:market:ETH:ticker')]);
      expect((await log.lastOfKey('c:market:BTC:ticker'))?.id).toBe(newest.id);
      expect(await log.lastOfKey('c:market:NONE:ticker')).toBeUndefined();
    });
  });
}
