import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMA_CROSS_SOURCE } from '@tickline/strategy';
import { createStrategyTestApp, type StrategyTestApp } from '@tickline/strategy/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRecorded } from '../test-io.test-support.ts';

/** `tickline strategies` against the strategy routes on a real socket. */
describe('cli - strategies over a running server', () => {
  let t: StrategyTestApp;
  let env: Record<string, string>;
  const dir = mkdtempSync(join(tmpdir(), 'tickline-strategies-'));
  const cli = (...args: string[]) => runRecorded(args, env);
  beforeAll(async () => {
    t = await createStrategyTestApp();
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    env = { TICKLINE_URL: url, TICKLINE_TOKEN: (await t.user()).accessToken, XDG_CONFIG_HOME: dir };
  }, 120_000);
  afterAll(async () => {
    // A connection the CLI's fetch keeps alive would hold the close until its idle timeout.
    t?.app.server.closeAllConnections();
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'create from a template and from a file, list, show, versions, save a version',
    { timeout: 120_000 },
    async () => {
      expect((await cli('strategies', 'list')).stdout).toContain('no strategies');
      const fromTemplate = await cli('strategies', 'create', '--template', 'trend-sma-cross', '--json');
      expect(fromTemplate.outcome).toBe(0);
      const created = JSON.parse(fromTemplate.stdout) as {
        strategy: { id: string };
        version: { version: number };
      };
      expect(created.version.version).toBe(1);
      const file = join(dir, 'sma.ts');
      writeFileSync(file, SMA_CROSS_SOURCE);
      const fromFile = await cli('strategies', 'create', '--file', file);
      expect(fromFile.stdout).toMatch(/^created strategy \S+ "sma" version 1\n$/);

      const list = await cli('strategies', 'list');
      expect(list.stdout.split('\n')[0]).toMatch(/^id +name +latest version +updated$/);
      expect(list.stdout).toContain(created.strategy.id);
      const id = created.strategy.id;
      expect((await cli('strategies', 'save', id, '--file', file)).stdout).toBe(
        `saved strategy ${id} version 2\n`,
      );
      const versions = await cli('strategies', 'versions', id, '--json');
      expect((JSON.parse(versions.stdout) as Array<{ version: number }>).map((v) => v.version)).toEqual([
        1, 2,
      ]);
      const shown = await cli('strategies', 'show', id);
      expect(shown.stdout).toMatch(/^version +language +size +created +params$/m);
      expect(shown.stdout).toMatch(/^2 +typescript/m);

      const unknown = await cli('strategies', 'create', '--template', 'nope');
      expect(unknown.outcome).toBe(2);
      expect(unknown.stderr).toContain('--template: one of trend-sma-cross');
      const both = await cli('strategies', 'create');
      expect(both.stderr).toContain('give one of --file or --template');
      const missing = await cli('strategies', 'show', '0190a000-0000-7000-8000-000000000009');
      expect(missing.outcome).toBe(1);
      expect(missing.stderr).toContain('[STRATEGY_NOT_FOUND]');
    },
  );
});
