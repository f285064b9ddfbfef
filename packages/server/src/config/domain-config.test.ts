import { isConfigInvalidError, redactSecrets } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { loadTicklineConfig } from './load.ts';

function problem(env: Record<string, string>): string {
  try {
    loadTicklineConfig({ env });
  } catch (error) {
    if (isConfigInvalidError(error)) return error.message;
    throw error;
  }
  throw new Error('expected a config error');
}

describe('config - database, auth and realtime sections', () => {
  it('database - the URL comes from TICKLINE_DATABASE_URL and prints with its password hidden', () => {
    const config = loadTicklineConfig({
      env: { TICKLINE_DATABASE_URL: 'postgres://tick:pa55word@db.internal:5432/tickline?sslmode=require' },
    });
    expect(config.database.url).toBe('postgres://tick:pa55word@db.internal:5432/tickline?sslmode=require');
    const printed = JSON.stringify(redactSecrets(config));
    expect(printed).not.toContain('pa55word');
    expect(printed).toContain('postgres://tick:***@db.internal:5432/tickline');
  });

  it('database - a URL of another scheme is refused naming the variable', () => {
    expect(problem({ TICKLINE_DATABASE_URL: 'mysql://db/x' })).toMatch(
      /^config error: database.url \(TICKLINE_DATABASE_URL\) = "mysql:\/\/db\/x": /,
    );
  });

  it('auth - the secret needs 32 characters and is never printed', () => {
    expect(problem({ TICKLINE_AUTH_SECRET: 'short' })).toMatch(
      /^config error: auth.secret \(TICKLINE_AUTH_SECRET\)/,
    );
    expect(problem({ TICKLINE_AUTH_SECRET: 'short' })).not.toContain('"short"');
    const config = loadTicklineConfig({ env: { TICKLINE_AUTH_SECRET: 's'.repeat(40) } });
    expect(redactSecrets(config).auth.secret).toBe('***');
  });

  it('auth - OIDC providers come from the environment as a JSON array; client secrets are redacted', () => {
    const providers = [
      {
        id: 'corp',
        issuer: 'https://sso.example.com',
        clientId: 'tickline',
        clientSecret: 'cs-1',
        redirectUri: 'https://app.example.com/api/v1/auth/oidc/corp/callback',
      },
    ];
    const config = loadTicklineConfig({ env: { TICKLINE_AUTH_OIDC_PROVIDERS: JSON.stringify(providers) } });
    expect(config.auth.oidc.providers).toEqual([{ ...providers[0], allowInsecureRequests: false }]);
    expect(redactSecrets(config).auth.oidc.providers[0]!.clientSecret).toBe('***');
    expect(problem({ TICKLINE_AUTH_OIDC_PROVIDERS: JSON.stringify([{ id: 'Bad Id' }]) })).toContain(
      'auth.oidc.providers',
    );
  });

  it('auth - tier limits are overridden field by field', () => {
    const config = loadTicklineConfig({
      env: {
        TICKLINE_AUTH_TIERS_FREE_REQUESTS_PER_MINUTE: '120',
        TICKLINE_AUTH_TIERS_ENTERPRISE_MAX_API_KEYS: '0',
      },
    });
    expect(config.auth.tiers).toEqual({
      free: { requestsPerMinute: 120 },
      premium: {},
      enterprise: { maxApiKeys: 0 },
    });
    expect(problem({ TICKLINE_AUTH_TIERS_FREE_BURST: '-1' })).toMatch(/auth.tiers.free.burst/);
  });

  it('realtime - keep-alive, history and slow-consumer bounds come from the environment', () => {
    const config = loadTicklineConfig({
      env: {
        TICKLINE_REALTIME_KEEP_ALIVE_MS: '15000',
        TICKLINE_REALTIME_HISTORY_MAX_EVENTS: '0',
        TICKLINE_REALTIME_SLOW_CONSUMER_MAX_BUFFERED_BYTES: '131072',
      },
    });
    expect(config.realtime).toMatchObject({
      keepAliveMs: 15000,
      history: { maxEvents: 0 },
      slowConsumer: { maxBufferedBytes: 131072 },
    });
    expect(problem({ TICKLINE_REALTIME_SLOW_CONSUMER_MAX_BUFFERED_BYTES: '1024' })).toMatch(/≥ 65536/);
  });
});
