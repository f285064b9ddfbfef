/**
 * @module The rate limiter as a Fastify `onRequest` hook: who is calling (an API key, a signed-in
 * user by tier, or else the client address), one store step, `RateLimit-*` headers, and a 429
 * with `Retry-After` when the budget is spent. The principal comes from an injected function, so
 * this module knows nothing of tokens or keys. A store that cannot answer lets the request
 * through and counts it: rate limiting must never take the API down with it.
 */
import {
  clientAddressKey,
  silentLogger,
  type Logger,
  type OperationRateLimit,
  type Registry,
} from '@tickline/kernel';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ServerError } from '../../../errors.ts';
import { gcraParams, type GcraParams, type RateLimitDecision, type RateLimitRule } from './gcra.ts';
import { createRateLimitMetrics } from './rate-limit-metrics.ts';
import type { RateLimitStore } from './rate-limit-store.ts';

/** What a request is counted against. */
export const RateLimitSubjectKind = { ApiKey: 'api_key', User: 'user', Address: 'address' } as const;
export type RateLimitSubjectKind = (typeof RateLimitSubjectKind)[keyof typeof RateLimitSubjectKind];

/** The caller as far as limits go; identity's `Principal` has these fields. */
export interface RateLimitPrincipal {
  userId: string;
  tier: string;
  /** Set when the caller used an API key: each key has its own budget. */
  apiKeyId?: string | undefined;
  /** `admin`: a signed-in administrator gets the largest budget of the tier table. */
  role?: string | undefined;
}

/** Finds the caller; null, undefined or a throw (bad credentials) count it by address. */
export type ResolveRateLimitPrincipal = (
  request: FastifyRequest,
) => RateLimitPrincipal | null | undefined | Promise<RateLimitPrincipal | null | undefined>;

/** Options for {@link createRateLimiter}. */
export interface RateLimiterOptions {
  store: RateLimitStore;
  /** @default every caller is anonymous */
  principal?: ResolveRateLimitPrincipal;
  /** Budgets by tier (identity's `resolveTierTable()` fits); an unknown tier gets `anonymous`. */
  tiers: Readonly<Record<string, RateLimitRule>>;
  /** Budget of each address without (valid) credentials. */
  anonymous: RateLimitRule;
  metrics: Registry;
  /** @default silentLogger */
  logger?: Logger;
}

/** The outcome of one check, for callers other than the hook (WebSocket messages, tests). */
export interface RateLimitOutcome {
  subject: RateLimitSubjectKind;
  rule: RateLimitRule;
  /** Undefined when the limit is off or the store failed (the request goes through). */
  decision?: RateLimitDecision;
}

export interface RateLimiter extends OperationRateLimit<FastifyRequest> {
  /** Add as `onRequest` (the {@link rateLimitPlugin} does) to limit every route of a scope. */
  hook(this: void, request: FastifyRequest, reply: FastifyReply): Promise<void>;
  check(this: void, request: FastifyRequest): Promise<RateLimitOutcome>;
  /** Counts `count` more operations of the request's caller (a GraphQL batch, subscriptions). */
  take(this: void, request: FastifyRequest, count: number): Promise<void>;
}

// A store outage fails every request: one warning per interval, the metric counts them all.
const STORE_FAILURE_LOG_INTERVAL_MS = 10_000;

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { store, tiers, anonymous } = options;
  // An administrator on the Operations page polls zones, snapshots, deliveries, streams and runs
  // at once: on the first-run admin's free tier (21 at once) its first load met 429s. Operators
  // are not the callers a tier budget is for; their API keys keep their tier (automation).
  const adminRule = Object.values(tiers).reduce<RateLimitRule | undefined>(
    (best, rule) => (best === undefined || rule.requestsPerMinute > best.requestsPerMinute ? rule : best),
    undefined,
  );
  const logger = options.logger ?? silentLogger;
  const metrics = createRateLimitMetrics(options.metrics);
  const params = new WeakMap<RateLimitRule, GcraParams>();
  const paramsOf = (rule: RateLimitRule) => {
    let found = params.get(rule);
    if (!found) params.set(rule, (found = gcraParams(rule)));
    return found;
  };
  let lastFailureLogMs = 0;

  async function principalOf(request: FastifyRequest): Promise<RateLimitPrincipal | undefined> {
    if (!options.principal) return undefined;
    try {
      return (await options.principal(request)) ?? undefined;
    } catch {
      // Bad or expired credentials: the route answers 401; meanwhile they count as anonymous.
      return undefined;
    }
  }

  async function check(request: FastifyRequest): Promise<RateLimitOutcome> {
    const principal = await principalOf(request);
    const [subject, key, rule] = principal
      ? principal.apiKeyId !== undefined
        ? ([
            RateLimitSubjectKind.ApiKey,
            `key:${principal.apiKeyId}`,
            tiers[principal.tier] ?? anonymous,
          ] as const)
        : ([
            RateLimitSubjectKind.User,
            `user:${principal.userId}`,
            (principal.role === 'admin' ? adminRule : undefined) ?? tiers[principal.tier] ?? anonymous,
          ] as const)
      : ([RateLimitSubjectKind.Address, `ip:${clientAddressKey(request.ip)}`, anonymous] as const);
    if (rule.requestsPerMinute <= 0) return { subject, rule };
    try {
      return { subject, rule, decision: await store.take(key, paramsOf(rule)) };
    } catch (error) {
      metrics.storeFailures.inc({ store: store.kind });
      const now = Date.now();
      if (now - lastFailureLogMs >= STORE_FAILURE_LOG_INTERVAL_MS) {
        lastFailureLogMs = now;
        logger.warn({ err: error, store: store.kind }, 'rate-limit store failed; requests pass unchecked');
      }
      return { subject, rule };
    }
  }

  return {
    check,
    async hook(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      const { subject, rule, decision } = await check(request);
      if (!decision) return;
      void reply.headers({
        'ratelimit-limit': decision.limit,
        'ratelimit-remaining': decision.remaining,
        'ratelimit-reset': Math.ceil(decision.resetMs / 1000),
        'ratelimit-policy': `${rule.requestsPerMinute};w=60;burst=${rule.burst}`,
      });
      if (decision.allowed) return;
      const retryAfterSeconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      void reply.header('retry-after', retryAfterSeconds);
      throw refused(subject, decision, retryAfterSeconds);
    },
    async take(request: FastifyRequest, count: number): Promise<void> {
      // One step per operation, as if each had been a request of its own.
      for (let i = 0; i < count; i++) {
        const { subject, decision } = await check(request);
        if (decision && !decision.allowed)
          throw refused(subject, decision, Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
      }
    },
  };

  function refused(subject: RateLimitSubjectKind, decision: RateLimitDecision, retryAfterSeconds: number) {
    metrics.limited.inc({ subject });
    return new ServerError('HTTP_RATE_LIMITED', `rate limit exceeded; retry in ${retryAfterSeconds} s`, {
      details: { retryAfterSeconds, limit: decision.limit, subject },
    });
  }
}
