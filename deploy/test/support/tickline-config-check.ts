/**
 * @module Checks a deployment's settings with the real config loader: `tickline config print`
 * with the same file and TICKLINE_* variables a container would get, so a misspelt variable or a
 * value of the wrong shape fails here rather than at a pod's start.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTickline, type FinishedCommand } from '@tickline/testing';

/** Runs `tickline config print --json` with `env` (and the config file text, when given). */
export async function checkTicklineConfig(env: Record<string, string>, configFile?: string): Promise<FinishedCommand> {
  const dir = await mkdtemp(join(tmpdir(), 'tickline-config-check-'));
  try {
    const fileEnv: Record<string, string> = {};
    if (configFile !== undefined) {
      const path = join(dir, 'tickline.yaml');
      await writeFile(path, configFile);
      fileEnv.TICKLINE_CONFIG = path;
    }
    return await runTickline(['config', 'print', '--json'], { ...env, ...fileEnv });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
