import { createEventSource, silentLogger, type ChannelMessage } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { accountDelivery, userChannel } from './account-delivery.ts';
import { openingSnapshot } from '../testing/account-snapshots.ts';

const ADA = '01a20158-8c4b-767c-9f41-34690b545512';
const source = createEventSource({ source: 'test' });
const snapshot = (accountId: string) => openingSnapshot(source, accountId);

describe('accounts - channel delivery', () => {
  it('delivery - account.snapshot.generated goes to user:{subject} as { id, type, data }', async () => {
    const sent: Array<[string, ChannelMessage]> = [];
    const handler = accountDelivery.create({
      publish: (channel, message) => void sent.push([channel, message]),
      subscriberCount: () => 1,
    });
    const event = snapshot(ADA);
    await handler.deliver([event], silentLogger);
    expect(accountDelivery.eventTypes).toEqual(['account.snapshot.generated']);
    expect(sent).toEqual([[userChannel(ADA), { id: event.id, type: event.type, data: event.data }]]);
    expect(userChannel(ADA)).toBe(`user:${ADA}`);
  });
});
