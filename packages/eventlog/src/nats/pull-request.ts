/**
 * @module Raw JetStream pull requests for one durable consumer, one at a time. Each request
 * ends in a way the client can see (its batch filled, or a 404/408/409 status on its own reply
 * token), so no request is left waiting on the server when the consumer closes. A request left
 * there makes nats-server 2.9 drop the next redelivery into it (observed: after negative acks
 * the first record vanished until ack_wait and another came twice), which is why nats.js
 * `consume()` is not used here.
 */
import {
  createInbox,
  nanos,
  type Msg,
  type NatsConnection,
  type Subscription,
} from '@nats-io/transport-node';

/** A message the server delivered: its stream sequence and its ack subject. */
export interface DeliveredMessage {
  msg: Msg;
  seq: number;
  /** The consumer's delivery sequence (every delivery, redeliveries included, takes one). */
  consumerSeq: number;
  serverTimeMs: number;
  /** Records the consumer still had to deliver after this one, when it was sent. */
  pending: number;
}

/** Extra time a request may take past its own expiry before the client gives up on it. */
export const PULL_GRACE_MS = 1_500;
const STATUS_NO_MESSAGES = 404;
const STATUS_TIMEOUT = 408;
const STATUS_CONFLICT = 409;

interface OpenRequest {
  token: number;
  remaining: number;
  finish: () => void;
  ended: Promise<void>;
}

/** Parses `$JS.ACK.<stream>.<consumer>.<dc>.<sseq>.<dseq>.<ts>.<pending>` (and the 12-token form). */
export function parseAckSubject(
  reply: string,
): { seq: number; consumerSeq: number; serverTimeMs: number; pending: number } | undefined {
  const tokens = reply.split('.');
  const base = tokens.length === 9 ? 5 : tokens.length >= 11 ? 7 : -1;
  if (base < 0 || tokens[0] !== '$JS' || tokens[1] !== 'ACK') return undefined;
  return {
    seq: Number(tokens[base]),
    consumerSeq: Number(tokens[base + 1]),
    serverTimeMs: Math.floor(Number(tokens[base + 2]) / 1e6),
    pending: Number(tokens[base + 3]),
  };
}

export class PullRequester {
  readonly #nc: NatsConnection;
  readonly #subject: string;
  readonly #inbox = createInbox();
  readonly #sub: Subscription;
  readonly #onMessage: (delivered: DeliveredMessage) => void;
  #token = 0;
  #open: OpenRequest | undefined;

  constructor(nc: NatsConnection, stream: string, durable: string, onMessage: (d: DeliveredMessage) => void) {
    this.#nc = nc;
    this.#subject = `$JS.API.CONSUMER.MSG.NEXT.${stream}.${durable}`;
    this.#onMessage = onMessage;
    this.#sub = nc.subscribe(`${this.#inbox}.*`, { callback: (_err, msg) => this.#receive(msg) });
  }

  /** True while a request may still be held by the server. */
  get pending(): boolean {
    return this.#open !== undefined;
  }

  /**
   * Asks for up to `batch` messages; `expiresMs` undefined means "only what is there now".
   * Resolves when the request has ended (or after its expiry plus a grace period).
   */
  request(batch: number, expiresMs?: number): Promise<void> {
    const token = ++this.#token;
    let resolve!: () => void;
    const ended = new Promise<void>((r) => (resolve = r));
    const timer = setTimeout(() => finish(), (expiresMs ?? 0) + PULL_GRACE_MS);
    const finish = (): void => {
      clearTimeout(timer);
      if (this.#open?.token === token) this.#open = undefined;
      resolve();
    };
    this.#open = { token, remaining: batch, finish, ended };
    const body = expiresMs === undefined ? { batch, no_wait: true } : { batch, expires: nanos(expiresMs) };
    try {
      this.#nc.publish(this.#subject, JSON.stringify(body), { reply: `${this.#inbox}.${token}` });
    } catch {
      finish();
    }
    return ended;
  }

  /** Resolves once no request is open (each ends by itself within its expiry plus the grace). */
  async settled(): Promise<void> {
    while (this.#open) await this.#open.ended;
  }

  close(): void {
    this.#sub.unsubscribe();
    this.#open?.finish();
  }

  #receive(msg: Msg): void {
    const reply = msg.reply;
    if (reply) {
      const parsed = parseAckSubject(reply);
      if (!parsed) return;
      this.#onMessage({ msg, ...parsed });
      // Messages carry their original subject, not the request token: one request is open at a time.
      const open = this.#open;
      if (open && --open.remaining <= 0) open.finish();
      return;
    }
    const code = msg.headers?.code ?? 0;
    if (code !== STATUS_NO_MESSAGES && code !== STATUS_TIMEOUT && code !== STATUS_CONFLICT) return;
    const token = Number(msg.subject.slice(this.#inbox.length + 1));
    if (this.#open?.token === token) this.#open.finish();
  }
}
