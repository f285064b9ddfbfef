/** @module Everything public plus what tests and sibling packages need: the contract suite and conversions. */
export * from './index.ts';
export { runSqlContract } from './contract/sql-contract.ts';
export type { SqlContractOptions } from './contract/sql-contract.ts';
export { toStoreError } from './to-store-error.ts';
export { parseInt8, prepareParams, TypeOid } from './values/conversions.ts';
// Release tooling (recording the queries of a release, checking them after new migrations).
export { recordingSql } from './release-queries/recording-sql.ts';
export { checkCorpus, isPreparable, normalizeStatement } from './release-queries/release-corpus.ts';
export { findDestructiveChanges, CONTRACT_MARKER } from './release-queries/destructive-ddl.ts';
export type { StatementListener } from './release-queries/recording-sql.ts';
export type { ReleaseCorpus, CorpusFailure } from './release-queries/release-corpus.ts';
export type { DestructiveChange } from './release-queries/destructive-ddl.ts';
