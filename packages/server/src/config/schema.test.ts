import { isConfigInvalidError, listConfigFields } from '@tickline/kernel';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTicklineConfig } from './load.ts';
import { TicklineConfigSchema } from './schema.ts';

const dir = mkdtempSync(join(tmpdir(), 'tickline-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function message(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isConfigInvalidError(error)) return error.message;
    throw error;
  }
  throw new Error('expected a config error');
}

describe('config - tickline schema', () => {
  it('schema - no file and no environment give the documented defaults', () => {
    expect(loadTicklineConfig({ env: {} })).toEqual({
      role: 'all',
      dataDir: './data',
      http: { host: '0.0.0.0', port: 8080, bodyLimitBytes: 1048576 },
      log: { level: 'info' },
      eventlog: {
        engine: 'embedded',
        embedded: {
          fsync: 'always',
          fsyncIntervalMs: 100,
          segmentBytes: 67108864,
          retention: { maxBytes: 0, maxAgeMs: 0 },
        },
        nats: { servers: ['nats://127.0.0.1:4222'], stream: 'TICKLINE', replicas: 1 },
      },
      publisher: { maxQueuedEvents: 100000 },
      shutdown: { timeoutMs: 10000 },
    });
  });

  it('schema - the brief example: a bad port names field, variable, value and range', () => {
    expect(message(() => loadTicklineConfig({ env: { TICKLINE_HTTP_PORT: 'abc' } }))).toBe(
      'config error: http.port (TICKLINE_HTTP_PORT) = "abc": expected an integer 0–65535',
    );
  });

  it('schema - nested NATS settings come from the environment', () => {
    const config = loadTicklineConfig({
      env: {
        TICKLINE_EVENTLOG_ENGINE: 'nats',
        TICKLINE_EVENTLOG_NATS_SERVERS: 'nats://a:4222,nats://b:4222',
        TICKLINE_EVENTLOG_NATS_REPLICAS: '3',
        TICKLINE_EVENTLOG_NATS_PASSWORD: 'pw',
      },
    });
    expect(config.eventlog.engine).toBe('nats');
    expect(config.eventlog.nats).toEqual({
      servers: ['nats://a:4222', 'nats://b:4222'],
      stream: 'TICKLINE',
      replicas: 3,
      password: 'pw',
    });
  });

  it('schema - TICKLINE_CONFIG names the file and is not itself a setting', () => {
    const file = join(dir, 'tickline.yaml');
    writeFileSync(file, 'http:\n  port: 9001\nshutdown:\n  timeoutMs: 500\n');
    const config = loadTicklineConfig({ env: { TICKLINE_CONFIG: file } });
    expect(config.http.port).toBe(9001);
    expect(config.shutdown.timeoutMs).toBe(500);
  });

  it('schema - --role overrides the role setting and is named when wrong', () => {
    expect(loadTicklineConfig({ env: { TICKLINE_ROLE: 'game' } }).role).toBe('game');
    expect(
      loadTicklineConfig({
        env: { TICKLINE_ROLE: 'game' },
        overrides: [{ key: 'role', value: 'platform', origin: '--role' }],
      }).role,
    ).toBe('platform');
    expect(
      message(() =>
        loadTicklineConfig({ env: {}, overrides: [{ key: 'role', value: 'chef', origin: '--role' }] }),
      ),
    ).toBe(
      'config error: role (--role) = "chef": expected one of all, gateway, collector, game, platform, strategy',
    );
  });

  it('schema - replicas, stream names and fsync policies are checked', () => {
    expect(message(() => loadTicklineConfig({ env: { TICKLINE_EVENTLOG_NATS_REPLICAS: '7' } }))).toBe(
      'config error: eventlog.nats.replicas (TICKLINE_EVENTLOG_NATS_REPLICAS) = "7": expected an integer 1–5',
    );
    expect(message(() => loadTicklineConfig({ env: { TICKLINE_EVENTLOG_NATS_STREAM: 'a.b' } }))).toBe(
      'config error: eventlog.nats.stream (TICKLINE_EVENTLOG_NATS_STREAM) = "a.b": expected a string matching ^[A-Za-z0-9_-]+$',
    );
    expect(
      message(() => loadTicklineConfig({ env: { TICKLINE_EVENTLOG_EMBEDDED_FSYNC: 'sometimes' } })),
    ).toBe(
      'config error: eventlog.embedded.fsync (TICKLINE_EVENTLOG_EMBEDDED_FSYNC) = "sometimes": expected one of always, interval, never',
    );
  });

  it('schema - every setting has a description', () => {
    for (const field of listConfigFields(TicklineConfigSchema, 'TICKLINE'))
      expect(field.description, field.key).toBeTruthy();
  });
});
