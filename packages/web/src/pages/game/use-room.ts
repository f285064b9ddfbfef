/**
 * @module One browser player in a rules room: a ticket over HTTP (find a match by game type,
 * create a private room, or join one by its code), then the SDK's `RoomClient` over WebSocket.
 * Keeps what the page shows: the room's state (predicted when a `predict` hook is given), the
 * player's id, a private room's code, and the last refusal.
 */
import {
  createRoom,
  RoomClient,
  roomTicket,
  type RoomPredictor,
  type RoomStateView,
} from '@tickline/client/game';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useSession } from '../../app/session.tsx';

export interface RoomPageView {
  state: 'idle' | 'joining' | 'connected' | 'closed';
  playerId?: string;
  roomId?: string;
  code?: string;
  room?: RoomStateView;
  rejection?: string;
  error?: string;
}

export type RoomJoinChoice = { kind: 'match' } | { kind: 'create' } | { kind: 'code'; code: string };

export function useRoom(game: string, predict?: RoomPredictor) {
  const { client: api } = useSession();
  const [view, setView] = useState<RoomPageView>({ state: 'idle' });
  const roomRef = useRef<RoomClient>(undefined);

  const leave = useCallback(() => {
    roomRef.current?.leave();
    roomRef.current = undefined;
    setView({ state: 'idle' });
  }, []);

  const join = useCallback(
    (choice: RoomJoinChoice) => {
      roomRef.current?.close();
      setView({ state: 'joining' });
      void (async () => {
        try {
          let code: string | undefined;
          let ticket;
          if (choice.kind === 'create') {
            const created = await createRoom(api, game, { private: true });
            code = created.code ?? undefined;
            ticket = created;
          } else if (choice.kind === 'code') {
            code = choice.code.trim().toUpperCase();
            ticket = await roomTicket(api, { code });
          } else ticket = await roomTicket(api, { game });
          if (!ticket.ws) throw new Error('rooms are not served over WebSocket here');
          const room = new RoomClient({
            url: ticket.ws,
            token: ticket.token,
            join: code !== undefined ? { code } : { game },
            ...(predict && { predict }),
            // Matched by game: still queued when its game process goes, the player queues again.
            requeue: async () => {
              const next = await roomTicket(api, { game });
              if (!next.ws) throw new Error('rooms are not served over WebSocket here');
              return { url: next.ws, token: next.token };
            },
          });
          roomRef.current = room;
          const update = (patch: Partial<RoomPageView>) => setView((current) => ({ ...current, ...patch }));
          update(code !== undefined ? { code } : {});
          room.on('change', (state) => update({ room: { room: { ...state.room }, entities: new Map(state.entities) } }));
          // A frame acks a refused command's seq too: only a later command's ack clears the refusal.
          let refusedSeq = -1;
          room.on('reject', ({ seq, reason }) => {
            refusedSeq = Math.max(refusedSeq, seq);
            update({ rejection: reason });
          });
          room.on('ack', ({ seq }) => {
            if (seq > refusedSeq) update({ rejection: undefined });
          });
          room.on('closed', ({ code: closeCode, message }) =>
            update({ state: 'closed', error: `${closeCode}: ${message}` }),
          );
          const welcome = await room.connect();
          update({ state: 'connected', playerId: welcome.playerId, roomId: welcome.roomId });
        } catch (error) {
          setView((current) => ({ ...current, state: 'closed', error: (error as Error).message }));
        }
      })();
    },
    [api, game, predict],
  );

  useEffect(() => () => roomRef.current?.close(), []);

  const send = useCallback((command: { type: string } & Record<string, unknown>) => {
    roomRef.current?.send(command);
  }, []);

  return { view, join, leave, send };
}
