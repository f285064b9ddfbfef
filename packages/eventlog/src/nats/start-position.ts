/**
 * @module Durable consumer settings for a start position. `{ from: 'time' }` uses the record's
 * own time (the `Tickline-Time` header), not the server's arrival time, so it is resolved to a
 * sequence here by binary search and created as `DeliverPolicy.StartSequence`.
 */
import { AckPolicy, DeliverPolicy, type ConsumerConfig, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { LogHead, StartPosition } from '../port/event-log.ts';
import { RecordHeaders } from './record-codec.ts';

/** Unacknowledged deliveries allowed per consumer (fetched, not yet acknowledged). */
const MAX_ACK_PENDING = 20_000;

/** The consumer settings for `durable` starting at `start`. */
export async function durableConsumerConfig(
  jsm: JetStreamManager,
  stream: string,
  durable: string,
  start: StartPosition,
  tuning: { ackWaitMs: number; head: () => Promise<LogHead>; expireAfterMs?: number | undefined },
): Promise<Partial<ConsumerConfig>> {
  const base: Partial<ConsumerConfig> = {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(tuning.ackWaitMs),
    max_ack_pending: MAX_ACK_PENDING,
    // Durables with an inactivity threshold: nats-server 2.9 and later.
    ...(tuning.expireAfterMs === undefined ? {} : { inactive_threshold: nanos(tuning.expireAfterMs) }),
  };
  switch (start.from) {
    case 'earliest':
      return { ...base, deliver_policy: DeliverPolicy.All };
    case 'latest':
      return { ...base, deliver_policy: DeliverPolicy.New };
    case 'offset':
      return start.offset <= 1
        ? { ...base, deliver_policy: DeliverPolicy.All }
        : { ...base, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: start.offset };
    case 'time': {
      const seq = await firstSeqAtOrAfter(jsm, stream, start.time, await tuning.head());
      return { ...base, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: seq };
    }
  }
}

/**
 * The first sequence whose record time is at or after `time` (last + 1 when none is). Record
 * times are append times, so they grow with the sequence; a record whose clock ran backwards may
 * shift the answer by a few records, never skip a range.
 */
export async function firstSeqAtOrAfter(
  jsm: JetStreamManager,
  stream: string,
  time: number,
  head: LogHead,
): Promise<number> {
  if (head.last === 0) return 1;
  let lo = head.first;
  let hi = head.last + 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const msg = await jsm.direct.getMessage(stream, { seq: mid });
    // A deleted sequence has no time: treat it as earlier so the search moves past it.
    const recordTime = msg ? RecordHeaders.readTime(msg.header, msg.time.getTime()) : -Infinity;
    if (recordTime >= time) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
