import { describe, expect, it } from 'vitest';
import { isSecretKey, redactSecrets, redactUrlCredentials } from './redact.ts';

describe('config - redaction', () => {
  it('redaction - hides the password in a URL, keeps the user and host', () => {
    expect(redactUrlCredentials('nats://u:p@h:4222')).toBe('nats://u:***@h:4222');
    expect(redactUrlCredentials('postgres://app:s3cr%40t@db.local:5432/tickline')).toBe(
      'postgres://app:***@db.local:5432/tickline',
    );
  });

  it('redaction - hides a lone user part (a token) in a URL', () => {
    expect(redactUrlCredentials('nats://s3cr3tt0k3n@h:4222')).toBe('nats://***@h:4222');
  });

  it('redaction - hides secret query parameters', () => {
    expect(redactUrlCredentials('https://h/hook?token=abc&x=1&api_key=k')).toBe(
      'https://h/hook?token=***&x=1&api_key=***',
    );
  });

  it('redaction - leaves URLs without credentials alone', () => {
    expect(redactUrlCredentials('nats://127.0.0.1:4222')).toBe('nats://127.0.0.1:4222');
    expect(redactUrlCredentials('user@example.com')).toBe('user@example.com');
  });

  it('redaction - recognises secret key names in any case style', () => {
    for (const key of [
      'password',
      'pass',
      'token',
      'apiKey',
      'api_key',
      'privateKey',
      'clientSecret',
      'credentials',
      'key',
    ])
      expect(isSecretKey(key), key).toBe(true);
    for (const key of ['user', 'servers', 'segmentBytes', 'keepAliveMs', 'partitionKeys'])
      expect(isSecretKey(key), key).toBe(false);
  });

  it('redaction - every secret kind in a nested config, without touching the original', () => {
    const config = Object.freeze({
      eventlog: {
        nats: {
          servers: ['nats://u:p@a:4222', 'nats://b:4222'],
          user: 'u',
          password: 'p',
          token: 'tok',
        },
      },
      identity: { jwt: { privateKey: '-----BEGIN KEY-----', apiKey: 'k', secret: { nested: 'x' } } },
      store: { url: 'postgres://app:pw@db/t?sslmode=require&password=pw' },
      notify: { webhookSecrets: ['s1', 's2'], smtp: { password: '' } },
      unset: { token: undefined },
    });
    expect(redactSecrets(config)).toEqual({
      eventlog: {
        nats: { servers: ['nats://u:***@a:4222', 'nats://b:4222'], user: 'u', password: '***', token: '***' },
      },
      identity: { jwt: { privateKey: '***', apiKey: '***', secret: '***' } },
      store: { url: 'postgres://app:***@db/t?sslmode=require&password=***' },
      notify: { webhookSecrets: ['***', '***'], smtp: { password: '' } },
      unset: { token: undefined },
    });
    expect(config.eventlog.nats.password).toBe('p');
  });
});
