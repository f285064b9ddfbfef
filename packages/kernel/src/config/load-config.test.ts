import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isConfigInvalidError } from '../errors/index.ts';
import { loadConfig } from './load-config.ts';
import { listConfigFields } from './schema-fields.ts';

const Schema = z.strictObject({
  dataDir: z.string().min(1).default('./data').describe('Where data lives.'),
  http: z
    .strictObject({
      port: z.int().min(0).max(65535).default(8080).describe('TCP port.'),
      trustProxy: z.boolean().default(false),
    })
    .prefault({}),
  eventlog: z
    .strictObject({
      engine: z.enum(['embedded', 'nats']).default('embedded'),
      fsyncIntervalMs: z.int().positive().default(50),
      nats: z
        .strictObject({
          servers: z.array(z.string().min(1)).min(1).default(['nats://127.0.0.1:4222']),
          password: z.string().optional(),
        })
        .prefault({}),
    })
    .prefault({}),
  ratio: z.number().min(0).max(1).default(0.5),
});

const dir = mkdtempSync(join(tmpdir(), 'tickline-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function failure(run: () => unknown): { message: string; details: Record<string, unknown> | undefined } {
  try {
    run();
  } catch (error) {
    if (!isConfigInvalidError(error)) throw error;
    return { message: error.message, details: error.details };
  }
  throw new Error('expected a config error');
}

describe('config - fields', () => {
  it('config - derives env names from paths, camelCase to UPPER_SNAKE', () => {
    const fields = listConfigFields(Schema, 'TICKLINE');
    expect(fields.map((f) => [f.key, f.env])).toEqual([
      ['dataDir', 'TICKLINE_DATA_DIR'],
      ['http.port', 'TICKLINE_HTTP_PORT'],
      ['http.trustProxy', 'TICKLINE_HTTP_TRUST_PROXY'],
      ['eventlog.engine', 'TICKLINE_EVENTLOG_ENGINE'],
      ['eventlog.fsyncIntervalMs', 'TICKLINE_EVENTLOG_FSYNC_INTERVAL_MS'],
      ['eventlog.nats.servers', 'TICKLINE_EVENTLOG_NATS_SERVERS'],
      ['eventlog.nats.password', 'TICKLINE_EVENTLOG_NATS_PASSWORD'],
      ['ratio', 'TICKLINE_RATIO'],
    ]);
    const port = fields.find((f) => f.key === 'http.port')!;
    expect(port).toMatchObject({
      kind: 'integer',
      allowed: 'an integer 0–65535',
      default: 8080,
      description: 'TCP port.',
    });
  });
});

describe('config - loading', () => {
  it('config - defaults alone make a valid config', () => {
    expect(loadConfig(Schema)).toEqual({
      dataDir: './data',
      http: { port: 8080, trustProxy: false },
      eventlog: { engine: 'embedded', fsyncIntervalMs: 50, nats: { servers: ['nats://127.0.0.1:4222'] } },
      ratio: 0.5,
    });
  });

  it('config - reads a JSON file', () => {
    const config = loadConfig(Schema, {
      file: file('c.json', '{"http":{"port":9001},"eventlog":{"engine":"nats"}}'),
    });
    expect(config.http.port).toBe(9001);
    expect(config.eventlog.engine).toBe('nats');
  });

  it('config - reads a YAML file', () => {
    const path = file(
      'c.yaml',
      'dataDir: /srv/t\neventlog:\n  nats:\n    servers: [nats://a:4222, nats://b:4222]\n',
    );
    const config = loadConfig(Schema, { file: path });
    expect(config.dataDir).toBe('/srv/t');
    expect(config.eventlog.nats.servers).toEqual(['nats://a:4222', 'nats://b:4222']);
  });

  it('config - an empty YAML file means all defaults', () => {
    expect(loadConfig(Schema, { file: file('empty.yml', '') }).http.port).toBe(8080);
  });

  it('config - environment overrides the file, with coercion by kind', () => {
    const config = loadConfig(Schema, {
      file: file('base.yaml', 'http:\n  port: 9001\n'),
      env: {
        TICKLINE_HTTP_PORT: '9100',
        TICKLINE_HTTP_TRUST_PROXY: 'yes',
        TICKLINE_EVENTLOG_FSYNC_INTERVAL_MS: '1_000',
        TICKLINE_EVENTLOG_NATS_SERVERS: 'nats://a:4222, nats://b:4222',
        TICKLINE_RATIO: '0.25',
        TICKLINE_DATA_DIR: '',
        PATH: '/usr/bin',
      },
    });
    expect(config.http).toEqual({ port: 9100, trustProxy: true });
    expect(config.eventlog.fsyncIntervalMs).toBe(1000);
    expect(config.eventlog.nats.servers).toEqual(['nats://a:4222', 'nats://b:4222']);
    expect(config.ratio).toBe(0.25);
    expect(config.dataDir).toBe('./data');
  });

  it('config - a list may be given as a JSON array', () => {
    const config = loadConfig(Schema, {
      env: { TICKLINE_EVENTLOG_NATS_SERVERS: '["nats://x:1","nats://y:2"]' },
    });
    expect(config.eventlog.nats.servers).toEqual(['nats://x:1', 'nats://y:2']);
  });

  it('config - overrides win over the environment', () => {
    const config = loadConfig(Schema, {
      env: { TICKLINE_EVENTLOG_ENGINE: 'nats' },
      overrides: [{ key: 'eventlog.engine', value: 'embedded', origin: '--engine' }],
    });
    expect(config.eventlog.engine).toBe('embedded');
  });

  it('config - the result is deeply frozen', () => {
    const config = loadConfig(Schema);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.eventlog.nats.servers)).toBe(true);
    expect(() => {
      (config.http as { port: number }).port = 1;
    }).toThrow(TypeError);
  });
});

describe('config - errors', () => {
  it('config - an unknown TICKLINE_ variable is an error naming it and the nearest field', () => {
    const { message, details } = failure(() => loadConfig(Schema, { env: { TICKLINE_HTTP_PROT: '1' } }));
    expect(message).toBe(
      'config error: unknown environment variable TICKLINE_HTTP_PROT; did you mean TICKLINE_HTTP_PORT?',
    );
    expect(details).toMatchObject({ env: 'TICKLINE_HTTP_PROT' });
  });

  it('config - ignored variables are not fields and not errors', () => {
    expect(() =>
      loadConfig(Schema, { env: { TICKLINE_CONFIG: 'x.yaml' }, ignoreEnv: ['TICKLINE_CONFIG'] }),
    ).not.toThrow();
  });

  it('config - a bad env value names field, variable, value and what is allowed', () => {
    const { message, details } = failure(() => loadConfig(Schema, { env: { TICKLINE_HTTP_PORT: 'abc' } }));
    expect(message).toBe('config error: http.port (TICKLINE_HTTP_PORT) = "abc": expected an integer 0–65535');
    expect(details).toEqual({
      problems: [
        { key: 'http.port', origin: 'TICKLINE_HTTP_PORT', given: 'abc', allowed: 'an integer 0–65535' },
      ],
    });
  });

  it('config - an out-of-range env value shows the value as written', () => {
    const { message } = failure(() => loadConfig(Schema, { env: { TICKLINE_HTTP_PORT: '70000' } }));
    expect(message).toBe(
      'config error: http.port (TICKLINE_HTTP_PORT) = "70000": expected an integer 0–65535',
    );
  });

  it('config - a bad file value names the file', () => {
    const path = file('bad.yaml', 'eventlog:\n  engine: kafka\n');
    const { message } = failure(() => loadConfig(Schema, { file: path }));
    expect(message).toBe(
      `config error: eventlog.engine (in ${path}) = "kafka": expected one of embedded, nats`,
    );
  });

  it('config - booleans, positive integers and list elements say what they accept', () => {
    const { message } = failure(() =>
      loadConfig(Schema, {
        env: {
          TICKLINE_HTTP_TRUST_PROXY: 'maybe',
          TICKLINE_EVENTLOG_FSYNC_INTERVAL_MS: '0',
          TICKLINE_RATIO: '2',
        },
      }),
    );
    expect(message.split('\n')).toEqual([
      'config error: http.trustProxy (TICKLINE_HTTP_TRUST_PROXY) = "maybe": expected true or false',
      'config error: eventlog.fsyncIntervalMs (TICKLINE_EVENTLOG_FSYNC_INTERVAL_MS) = "0": expected an integer > 0',
      'config error: ratio (TICKLINE_RATIO) = "2": expected a number 0–1',
    ]);
  });

  it('config - an unknown field in a file lists the fields allowed there', () => {
    const path = file('typo.json', '{"http":{"prot":1}}');
    const { message } = failure(() => loadConfig(Schema, { file: path }));
    expect(message).toBe(
      `config error: unknown field http.prot (in ${path}); allowed here: port, trustProxy`,
    );
  });

  it('config - a rejected secret is not echoed', () => {
    const Secretive = z.strictObject({ token: z.string().min(20).optional() });
    const { message } = failure(() => loadConfig(Secretive, { env: { TICKLINE_TOKEN: 'hunter2' } }));
    expect(message).toBe('config error: token (TICKLINE_TOKEN) = "***": expected a non-empty string');
    expect(message).not.toContain('hunter2');
  });

  it('config - a secret inside a rejected JSON value is not echoed (an OIDC provider list)', () => {
    const Providers = z.strictObject({
      providers: z
        .array(z.strictObject({ id: z.string(), clientSecret: z.string(), redirectUri: z.url() }))
        .default([]),
    });
    const raw = JSON.stringify([{ id: 'idp', clientSecret: 'hunter2-client-secret', redirectUri: 'nope' }]);
    const { message } = failure(() => loadConfig(Providers, { env: { TICKLINE_PROVIDERS: raw } }));
    expect(message).toContain('TICKLINE_PROVIDERS');
    expect(message).not.toContain('hunter2');
  });

  it('config - named values are a JSON object in the environment', () => {
    const Keys = z.strictObject({ codeKeys: z.record(z.string(), z.string()).default({}) });
    expect(loadConfig(Keys, { env: { TICKLINE_CODE_KEYS: '{"k1":"v1"}' } }).codeKeys).toEqual({ k1: 'v1' });
    const { message } = failure(() => loadConfig(Keys, { env: { TICKLINE_CODE_KEYS: 'k1=v1' } }));
    // A key that does not parse is still a key: not echoed.
    expect(message).toBe(
      'config error: codeKeys (TICKLINE_CODE_KEYS) = "***": expected named values (a JSON object in the environment)',
    );
  });

  it('config - a missing file and an unparsable file are clear', () => {
    expect(failure(() => loadConfig(Schema, { file: join(dir, 'nope.yaml') })).message).toBe(
      `config error: cannot read ${join(dir, 'nope.yaml')}: file not found`,
    );
    const broken = file('broken.json', '{"http": ');
    expect(failure(() => loadConfig(Schema, { file: broken })).message).toMatch(
      new RegExp(`^config error: cannot parse ${broken}: `),
    );
    const list = file('list.yaml', '- a\n- b\n');
    expect(failure(() => loadConfig(Schema, { file: list })).message).toBe(
      `config error: ${list} must hold a mapping of fields, not a list`,
    );
  });
});
