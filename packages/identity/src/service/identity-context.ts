/** @module What every part of the identity service shares, built once from resolved options. */
import { createEventSource, type EventSource } from '@tickline/kernel';
import { createLastUsedRecorder, type LastUsedRecorder } from '../api-keys/last-used-recorder.ts';
import type { IdentityRepository } from '../repository/identity-repository.ts';
import { createDeviceTokens, type DeviceTokens } from '../sign-ins/device-token.ts';
import { randomToken } from '../tokens/secrets.ts';
import { createJwtTokens, type JwtTokens } from '../tokens/jwt-tokens.ts';
import { importTokenKeys } from '../tokens/token-keys.ts';
import { createSecretBox, type SecretBox } from '../totp/secret-box.ts';
import { createTotp, type Totp } from '../totp/totp.ts';
import { createIdentityMetrics, type IdentityMetrics } from './identity-metrics.ts';
import type { ResolvedIdentityOptions } from './options.ts';

export interface IdentityContext {
  options: ResolvedIdentityOptions;
  repo: IdentityRepository;
  jwt: JwtTokens;
  totp: Totp;
  secretBox: SecretBox;
  deviceTokens: DeviceTokens;
  lastUsed: LastUsedRecorder;
  events: EventSource;
  metrics: IdentityMetrics;
  now(): Date;
  /** A hash to verify against when the account does not exist, so timing does not tell. */
  dummyHash(): Promise<string>;
}

export function createIdentityContext(options: ResolvedIdentityOptions): IdentityContext {
  const { clock } = options;
  let dummy: Promise<string> | undefined;
  return {
    options,
    repo: options.repository,
    jwt: createJwtTokens({
      keys: importTokenKeys(options.signing),
      issuer: options.issuer,
      audience: options.audience,
      accessTokenTtlMs: options.accessTokenTtlMs,
      mfaTokenTtlMs: options.mfaTokenTtlMs,
      clockSkewMs: options.clockSkewMs,
      clock,
    }),
    totp: createTotp({ clock, issuer: options.totpIssuer, windowSteps: options.totpWindowSteps }),
    secretBox: createSecretBox(options.totpEncryptionKey),
    deviceTokens: createDeviceTokens(options.totpEncryptionKey, clock),
    lastUsed: createLastUsedRecorder(
      options.repository,
      options.logger,
      options.apiKeyLastUsedFlushIntervalMs,
    ),
    events: createEventSource({ source: options.eventSource, clock }),
    metrics: createIdentityMetrics(options.metrics),
    now: () => new Date(clock.now()),
    dummyHash: () => (dummy ??= options.passwordHasher.hash(randomToken(16))),
  };
}
