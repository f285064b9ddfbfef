/** @module Test fixtures for the rules API: a tiny counter game with switchable misbehaviour, and a logger that records. */
import { defineEvent, type Logger } from '@tickline/kernel';
import { z } from 'zod';
import { field } from './fields.ts';
import { accept, defineGame, reject } from './types.ts';

export const Counted = defineEvent({
  type: 'game.counter.counted',
  description: 'test: a counter was added to',
  schema: z.object({ by: z.number().int() }),
});

/**
 * A room counter each player adds to. `add { by }` with `by` 0 is refused (`CT_ZERO`); the other
 * commands misbehave on purpose: `boom` changes the state then throws, `bad` leaves an invalid
 * value, `odd` rejects with an undeclared reason, `slow` asks the test's timer to jump.
 */
export function counterGame(hooks: { onSlow?: () => void } = {}) {
  return defineGame({
    name: 'counter',
    version: 2,
    players: { min: 1, max: 3 },
    state: { room: { total: field.int(0, 1000) }, entity: { adds: field.int(0, 1000) } },
    commands: { add: { by: field.int(0, 10) }, boom: {}, bad: {}, odd: {}, slow: {} },
    reasons: { CT_ZERO: 'adding zero is refused' },
    events: [Counted],
    init: () => ({ total: 0 }),
    join(state, playerId) {
      state.entities.set(playerId, { adds: 0 });
      return accept();
    },
    leave() {},
    command(state, playerId, command, ctx) {
      switch (command.type) {
        case 'add':
          if (command.by === 0) return reject('CT_ZERO');
          state.room.total += command.by;
          state.entities.get(playerId)!.adds += 1;
          ctx.emit(Counted, { by: command.by }, playerId);
          return accept();
        case 'boom':
          state.room.total += 100;
          ctx.emit(Counted, { by: 100 });
          throw new Error('boom');
        case 'bad':
          state.room.total = -5;
          return accept();
        case 'odd':
          return reject('NOT_DECLARED');
        case 'slow':
          state.room.total += 1;
          hooks.onSlow?.();
          return accept();
      }
    },
  });
}

export interface LogLine {
  level: string;
  fields: Record<string, unknown>;
  message: string | undefined;
}

/** A {@link Logger} that keeps every line with the bindings of its children. */
export function recordingLogger(lines: LogLine[] = [], bindings: Record<string, unknown> = {}): Logger & { lines: LogLine[] } {
  const at =
    (level: string) =>
    (a: string | Record<string, unknown>, b?: string): void => {
      if (typeof a === 'string') lines.push({ level, fields: { ...bindings }, message: a });
      else lines.push({ level, fields: { ...bindings, ...a }, message: b });
    };
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    fatal: at('fatal'),
    child: (more) => recordingLogger(lines, { ...bindings, ...more }),
  };
}
