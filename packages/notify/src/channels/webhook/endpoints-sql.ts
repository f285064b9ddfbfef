/**
 * @module Webhook endpoints in SQL, with a small read cache for the sender (a busy endpoint is
 * read once per few seconds, not once per message). Writes through this store drop the cached
 * copy at once; other processes see a change within the cache's TTL.
 */
import { uuidv7, type Clock } from '@tickline/kernel';
import type { Sql, SqlQueryable } from '@tickline/store';
import { NotifyError } from '../../errors.ts';
import type { SecretBox } from './secret-box.ts';
import { generateWebhookSecret } from './sign.ts';

export const WebhookFormat = { Standard: 'standard', Slack: 'slack', Discord: 'discord' } as const;
export type WebhookFormat = (typeof WebhookFormat)[keyof typeof WebhookFormat];

export interface WebhookEndpoint {
  id: string;
  userId: string;
  url: string;
  format: WebhookFormat;
  kinds: string[];
  disabledAt: string | null;
  disabledReason: string | null;
  failingSince: string | null;
  createdAt: string;
}

interface SealedSecret {
  box: string;
  /** ISO time after which this secret no longer signs; null = current. */
  expiresAt: string | null;
}

interface EndpointRow {
  id: string;
  user_id: string;
  url: string;
  format: WebhookFormat;
  kinds: string[];
  secrets: SealedSecret[];
  disabled_at: Date | null;
  disabled_reason: string | null;
  failing_since: Date | null;
  created_at: Date;
}

const toEndpoint = (r: EndpointRow): WebhookEndpoint => ({
  id: r.id,
  userId: r.user_id,
  url: r.url,
  format: r.format,
  kinds: r.kinds,
  disabledAt: r.disabled_at?.toISOString() ?? null,
  disabledReason: r.disabled_reason,
  failingSince: r.failing_since?.toISOString() ?? null,
  createdAt: r.created_at.toISOString(),
});

/** An endpoint with its live secrets in clear (sender side only). */
export interface SendableEndpoint extends WebhookEndpoint {
  secrets: string[];
}

export interface EndpointStore {
  /**
   * Creates an endpoint unless the user has `maxEndpoints` already; undefined then. Counted and
   * inserted in one statement under a per-user lock, so a parallel burst cannot pass one count.
   */
  create(input: {
    userId: string;
    url: string;
    format: WebhookFormat;
    kinds: string[];
    maxEndpoints: number;
  }): Promise<{ endpoint: WebhookEndpoint; secret: string } | undefined>;
  list(userId: string): Promise<WebhookEndpoint[]>;
  /** Every user's disabled or failing endpoints, most recently troubled first (admin view). */
  listTroubled(limit: number): Promise<WebhookEndpoint[]>;
  /** @throws NotifyError NOTIFY_ENDPOINT_NOT_FOUND when it is not the user's */
  get(userId: string, id: string): Promise<WebhookEndpoint>;
  update(
    userId: string,
    id: string,
    patch: { url?: string; format?: WebhookFormat; kinds?: string[]; enabled?: boolean },
  ): Promise<WebhookEndpoint>;
  remove(userId: string, id: string): Promise<void>;
  /**
   * New current secret; the previous one (only it: older ones are dropped) keeps signing until
   * `overlapMs` from now.
   */
  rotate(userId: string, id: string, overlapMs: number): Promise<string>;
  /** Drops every secret but the current one, at once (a leaked previous secret). */
  revokePrevious(userId: string, id: string): Promise<void>;
  /** For the sender: cached for `cacheMs`. */
  forSending(id: string): Promise<SendableEndpoint | undefined>;
  /**
   * The cached copy when it is fresh — `{ value }`, whose value is undefined for an endpoint that
   * no longer exists — without a promise; undefined when `forSending` must read it.
   */
  peek(id: string): { value: SendableEndpoint | undefined } | undefined;
  recordSuccess(id: string): Promise<void>;
  /** Starts or continues a failure run; returns when it started. */
  recordFailure(id: string): Promise<Date>;
  disable(id: string, reason: string): Promise<boolean>;
  count(userId: string): Promise<number>;
}

export interface EndpointStoreOptions {
  sql: Sql;
  box: SecretBox;
  clock: Clock;
  /** @default 5_000 */
  cacheMs?: number;
}

export function createEndpointStore(options: EndpointStoreOptions): EndpointStore {
  const { sql, box, clock } = options;
  const cacheMs = options.cacheMs ?? 5_000;
  const cache = new Map<string, { at: number; value: SendableEndpoint | undefined }>();
  /**
   * Reads in flight, shared: when an endpoint's entry expires, every send waiting on it would
   * otherwise read it at once (one query per in-flight send: 619 queries for 50 endpoints in a
   * run of `bench:notify`, each waiting for a pool connection).
   */
  const reading = new Map<string, Promise<SendableEndpoint | undefined>>();
  /** Bumped by every write: a read that started before one does not cache what it read. */
  let writes = 0;
  const forget = (id: string): void => {
    writes++;
    cache.delete(id);
    reading.delete(id);
  };

  async function readForSending(id: string): Promise<SendableEndpoint | undefined> {
    const startedAt = writes;
    const { rows } = await sql.query<EndpointRow>('select * from notify_webhook_endpoints where id = $1', [
      id,
    ]);
    const now = clock.now();
    const r = rows[0];
    const value = r && {
      ...toEndpoint(r),
      secrets: r.secrets
        .filter((s) => s.expiresAt === null || Date.parse(s.expiresAt) > now)
        .map((s) => box.open(s.box)),
    };
    if (writes === startedAt) cache.set(id, { at: now, value });
    return value;
  }

  async function row(db: SqlQueryable, userId: string, id: string): Promise<EndpointRow> {
    const { rows } = await db.query<EndpointRow>(
      'select * from notify_webhook_endpoints where id = $1 and user_id = $2',
      [id, userId],
    );
    const found = rows[0];
    if (!found)
      throw new NotifyError('NOTIFY_ENDPOINT_NOT_FOUND', 'no such webhook endpoint', { details: { id } });
    return found;
  }

  return {
    async create({ userId, url, format, kinds, maxEndpoints }) {
      const secret = generateWebhookSecret();
      // A count, then an insert, let 12 parallel creations past a limit of 3: the lock orders a
      // user's creations and the insert carries the count.
      const rows = await sql.transaction(async (tx) => {
        await tx.query("select pg_advisory_xact_lock(hashtext('tickline.webhook-quota.' || $1))", [userId]);
        const inserted = await tx.query<EndpointRow>(
          `insert into notify_webhook_endpoints (id, user_id, url, format, kinds, secrets, created_at)
           select $1, $2, $3, $4, $5::text[], $6, $7
           where (select count(*) from notify_webhook_endpoints where user_id = $2) < $8
           returning *`,
          [
            uuidv7(clock.now()),
            userId,
            url,
            format,
            kinds,
            JSON.stringify([{ box: box.seal(secret), expiresAt: null }]),
            new Date(clock.now()),
            maxEndpoints,
          ],
        );
        return inserted.rows;
      });
      return rows[0] === undefined ? undefined : { endpoint: toEndpoint(rows[0]), secret };
    },
    async list(userId) {
      const { rows } = await sql.query<EndpointRow>(
        'select * from notify_webhook_endpoints where user_id = $1 order by created_at',
        [userId],
      );
      return rows.map(toEndpoint);
    },
    async listTroubled(limit) {
      const { rows } = await sql.query<EndpointRow>(
        `select * from notify_webhook_endpoints where disabled_at is not null or failing_since is not null
         order by coalesce(disabled_at, failing_since) desc limit $1`,
        [limit],
      );
      return rows.map(toEndpoint);
    },
    async get(userId, id) {
      return toEndpoint(await row(sql, userId, id));
    },
    async update(userId, id, patch) {
      await row(sql, userId, id);
      const { rows } = await sql.query<EndpointRow>(
        `update notify_webhook_endpoints set
           url = coalesce($3, url), format = coalesce($4, format), kinds = coalesce($5::text[], kinds),
           disabled_at = case when $6::boolean is null then disabled_at when $6 then null else coalesce(disabled_at, $7) end,
           disabled_reason = case when $6::boolean is null then disabled_reason when $6 then null else coalesce(disabled_reason, 'by user') end,
           failing_since = case when $6 then null else failing_since end
         where id = $1 and user_id = $2 returning *`,
        [
          id,
          userId,
          patch.url ?? null,
          patch.format ?? null,
          patch.kinds ?? null,
          patch.enabled ?? null,
          new Date(clock.now()),
        ],
      );
      forget(id);
      return toEndpoint(rows[0]!);
    },
    async remove(userId, id) {
      await row(sql, userId, id);
      await sql.query('delete from notify_webhook_endpoints where id = $1', [id]);
      forget(id);
    },
    async rotate(userId, id, overlapMs) {
      const current = await row(sql, userId, id);
      const now = clock.now();
      const secret = generateWebhookSecret();
      // One previous secret at most: rotating again within the overlap drops the older one, so
      // repeated rotations cannot pile up secrets that all still sign.
      const previous = current.secrets.find((s) => s.expiresAt === null);
      const kept = previous
        ? [{ box: previous.box, expiresAt: new Date(now + overlapMs).toISOString() }]
        : [];
      await sql.query('update notify_webhook_endpoints set secrets = $2 where id = $1', [
        id,
        JSON.stringify([{ box: box.seal(secret), expiresAt: null }, ...kept]),
      ]);
      forget(id);
      return secret;
    },
    async revokePrevious(userId, id) {
      const current = await row(sql, userId, id);
      await sql.query('update notify_webhook_endpoints set secrets = $2 where id = $1', [
        id,
        JSON.stringify(current.secrets.filter((s) => s.expiresAt === null)),
      ]);
      forget(id);
    },
    peek(id) {
      const hit = cache.get(id);
      return hit && clock.now() - hit.at < cacheMs ? hit : undefined;
    },
    async forSending(id) {
      const hit = cache.get(id);
      if (hit && clock.now() - hit.at < cacheMs) return hit.value;
      let read = reading.get(id);
      if (!read) {
        read = readForSending(id).finally(() => {
          if (reading.get(id) === read) reading.delete(id);
        });
        reading.set(id, read);
      }
      return read;
    },
    async recordSuccess(id) {
      const hit = cache.get(id)?.value;
      if (hit && hit.failingSince === null) return;
      await sql.query(
        'update notify_webhook_endpoints set failing_since = null where id = $1 and failing_since is not null',
        [id],
      );
      if (hit) hit.failingSince = null;
    },
    async recordFailure(id) {
      const { rows } = await sql.query<{ failing_since: Date }>(
        'update notify_webhook_endpoints set failing_since = coalesce(failing_since, $2) where id = $1 returning failing_since',
        [id, new Date(clock.now())],
      );
      const since = rows[0]?.failing_since ?? new Date(clock.now());
      const hit = cache.get(id)?.value;
      if (hit) hit.failingSince = since.toISOString();
      return since;
    },
    async disable(id, reason) {
      const { rowCount } = await sql.query(
        'update notify_webhook_endpoints set disabled_at = $2, disabled_reason = $3 where id = $1 and disabled_at is null',
        [id, new Date(clock.now()), reason],
      );
      forget(id);
      return rowCount > 0;
    },
    async count(userId) {
      const { rows } = await sql.query<{ n: number }>(
        'select count(*)::int as n from notify_webhook_endpoints where user_id = $1',
        [userId],
      );
      return rows[0]!.n;
    },
  };
}
