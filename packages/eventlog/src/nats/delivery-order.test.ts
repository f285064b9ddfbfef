import { describe, expect, it } from 'vitest';
import { DeliveryOrder } from './delivery-order.ts';

function delivery(seq: number, consumerSeq: number) {
  return { seq, consumerSeq };
}

/** A durable with nothing outstanding, `consumerSeq` deliveries numbered. */
function at(consumerSeq: number, ackWaitMs: number, ackPending = 0, streamSeq = consumerSeq) {
  return { consumerSeq, ackWaitMs, ackPending, streamSeq };
}

describe('DeliveryOrder', () => {
  it('delivery order - contiguous deliveries never hold', () => {
    const order = new DeliveryOrder(1_000, () => 0);
    order.resumeAfter(at(0, 1_000));
    for (let i = 1; i <= 5; i++) order.observe(delivery(i, i));
    expect(order.holdRemainingMs()).toBe(0);
    expect(order.gaps).toBe(0);
  });

  it('delivery order - a jump in the consumer sequence holds for two ack waits, then releases in stream order', () => {
    let now = 10_000;
    const order = new DeliveryOrder(3_000, () => now);
    order.resumeAfter(at(0, 3_000));
    // Deliveries 1..3 (stream 1..3) were lost; the new leader sends stream 4.. as deliveries 4..
    const buffer = [delivery(4, 4), delivery(5, 5)];
    for (const d of buffer) order.observe(d);
    expect(order.gaps).toBe(1);
    expect(order.holdRemainingMs()).toBe(6_000);
    now += 3_500;
    // The lost records come back (redelivered as 6..8), and 4 once more as 9.
    const redelivered = [delivery(1, 6), delivery(2, 7), delivery(3, 8), delivery(4, 9)];
    for (const d of redelivered) order.observe(d);
    expect(order.gaps).toBe(1);
    expect(order.holdRemainingMs()).toBe(2_500);
    now += 2_500;
    expect(order.holdRemainingMs()).toBe(0);
    const released = order.release([...buffer, ...redelivered]);
    expect(released.map((d) => d.seq)).toEqual([1, 2, 3, 4, 5]);
    // Stream 4 arrived twice: the latest delivery is the one kept (its ack is the live one).
    expect(released[3]).toEqual(delivery(4, 9));
  });

  it('delivery order - resuming a durable starts from its delivered consumer sequence', () => {
    const order = new DeliveryOrder(1_000, () => 0);
    order.resumeAfter(at(41, 1_000));
    order.observe(delivery(100, 42));
    expect(order.gaps).toBe(0);
    order.observe(delivery(102, 44));
    expect(order.gaps).toBe(1);
    expect(order.holdRemainingMs()).toBe(2_000);
  });

  it('delivery order - the durable ack wait from the server replaces the configured one', () => {
    const order = new DeliveryOrder(30_000, () => 0);
    order.resumeAfter(at(0, 500));
    order.observe(delivery(2, 2));
    expect(order.holdRemainingMs()).toBe(1_000);
  });

  it('delivery order - opened with deliveries outstanding, it holds until they come back, then releases in stream order', () => {
    let now = 0;
    const order = new DeliveryOrder(3_000, () => now);
    // The last holder was sent stream 2004..2022 (deliveries 40..43) and never saw them.
    order.resumeAfter(at(43, 3_000, 4, 2022));
    expect(order.gaps).toBe(1);
    const fresh = [delivery(2028, 44), delivery(2034, 45)];
    for (const d of fresh) order.observe(d);
    expect(order.holdRemainingMs()).toBe(6_000);
    now += 3_100;
    const back = [delivery(2004, 46), delivery(2010, 47), delivery(2016, 48)];
    for (const d of back) order.observe(d);
    expect(order.holdRemainingMs()).toBeGreaterThan(0);
    order.observe(delivery(2022, 49));
    // All four are back: no need to wait out the hold.
    expect(order.holdRemainingMs()).toBe(0);
    const released = order.release([...fresh, ...back, delivery(2022, 49)]);
    expect(released.map((d) => d.seq)).toEqual([2004, 2010, 2016, 2022, 2028, 2034]);
  });

  it('delivery order - an outstanding delivery that never comes back holds only for the hold time', () => {
    let now = 0;
    const order = new DeliveryOrder(1_000, () => now);
    order.resumeAfter(at(10, 1_000, 2, 10));
    order.observe(delivery(9, 11));
    expect(order.holdRemainingMs()).toBe(2_000);
    now += 2_000;
    expect(order.holdRemainingMs()).toBe(0);
  });
});
