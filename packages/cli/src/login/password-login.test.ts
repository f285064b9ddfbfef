import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStrategyTestApp, type StrategyTestApp } from '@tickline/strategy/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../io.ts';
import { runRecorded } from '../test-io.test-support.ts';

const PASSWORD = 'correct horse battery staple';

/** `tickline login` with an email and password against identity's routes on a real socket. */
describe('cli - login with a password', () => {
  let t: StrategyTestApp;
  let url: string;
  const config = mkdtempSync(join(tmpdir(), 'tickline-login-'));
  const env = { XDG_CONFIG_HOME: config };
  const path = join(config, 'tickline', 'credentials.json');
  /** What the user types, one answer per question; the questions asked are recorded. */
  const typing = (answers: string[], asked: Array<{ question: string; secret: boolean }>) => (io: CliIo) => ({
    ...io,
    prompt: async (question: string, options?: { secret?: boolean }) => {
      asked.push({ question, secret: options?.secret === true });
      return answers.shift() ?? '';
    },
  });

  beforeAll(async () => {
    t = await createStrategyTestApp({ identityRoutes: true });
    url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    await t.identity.signUp({ email: 'ada@example.com', password: PASSWORD });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    rmSync(config, { recursive: true, force: true });
  });

  it('asks for the email and, unechoed, the password; stores an API key the commands then use', async () => {
    const asked: Array<{ question: string; secret: boolean }> = [];
    const login = await runRecorded(
      ['login', '--url', url],
      env,
      undefined,
      undefined,
      typing(['ada@example.com', PASSWORD], asked),
    );
    expect(login.outcome, login.stderr).toBe(0);
    expect(asked).toEqual([
      { question: 'Email: ', secret: false },
      { question: 'Password: ', secret: true },
    ]);
    expect(login.stdout).toBe(`logged in to ${url} as ada@example.com; credential stored in ${path}\n`);
    expect(login.stderr).toMatch(/^made API key "tickline CLI on .+" \(revoke it in the dashboard/);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(path, 'utf8')) as { url: string; token: string };
    expect(stored.url).toBe(url);
    // An API key, not the session's short-lived token: it works for the API commands...
    expect(stored.token).toMatch(/^tkl_/);
    const res = await fetch(`${url}/api/v1/strategies`, {
      headers: { authorization: `Bearer ${stored.token}` },
    });
    expect(res.status).toBe(200);
    // ...and the password never reached the output.
    expect(`${login.stdout}${login.stderr}`).not.toContain(PASSWORD);
  });

  it('--email skips its question; a wrong password is refused and stores nothing', async () => {
    const elsewhere = { XDG_CONFIG_HOME: join(config, 'other') };
    const asked: Array<{ question: string; secret: boolean }> = [];
    const wrong = await runRecorded(
      ['login', '--url', url, '--email', 'ada@example.com'],
      elsewhere,
      undefined,
      undefined,
      typing(['not the password'], asked),
    );
    expect(asked.map((a) => a.question)).toEqual(['Password: ']);
    expect([wrong.outcome, wrong.stderr]).toEqual([1, expect.stringContaining('[AUTH_INVALID_CREDENTIALS]')]);
    expect(() => statSync(join(config, 'other', 'tickline', 'credentials.json'))).toThrow();
  });

  it('without a token and nobody to ask, says how to log in', async () => {
    const login = await runRecorded(['login', '--url', url], { XDG_CONFIG_HOME: join(config, 'none') });
    expect([login.outcome, login.stderr]).toEqual([
      2,
      expect.stringContaining('pass --token (or TICKLINE_TOKEN)'),
    ]);
  });
});
