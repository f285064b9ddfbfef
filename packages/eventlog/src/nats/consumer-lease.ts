/**
 * @module One active holder per durable consumer across processes. Two processes of a role open
 * the same durable; JetStream would split its records between them, and a projection that needs
 * order per key cannot live with that (seen in the chaos run: both holders read each other's
 * deliveries as losses and paused for two ack waits, again and again). nats-server 2.9 has no
 * pinned-client priority groups, so the lease is kept here, the way JetStream KV keeps a key:
 * one subject per durable in a small stream with one message per subject and `max_age` = the
 * lease's time to live. Acquiring and renewing are compare-and-set publishes
 * (`Nats-Expected-Last-Subject-Sequence`); a holder that dies stops renewing and its record
 * expires; a holder that stops releases it with an empty record, so its standby takes over at
 * once. The other process is a hot standby that polls.
 */
import { StorageType, type JetStreamManager } from '@nats-io/jetstream';
import { headers, nanos, type NatsConnection } from '@nats-io/transport-node';
import { parsePubAck } from './pub-ack.ts';

/** JetStream's "wrong last sequence" error: another holder wrote the lease first. */
const WRONG_LAST_SEQUENCE = 10071;
const STREAM_NAME_IN_USE = 10058;
const STREAM_NOT_FOUND = 10059;
const EXPECTED_LAST_SUBJECT_SEQ = 'Nats-Expected-Last-Subject-Sequence';

/** The lease stream of event log stream `stream`. */
export function leaseStreamName(stream: string): string {
  return `${stream}_LEASES`;
}

/** Creates the lease stream if it is missing; idempotent, safe when processes race. */
export async function ensureLeaseStream(
  jsm: JetStreamManager,
  stream: string,
  replicas: number,
  ttlMs: number,
): Promise<void> {
  const name = leaseStreamName(stream);
  const config = {
    name,
    subjects: [`$TL.LEASE.${stream}.*`],
    // On file, so a holder keeps its lease across a NATS restart (a memory stream comes back empty).
    storage: StorageType.File,
    num_replicas: replicas,
    max_msgs_per_subject: 1,
    max_age: nanos(ttlMs),
    // The duplicate window may not exceed max_age; leases never carry message ids anyway.
    duplicate_window: nanos(Math.min(ttlMs, 1_000)),
    allow_direct: true,
  };
  try {
    await jsm.streams.add(config);
  } catch (error) {
    if ((error as { code?: number }).code !== STREAM_NAME_IN_USE) throw error;
    // It exists: bring the time to live in line with ours (several processes agree on one value).
    const info = await jsm.streams.info(name);
    if (info.config.max_age !== config.max_age) await jsm.streams.update(name, { ...info.config, ...config });
  }
}

/** What a lease needs. */
export interface ConsumerLeaseOptions {
  nc: NatsConnection;
  jsm: JetStreamManager;
  /** Event log stream; the lease lives in its lease stream. */
  stream: string;
  /** Escaped durable name (a subject token). */
  durable: string;
  /** Who holds it, for people reading the lease stream: host and pid. */
  holder: string;
  ttlMs: number;
  apiTimeoutMs: number;
  /** Creates the lease stream again when it is missing. */
  ensureStream: () => Promise<void>;
  /** Injectable clock (ms). */
  now?: () => number;
}

/** A lease on one durable. Renews itself on a timer while held. */
export class ConsumerLease {
  readonly #options: ConsumerLeaseOptions;
  readonly #subject: string;
  readonly #now: () => number;
  /** Subject sequence of our latest lease record; 0 while not held. */
  #revision = 0;
  /** We hold it until this time unless a renewal succeeds (set from the time a write was sent). */
  #validUntil = 0;
  #timer: NodeJS.Timeout | undefined;
  #renewing: Promise<void> | undefined;

  constructor(options: ConsumerLeaseOptions) {
    this.#options = options;
    this.#subject = `$TL.LEASE.${options.stream}.${options.durable}`;
    this.#now = options.now ?? Date.now;
  }

  /** True while this process may hand out the durable's records. */
  get held(): boolean {
    return this.#revision > 0 && this.#now() < this.#validUntil;
  }

  /** Takes the lease when nobody holds it (never held, expired or released). */
  async tryAcquire(): Promise<boolean> {
    if (this.held) return true;
    const last = await this.#lastRecord();
    // An empty record is a release; any other is a live holder (an expired one is gone).
    if (last && last.data.length > 0) return false;
    const won = await this.#write(last?.seq ?? 0, this.#options.holder);
    if (won) this.#startRenewing();
    return won;
  }

  async #lastRecord(): Promise<{ seq: number; data: Uint8Array } | null> {
    const read = () =>
      this.#options.jsm.streams.getMessage(leaseStreamName(this.#options.stream), {
        last_by_subj: this.#subject,
      });
    try {
      return await read();
    } catch (error) {
      if ((error as { code?: number }).code !== STREAM_NOT_FOUND) throw error;
      await this.#options.ensureStream();
      return read();
    }
  }

  /** Gives the lease up so a standby can take it at once. */
  async release(): Promise<void> {
    this.#stopRenewing();
    await this.#renewing;
    const revision = this.#revision;
    this.#revision = 0;
    if (revision > 0) await this.#write(revision, '').catch(() => false);
  }

  /** Stops renewing without writing (the process is going away or the connection is gone). */
  close(): void {
    this.#stopRenewing();
    this.#revision = 0;
  }

  /** Compare-and-set: true when the lease record now is ours. */
  async #write(expected: number, holder: string): Promise<boolean> {
    const sentAt = this.#now();
    const h = headers();
    h.set(EXPECTED_LAST_SUBJECT_SEQ, String(expected));
    const msg = await this.#options.nc.request(this.#subject, holder, {
      headers: h,
      timeout: this.#options.apiTimeoutMs,
    });
    const ack = parsePubAck(msg);
    if (ack.ok) {
      this.#revision = holder === '' ? 0 : ack.seq;
      this.#validUntil = sentAt + this.#options.ttlMs;
      return true;
    }
    if (ack.error.details?.errCode === WRONG_LAST_SEQUENCE) {
      this.#revision = 0;
      return false;
    }
    throw ack.error;
  }

  #startRenewing(): void {
    this.#stopRenewing();
    // Three renewals per time to live: one lost or slow renewal does not lose the lease.
    this.#timer = setInterval(() => {
      if (this.#revision === 0 || this.#renewing) return;
      this.#renewing = this.#write(this.#revision, this.#options.holder)
        .then((kept) => {
          if (!kept) this.#stopRenewing();
        })
        // Unreachable NATS: keep trying; `held` turns false once the time to live has passed.
        .catch(() => undefined)
        .finally(() => (this.#renewing = undefined));
    }, Math.max(1, Math.floor(this.#options.ttlMs / 3)));
    this.#timer.unref();
  }

  #stopRenewing(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
