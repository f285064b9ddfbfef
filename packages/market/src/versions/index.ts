/** @module Data versions of the imported history and as-of reads. */
export {
  DataVersionKind,
  listDataVersions,
  versionsAfter,
  changedAfter,
  latestDataVersion,
  dataVersionAt,
  openDataVersion,
  closeDataVersion,
} from './data-versions.ts';
export type { DataVersion, DataVersionQuery, OpenDataVersionOptions } from './data-versions.ts';
