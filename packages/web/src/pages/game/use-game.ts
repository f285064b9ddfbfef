/**
 * @module One browser player: join through the coordinator, connect the SDK's `GameClient` over
 * WebSocket (prediction, reconciliation and interpolation live there), and keep what the page
 * shows — state, RTT, the last ack's latency and correction, and recent rejections.
 */
import { GameClient, joinGame, type GameClientState, type RejectEvent } from '@tickline/client/game';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useSession } from '../../app/session.tsx';

/** Rejections kept on screen. */
const MAX_REJECTIONS = 5;

export interface GameView {
  state: GameClientState | 'idle';
  error?: unknown;
  zone?: string;
  rttMs?: number;
  ackLatencyMs?: number;
  lastCorrection?: number;
  rejections: RejectEvent[];
  notices: string[];
}

export function useGame(): {
  client: GameClient | undefined;
  view: GameView;
  join: (zone?: string) => void;
  leave: () => void;
} {
  const { client: api } = useSession();
  const [game, setGame] = useState<GameClient>();
  const [view, setView] = useState<GameView>({ state: 'idle', rejections: [], notices: [] });
  const gameRef = useRef<GameClient>(undefined);

  const leave = useCallback(() => {
    gameRef.current?.close();
    gameRef.current = undefined;
    setGame(undefined);
    setView({ state: 'idle', rejections: [], notices: [] });
  }, []);

  const join = useCallback(
    (zone?: string) => {
      leave();
      setView({ state: 'connecting', rejections: [], notices: [] });
      void (async () => {
        try {
          const ticket = await joinGame(api, zone ? { zone } : {});
          if (!ticket.ws) throw new Error(`zone ${ticket.zone} is not served over WebSocket`);
          const next = new GameClient({ url: ticket.ws, token: ticket.token });
          gameRef.current = next;
          const update = (patch: Partial<GameView>) => setView((current) => ({ ...current, ...patch }));
          next.on('state', ({ state }) => update({ state }));
          next.on('rtt', (rttMs) => update({ rttMs }));
          next.on('ack', (ack) => update({ ackLatencyMs: ack.latencyMs, lastCorrection: ack.correction }));
          next.on('reject', (reject) =>
            setView((current) => ({
              ...current,
              rejections: [reject, ...current.rejections].slice(0, MAX_REJECTIONS),
            })),
          );
          next.on('notice', ({ text }) =>
            setView((current) => ({
              ...current,
              notices: [text, ...current.notices].slice(0, MAX_REJECTIONS),
            })),
          );
          next.on('closed', ({ code, message }) =>
            update({ state: 'closed', error: new Error(`${code}: ${message}`) }),
          );
          update({ zone: ticket.zone });
          setGame(next);
          await next.connect();
        } catch (error) {
          setView((current) => ({ ...current, state: 'closed', error }));
        }
      })();
    },
    [api, leave],
  );

  useEffect(() => () => gameRef.current?.close(), []);
  return { client: game, view, join, leave };
}
