import { describe, expect, it } from 'vitest';
import {
  ExitCode,
  killSwitchOverApi,
  runCommand,
  type CliIo,
  type KillSwitchAction,
  type KillSwitchCommandOptions,
} from '@tickline/cli';
import { runRecorded } from '../test-io.test-support.ts';

const OWNER = { id: '0192aaaa-0000-7000-8000-000000000001', email: 'owner@example.test', role: 'user' };
const ADMIN = { id: '0192aaaa-0000-7000-8000-00000000000a', email: 'admin@example.test', role: 'admin' };
const AT = Date.UTC(2026, 0, 1);
const hand = (by: string, reason: string) => ({ by, at: AT, reason });

type Answer = { status?: number; body: unknown };

/** A server answering `routes[`${method} ${path}`]`, recording what was asked. */
function server(routes: Record<string, Answer>) {
  const asked: Array<{ method: string; path: string; body?: unknown; auth: string | null }> = [];
  const fetchFn = (async (url: string, init: RequestInit) => {
    const path = new URL(url).pathname.replace('/api/v1', '');
    const headers = new Headers(init.headers);
    asked.push({
      method: init.method ?? 'GET',
      path,
      auth: headers.get('authorization'),
      ...(init.body === undefined ? {} : { body: JSON.parse(init.body as string) }),
    });
    const answer = routes[`${init.method} ${path}`] ?? {
      status: 404,
      body: { error: { code: 'HTTP_NOT_FOUND', message: `no route ${path}` } },
    };
    return new Response(JSON.stringify(answer.body), {
      status: answer.status ?? 200,
      headers: { 'content-type': 'application/json' },
    });
  }) as unknown as typeof fetch;
  return { asked, fetchFn };
}

function recorder(env: Record<string, string> = { TICKLINE_TOKEN: 'tkl_live_owner' }) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), env };
  return { io, out: () => out, err: () => err };
}

async function run(
  action: KillSwitchAction,
  options: Partial<KillSwitchCommandOptions>,
  fetchFn: typeof fetch,
  env?: Record<string, string>,
) {
  const r = recorder(env);
  const code = await runCommand(r.io, () => killSwitchOverApi(r.io, action, options, fetchFn));
  return { code, stdout: r.out(), stderr: r.err() };
}

const P = `/portfolios/${OWNER.id}`;

describe('kill-switch - usage', () => {
  it('kill-switch usage - contradictions and missing values fail with exit 2 before anything is sent', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['engage', '--reason', 'x', '--by', 'ops'], /--by is for --direct/],
      [['status', '--portfolio', 'p', '--data-dir', '/tmp/x', '--url', 'http://h'], /--url and --direct/],
      [['engage', '--reason', 'x', '--admin'], /--admin needs --portfolio/],
      [['engage', '--reason', '  '], /--reason: say why/],
      [['release', '--reason', 'x'.repeat(201)], /at most 200 characters/],
      [['status', '--direct'], /--portfolio is needed with --direct/],
      [['status', '--portfolio', ' '], /--portfolio: expected a portfolio id/],
      [['release', '--reason', 'x', '--flatten'], /unknown option '--flatten'/],
      [['engage', '--reason', 'x', '--scope', 'everything'], /--scope everything is an admin's/],
      [['engage', '--reason', 'x', '--scope', 'venue'], /--scope venue needs --venue/],
      [
        ['engage', '--reason', 'x', '--scope', 'galaxy'],
        /--scope: expected one of account, venue, everything/,
      ],
      [['engage', '--reason', 'x', '--scope', 'account', '--portfolio', 'p'], /--scope and --portfolio/],
      [['engage', '--reason', 'x', '--venue', 'paper'], /--venue and --user go with --scope/],
    ];
    for (const [args, message] of cases) {
      const run = await runRecorded(['kill-switch', ...args], { TICKLINE_URL: 'http://127.0.0.1:9' });
      expect(run.outcome, args.join(' ')).toBe(ExitCode.Usage);
      expect(run.stderr).toMatch(message);
    }
  });

  it('kill-switch usage - the help says which way to use when', async () => {
    const help = await runRecorded(['kill-switch', 'engage', '--help']);
    expect(help.outcome).toBe(ExitCode.Ok);
    expect(help.stdout).toContain('--admin');
    expect(help.stdout).toContain('Through the API (the default)');
    expect(help.stdout).toContain('Directly on the store (--direct, or --data-dir DIR)');
  });
});

describe('kill-switch - over the API', () => {
  it("kill-switch status - the caller's own portfolio, both hands and the audit", async () => {
    const { asked, fetchFn } = server({
      'GET /me': { body: OWNER },
      'GET /portfolios': {
        body: { portfolios: [{ portfolioId: OWNER.id, cash: 1, equity: 1, dayStartEquity: 1 }] },
      },
      [`GET ${P}/risk`]: {
        body: {
          killSwitch: { engaged: true, user: hand(OWNER.id, 'stop') },
          limits: {},
          defaults: {},
          custom: false,
          audit: [{ action: 'kill_switch.engaged', actor: 'user', by: OWNER.id, at: AT, reason: 'stop' }],
        },
      },
    });
    const { code, stdout } = await run('status', {}, fetchFn);
    expect(code).toBe(ExitCode.Ok);
    expect(asked.map((a) => `${a.method} ${a.path}`)).toEqual([
      'GET /me',
      'GET /portfolios',
      `GET ${P}/risk`,
    ]);
    expect(asked[0]!.auth).toBe('Bearer tkl_live_owner');
    expect(stdout.split('\n')).toEqual([
      `kill switch of ${OWNER.id}: ENGAGED`,
      `  owner: engaged by ${OWNER.id} (you) at 2026-01-01T00:00:00.000Z (stop)`,
      '  admin: off',
      'latest changes:',
      `  2026-01-01T00:00:00.000Z kill_switch.engaged by ${OWNER.id} (you) (user): stop`,
      '',
    ]);
  });

  it("kill-switch engage - the owner's hand, with the reason; JSON says which hand moved", async () => {
    const { asked, fetchFn } = server({
      'GET /me': { body: OWNER },
      [`POST ${P}/kill-switch`]: {
        body: { cancelled: 2, killSwitch: { engaged: true, user: hand(OWNER.id, 'runaway') } },
      },
    });
    const { code, stdout } = await run(
      'engage',
      { portfolio: OWNER.id, reason: ' runaway ', json: true },
      fetchFn,
    );
    expect(code).toBe(ExitCode.Ok);
    expect(asked.at(-1)).toMatchObject({ method: 'POST', body: { reason: 'runaway' } });
    expect(JSON.parse(stdout)).toMatchObject({
      portfolio: OWNER.id,
      action: 'engage',
      hand: 'owner',
      moved: true,
      cancelled: 2,
      engaged: true,
    });
  });

  it("kill-switch release - an owner's release says the admin hand still holds", async () => {
    const { fetchFn } = server({
      'GET /me': { body: OWNER },
      [`POST ${P}/kill-switch/release`]: {
        body: { cancelled: 0, killSwitch: { engaged: true, admin: hand(ADMIN.id, 'abuse') } },
      },
    });
    const { code, stdout } = await run('release', { portfolio: OWNER.id, reason: 'fixed' }, fetchFn);
    expect(code).toBe(ExitCode.Ok);
    expect(stdout).toContain(
      "released the owner's hand; the admin hand still holds (only an admin releases it)",
    );
    expect(stdout).toContain(`kill switch of ${OWNER.id}: ENGAGED`);
  });

  it('kill-switch hands - an admin must say --admin, an owner may not; nothing is sent to the switch', async () => {
    const admin = server({ 'GET /me': { body: ADMIN } });
    const a = await run('engage', { portfolio: OWNER.id, reason: 'x' }, admin.fetchFn);
    expect(a.code).toBe(ExitCode.Usage);
    expect(a.stderr).toContain(
      'admin@example.test is an admin: the server moves the admin hand for them, so say so with --admin',
    );
    expect(admin.asked.map((r) => r.path)).toEqual(['/me']);

    const owner = server({ 'GET /me': { body: OWNER } });
    const o = await run('engage', { portfolio: OWNER.id, reason: 'x', admin: true }, owner.fetchFn);
    expect(o.code).toBe(ExitCode.Usage);
    expect(o.stderr).toContain('--admin: owner@example.test is not an admin');
    expect(owner.asked.map((r) => r.path)).toEqual(['/me']);
  });

  it("kill-switch hands - an admin's key the server takes as an owner's is a failure, said so", async () => {
    const { fetchFn } = server({
      'GET /me': { body: ADMIN },
      [`POST /portfolios/${ADMIN.id}/kill-switch`]: {
        body: { cancelled: 0, killSwitch: { engaged: true, user: hand(ADMIN.id, 'x') } },
      },
    });
    const r = await run('engage', { portfolio: ADMIN.id, reason: 'x', admin: true }, fetchFn);
    expect(r.code).toBe(ExitCode.Failure);
    expect(r.stderr).toContain(
      "the server did not move the admin hand: this credential has no admin power here (an admin's API key needs the admin scope)",
    );
  });

  it("kill-switch errors - a refused credential prints the API's code and message, exit 1", async () => {
    const { asked, fetchFn } = server({
      'GET /me': {
        status: 401,
        body: { error: { code: 'AUTH_TOKEN_MALFORMED', message: 'the access token is malformed' } },
      },
    });
    const r = await run('engage', { reason: 'x' }, fetchFn, {
      TICKLINE_TOKEN: 'nope',
      TICKLINE_URL: 'http://h:1/',
    });
    expect(r.code).toBe(ExitCode.Failure);
    expect(r.stderr).toBe(
      'error: the server at http://h:1 refused the credential (--token or TICKLINE_TOKEN): the access token is malformed [AUTH_TOKEN_MALFORMED]\n',
    );
    expect(asked).toHaveLength(1);
  });

  it('kill-switch errors - a refusal of the change prints its code and message, exit 1', async () => {
    const { fetchFn } = server({
      'GET /me': { body: OWNER },
      [`GET /portfolios/other/risk`]: {
        status: 404,
        body: { error: { code: 'STRATEGY_NOT_FOUND', message: 'no portfolio other' } },
      },
    });
    const r = await run('status', { portfolio: 'other' }, fetchFn);
    expect(r.code).toBe(ExitCode.Failure);
    expect(r.stderr).toBe('error: no portfolio other [STRATEGY_NOT_FOUND]\n');
  });

  it('kill-switch errors - no server: the URL tried and the network error, exit 1', async () => {
    const fetchFn = (async () => {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8080'), { code: 'ECONNREFUSED' }),
      });
    }) as unknown as typeof fetch;
    const r = await run('status', {}, fetchFn);
    expect(r.code).toBe(ExitCode.Failure);
    expect(r.stderr).toContain(
      'error: no server answers at http://127.0.0.1:8080: is `tickline start` running?',
    );
    expect(r.stderr).toContain(': connect ECONNREFUSED 127.0.0.1:8080 [SERVER_API_UNREACHABLE]');
  });

  it('kill-switch errors - no credential is a usage error', async () => {
    const r = await run('status', {}, server({}).fetchFn, {});
    expect(r.code).toBe(ExitCode.Usage);
    expect(r.stderr).toContain('a credential is needed: tickline login, --token or TICKLINE_TOKEN');
  });
});

describe('kill-switch - over many portfolios and its proof', () => {
  const proof = (portfolioId: string, halted: boolean) => ({
    haltId: 'h1',
    portfolioId,
    scope: 'everything',
    actor: 'admin',
    by: ADMIN.id,
    reason: 'outage',
    engagedAt: AT,
    flatten: true,
    builtAt: AT + 5,
    halted,
    ordersAfter: [],
    refusedAfter: 0,
    cancels: [],
    flat: { done: halted, ...(halted ? { flatAt: AT, timeToFlatMs: 0 } : {}), closes: [] },
    problems: halted ? [] : ['position BTC-USDT is not closed yet: its sell of 1 is new'],
  });

  it('engage --scope everything --flatten: one call, each proof printed; exit 1 while one does not hold', async () => {
    const { asked, fetchFn } = server({
      'GET /me': { body: ADMIN },
      'POST /kill-switch': {
        body: {
          haltId: 'h1',
          haltProofUrl: '/api/v1/halts/h1',
          portfolios: [
            { portfolioId: 'pa', cancelled: 2, killSwitch: { engaged: true } },
            { portfolioId: 'pb', cancelled: 0, killSwitch: { engaged: true } },
          ],
          proofs: [proof('pa', true), proof('pb', false)],
        },
      },
    });
    const { code, stdout } = await run(
      'engage',
      { reason: ' outage ', admin: true, scope: 'everything', flatten: true },
      fetchFn,
    );
    expect(asked.map((a) => `${a.method} ${a.path}`)).toEqual(['GET /me', 'POST /kill-switch']);
    expect(asked[1]!.body).toEqual({ scope: 'everything', reason: 'outage', flatten: true });
    expect(stdout).toMatch(
      /^engaged over everything: 2 portfolios, 2 working orders cancelled; 1 proven halted\n/,
    );
    expect(stdout).toContain('halt h1 of pa (everything): HALTED (proof holds)');
    expect(stdout).toContain('halt h1 of pb (everything): NOT PROVEN');
    expect(stdout).toContain('problem: position BTC-USDT is not closed yet');
    expect(code).toBe(ExitCode.Failure);
  });
});
