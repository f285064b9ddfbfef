/**
 * @module Colyseus players: `@colyseus/sdk` clients joining the room of their zone and moving with
 * the shared walker. Observers (one player in OBSERVER_EVERY) decode every patch and time each
 * accepted move until their own player's `seq` shows it; the others drop patches undecoded, as
 * Tickline's headless clients drop deltas, so the load generator is not the first thing to give.
 */
import { Client, type Room } from '@colyseus/sdk';
import { RULES, Walker } from './rules.ts';
import type { LoadClient, Recorder } from './recorder.ts';

interface PlayerView {
  x: number;
  y: number;
  seq: number;
}
interface ZoneView {
  players: { get(id: string): PlayerView | undefined };
}

const wallTick = () => Math.floor(Date.now() / RULES.tickMs);
/** One player in this many decodes the state and measures latency. */
export const OBSERVER_EVERY = 20;
let joined = 0;

/**
 * Joins one player to `zone` (a room of up to `zoneSize` players) and resolves once its first
 * state arrived. `maxClients` must be the phase's zone size: with fewer, `joinOrCreate` opens
 * another room for the same zone once one is full, and "one room of 1,000" becomes ten of 100.
 */
export async function joinColyseus(
  port: number,
  zone: string,
  recorder: Recorder,
  random: () => number,
  zoneSize: number = RULES.zoneSize,
): Promise<LoadClient> {
  const sdk = new Client(`http://127.0.0.1:${port}`);
  const room: Room<unknown, ZoneView> = await sdk.joinOrCreate<ZoneView>('zone', {
    zone,
    maxClients: zoneSize,
  });
  const sentAt = new Map<number, number>();
  let seq = 0;
  let seen = 0;
  let walker: Walker | undefined;
  let lastTick = wallTick();
  const observer = joined++ % OBSERVER_EVERY === 0;
  const first = new Promise<void>((resolve) => {
    room.onStateChange((state) => {
      const me = state.players.get(room.sessionId);
      if (!me) return;
      if (!walker) {
        walker = new Walker(random, me.x, me.y);
        // The first state is decoded (it holds the spawn point); later patches only by observers.
        if (!observer) room.serializer.patch = () => {};
        resolve();
      }
      if (me.seq > seen) {
        const now = performance.now();
        const at = sentAt.get(me.seq);
        if (at !== undefined) recorder.latency(now - at);
        for (const s of sentAt.keys()) {
          if (s > me.seq) break;
          sentAt.delete(s);
          if (recorder.recording) recorder.acks++;
        }
        seen = me.seq;
      }
    });
  });
  await first;
  return {
    move(hack) {
      const tick = wallTick();
      const target = hack ? walker!.hack() : walker!.step(tick - lastTick);
      seq++;
      room.send('move', [seq, tick, target.x, target.y]);
      if (!hack) {
        walker!.x = target.x;
        walker!.y = target.y;
        lastTick = tick;
        sentAt.set(seq, performance.now());
      }
      if (recorder.recording) {
        recorder.sent++;
        if (hack) recorder.hacks++;
      }
    },
    async close() {
      await room.leave(true).catch(() => {});
    },
  };
}
