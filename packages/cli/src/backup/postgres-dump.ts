/**
 * @module PostgreSQL into and out of the archive: pg_dump in custom format (compressed, restorable
 * object by object), restored as pg_restore's SQL script run by psql in one transaction after
 * emptying the public schema — so a failed restore changes nothing. (pg_restore --clean cannot
 * drop the primary keys partitions inherit, which every partitioned Tickline table has.) Debian's
 * client binaries; the password travels in PGPASSWORD, not on the command line, so `ps` never shows it.
 */
import { findTool, runTool } from './external-tool.ts';

/** `--dbname` without the password, and the environment that carries it (for any PostgreSQL client tool). */
export function postgresConnection(
  url: string,
  env: Readonly<Record<string, string | undefined>>,
): { dbname: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return {
    dbname: `--dbname=${parsed.toString()}`,
    env: { ...env, ...(password ? { PGPASSWORD: password } : {}) },
  };
}

/** Dumps the database at `url` into `file`; resolves with pg_dump's version line. */
export async function dumpPostgres(
  url: string,
  file: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<string> {
  const pgDump = findTool('pg_dump', env);
  const target = postgresConnection(url, env);
  await runTool(
    pgDump,
    ['--format=custom', '--no-owner', '--no-privileges', `--file=${file}`, target.dbname],
    target.env,
  );
  return (await runTool(pgDump, ['--version'])).trim();
}

/** Replaces the public schema of the database at `url` with the dump `file`, in one transaction. */
export async function restorePostgres(
  url: string,
  file: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  const script = `${file}.sql`;
  await runTool(findTool('pg_restore', env), ['--no-owner', '--no-privileges', `--file=${script}`, file]);
  const target = postgresConnection(url, env);
  await runTool(
    findTool('psql', env),
    [
      '--no-psqlrc',
      '--quiet',
      '--single-transaction',
      '--set=ON_ERROR_STOP=1',
      '--command=drop schema if exists public cascade',
      '--command=create schema public',
      `--file=${script}`,
      target.dbname,
    ],
    target.env,
  );
}
