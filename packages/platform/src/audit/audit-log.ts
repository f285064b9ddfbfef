/**
 * @module The audit of operations (`platform_audit`): who did what, to what, when, and whether it
 * worked. Written by the operations service around every change and every player lookup.
 */
import type { SqlQueryable } from '@tickline/store';

export const AuditOutcome = { Ok: 'ok', Failed: 'failed' } as const;
export type AuditOutcome = (typeof AuditOutcome)[keyof typeof AuditOutcome];

/** Who acted: the principal's user id and how it signed in (`user` or `api_key`). */
export interface AuditActor {
  id: string;
  kind: string;
}

/** One operation to record. */
export interface AuditEntry {
  actor: AuditActor;
  /** Dotted verb: `dead_letter.retry`, `zone.drain`, `player.lookup`. */
  action: string;
  /** What it acted on: a player id, a zone id, a dead-letter offset. */
  target?: string;
  outcome: AuditOutcome;
  details?: Record<string, unknown>;
}

/** A recorded operation. */
export interface AuditRecord extends AuditEntry {
  id: number;
  at: Date;
}

/** Options for {@link listAudit}. */
export interface ListAuditOptions {
  /** @default 50 */
  limit?: number;
  /** Only entries older than this id (the previous page's `next`). */
  before?: number;
  action?: string;
  actorId?: string;
}

export const DEFAULT_AUDIT_PAGE = 50;

/** Appends one entry. */
export async function writeAudit(
  sql: SqlQueryable,
  consumerGroup: string,
  entry: AuditEntry,
  at: Date,
): Promise<void> {
  await sql.query(
    `insert into platform_audit (consumer_group, at, actor_id, actor_kind, action, target, outcome, details)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      consumerGroup,
      at,
      entry.actor.id,
      entry.actor.kind,
      entry.action,
      entry.target ?? null,
      entry.outcome,
      entry.details ?? {},
    ],
  );
}

interface AuditRow {
  id: number;
  at: Date;
  actor_id: string;
  actor_kind: string;
  action: string;
  target: string | null;
  outcome: AuditOutcome;
  details: Record<string, unknown>;
}

/** The group's entries, newest first; `next` continues the listing. */
export async function listAudit(
  sql: SqlQueryable,
  consumerGroup: string,
  options: ListAuditOptions = {},
): Promise<{ entries: AuditRecord[]; next: number | null }> {
  const limit = options.limit ?? DEFAULT_AUDIT_PAGE;
  const { rows } = await sql.query<AuditRow>(
    `select id, at, actor_id, actor_kind, action, target, outcome, details from platform_audit
     where consumer_group = $1 and ($2::bigint is null or id < $2)
       and ($3::text is null or action = $3) and ($4::text is null or actor_id = $4)
     order by id desc limit $5`,
    [consumerGroup, options.before ?? null, options.action ?? null, options.actorId ?? null, limit + 1],
  );
  const page = rows.slice(0, limit);
  return {
    entries: page.map((r) => ({
      id: Number(r.id),
      at: r.at,
      actor: { id: r.actor_id, kind: r.actor_kind },
      action: r.action,
      ...(r.target === null ? {} : { target: r.target }),
      outcome: r.outcome,
      details: r.details,
    })),
    next: rows.length > limit ? Number(page.at(-1)!.id) : null,
  };
}
