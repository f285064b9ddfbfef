import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTotp, TOTP_PERIOD_SECONDS } from '@tickline/identity/internal';
import { systemClock } from '@tickline/kernel';
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

/**
 * `tickline login` for an account with two-factor sign-in (TOTP on): the API key is made only once
 * the code is given, and a wrong or missing code leaves no key on the server and nothing stored.
 */
describe('cli - login with a password and a two-factor code', () => {
  const PERIOD_MS = TOTP_PERIOD_SECONDS * 1000;
  const EMAIL = 'grace@example.com';
  let t: StrategyTestApp;
  let url: string;
  let secret: string;
  let activatedAt: number;
  let principal: Awaited<ReturnType<StrategyTestApp['identity']['authenticateAccessToken']>>;
  const totp = createTotp({ clock: systemClock, issuer: 'Tickline' });
  const config = mkdtempSync(join(tmpdir(), 'tickline-login-mfa-'));
  /** A config dir of its own per case: what each login stored, or that it stored nothing. */
  const home = (name: string) => ({
    env: { XDG_CONFIG_HOME: join(config, name) },
    path: join(config, name, 'tickline', 'credentials.json'),
  });
  /** The password typed at its prompt, then `code` (empty: the user just pressed Enter). */
  const typing =
    (...answers: string[]) =>
    (io: CliIo) => ({ ...io, prompt: async () => answers.shift() ?? '' });
  const keys = () => t.identity.listApiKeys(principal);

  beforeAll(async () => {
    t = await createStrategyTestApp({ identityRoutes: true });
    url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const signedUp = await t.identity.signUp({ email: EMAIL, password: PASSWORD });
    principal = await t.identity.authenticateAccessToken(signedUp.tokens.accessToken);
    ({ secret } = await t.identity.enrolTotp(principal));
    activatedAt = Date.now();
    await t.identity.activateTotp(principal, { code: await totp.codeAt(secret, activatedAt) });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    rmSync(config, { recursive: true, force: true });
  });

  it('without the code: refused with its code, no key made, nothing stored', async () => {
    const { env, path } = home('none');
    const login = await runRecorded(
      ['login', '--url', url, '--email', EMAIL],
      env,
      undefined,
      undefined,
      typing(PASSWORD, ''),
    );
    expect([login.outcome, login.stderr]).toEqual([
      1,
      expect.stringMatching(/pass --code .+; no API key was made \[SERVER_MFA_CODE_REQUIRED\]\n$/),
    ]);
    expect(await keys()).toEqual([]);
    expect(() => statSync(path)).toThrow();
  });

  it('a wrong code: refused as AUTH_MFA_CODE_INVALID, no key made, nothing stored', async () => {
    const { env, path } = home('wrong');
    // Every code the server could take now (a period either side, and the next one) is not it.
    const now = Date.now();
    const valid = await Promise.all([-1, 0, 1, 2].map((p) => totp.codeAt(secret, now + p * PERIOD_MS)));
    const wrong = ['000000', '111111', '222222', '333333', '444444'].find((c) => !valid.includes(c))!;
    const login = await runRecorded(
      ['login', '--url', url, '--email', EMAIL, '--code', wrong],
      env,
      undefined,
      undefined,
      typing(PASSWORD),
    );
    expect([login.outcome, login.stderr]).toEqual([1, expect.stringContaining('[AUTH_MFA_CODE_INVALID]')]);
    expect(await keys()).toEqual([]);
    expect(() => statSync(path)).toThrow();
  });

  it('the right code, asked for after the password: an API key that works, stored', async () => {
    const { env, path } = home('right');
    // A code is taken once: the activation spent its period's, so this is a later period's (the
    // server accepts the next period's too).
    const code = await totp.codeAt(secret, Math.max(Date.now(), activatedAt + PERIOD_MS));
    const asked: string[] = [];
    const login = await runRecorded(
      ['login', '--url', url, '--email', EMAIL],
      env,
      undefined,
      undefined,
      (io) => ({
        ...io,
        prompt: async (question: string) => (
          asked.push(question),
          question === 'Password: ' ? PASSWORD : code
        ),
      }),
    );
    expect(login.outcome, login.stderr).toBe(0);
    expect(asked).toEqual(['Password: ', 'Two-factor code: ']);
    const stored = JSON.parse(readFileSync(path, 'utf8')) as { token: string };
    expect(stored.token).toMatch(/^tkl_/);
    expect((await keys()).map((k) => k.name)).toEqual([expect.stringMatching(/^tickline CLI on /)]);
    const res = await fetch(`${url}/api/v1/strategies`, {
      headers: { authorization: `Bearer ${stored.token}` },
    });
    expect(res.status).toBe(200);
  });
});
