/**
 * @module The matcher consumer: domain events in, `notification.requested` events out — one per
 * recipient, each with a stable id derived from the source event and the user. It runs on the
 * store's projection (checkpoint in one transaction) and flushes what it published to the log
 * BEFORE that transaction commits: a crash either leaves the batch to be replayed (the same ids
 * are published again and dropped downstream, where the notification row is keyed by the id) or
 * fully published. So a domain event needs no claim of its own; only `account.created`, whose
 * upsert would overwrite a later change of email or tier on a replay, is claimed.
 *
 * Identity's account facts keep notify's copy of the account current: `account.created` (email,
 * tier, whether the address is proven), `account.tier.changed` and `account.email.verified`. They
 * are committed before any later event of the batch is published, so a notification that follows a
 * change in the log is planned with it.
 */
import type { Publisher } from '@tickline/eventlog';
import { createEventSource, type Clock, type EventEnvelope } from '@tickline/kernel';
import { createSqlProjection, type Sql, type SqlProjection, type SqlTx } from '@tickline/store';
import { NotifyError } from '../errors.ts';
import { NotificationRequested, type NotificationRequestedData } from '../events.ts';
import {
  allUsers,
  markAccountEmailVerified,
  setTier,
  upsertAccount,
  usersWithRule,
} from '../rules/preferences-sql.ts';
import { matchEvent, mayMatchType, type EventMatch } from './match-event.ts';
import { stableNotificationId } from './notification-id.ts';

export const MATCHER_CONSUMER = 'notify-matcher';
/** How long the matcher waits for the log to take what it published before retrying the batch. */
export const MATCHER_FLUSH_TIMEOUT_MS = 10_000;

export interface MatcherOptions {
  sql: Sql;
  publisher: Publisher;
  clock: Clock;
}

/** Identity's facts about an account that notify keeps a copy of (matched by type string). */
const ACCOUNT_FACTS: ReadonlySet<string> = new Set([
  'account.created',
  'account.tier.changed',
  'account.email.verified',
]);

/** True for the account facts notify records (they notify nobody). */
export function isAccountFact(type: string): boolean {
  return ACCOUNT_FACTS.has(type);
}

/** False for record types the matcher never needs (its consumer skips them undecoded). */
export function isMatcherType(type: string): boolean {
  return isAccountFact(type) || mayMatchType(type);
}

/**
 * Each event's match, kept from {@link isMatcherInput} for {@link requestsFor}: the batch is
 * filtered first and its requests built after, and matching (owner lookup, texts, a regex over
 * the title) twice per notification showed in a profile of `bench:notify`.
 */
const matches = new WeakMap<EventEnvelope, EventMatch | undefined>();
function matchOnce(event: EventEnvelope): EventMatch | undefined {
  if (matches.has(event)) return matches.get(event);
  const match = matchEvent(event);
  matches.set(event, match);
  return match;
}

/** True for events the matcher needs to see (everything else is skipped without a transaction). */
export function isMatcherInput(event: EventEnvelope): boolean {
  return isAccountFact(event.type) || matchOnce(event) !== undefined;
}

/** Records one account fact in notify's copy of the account. */
async function recordAccountFact(tx: SqlTx, event: EventEnvelope): Promise<void> {
  const data = event.data as {
    userId?: string;
    email?: string;
    tier?: string;
    emailVerified?: boolean;
  };
  if (!data.userId) return;
  const at = new Date(Date.parse(event.time) || 0);
  if (event.type === 'account.created') {
    if (data.email)
      await upsertAccount(tx, data.userId, data.email, data.tier ?? 'free', data.emailVerified ? at : null);
  } else if (event.type === 'account.tier.changed') {
    if (data.tier) await setTier(tx, data.userId, data.tier);
  } else if (event.type === 'account.email.verified') {
    if (data.email) await markAccountEmailVerified(tx, data.userId, data.email, at);
  }
}

/**
 * The batch in runs that commit one after the other: a run of account facts is committed before
 * the events after it publish what they match (the matcher publishes before it commits), so the
 * sender plans those with the facts in place. A batch without facts is one run.
 */
export function runsOf(events: readonly EventEnvelope[]): EventEnvelope[][] {
  const runs: EventEnvelope[][] = [];
  for (const event of events) {
    const last = runs.at(-1);
    if (last && isAccountFact(last[0]!.type) === isAccountFact(event.type)) last.push(event);
    else runs.push([event]);
  }
  return runs;
}

/** Builds the requested events for one source event. */
export async function requestsFor(
  tx: SqlTx,
  event: EventEnvelope,
  source: ReturnType<typeof createEventSource>,
): Promise<EventEnvelope<NotificationRequestedData>[]> {
  const match = matchOnce(event);
  if (!match) return [];
  const audience = match.audience;
  const users =
    audience.type === 'user'
      ? [audience.userId]
      : audience.type === 'subscribers'
        ? await usersWithRule(tx, match.kind)
        : await allUsers(tx);
  const timeMs = Date.parse(event.time) || 0;
  return users.map((userId) => {
    const id = stableNotificationId(timeMs, event.id, userId, match.kind);
    const envelope = source.create(NotificationRequested, {
      subject: userId,
      causationid: event.id,
      ...(event.correlationid ? { correlationid: event.correlationid } : {}),
      data: {
        notificationId: id,
        userId,
        kind: match.kind,
        severity: match.severity,
        title: match.title.slice(0, 200),
        body: match.body.slice(0, 4_000),
        data: match.data,
        sourceEventId: event.id,
        ...(match.url ? { url: match.url } : {}),
        ...(match.email ? { email: match.email } : {}),
      },
    });
    envelope.id = id;
    return envelope;
  });
}

export function createMatcher(options: MatcherOptions): SqlProjection {
  const { publisher } = options;
  const source = createEventSource({ source: 'notify/matcher', clock: options.clock });
  const projection = createSqlProjection({
    sql: options.sql,
    consumer: MATCHER_CONSUMER,
    claims: (event) => event.type === 'account.created',
    project: async (tx, events) => {
      let published = 0;
      for (const event of events) {
        if (isAccountFact(event.type)) {
          await recordAccountFact(tx, event);
          continue;
        }
        for (const request of await requestsFor(tx, event, source)) {
          publisher.publish(request);
          published++;
        }
      }
      if (published > 0 && !(await publisher.flush(MATCHER_FLUSH_TIMEOUT_MS))) {
        throw new NotifyError(
          'NOTIFY_LOG_UNAVAILABLE',
          'event log did not take the notifications in time; batch retried',
        );
      }
    },
  });
  return {
    ...projection,
    handle: async (events, context) => {
      const runs = runsOf(events.filter(isMatcherInput));
      // Only the last run moves the checkpoint's position: a crash between runs replays from the
      // batch's start, which the facts and the published ids take as they are.
      for (const [i, run] of runs.entries())
        await projection.apply(
          run,
          i === runs.length - 1 ? context : context?.logger ? { logger: context.logger } : {},
        );
    },
  };
}
