/**
 * @module TOTP (RFC 6238) through otplib, on an injected clock. Codes are accepted within
 * `windowSteps` periods either side of now (clock drift, typing time); the caller refuses a time
 * step at or before the last accepted one, so a code works once.
 */
import type { Clock } from '@tickline/kernel';
import { generate, generateSecret, generateURI, verify } from 'otplib';

/** Seconds per code (every authenticator app's default). */
export const TOTP_PERIOD_SECONDS = 30;
/** Periods accepted either side of now. */
export const DEFAULT_TOTP_WINDOW_STEPS = 1;
/** Bytes of the shared secret (160 bits, RFC 4226's recommendation). */
export const TOTP_SECRET_BYTES = 20;

const CODE_PATTERN = /^\d{6}$/;

export interface TotpOptions {
  clock: Clock;
  /** Shown in the authenticator app. */
  issuer: string;
  /** @default 1 */
  windowSteps?: number;
}

/** The TOTP operations identity needs. */
export interface Totp {
  newSecret(): string;
  /** The `otpauth://` URI an authenticator app scans. */
  uri(secret: string, accountName: string): string;
  /** The time step the code belongs to, or undefined when it is wrong or outside the window. */
  match(secret: string, code: string): Promise<number | undefined>;
  /** The current code (tests, and the enrolment check in the UI). */
  codeAt(secret: string, epochMs: number): Promise<string>;
  /** The time step of now. */
  currentStep(): number;
}

export function createTotp(options: TotpOptions): Totp {
  const tolerance = (options.windowSteps ?? DEFAULT_TOTP_WINDOW_STEPS) * TOTP_PERIOD_SECONDS;
  const epochSeconds = () => Math.floor(options.clock.now() / 1000);
  return {
    newSecret: () => generateSecret({ length: TOTP_SECRET_BYTES }),
    uri: (secret, accountName) => generateURI({ issuer: options.issuer, label: accountName, secret }),
    async match(secret, code) {
      if (!CODE_PATTERN.test(code)) return undefined;
      const result = await verify({ secret, token: code, epoch: epochSeconds(), epochTolerance: tolerance });
      // The functional API types TOTP and HOTP results together; only TOTP results carry a step.
      return result.valid && 'timeStep' in result ? result.timeStep : undefined;
    },
    codeAt: (secret, epochMs) => generate({ secret, epoch: Math.floor(epochMs / 1000) }),
    currentStep: () => Math.floor(epochSeconds() / TOTP_PERIOD_SECONDS),
  };
}
