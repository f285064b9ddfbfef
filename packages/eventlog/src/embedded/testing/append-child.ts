/**
 * @module The process the kill -9 test kills: appends batches forever from a few concurrent
 * appenders and prints each batch once `append` has resolved (so printed = acknowledged).
 * Usage: `node append-child.ts <dir> <prefix> [appenders] [batch]`.
 * Lines: `READY <last offset>` after opening, then `ACK <appender> <first seq> <count> <first offset>`.
 */
import { createEmbeddedEventLog } from '../embedded-event-log.ts';
import { records } from './temp-log.ts';

const [dir, prefix, appenders = '2', batch = '100'] = process.argv.slice(2);
if (!dir || !prefix) throw new Error('usage: append-child.ts <dir> <prefix> [appenders] [batch]');
const batchSize = Number(batch);

const log = await createEmbeddedEventLog({ dir, fsync: 'always', segmentBytes: 256 * 1024 });
process.stdout.write(`READY ${(await log.head()).last} ${JSON.stringify(log.recovery)}\n`);

async function appender(n: number): Promise<never> {
  for (let seq = 0; ; seq += batchSize) {
    const results = await log.append(records(`${prefix}-${n}`, batchSize, 32, seq));
    const first = results[0]!;
    if (!first.ok || results.some((r) => !r.ok)) throw new Error('append failed');
    // Written only after append resolved: every ACK line is a durable, acknowledged batch.
    process.stdout.write(`ACK ${n} ${seq} ${batchSize} ${first.offset}\n`);
  }
}

await Promise.all(Array.from({ length: Number(appenders) }, (_, n) => appender(n)));
