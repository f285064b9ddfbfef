/**
 * @module Running the injected hooks: `authenticate` and `authorize` failures become RealtimeErrors
 * (a hook that throws is RT_AUTH_UNAVAILABLE and is logged; a refusal is not a server error).
 */
import type { IncomingMessage } from 'node:http';
import { isTicklineError, type Logger } from '@tickline/kernel';
import type { Authorize } from '../channels/channel-rules.ts';
import { RealtimeError, type RealtimeErrorCode } from '../errors.ts';
import type { Authenticate } from './gateway-options.ts';

/** The principal behind `request`. @throws RealtimeError RT_UNAUTHENTICATED / RT_AUTH_UNAVAILABLE */
export async function authenticateRequest<P>(
  authenticate: Authenticate<P>,
  request: IncomingMessage,
  logger: Logger,
): Promise<P> {
  let principal: P | null | undefined;
  try {
    principal = await authenticate(request);
  } catch (cause) {
    logger.error({ err: cause }, 'authenticate hook failed');
    throw new RealtimeError('RT_AUTH_UNAVAILABLE', 'authentication could not be checked', { cause });
  }
  if (principal === null || principal === undefined) {
    throw new RealtimeError('RT_UNAUTHENTICATED', 'a session cookie or stream ticket is required');
  }
  return principal;
}

/** The error for the first channel `principal` may not read, or undefined when all are allowed. */
export async function authorizeChannels<P>(
  authorize: Authorize<P>,
  principal: P,
  channels: readonly string[],
  logger: Logger,
): Promise<RealtimeError | undefined> {
  for (const channel of channels) {
    let allowed: boolean;
    try {
      allowed = await authorize(principal, channel);
    } catch (cause) {
      logger.error({ err: cause, channel }, 'authorize hook failed');
      return new RealtimeError('RT_AUTH_UNAVAILABLE', 'authorization could not be checked', { cause });
    }
    if (allowed !== true) {
      return new RealtimeError('RT_FORBIDDEN', `not allowed to subscribe to "${channel}"`, {
        details: { channel },
      });
    }
  }
  return undefined;
}

/** Any admission failure as the RealtimeError to answer with; unexpected ones are logged. */
export function toRealtimeError(error: unknown, logger: Logger): RealtimeError {
  if (error instanceof RealtimeError) return error;
  if (isTicklineError(error) && error.code.startsWith('RT_')) {
    const options = error.details ? { details: error.details } : {};
    return new RealtimeError(error.code as RealtimeErrorCode, error.message, options);
  }
  logger.error({ err: error }, 'real-time admission failed');
  return new RealtimeError('RT_AUTH_UNAVAILABLE', 'the request could not be checked', { cause: error });
}
