import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTicklineConfig } from '../config/load.ts';
import { deriveAuthKeys, loadAuthKeys } from './auth-keys.ts';

const root = mkdtempSync(join(tmpdir(), 'tickline-auth-keys-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const configFor = (env: Record<string, string> = {}) =>
  loadTicklineConfig({ env: { TICKLINE_DATA_DIR: join(root, `d${++n}`), ...env } });
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('auth keys', () => {
  it('keys - one master secret gives three different 32-byte keys, the same every time', () => {
    const master = Buffer.from('m'.repeat(32));
    const keys = deriveAuthKeys(master);
    const all = [keys.accessTokenSecret, keys.totpEncryptionKey, keys.streamTicketSecret].map(hex);
    expect(new Set(all).size).toBe(3);
    for (const key of all) expect(key).toHaveLength(64);
    expect(deriveAuthKeys(master)).toEqual(keys);
    expect(hex(deriveAuthKeys(Buffer.from('n'.repeat(32))).accessTokenSecret)).not.toBe(all[0]);
  });

  it('keys - without auth.secret a random secret is generated once, 0600 in a 0700 folder, and reused', async () => {
    const config = configFor();
    const first = await loadAuthKeys(config);
    expect(first.source).toMatchObject({ kind: 'file', created: true });
    const file = (first.source as { file: string }).file;
    expect(file).toBe(join(config.dataDir, 'secrets', 'auth-secret'));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(config.dataDir, 'secrets')).mode & 0o777).toBe(0o700);
    expect(readFileSync(file, 'utf8').trim()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const again = await loadAuthKeys(config);
    expect(again.source).toMatchObject({ kind: 'file', created: false });
    expect(hex(again.accessTokenSecret)).toBe(hex(first.accessTokenSecret));
    expect(hex((await loadAuthKeys(configFor())).accessTokenSecret)).not.toBe(hex(first.accessTokenSecret));
  });

  it('keys - auth.secret wins and writes no file; two processes sharing it derive the same keys', async () => {
    const secret = 'shared-deployment-secret-0123456789';
    const a = await loadAuthKeys(configFor({ TICKLINE_AUTH_SECRET: secret }));
    const bConfig = configFor({ TICKLINE_AUTH_SECRET: secret });
    const b = await loadAuthKeys(bConfig);
    expect(a.source).toEqual({ kind: 'config' });
    expect(hex(a.streamTicketSecret)).toBe(hex(b.streamTicketSecret));
    expect(() => statSync(join(bConfig.dataDir, 'secrets'))).toThrow();
  });

  it('keys - a truncated secret file refuses to start instead of signing with a guessable key', async () => {
    const config = configFor();
    await loadAuthKeys(config);
    writeFileSync(join(config.dataDir, 'secrets', 'auth-secret'), 'abc\n');
    await expect(loadAuthKeys(config)).rejects.toMatchObject({ code: 'SERVER_SECRET_INVALID' });
  });
});
