/**
 * @module Tickline players: the SDK's GameClient over WebSocket, moving with the shared walker,
 * headless (`trackOthers: false`: deltas dropped undecoded). Latency is the client's own move →
 * ack measurement, on every player (the ack carries the authoritative state).
 */
import { createJoinTokens, type JoinTokens } from '@tickline/game';
import { GameClient } from '@tickline/client/game';
import type { LoadClient, Recorder } from './recorder.ts';
import { Walker } from './rules.ts';

/** `@colyseus/ws-transport`'s default `pingInterval`. */
const COLYSEUS_PING_INTERVAL_MS = 3000;

let tokens: JoinTokens | undefined;
let nextPlayer = 0;

/** Signs a join token for a new player of `zone` with the secret the server child was given. */
function issue(secret: string | Uint8Array, zone: string): string {
  tokens ??= createJoinTokens({ secret, ttlMs: 120_000 });
  return tokens.issue(`bench-${nextPlayer++}`, zone).token;
}

export async function joinTickline(
  wsUrl: string,
  secret: string | Uint8Array,
  zone: string,
  recorder: Recorder,
  random: () => number,
): Promise<LoadClient> {
  // Colyseus's transport pings each client every 3 s (`pingInterval`); Tickline's client pings for
  // its RTT on the same period here, so both servers answer the same keep-alive traffic.
  const game = new GameClient({
    url: wsUrl,
    token: issue(secret, zone),
    trackOthers: false,
    pingIntervalMs: COLYSEUS_PING_INTERVAL_MS,
  });
  const hacks = new Set<number>();
  game.on('ack', (a) => {
    if (!recorder.recording) return;
    recorder.acks++;
    if (a.latencyMs !== undefined) recorder.latency(a.latencyMs);
  });
  game.on('reject', (r) => {
    if (!recorder.recording) return;
    recorder.rejects++;
    if (!hacks.delete(r.seq)) recorder.honestRejects++;
  });
  game.on('closed', () => void recorder.closed++);
  const welcome = await game.connect();
  const walker = new Walker(random, welcome.x, welcome.y);
  return {
    move(hack) {
      const ticks = game.serverTick - game.lastMoveTick;
      if (hack) {
        const target = walker.hack();
        const seq = game.moveTo(target.x, target.y, { predict: false });
        if (seq !== undefined) hacks.add(seq);
      } else {
        // The walker follows the prediction, which reconciliation keeps on the server's track.
        walker.x = game.position.x;
        walker.y = game.position.y;
        const target = walker.step(Math.max(0, ticks));
        game.moveTo(target.x, target.y);
      }
      if (recorder.recording) {
        recorder.sent++;
        if (hack) recorder.hacks++;
      }
    },
    close() {
      game.close();
      return Promise.resolve();
    },
  };
}
