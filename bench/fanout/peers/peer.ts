/** @module A server under test: where it listens, how to broadcast one event, how to stop. */
import type { BenchEvent } from '../payload.ts';

export interface Peer {
  port: number;
  /** A cookie every client must send (Tickline's stream ticket). */
  cookie?: string;
  broadcast(event: BenchEvent): void;
  close(): Promise<void>;
}
