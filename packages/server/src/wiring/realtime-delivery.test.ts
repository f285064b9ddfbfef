import { AccountCreated } from '@tickline/identity';
import { createEventSource, silentLogger } from '@tickline/kernel';
import { createHub, type HubMessage } from '@tickline/realtime';
import { describe, expect, it } from 'vitest';
import { AccountSnapshotGenerated } from '../accounts/account-events.ts';
import { createRealtimeDeliveryHandler, userChannel } from './realtime-delivery.ts';

const ADA = '01a20158-8c4b-767c-9f41-34690b545512';
const source = createEventSource({ source: 'test' });
const snapshot = (accountId: string) =>
  source.create(AccountSnapshotGenerated, {
    subject: accountId,
    data: {
      accountId,
      tier: 'free',
      currency: 'USD',
      cash: '10000.00',
      positions: [],
      generatedAt: new Date().toISOString(),
    },
  });
const context = { logger: silentLogger, offsets: [1], lastOffset: 1 };

describe('realtime delivery', () => {
  it('delivery - a user-facing event goes to user:{subject} as { id, type, data }, other events nowhere', async () => {
    const hub = createHub();
    const got: HubMessage[] = [];
    hub.subscribe([userChannel(ADA)], { deliver: (message) => void got.push(message) });
    const seen: string[] = [];
    hub.onPublish((channel) => seen.push(channel));
    const event = snapshot(ADA);
    const created = source.create(AccountCreated, {
      subject: ADA,
      data: { userId: ADA, email: 'ada@example.com', role: 'user', tier: 'free', method: 'password' },
    });
    await createRealtimeDeliveryHandler(() => hub)([created, event], context);
    expect(seen).toEqual([`user:${ADA}`]);
    expect(got.map((m) => [m.channel, m.id, m.type])).toEqual([[`user:${ADA}`, event.id, event.type]]);
    expect(JSON.parse(got[0]!.sse.toString().split('data: ')[1]!)).toMatchObject({ data: event.data });
    hub.close();
  });

  it('delivery - a redelivered event is not sent twice; a subject that is no channel name is skipped', async () => {
    const hub = createHub();
    const got: HubMessage[] = [];
    hub.subscribe([userChannel(ADA)], { deliver: (message) => void got.push(message) });
    const handle = createRealtimeDeliveryHandler(() => hub);
    const event = snapshot(ADA);
    await handle([event], context);
    await handle([event], context);
    await handle([{ ...snapshot(ADA), subject: 'not a channel\n' }], context);
    expect(got).toHaveLength(1);
    hub.close();
  });
});
