import { describe, expect, it } from 'vitest';
import { MoveLedger } from './move-ledger.ts';

function sendAll(ledger: MoveLedger, from: number, to: number): void {
  for (let seq = from; seq <= to; seq++) ledger.sent(seq);
}

describe('MoveLedger', () => {
  it('counts acked moves less rejects', () => {
    const ledger = new MoveLedger();
    sendAll(ledger, 1, 5);
    ledger.acked(3);
    ledger.rejectedMove(4);
    ledger.acked(5);
    expect(ledger.accepted()).toBe(4);
  });

  it('a resume drops the moves the zone never processed: they are not accepted', () => {
    // Moves 4…8 went to a process that stopped answering; its zone resumed elsewhere at lastSeq 3
    // and the client numbers on from 9 (what the chaos run's stall of a game process does).
    const ledger = new MoveLedger();
    sendAll(ledger, 1, 8);
    ledger.acked(3);
    ledger.resumed(3);
    sendAll(ledger, 9, 10);
    ledger.acked(10);
    expect(ledger.accepted()).toBe(5);
  });

  it('moves the zone processed before the resume count even when their ack was lost', () => {
    const ledger = new MoveLedger();
    sendAll(ledger, 1, 6);
    ledger.acked(2);
    ledger.resumed(5);
    ledger.sent(7);
    ledger.acked(7);
    expect(ledger.accepted()).toBe(6);
  });
});
