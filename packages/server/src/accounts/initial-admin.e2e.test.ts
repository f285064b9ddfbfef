/**
 * First run of a real `tickline start` on an empty data dir: the admin account is created and how
 * to sign in is printed once (log line and a 0600 file); secrets persist, so a restart neither
 * creates another admin nor invalidates issued tokens. `tickline migrate status` around it.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAllMigrations } from '../wiring/migrations.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { callJson } from '../testing/api-clients.ts';
import { runTickline, startTicklineServer, type RunningServer } from '@tickline/testing';

const dataDir = mkdtempSync(join(tmpdir(), 'tickline-e2e-first-run-'));
const env = { TICKLINE_DATA_DIR: dataDir, TICKLINE_HTTP_PORT: '0', TICKLINE_HTTP_HOST: '127.0.0.1' };
const running: RunningServer[] = [];
afterAll(() => {
  for (const server of running) server.child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function stop(server: RunningServer): Promise<void> {
  server.child.kill('SIGTERM');
  expect(await server.exited).toBe(0);
  running.splice(running.indexOf(server), 1);
}

const FIRST_RUN = /^first start: created the admin account (\S+); its password is in (\S+) \(/;
const mode = (path: string) => statSync(path).mode & 0o777;

describe('accounts - first run', () => {
  let token = '';

  it('first run - migrate status on a new data dir lists every migration as pending', async () => {
    const status = await runTickline(['migrate', 'status'], env);
    expect(status.code).toBe(0);
    const [first, ...rest] = (await loadAllMigrations()).map((m) => m.id);
    expect(first).toBe('0001_event_infrastructure');
    expect(status.stdout).toBe(
      [
        `database    ${join(dataDir, 'db')} (embedded PGlite)`,
        'applied     none',
        `pending     ${first}`,
        ...rest.map((id) => `            ${id}`),
        'changed     none',
        '',
      ].join('\n'),
    );
  });

  it('first run - creates the admin, prints the sign-in once, keeps it in a 0600 file; the password works', async () => {
    const server = await startTicklineServer(env);
    running.push(server);
    const lines = server.logLines().filter((line) => FIRST_RUN.test(String(line.msg)));
    expect(lines).toHaveLength(1);
    const [, email, file] = FIRST_RUN.exec(String(lines[0]!.msg))!;
    expect(email).toBe('admin@tickline.local');
    expect(file).toBe(join(dataDir, 'secrets', 'initial-admin.txt'));
    const [, password] = /\npassword: (\S+)\n/.exec(readFileSync(file!, 'utf8'))!;
    // The password is in the 0600 file only: no log line carries it.
    expect(server.logLines().some((line) => JSON.stringify(line).includes(password!))).toBe(false);
    expect(mode(file!)).toBe(0o600);
    expect(mode(join(dataDir, 'secrets', 'auth-secret'))).toBe(0o600);
    expect(mode(join(dataDir, 'secrets'))).toBe(0o700);

    const signIn = await callJson(server.url, 'POST', '/api/v1/auth/sign-in', { body: { email, password } });
    expect(signIn.status).toBe(200);
    expect(signIn.body.user).toMatchObject({ email, role: 'admin' });
    token = signIn.body.tokens.accessToken as string;

    // The embedded database belongs to the running process.
    const locked = await runTickline(['migrate', 'status'], env);
    expect(locked.code).toBe(1);
    expect(locked.stderr).toMatch(/\[STORE_LOCKED\]\n$/);
    await stop(server);
  });

  it('first run - a restart creates no second admin and still accepts the tokens it issued', async () => {
    const server = await startTicklineServer(env);
    running.push(server);
    expect(server.logLines().some((line) => FIRST_RUN.test(String(line.msg)))).toBe(false);
    const me = await callJson(server.url, 'GET', '/api/v1/me', { bearer: token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: 'admin@tickline.local', role: 'admin' });
    const users = await callJson(server.url, 'GET', '/api/v1/admin/users', { bearer: token });
    expect(users.body.users.filter((u: { role: string }) => u.role === 'admin')).toHaveLength(1);
    await stop(server);

    const status = await runTickline(['migrate', 'status', '--json'], env);
    expect(JSON.parse(status.stdout)).toMatchObject({ pending: [], changed: [], unknown: [] });
  });
});
