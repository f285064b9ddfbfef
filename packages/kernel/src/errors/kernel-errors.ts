/** @module Errors raised by the kernel: event encoding, the registry and configuration. */
import { defineErrorCodes } from './catalogue.ts';
import { TicklineError, errorGuard, type TicklineErrorOptions } from './tickline-error.ts';

export const KernelErrorCodes = defineErrorCodes({
  KERNEL_EVENT_MALFORMED: {
    meaning:
      'Bytes could not be decoded as an event envelope (truncated, not MessagePack, or missing attributes).',
    resolve: 'The record is corrupt or was written by something else; it is counted and dead-lettered.',
    httpStatus: 400,
  },
  KERNEL_EVENT_VERSION_UNSUPPORTED: {
    meaning: 'The encoding version byte of an event is not one this build understands.',
    resolve: 'Upgrade the reader; events written by a newer Tickline need a newer decoder.',
    httpStatus: 400,
  },
  KERNEL_EVENT_UNKNOWN_TYPE: {
    meaning: 'The event type is not in the registry.',
    resolve: 'Register the type (and its schema) before publishing or consuming it.',
    httpStatus: 400,
  },
  KERNEL_EVENT_INVALID: {
    meaning: "The event's data does not match the schema registered for its type and version.",
    resolve: 'Fix the producer; the details list each failing field.',
    httpStatus: 400,
  },
  KERNEL_EVENT_TYPE_CONFLICT: {
    meaning: 'The same event type and version was registered twice with different schemas.',
    resolve: 'Give the new schema a new version.',
    httpStatus: 500,
  },
  KERNEL_CONFIG_INVALID: {
    meaning: 'A configuration value is missing, of the wrong type or out of range.',
    resolve: 'Fix the named field in the config file or its TICKLINE_* environment variable.',
    httpStatus: 500,
  },
  KERNEL_SHUTDOWN_TIMEOUT: {
    meaning: 'A service did not stop within the shutdown deadline.',
    resolve: 'Look at the named service; raise shutdown.timeoutMs if draining legitimately takes longer.',
    httpStatus: 500,
  },
  KERNEL_SECRET_KEY_INVALID: {
    meaning: 'A secret-box key is not 32 bytes of base64, or the active key id names no configured key.',
    resolve:
      'Give each key 32 random bytes in base64 (openssl rand -base64 32) and make activeKeyId one of them.',
    httpStatus: 500,
  },
  KERNEL_SECRET_KEY_UNKNOWN: {
    meaning: 'A sealed secret names a key id that is not configured (it was removed before re-sealing).',
    resolve: 'Put the old key back under its id, re-seal the stored secrets, then remove it.',
    httpStatus: 500,
  },
  KERNEL_SECRET_MALFORMED: {
    meaning: 'A stored value is not a sealed secret (v1.<keyId>.<iv>.<data>.<tag>).',
    resolve:
      'The stored value is corrupt or was written in plain text; store it again through the secret box.',
    httpStatus: 500,
  },
  KERNEL_SECRET_TAMPERED: {
    meaning: 'A sealed secret failed authentication: it was altered, or opened under another context.',
    resolve: 'Treat the value as lost and ask the owner to enter the secret again.',
    httpStatus: 500,
  },
  KERNEL_SERVICE_FAILED: {
    meaning: 'A service failed to start or crashed while running.',
    resolve: 'The cause is attached; /readyz reports the service as failed until restart.',
    httpStatus: 503,
  },
});

export type KernelErrorCode = keyof typeof KernelErrorCodes;

export class EventMalformedError extends TicklineError {
  override name = 'EventMalformedError';
  constructor(message: string, options?: TicklineErrorOptions) {
    super('KERNEL_EVENT_MALFORMED', message, options);
  }
}

export class EventVersionUnsupportedError extends TicklineError {
  override name = 'EventVersionUnsupportedError';
  constructor(version: number) {
    super('KERNEL_EVENT_VERSION_UNSUPPORTED', `unsupported event encoding version ${version}`, {
      details: { version },
    });
  }
}

export class EventUnknownTypeError extends TicklineError {
  override name = 'EventUnknownTypeError';
  constructor(type: string, dataschema?: string) {
    super(
      'KERNEL_EVENT_UNKNOWN_TYPE',
      `unknown event type "${type}"${dataschema ? ` (${dataschema})` : ''}`,
      {
        details: { type, dataschema },
      },
    );
  }
}

export class EventInvalidError extends TicklineError {
  override name = 'EventInvalidError';
  constructor(
    type: string,
    issues: Array<{ path: string; message: string }>,
    options?: TicklineErrorOptions,
  ) {
    super(
      'KERNEL_EVENT_INVALID',
      `invalid data for event "${type}": ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`,
      {
        ...options,
        details: { type, issues },
      },
    );
  }
}

export class ConfigInvalidError extends TicklineError {
  override name = 'ConfigInvalidError';
  constructor(message: string, details: Record<string, unknown>) {
    super('KERNEL_CONFIG_INVALID', message, { details });
  }
}

export const isEventMalformedError = errorGuard('KERNEL_EVENT_MALFORMED');
export const isEventVersionUnsupportedError = errorGuard('KERNEL_EVENT_VERSION_UNSUPPORTED');
export const isEventUnknownTypeError = errorGuard('KERNEL_EVENT_UNKNOWN_TYPE');
export const isEventInvalidError = errorGuard('KERNEL_EVENT_INVALID');
export const isConfigInvalidError = errorGuard('KERNEL_CONFIG_INVALID');

/** Decoding failures: the event bytes themselves are bad, so retrying will never help. */
export function isEventDecodeError(error: unknown): error is TicklineError {
  return (
    isEventMalformedError(error) ||
    isEventVersionUnsupportedError(error) ||
    isEventUnknownTypeError(error) ||
    isEventInvalidError(error)
  );
}
