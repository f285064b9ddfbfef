/**
 * @module WebSocket close codes for game close reasons: 1000 for a normal end, else 4000 + the
 * reason's HTTP status (4401 token, 4408 idle, 4413 too large, 4429 flood, 4503 draining …), so a
 * browser that only sees the close event still knows the class of the reason; the close reason
 * string carries the exact `GAME_*` code.
 */
import {
  GameCloseCode as CloseCode,
  GameProtocolErrorCodes,
  GameSessionErrorCodes,
} from '@tickline/protocol';
import { GameErrorCodes } from '../zone/errors.ts';

const STATUS = new Map<string, number>(
  [GameSessionErrorCodes, GameProtocolErrorCodes, GameErrorCodes].flatMap((table) =>
    Object.entries(table).map(([code, d]) => [code, d.httpStatus] as const),
  ),
);

/** The WebSocket close code for a game close reason. */
export function wsCloseCode(code: string): number {
  if (code === CloseCode.Ended) return 1000;
  const status = STATUS.get(code);
  return status === undefined ? 4000 : 4000 + status;
}
