/**
 * @module A log for the worker publisher's tests, opened inside the worker through
 * `{ engine: 'module' }`: the embedded log in `dir`, whose appends fail with EVLOG_UNAVAILABLE
 * while the test says it is down (a BroadcastChannel named after the directory carries the switch),
 * and whose thread exits when the test says `crash`.
 */
import { BroadcastChannel } from 'node:worker_threads';
import { createEmbeddedEventLog } from '../../embedded/embedded-event-log.ts';
import { EventLogError } from '../../port/errors.ts';
import type { EventLog } from '../../port/event-log.ts';

/** Options the test passes through the log spec. */
export interface SwitchableLogOptions {
  dir: string;
}

/** The channel that switches the log in `dir`: post `{ connected: boolean }`. */
export function outageChannel(dir: string): BroadcastChannel {
  return new BroadcastChannel(`tickline-test-outage:${dir}`);
}

export async function openLog(options: SwitchableLogOptions): Promise<EventLog> {
  const log = await createEmbeddedEventLog({ dir: options.dir, fsync: 'never' });
  let connected = true;
  const channel = outageChannel(options.dir);
  channel.unref();
  channel.onmessage = (message) => {
    const data = (message as { data: { connected?: boolean; crash?: boolean } }).data;
    // A crash of the worker thread, as an uncaught fatal error would end it.
    if (data.crash) process.exit(3);
    connected = data.connected ?? connected;
  };
  const append = log.append.bind(log);
  const close = log.close.bind(log);
  return Object.assign(log, {
    append: (records: Parameters<EventLog['append']>[0]) =>
      connected
        ? append(records)
        : Promise.reject(new EventLogError('EVLOG_UNAVAILABLE', 'test log is down')),
    close: async () => {
      channel.close();
      await close();
    },
  });
}
