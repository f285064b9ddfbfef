/**
 * @module The accounts as a host of the process: the `account-snapshots` consumer writes each new
 * account's initial paper portfolio and announces it through the outbox (re-sent at start when
 * the log never acknowledged it).
 */
import type { ConsumerFactory, Publisher } from '@tickline/eventlog';
import { onlyTypes } from '@tickline/eventlog';
import { AccountCreated, type IdentityHost } from '@tickline/identity';
import type { ModuleBaseDeps, ModuleHost } from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import { ACCOUNT_SNAPSHOTS_CONSUMER, createSnapshotHandler } from './snapshot-consumer.ts';
import { createSnapshotOutbox } from './snapshot-outbox.ts';

/** What {@link createAccountsHost} is built from. */
export interface AccountsHostDeps extends ModuleBaseDeps<undefined> {
  sql: Sql;
  publisher: Publisher;
  consumers: ConsumerFactory;
  identity: IdentityHost;
  /** The process role: the snapshot consumer runs where projections run (see {@link PROJECTION_ROLES}). */
  role: string;
}

/** The accounts on a running process. */
export interface AccountsHost extends ModuleHost {
  readonly sql: Sql;
  readonly identity: IdentityHost;
}

/** Roles that project events into SQL. */
export const PROJECTION_ROLES: ReadonlySet<string> = new Set(['all', 'platform']);

export function createAccountsHost(deps: AccountsHostDeps): AccountsHost {
  const { sql } = deps;
  if (!PROJECTION_ROLES.has(deps.role)) return { services: [], sql, identity: deps.identity };
  const outbox = createSnapshotOutbox({ sql, publisher: deps.publisher });
  const consumer = deps.consumers({
    name: ACCOUNT_SNAPSHOTS_CONSUMER,
    // Only account.created: every other event would be claimed in processed_events for nothing.
    handle: onlyTypes([AccountCreated.type], createSnapshotHandler({ sql, outbox, clock: deps.clock })),
  });
  return { services: [outbox, consumer], sql, identity: deps.identity };
}
