/**
 * @module The one contract every `NotificationChannel` adapter passes, run against each adapter
 * with its real receiver (SQL inbox, SMTP server, webhook receiver, Twilio mock, push service).
 * A factory builds the adapter and a target, and says how to read what the receiver got.
 */
import { uuidv7 } from '@tickline/kernel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotificationKind, Severity } from '../../kinds.ts';
import type { ChannelDelivery, NotificationChannel, OutgoingNotification } from '../channel.ts';

/** What the receiver got, reduced to what every channel carries. */
export interface ReceivedMessage {
  /** The notification id as carried (header, Message-ID, payload, SMS suffix). */
  id: string;
  /** Title and body text as the receiver sees them (may be a prefix for SMS). */
  text: string;
}

export interface ChannelSubject {
  channel: NotificationChannel;
  target: string;
  userId: string;
  received(): Promise<ReceivedMessage[]>;
  /** Makes the target gone (410 / deleted); omit when the channel has no such state. */
  makeGone?(): Promise<void>;
  /** Makes the receiver fail temporarily; omit when it cannot. */
  makeFailing?(): Promise<void>;
  close(): Promise<void>;
}

export interface ContractOptions {
  /** How the channel carries ids: 'full' (the whole id) or 'prefix' (SMS: the first 8 characters). */
  ids?: 'full' | 'prefix';
}

export function runChannelContract(
  name: string,
  factory: () => Promise<ChannelSubject>,
  options: ContractOptions = {},
): void {
  const matches = (received: ReceivedMessage, id: string) =>
    options.ids === 'prefix' ? id.startsWith(received.id) : received.id === id;

  describe(`channel contract - ${name}`, () => {
    let s: ChannelSubject;
    beforeEach(async () => {
      s = await factory();
    });
    afterEach(async () => {
      await s.close();
    });

    const notification = (over: Partial<OutgoingNotification> = {}): OutgoingNotification => ({
      id: uuidv7(),
      userId: s.userId,
      kind: NotificationKind.BacktestCompleted,
      severity: Severity.Urgent,
      title: 'Backtest completed',
      body: 'The backtest of Momentum finished with a return of 12.34 %.',
      data: { backtestId: 'b-1', url: '/backtests/b-1' },
      createdAt: new Date().toISOString(),
      locale: 'en',
      ...over,
    });
    const delivery = (n: OutgoingNotification, attempt = 1): ChannelDelivery => ({
      deliveryId: uuidv7(),
      notification: n,
      target: s.target,
      attempt,
    });
    const waitFor = async (count: number): Promise<ReceivedMessage[]> => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const got = await s.received();
        if (got.length >= count || Date.now() > deadline) return got;
        await new Promise((r) => setTimeout(r, 50));
      }
    };

    it(`${name} - delivers one notification carrying its id and text`, async () => {
      const n = notification();
      expect(await s.channel.send(delivery(n))).toMatchObject({ outcome: 'delivered' });
      const got = await waitFor(1);
      expect(got).toHaveLength(1);
      expect(matches(got[0]!, n.id)).toBe(true);
      expect(got[0]!.text).toContain('Backtest completed');
    });

    it(`${name} - a repeated send carries the same id, so the receiver can drop it`, async () => {
      const n = notification();
      await s.channel.send(delivery(n, 1));
      await s.channel.send(delivery(n, 2));
      const got = await waitFor(2);
      expect(got.length).toBeGreaterThanOrEqual(1);
      expect(got.every((m) => matches(m, n.id))).toBe(true);
    });

    it(`${name} - non-ASCII text arrives intact`, async () => {
      const n = notification({ title: '백테스트 완료 — Übersicht ✓', body: '수익률 12.34 %' });
      expect(await s.channel.send(delivery(n))).toMatchObject({ outcome: 'delivered' });
      const got = await waitFor(1);
      expect(got[0]!.text).toContain('백테스트 완료');
    });

    it(`${name} - a gone target answers gone`, async (context) => {
      if (!s.makeGone) return context.skip('the channel has no gone state');
      await s.makeGone();
      expect(await s.channel.send(delivery(notification()))).toMatchObject({ outcome: 'gone' });
    });

    it(`${name} - a failing receiver answers retry, and never throws`, async (context) => {
      if (!s.makeFailing) return context.skip('the receiver cannot fail on demand');
      await s.makeFailing();
      expect(await s.channel.send(delivery(notification()))).toMatchObject({ outcome: 'retry' });
    });
  });
}
