/**
 * @module Per-principal rules of the gateway: how many streams a user may hold (the tier's
 * `maxStreamConnections`, counted across gateways by a {@link ConnectionCounter}), and whether the
 * principal's credential still stands (revocation). Both are checked at admission — so a revoked
 * ticket cannot resume — and again every `recheckIntervalMs` for open connections, which also
 * renews their leases.
 */
import { Counter, getOrCreateMetric, uuidv7, type Logger, type Registry } from '@tickline/kernel';
import { RealtimeError } from '../errors.ts';
import {
  createMemoryConnectionCounter,
  type ConnectionCounter,
  type ConnectionLease,
} from '../limits/connection-counter.ts';

/** Options of {@link PrincipalPolicy}: what the composition root knows about principals. */
export interface PrincipalPolicyOptions<P> {
  /** The key a connection counts against (the user id) and its limit; undefined = unlimited. */
  connectionLimit?: (principal: P) => { key: string; max: number } | undefined;
  /** @default an in-memory counter (this gateway only); pass the Redis one to count across gateways */
  counter?: ConnectionCounter;
  /** False once the credential behind `principal` was revoked (sign-out, disable, role change…). */
  isCurrent?: (principal: P) => boolean | Promise<boolean>;
  /**
   * Principals with the same key get the same `isCurrent` verdict (e.g. user id and session
   * version): the re-check asks once per key, not once per connection — 5,000 streams of one
   * account are one check every period, not 5,000.
   */
  principalKey?: (principal: P) => string;
  /** Period of the open-connection re-check and lease renewal. @default 2_000 */
  recheckIntervalMs?: number;
}

export const DEFAULT_PRINCIPAL_RECHECK_MS = 2_000;

/** The admission and re-check logic, kept out of the gateway class. */
export class PrincipalPolicy<P> {
  readonly recheckIntervalMs: number;
  readonly #options: PrincipalPolicyOptions<P>;
  readonly #counter: ConnectionCounter;
  readonly #refused: Counter<'reason'>;
  readonly #logger: Logger;

  constructor(options: PrincipalPolicyOptions<P>, metrics: Registry, logger: Logger) {
    this.#options = options;
    this.#counter = options.counter ?? createMemoryConnectionCounter();
    this.recheckIntervalMs = options.recheckIntervalMs ?? DEFAULT_PRINCIPAL_RECHECK_MS;
    this.#logger = logger;
    this.#refused = getOrCreateMetric(
      metrics,
      'tickline_realtime_principal_refusals_total',
      () =>
        new Counter({
          name: 'tickline_realtime_principal_refusals_total',
          help: 'Streams refused or closed by principal: user_limit (too many streams for the tier), revoked',
          labelNames: ['reason'] as const,
          registers: [metrics],
        }),
    );
  }

  /**
   * Checks a new connection's principal and takes its slot.
   * @throws RealtimeError RT_SESSION_REVOKED or RT_USER_CONNECTION_LIMIT
   */
  async admit(principal: P): Promise<ConnectionLease | undefined> {
    if (!(await this.isCurrent(principal))) {
      this.#refused.inc({ reason: 'revoked' });
      throw new RealtimeError('RT_SESSION_REVOKED', 'the credential was revoked; sign in again');
    }
    const limit = this.#options.connectionLimit?.(principal);
    if (!limit) return undefined;
    const lease = { key: limit.key, id: uuidv7() };
    let acquired: boolean;
    try {
      acquired = await this.#counter.acquire(lease, limit.max);
    } catch (error) {
      // The shared counter (Redis) is away: streams go on unlimited rather than all refused.
      this.#logger.warn({ err: error }, 'stream limit not checked: the connection counter failed');
      return undefined;
    }
    if (!acquired) {
      this.#refused.inc({ reason: 'user_limit' });
      throw new RealtimeError('RT_USER_CONNECTION_LIMIT', `at most ${limit.max} streams for this account`, {
        details: { max: limit.max },
      });
    }
    return lease;
  }

  async isCurrent(principal: P): Promise<boolean> {
    return this.#options.isCurrent ? (await this.#options.isCurrent(principal)) === true : true;
  }

  /**
   * `isCurrent` for every principal of the open connections, once per distinct key. A check that
   * fails counts as current: an unreachable store must not close every stream.
   */
  async currentAll(principals: readonly P[]): Promise<boolean[]> {
    const keyOf = this.#options.principalKey;
    const checks = new Map<unknown, Promise<boolean>>();
    const check = (principal: P) =>
      this.isCurrent(principal).catch((error: unknown) => {
        this.#logger.warn({ err: error }, 'revocation check failed; the stream stays open');
        return true;
      });
    return Promise.all(
      principals.map((principal) => {
        const key = keyOf ? keyOf(principal) : principal;
        let verdict = checks.get(key);
        if (verdict === undefined) checks.set(key, (verdict = check(principal)));
        return verdict;
      }),
    );
  }

  /** Counts a connection closed because its credential was revoked. */
  closedRevoked(): void {
    this.#refused.inc({ reason: 'revoked' });
  }

  release(lease: ConnectionLease): void {
    this.#counter
      .release(lease)
      .catch((error: unknown) => this.#logger.warn({ err: error }, 'stream slot release failed'));
  }

  renew(leases: readonly ConnectionLease[]): void {
    this.#counter
      .renew(leases)
      .catch((error: unknown) => this.#logger.warn({ err: error }, 'stream slot renewal failed'));
  }

  get checksPrincipals(): boolean {
    return this.#options.isCurrent !== undefined || this.#options.connectionLimit !== undefined;
  }
}
