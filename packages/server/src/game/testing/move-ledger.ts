/**
 * @module What one bot's moves came to, as the server answered them: the moves a zone accepted
 * are the seqs up to the last one answered, less the rejected ones and less the ones the client
 * forgot. A client forgets its unanswered moves when it resumes (the welcome's `lastSeq` says
 * which reached the zone; later ones never did and are not replayed), then numbers on from where
 * it was — so "last seq answered minus rejects" counted moves that were sent to a process that
 * stopped answering (a stalled or killed game process whose zone moved) as accepted.
 */

/** One player's sent, answered and forgotten move seqs. */
export class MoveLedger {
  /** Highest seq answered (ack or reject). */
  lastSeq = 0;
  /** Highest seq sent. */
  lastSent = 0;
  readonly rejected = new Set<number>();
  /** Seqs sent but never answered, dropped by the client on resume. */
  readonly forgotten = new Set<number>();

  sent(seq: number): void {
    this.lastSent = Math.max(this.lastSent, seq);
  }

  /** An ack: every move up to `seq` was processed. */
  acked(seq: number): void {
    this.lastSeq = Math.max(this.lastSeq, seq);
  }

  rejectedMove(seq: number): void {
    this.rejected.add(seq);
    this.lastSeq = Math.max(this.lastSeq, seq);
  }

  /**
   * The session resumed and the zone had processed this player's moves up to `zoneLastSeq`: the
   * moves sent after that and after the last answer are dropped by the client, never processed.
   */
  resumed(zoneLastSeq: number): void {
    const processed = Math.max(this.lastSeq, zoneLastSeq);
    for (let seq = processed + 1; seq <= this.lastSent; seq++) this.forgotten.add(seq);
    this.lastSeq = processed;
  }

  /** Moves the zone accepted: answered seqs, less rejects and forgotten ones. */
  accepted(): number {
    let dropped = 0;
    for (const seq of this.forgotten) if (seq <= this.lastSeq && !this.rejected.has(seq)) dropped++;
    return this.lastSeq - this.rejected.size - dropped;
  }
}
