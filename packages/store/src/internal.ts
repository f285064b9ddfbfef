/** @module Everything public plus what tests and sibling packages need: the contract suite and conversions. */
export * from './index.ts';
export { runSqlContract } from './contract/sql-contract.ts';
export type { SqlContractOptions } from './contract/sql-contract.ts';
export { toStoreError } from './to-store-error.ts';
export { parseInt8, prepareParams, TypeOid } from './values/conversions.ts';
