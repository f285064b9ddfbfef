/**
 * @module What the game's request/reply responders share: checking a request against its schema
 * (`GAME_MALFORMED` otherwise), and a holder's refusal sent as an answer rather than an error — a
 * gather leaves out a responder that fails while others answer (null, "not mine"), and the caller
 * must still see the holder's code.
 */
import { TicklineError } from '@tickline/kernel';
import type { z } from 'zod';

/** The request, or GAME_MALFORMED naming what is wrong with it. */
export function parseRequest<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new TicklineError('GAME_MALFORMED', `malformed ${what} request`, {
      details: { issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) },
    });
  return parsed.data;
}

/** A holder's refusal as an answer. */
export interface Refusal {
  refused: { code: string; message: string; details: Record<string, unknown> };
}

/** Runs `act`; a coded error becomes a {@link Refusal} answer. */
export async function answerOrRefusal(act: () => unknown): Promise<unknown> {
  try {
    return await act();
  } catch (error) {
    if (!(error instanceof TicklineError)) throw error;
    return { refused: { code: error.code, message: error.message, details: error.details ?? {} } } satisfies Refusal;
  }
}

/** The holder's answer among a gather's (others answer null), its refusal thrown; undefined when none holds it. */
export function holderAnswer<T>(answers: readonly unknown[]): T | undefined {
  const found = answers.find((a) => a !== null) as (T & { refused?: undefined }) | Refusal | undefined;
  if (found?.refused !== undefined)
    throw new TicklineError(found.refused.code, found.refused.message, { details: found.refused.details });
  return found;
}
