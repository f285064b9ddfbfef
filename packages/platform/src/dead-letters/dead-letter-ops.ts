/**
 * @module Dead letters for operators: the letters of the dead-letter log with what was done to
 * each (the log is append-only, so retries and discards are kept in `platform_dead_letter_actions`),
 * retry (the original record appended to the main log again; consumers that did process it skip
 * it by event id) and discard.
 */
import {
  isInvalidArgumentError,
  listDeadLetters,
  readDeadLetter,
  retryDeadLetter,
  type DeadLetterError,
  type EventLog,
} from '@tickline/eventlog';
import { decodeEvent, type EventEnvelope } from '@tickline/kernel';
import type { SqlQueryable } from '@tickline/store';
import { PlatformError } from '../errors.ts';

export const DeadLetterStatus = { Open: 'open', Retried: 'retried', Discarded: 'discarded' } as const;
export type DeadLetterStatus = (typeof DeadLetterStatus)[keyof typeof DeadLetterStatus];

/** One letter as the admin API shows it. */
export interface DeadLetterView {
  offset: number;
  consumer: string;
  /** The log the record came from. */
  log: string;
  record: { offset: number; id: string; key: string; type: string; time: number; bytes: number };
  /** The decoded event, or null when the record does not decode (often why it failed). */
  event: EventEnvelope | null;
  error: DeadLetterError;
  attempts: number;
  failedAt: number;
  status: DeadLetterStatus;
  handledBy: string | null;
  handledAt: Date | null;
}

/** Options for {@link listDeadLetterViews}. */
export interface ListDeadLetterViewsOptions {
  /** @default 1 */
  from?: number;
  /** Records scanned. @default 100 */
  limit?: number;
  consumer?: string;
  status?: DeadLetterStatus;
}

/** Where the dead letters are and whose actions apply. */
export interface DeadLetterScope {
  deadLetters: EventLog;
  sql: SqlQueryable;
  consumerGroup: string;
}

function decodeOrNull(payload: Uint8Array): EventEnvelope | null {
  try {
    return decodeEvent(payload);
  } catch {
    return null;
  }
}

async function actionsFor(scope: DeadLetterScope, offsets: readonly number[]) {
  const { rows } = await scope.sql.query<{
    dead_letter_offset: number;
    action: 'retried' | 'discarded';
    actor_id: string;
    at: Date;
  }>(
    `select dead_letter_offset, action, actor_id, at from platform_dead_letter_actions
     where consumer_group = $1 and dead_letter_log = $2 and dead_letter_offset = any($3::bigint[])`,
    [scope.consumerGroup, scope.deadLetters.name, offsets],
  );
  return new Map(rows.map((r) => [Number(r.dead_letter_offset), r]));
}

/** A page of letters, oldest first; `next` is where the following page starts. */
export async function listDeadLetterViews(
  scope: DeadLetterScope,
  options: ListDeadLetterViewsOptions = {},
): Promise<{ letters: DeadLetterView[]; malformed: number[]; next: number }> {
  const page = await listDeadLetters(scope.deadLetters, {
    from: options.from ?? 1,
    limit: options.limit ?? 100,
    ...(options.consumer === undefined ? {} : { consumer: options.consumer }),
  });
  const actions = await actionsFor(
    scope,
    page.letters.map((l) => l.offset),
  );
  const letters = page.letters.map(({ offset, letter }): DeadLetterView => {
    const action = actions.get(offset);
    const { payload, ...record } = letter.record;
    return {
      offset,
      consumer: letter.consumer,
      log: letter.log,
      record: { ...record, bytes: payload.length },
      event: decodeOrNull(payload),
      error: letter.error,
      attempts: letter.attempts,
      failedAt: letter.failedAt,
      status: action?.action ?? DeadLetterStatus.Open,
      handledBy: action?.actor_id ?? null,
      handledAt: action?.at ?? null,
    };
  });
  return {
    letters: options.status ? letters.filter((l) => l.status === options.status) : letters,
    malformed: page.malformed,
    next: page.next,
  };
}

async function requireLetter(scope: DeadLetterScope, offset: number): Promise<void> {
  try {
    await readDeadLetter(scope.deadLetters, offset);
  } catch (error) {
    if (isInvalidArgumentError(error)) {
      throw new PlatformError('PLATFORM_NOT_FOUND', `no dead letter at offset ${offset}`, {
        details: { offset },
      });
    }
    throw error;
  }
}

async function recordAction(
  scope: DeadLetterScope,
  offset: number,
  action: string,
  actorId: string,
  at: Date,
) {
  await scope.sql.query(
    `insert into platform_dead_letter_actions (consumer_group, dead_letter_log, dead_letter_offset, action, actor_id, at)
     values ($1, $2, $3, $4, $5, $6)
     on conflict (consumer_group, dead_letter_log, dead_letter_offset)
       do update set action = excluded.action, actor_id = excluded.actor_id, at = excluded.at`,
    [scope.consumerGroup, scope.deadLetters.name, offset, action, actorId, at],
  );
}

/**
 * Re-publishes a letter's record to `target` (the main log) and marks it retried.
 * @throws PlatformError PLATFORM_NOT_FOUND (no letter there), PLATFORM_DEAD_LETTER_DISCARDED.
 */
export async function retryDeadLetterAction(
  scope: DeadLetterScope & { target: EventLog },
  offset: number,
  actorId: string,
  at: Date,
): Promise<{ offset: number; duplicate: boolean }> {
  await requireLetter(scope, offset);
  const current = (await actionsFor(scope, [offset])).get(offset);
  if (current?.action === DeadLetterStatus.Discarded) {
    throw new PlatformError('PLATFORM_DEAD_LETTER_DISCARDED', `dead letter ${offset} was discarded`, {
      details: { offset, discardedBy: current.actor_id },
    });
  }
  const result = await retryDeadLetter({ deadLetters: scope.deadLetters, offset, target: scope.target });
  if (!result.ok) throw result.error;
  await recordAction(scope, offset, DeadLetterStatus.Retried, actorId, at);
  return { offset: result.offset, duplicate: result.duplicate };
}

/**
 * Marks a letter discarded: it stays in the log, listed with status `discarded`, and cannot be retried.
 * @throws PlatformError PLATFORM_NOT_FOUND when there is no letter at `offset`.
 */
export async function discardDeadLetter(scope: DeadLetterScope, offset: number, actorId: string, at: Date) {
  await requireLetter(scope, offset);
  await recordAction(scope, offset, DeadLetterStatus.Discarded, actorId, at);
}
