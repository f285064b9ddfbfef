/** @module The handle every contract case receives (its own file so cases and suite do not import each other). */
import type { Sql } from '../port/sql.ts';

/** Gives each case the shared handle, valid from `beforeAll` on. */
export type SqlSubject = () => Sql;
