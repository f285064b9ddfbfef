/**
 * @module Where the pipeline's time goes, when `BENCH_NOTIFY_PROFILE=<dir>` is set: a V8 CPU
 * profile of this process over the throughput phase only (`node:inspector`, so the peers' phases
 * are not mixed in) and PostgreSQL's own statement counts and times from `pg_stat_statements`
 * (the server is started with the library preloaded). Both are written to `<dir>`; the top
 * statements are also printed on stderr.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { createPostgresSql } from '@tickline/store';
import { progress, round } from '../lib/report.ts';

/** `-c` settings for the bench's PostgreSQL when profiling. */
export const PROFILE_PG_SETTINGS = [
  'shared_preload_libraries=pg_stat_statements',
  'pg_stat_statements.track=all',
];

export interface PhaseProfile {
  /** Stops the CPU profile, reads the statement counts, writes both under `dir`. */
  stop(items: number): Promise<void>;
}

interface StatementRow {
  calls: string;
  rows: string;
  total_exec_time: number;
  query: string;
}

/** Starts profiling a phase: resets the statement counts and starts the CPU profiler. */
export async function startPhaseProfile(dir: string, databaseUrl: string): Promise<PhaseProfile> {
  const client = await createPostgresSql({ url: databaseUrl, poolSize: 1 });
  await client.query('create extension if not exists pg_stat_statements');
  await client.query('select pg_stat_statements_reset()');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  // 100 µs between samples (the default is 1 ms): a delivery costs a few hundred µs.
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  return {
    async stop(items) {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      await mkdir(dir, { recursive: true });
      const file = join(dir, `notify-throughput-${Date.now()}.cpuprofile`);
      await writeFile(file, JSON.stringify(profile));
      const { rows } = await client.query<StatementRow>(
        `select calls::text, rows::text, total_exec_time, query from pg_stat_statements
         order by total_exec_time desc limit 25`,
      );
      await client.close();
      await writeFile(join(dir, `notify-statements-${Date.now()}.json`), JSON.stringify(rows, null, 2));
      progress(`profile: ${file}`);
      for (const r of rows.slice(0, 12))
        progress(
          `  ${round((r.total_exec_time * 1000) / items, 1)} µs per item, ` +
            `${r.calls} calls, ${r.rows} rows: ${r.query.replace(/\s+/g, ' ').slice(0, 110)}`,
        );
    },
  };
}
