import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CODE_KEY_FILE, INSTALL_CODE_KEY_ID, installCodeKeys } from './code-keys.ts';
import { DEV_CODE_KEY, DEV_CODE_KEY_ID, StrategySettingsSchema } from './strategy-settings.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'code-keys-'));
  dirs.push(dir);
  return dir;
};
const defaults = StrategySettingsSchema.parse({});

describe('strategy code keys', () => {
  it('code keys - an embedded install left at the default seals with a key it generates once, in its secrets', async () => {
    const dir = dataDir();
    const first = await installCodeKeys(defaults, { dataDir: dir, postgres: false });
    expect(first.currentKeyId).toBe(INSTALL_CODE_KEY_ID);
    const generated = first.codeKeys[INSTALL_CODE_KEY_ID]!;
    expect(Buffer.from(generated, 'base64')).toHaveLength(32);
    expect(generated).not.toBe(DEV_CODE_KEY);
    // `dev` stays readable until the old versions are re-sealed.
    expect(first.codeKeys[DEV_CODE_KEY_ID]).toBe(DEV_CODE_KEY);
    const file = join(dir, 'secrets', CODE_KEY_FILE);
    expect(readFileSync(file, 'utf8').trim()).toBe(generated);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // The next start reads the same key.
    expect((await installCodeKeys(defaults, { dataDir: dir, postgres: false })).codeKeys).toEqual(
      first.codeKeys,
    );
    // Another install gets another key.
    const other = await installCodeKeys(defaults, { dataDir: dataDir(), postgres: false });
    expect(other.codeKeys[INSTALL_CODE_KEY_ID]).not.toBe(generated);
  });

  it('code keys - on PostgreSQL the public dev key is refused as the current key', async () => {
    await expect(installCodeKeys(defaults, { dataDir: dataDir(), postgres: true })).rejects.toMatchObject({
      code: 'STRATEGY_CODE_KEY_PUBLIC',
    });
    const devExplicit = {
      ...defaults,
      codeKeys: { dev: DEV_CODE_KEY, k1: Buffer.alloc(32, 3).toString('base64') },
    };
    await expect(installCodeKeys(devExplicit, { dataDir: dataDir(), postgres: true })).rejects.toMatchObject({
      code: 'STRATEGY_CODE_KEY_PUBLIC',
    });
    const configured = { ...devExplicit, currentKeyId: 'k1' };
    expect(await installCodeKeys(configured, { dataDir: dataDir(), postgres: true })).toEqual(configured);
  });
});
