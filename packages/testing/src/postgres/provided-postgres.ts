/**
 * @module The PostgreSQL server the Vitest `globalSetup` provides to integration test files:
 * its URL, or why there is none. Test files read it with `inject` and make a database of their own
 * with `createDatabase`.
 */
import type {} from 'vitest';

/** What the global setup provides under {@link PROVIDED_POSTGRES_KEY}. */
export interface ProvidedPostgres {
  /** Server URL (its `postgres` database); absent when the tests must skip. */
  url?: string;
  skipReason?: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    ticklinePostgres: ProvidedPostgres;
  }
}

/**
 * The server the global setup started, in the environment of the Vitest process: the setup of a later
 * project finds it there (one server per run, not one per project), and so do the test workers,
 * which inherit that environment — harnesses that cannot `inject` (the scaled cluster) create their
 * database on it rather than running `initdb` per file. Not `TEST_DATABASE_URL_ENV`: files that
 * start a server of their own unless given one keep doing so.
 */
export const RUN_POSTGRES_URL_ENV = 'TICKLINE_TEST_RUN_POSTGRES_URL';

/** The key under which the global setup provides the server. */
export const PROVIDED_POSTGRES_KEY = 'ticklinePostgres';

/**
 * Reads the provided server. Takes Vitest's `inject` as an argument so this package can be
 * imported outside Vitest (benchmarks). Without the global setup (a file run outside the `int`
 * project) it gives a skip reason, or throws under `CI=true`.
 * @example
 * const postgres = providedPostgres(inject);
 * describe.skipIf(!postgres.url)(`store on postgres ${postgres.skipReason ?? ''}`, () => { … });
 */
export function providedPostgres(
  inject: (key: typeof PROVIDED_POSTGRES_KEY) => ProvidedPostgres | undefined,
): ProvidedPostgres {
  const provided = inject(PROVIDED_POSTGRES_KEY);
  if (provided) return provided;
  const reason = 'no PostgreSQL provided: the postgres globalSetup runs for the int project only';
  if (process.env.CI === 'true') throw new Error(reason);
  return { skipReason: reason };
}
