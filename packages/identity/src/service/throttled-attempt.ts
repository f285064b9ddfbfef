/** @module One throttled check of a secret (a password, a TOTP or recovery code). */
import { TooManyAttemptsError } from '../errors.ts';
import type { ThrottleKey } from '../throttle/sign-in-throttle.ts';
import type { IdentityContext } from './identity-context.ts';

/**
 * Counts an attempt against `keys` before `check` runs (atomically with the limit check, so
 * parallel guesses cannot slip past it), and gives it back when `check` succeeds.
 * @throws TooManyAttemptsError when any key is at its limit; `check` does not run.
 */
export async function throttledAttempt(
  ctx: IdentityContext,
  keys: readonly ThrottleKey[],
  check: () => Promise<boolean>,
): Promise<boolean> {
  const decision = await ctx.options.throttle.take(keys);
  if (!decision.allowed) throw new TooManyAttemptsError(decision.retryAfterMs);
  const ok = await check();
  if (ok) await ctx.options.throttle.forgive(keys);
  return ok;
}
