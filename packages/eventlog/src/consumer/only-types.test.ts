import type { EventEnvelope } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { onlyTypes } from './only-types.ts';

const event = (id: string, type: string) => ({ id, type }) as EventEnvelope;
const context = { logger: undefined as never, offsets: [1, 2, 3], lastOffset: 3 };

describe('onlyTypes', () => {
  it('filter - the handler sees only its types, and is not called for a batch without them', async () => {
    const calls: string[][] = [];
    const handle = onlyTypes(['account.created'], async (events) => void calls.push(events.map((e) => e.id)));
    await handle(
      [event('a', 'market.trade'), event('b', 'account.created'), event('c', 'market.trade')],
      context,
    );
    await handle([event('d', 'market.trade')], context);
    expect(calls).toEqual([['b']]);
  });
});
