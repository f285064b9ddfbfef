/** @module @tickline/strategy (being built). Accounts: the initial paper-portfolio snapshot flow. */
export { accountsModule } from './accounts/accounts-module.ts';
export { createAccountsHost } from './accounts/accounts-host.ts';
export { ACCOUNTS_MIGRATIONS_DIR } from './accounts/migrations-dir.ts';
export {
  AccountSnapshotGenerated,
  AccountSnapshotDataSchema,
  ACCOUNT_EVENTS,
} from './accounts/account-events.ts';
export { STARTING_CASH, initialSnapshot } from './accounts/initial-snapshot.ts';
export { createSnapshotHandler, ACCOUNT_SNAPSHOTS_CONSUMER } from './accounts/snapshot-consumer.ts';
export { createSnapshotOutbox } from './accounts/snapshot-outbox.ts';
export { accountDelivery, userChannel, USER_EVENT_TYPES } from './accounts/account-delivery.ts';

export type { AccountsHost, AccountsHostDeps } from './accounts/accounts-host.ts';
export type { AccountSnapshotData, Position } from './accounts/account-events.ts';
