/**
 * The seed 002 flow on PostgreSQL (Debian's server via `@tickline/testing`, or the one at
 * TICKLINE_TEST_DATABASE_URL): `tickline start` refuses a database with pending migrations,
 * `tickline migrate up` applies them, then the same flow as on the embedded database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, requirePostgresBinaries, startPostgres, runTickline, startTicklineServer, TEST_CODE_KEYS_ENV, type PostgresServerHandle, type RunningServer } from '@tickline/testing';
import { loadAllMigrations } from '../wiring/migrations.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountFlowCases } from '../testing/account-flow-suite.ts';

const existing = process.env.TICKLINE_TEST_DATABASE_URL;
const binaries = existing ? { available: true, reason: undefined } : requirePostgresBinaries();
const dataDir = mkdtempSync(join(tmpdir(), 'tickline-e2e-accounts-pg-'));
// Trust authentication on loopback ignores it; it is here to prove it is never printed.
const PASSWORD = 'pg-s3cret-pw';
let postgres: PostgresServerHandle | undefined;
let server: RunningServer | undefined;
let env: Record<string, string>;

beforeAll(async () => {
  if (!binaries.available) return;
  let base = existing;
  if (!base) {
    postgres = await startPostgres();
    base = postgres.url;
  }
  const url = new URL(await createDatabase(base, 'accounts_e2e'));
  if (!existing) url.password = PASSWORD;
  env = {
    TICKLINE_DATA_DIR: dataDir,
    TICKLINE_HTTP_PORT: '0',
    TICKLINE_HTTP_HOST: '127.0.0.1',
    TICKLINE_DATABASE_URL: url.toString(),
    ...TEST_CODE_KEYS_ENV,
  };
});
afterAll(async () => {
  if (server) {
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }
  await postgres?.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

describe.skipIf(!binaries.available)(
  `accounts - seed 002 flow on PostgreSQL (${binaries.reason ?? 'postgres found'})`,
  () => {
    it('postgres - start refuses pending migrations; migrate up applies them; status shows none pending', async () => {
      const refused = await runTickline(['start'], env);
      expect(refused.code).toBe(1);
      const pending = (await loadAllMigrations()).map((m) => m.id).join(', ');
      expect(pending).toMatch(/^0001_event_infrastructure, 0002_identity, /);
      expect(refused.stderr).toContain(
        `needs migrations (pending: ${pending}; changed: none); run \`tickline migrate up\``,
      );
      expect(refused.stderr).toMatch(/start-up failed at step sql: database postgres:\/\/\S+ needs migrations/);
      expect(refused.stdout + refused.stderr).not.toContain(PASSWORD);

      const up = await runTickline(['migrate', 'up'], env);
      expect(up.code).toBe(0);
      expect(up.stdout).toMatch(/^database {4}postgres:\/\/.+ \(postgres\)\n/);
      expect(up.stdout).toContain(`\napplied now ${pending}\n`);
      expect(up.stdout).not.toContain(PASSWORD);

      const status = await runTickline(['migrate', 'status', '--json'], env);
      expect(status.code).toBe(0);
      const report = JSON.parse(status.stdout) as {
        applied: Array<{ id: string }>;
        pending: string[];
        changed: string[];
      };
      expect(report.applied.map((m) => m.id).join(', ')).toBe(pending);
      expect(report).toMatchObject({ pending: [], changed: [] });

      server = await startTicklineServer(env);
      const ready = await fetch(`${server.url}/readyz`);
      expect(
        ((await ready.json()) as { services: Record<string, { info?: unknown }> }).services.sql,
      ).toMatchObject({
        status: 'up',
        info: { engine: 'postgres' },
      });
    });

    accountFlowCases(() => server!.url, 'postgres');
  },
);
