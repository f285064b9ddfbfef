/**
 * Notify end to end in one process: domain events on the log → matcher → enqueue → dispatcher →
 * real receivers (SQL inbox, SMTP server, webhook receiver verifying with standardwebhooks).
 */
import { uuidv7 } from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import { providedPostgres } from '@tickline/testing';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { listInbox } from '../channels/in-app/inbox-sql.ts';
import { eventually, openNotifySql } from '../testing/notify-sql.ts';
import { startNotifyHarness, type NotifyHarness } from '../testing/notify-harness.ts';
import { startSmtpReceiver, type SmtpReceiver } from '../testing/smtp-receiver.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver.ts';

const postgres = providedPostgres(inject);
const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

describe.skipIf(!postgres.url)(`notify pipeline ${postgres.skipReason ?? ''}`, () => {
  let sql: Sql;
  let smtp: SmtpReceiver;
  let receiver: WebhookReceiver;
  let h: NotifyHarness;

  beforeAll(async () => {
    sql = await openNotifySql(postgres, 'notify_pipeline');
    smtp = await startSmtpReceiver();
    receiver = await startWebhookReceiver();
    h = await startNotifyHarness({
      sql,
      config: { email: { host: '127.0.0.1', port: smtp.port, from: 'Tickline <n@tickline.test>' } },
    });
  });
  afterEach(() => receiver.respond(204));
  afterAll(async () => {
    await h?.stop();
    await receiver?.stop();
    await smtp?.stop();
    await sql?.close();
  });

  /** An account as identity announces it; its address proven unless `emailVerified` is false. */
  async function signUp(tier: string, emailVerified = true): Promise<string> {
    const userId = uuidv7();
    h.emit('account.created', userId, {
      userId,
      email: `${userId.slice(-6)}@example.com`,
      role: 'user',
      tier,
      method: 'password',
      emailVerified,
    });
    await eventually(
      async () =>
        (
          await sql.query('select 1 from notify_preferences where user_id = $1 and email is not null', [
            userId,
          ])
        ).rowCount,
      30_000,
      'account recorded',
    );
    return userId;
  }
  async function endpoint(userId: string, path: string): Promise<string> {
    const created = await h.host.api.createEndpoint({ userId }, { url: receiver.url(path) });
    receiver.setSecret(path, [created.secret]);
    return created.endpoint.id;
  }
  const inbox = async (userId: string) => (await listInbox(sql, userId, { limit: 100 })).items;
  const heldCount = async (userId: string) =>
    (await sql.query(`select 1 from notify_deliveries where user_id = $1 and status = 'held'`, [userId]))
      .rowCount;
  const nonEmpty = async <T>(p: Promise<T[]>) => ((await p).length > 0 ? p : undefined);

  it('pipeline - a backtest reaches the inbox, the mailbox and the webhook with one id, each once', async () => {
    const userId = await signUp('enterprise');
    await endpoint(userId, '/e2e');
    const source = h.emit('backtest.completed', userId, {
      userId,
      backtestId: 'bt-1',
      strategyName: 'Momentum',
      totalReturn: 0.05,
    });
    const [item] = await eventually(() => nonEmpty(inbox(userId)), 30_000, 'inbox item');
    const ids = await eventually(
      () => (receiver.ids('/e2e').length ? receiver.ids('/e2e') : undefined),
      30_000,
      'webhook',
    );
    const mail = await eventually(
      () => smtp.received.find((m) => m.envelopeTo.includes(`${userId.slice(-6)}@example.com`)),
      30_000,
      'email',
    );
    expect(item!.title).toBe('Backtest completed');
    expect(ids).toEqual([item!.id]);
    expect(mail.mail.headers.get('x-notification-id')).toBe(item!.id);
    expect(mail.mail.html).toContain('Backtest completed');
    const requested = (await h.published('notification.requested')).filter(
      (e) => e.causationid === source.id,
    );
    expect(requested.map((e) => e.id)).toEqual([item!.id]);
    await eventually(
      async () =>
        (await h.published('notification.delivered')).filter(
          (e) => (e.data as { notificationId: string }).notificationId === item!.id,
        ).length >= 3,
      30_000,
      'delivered events',
    );
    const live = (await h.published('notification.inbox.added')).filter((e) => e.subject === userId);
    expect(live.map((e) => (e.data as { id: string }).id)).toEqual([item!.id]);
    // Nothing failed: after a quiet moment still exactly one request per channel.
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.received.filter((r) => r.path === '/e2e')).toHaveLength(1);
    expect(smtp.received.filter((m) => m.mail.headers.get('x-notification-id') === item!.id)).toHaveLength(1);
  });

  /**
   * Emits a backtest for `userId` and resolves once its in-app delivery is recorded and a moment
   * more has passed, with the channels its notification was delivered on.
   */
  async function channelsOfNext(userId: string, backtestId: string): Promise<string[]> {
    const source = h.emit('backtest.completed', userId, { userId, backtestId });
    const delivered = async () =>
      (await h.published('notification.delivered'))
        .map((e) => e.data as { notificationId: string; channel: string; userId: string })
        .filter((d) => d.userId === userId);
    const request = await eventually(
      async () => (await h.published('notification.requested')).find((e) => e.causationid === source.id),
      30_000,
      'the request',
    );
    await eventually(
      async () =>
        (await delivered()).some((d) => d.notificationId === request.id && d.channel === 'in_app') ||
        undefined,
      30_000,
      'the inbox delivery',
    );
    // Every delivery of one notification is planned at once: a mail would be on its way by now.
    await new Promise((r) => setTimeout(r, 1_000));
    const rows = await sql.query<{ channel: string }>(
      'select channel from notify_deliveries where notification_id = $1 order by channel',
      [request.id],
    );
    return rows.rows.map((r) => r.channel);
  }

  it('pipeline - the account address is mailed only once identity verified it (account.email.verified)', async () => {
    const userId = await signUp('premium', false);
    const address = `${userId.slice(-6)}@example.com`;
    expect(await channelsOfNext(userId, 'unproven')).toEqual(['in_app']);
    expect(smtp.received.some((m) => m.envelopeTo.includes(address))).toBe(false);
    expect((await h.host.api.rules({ userId })).settings).toMatchObject({
      email: address,
      emailVerified: false,
    });

    h.emit('account.email.verified', userId, { userId, email: address });
    expect(await channelsOfNext(userId, 'proven')).toEqual(['email', 'in_app']);
    await eventually(() => smtp.received.find((m) => m.envelopeTo.includes(address)), 30_000, 'the mail');
    expect((await h.host.api.rules({ userId })).settings).toMatchObject({
      email: address,
      emailVerified: true,
    });
  });

  it('pipeline - deliveries follow account.tier.changed: an upgrade adds the tier’s channels, a downgrade takes them away', async () => {
    const userId = await signUp('free');
    // free's default is the inbox only; premium's adds email and push (push is not configured here).
    expect(await channelsOfNext(userId, 'as-free')).toEqual(['in_app']);
    h.emit('account.tier.changed', userId, { userId, tier: 'premium', previousTier: 'free' });
    expect(await channelsOfNext(userId, 'as-premium')).toEqual(['email', 'in_app']);
    h.emit('account.tier.changed', userId, { userId, tier: 'free', previousTier: 'premium' });
    expect(await channelsOfNext(userId, 'as-free-again')).toEqual(['in_app']);
  });

  it('pipeline - a live strategy paused by a failure reaches its owner’s inbox by the default rule; a pause the owner asked for does not', async () => {
    const userId = await signUp('free');
    const strategyId = uuidv7();
    const paused = (code: string, reason: string) =>
      h.emit('strategy.live.paused', strategyId, {
        strategyId,
        userId,
        portfolioId: userId,
        code,
        reason,
        at: 1_000,
      });
    paused('user', 'paused by the owner');
    paused('STRATEGY_RUNTIME_ERROR', 'broken on purpose');
    const [item] = await eventually(() => nonEmpty(inbox(userId)), 30_000, 'inbox item');
    expect(item).toMatchObject({ kind: 'strategy.paused', title: 'Strategy paused' });
    expect(item!.body).toContain('broken on purpose');
    expect(item!.data).toMatchObject({ strategyId, code: 'STRATEGY_RUNTIME_ERROR' });
    // The owner's own pause was matched by nothing: still one item after a quiet moment.
    await new Promise((r) => setTimeout(r, 500));
    expect(await inbox(userId)).toHaveLength(1);
  });

  // Before the tests that move the clock by hours: the receiver's verifier rejects timestamps
  // more than 5 minutes away from its own (real) clock.
  it('pipeline - failures are retried on the schedule and logged; 410 disables and tells the user', async () => {
    const userId = await signUp('enterprise');
    const id = await endpoint(userId, '/flaky');
    let hits = 0;
    receiver.respond((hit) => (hit.path === '/flaky' && ++hits <= 2 ? 500 : 204));
    h.emit('backtest.completed', userId, { userId, backtestId: 'f-1' });
    // Retries are due on the manual clock: move it along while waiting.
    const ids = await eventually(
      () => {
        h.clock.advance(1_000);
        h.host.dispatcher.wake();
        return receiver.ids('/flaky').length ? receiver.ids('/flaky') : undefined;
      },
      30_000,
      'delivery after retries',
    );
    expect(ids).toHaveLength(1);
    // The receiver records before it answers: wait for the dispatcher to log the success.
    const attempts = await eventually(
      async () => {
        const list = await h.host.api.attempts({ userId }, id, { limit: 10 });
        return list.length === 3 ? list : undefined;
      },
      30_000,
      'three attempts',
    );
    expect(attempts.map((a) => [a.ok, a.statusCode])).toEqual([
      [true, 204],
      [false, 500],
      [false, 500],
    ]);
    expect(attempts.every((a) => a.notificationId === ids[0])).toBe(true);

    // Resend one: the receiver sees the same id again (and can drop it).
    await h.host.api.resend({ userId }, id, ids[0]!);
    await eventually(
      () => receiver.received.filter((r) => r.path === '/flaky' && r.id === ids[0]).length === 2,
      30_000,
      'resend',
    );

    receiver.respond((hit) => (hit.path === '/flaky' ? 410 : 204));
    h.emit('backtest.completed', userId, { userId, backtestId: 'f-2' });
    await eventually(
      async () => (await h.host.api.getEndpoint({ userId }, id)).disabledAt,
      30_000,
      'endpoint disabled',
    );
    const notice = await eventually(
      async () => (await inbox(userId)).find((i) => i.kind === 'webhook.disabled'),
      30_000,
      'user told',
    );
    expect(notice.body).toContain('410');
    await eventually(
      async () =>
        (await h.published('notification.failed')).some((e) => (e.data as { target: string }).target === id),
      30_000,
      'failed event',
    );
  });

  it('pipeline - quiet hours hold notifications and send one digest when they end; security goes through', async () => {
    const userId = await signUp('free');
    const now = h.clock.now();
    await h.host.api.updateSettings(
      { userId },
      { timeZone: 'UTC', quietHours: { start: hhmm(now - 3_600_000), end: hhmm(now + 3_600_000) } },
    );
    for (let i = 0; i < 3; i++) h.emit('backtest.completed', userId, { userId, backtestId: `q-${i}` });
    h.emit('identity.security.password_changed', userId, { userId });
    const [security] = await eventually(() => nonEmpty(inbox(userId)), 30_000, 'security notice');
    expect(security!.kind).toBe('security');
    await eventually(async () => (await heldCount(userId)) === 3, 30_000, 'three held');
    expect(await inbox(userId)).toHaveLength(1);
    h.clock.advance(2 * 3_600_000);
    h.host.dispatcher.wake();
    const items = await eventually(
      async () => ((await inbox(userId)).length === 2 ? inbox(userId) : undefined),
      30_000,
      'digest',
    );
    const digest = items.find((i) => i.kind === 'digest')!;
    expect(digest.title).toBe('3 notifications');
    expect((digest.data.items as unknown[]).length).toBe(3);
  });

  it('pipeline - over the rate limit the overflow becomes one digest at the next hour', async () => {
    const userId = await signUp('free');
    await h.host.api.updateSettings({ userId }, { rateLimitPerHour: 2 });
    for (let i = 0; i < 5; i++) h.emit('backtest.completed', userId, { userId, backtestId: `r-${i}` });
    await eventually(async () => (await inbox(userId)).length === 2, 30_000, 'two within the limit');
    await eventually(async () => (await heldCount(userId)) === 3, 30_000, 'three held');
    h.clock.advance(3_600_000);
    h.host.dispatcher.wake();
    const items = await eventually(
      async () => ((await inbox(userId)).length === 3 ? inbox(userId) : undefined),
      30_000,
      'digest',
    );
    expect(items.filter((i) => i.kind === 'digest').map((i) => (i.data.items as unknown[]).length)).toEqual([
      3,
    ]);
  });
});
