/**
 * @module The JetStream streams whose names start with a prefix: the partitions of a partitioned
 * log that exist on the server, including those of a larger partition count used before (a reader
 * finishes them after the count shrank).
 */
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsEventLogOptions } from './options.ts';
import { resolveNatsOptions } from './options.ts';
import { openNatsConnection } from './connection.ts';

/** Names of the streams starting with `prefix`, sorted. */
export async function listNatsStreams(
  options: Pick<NatsEventLogOptions, 'servers' | 'user' | 'pass' | 'token' | 'connectTimeoutMs'>,
  prefix: string,
): Promise<string[]> {
  const resolved = resolveNatsOptions({ ...options, stream: 'LIST' });
  const { nc } = await openNatsConnection(resolved);
  try {
    const jsm = await jetstreamManager(nc, { timeout: resolved.apiTimeoutMs });
    const names: string[] = [];
    for await (const name of jsm.streams.names()) if (name.startsWith(prefix)) names.push(name);
    return names.sort();
  } finally {
    await nc.close();
  }
}
