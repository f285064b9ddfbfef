/** @module Loading the Tickline config: `--config FILE` (or TICKLINE_CONFIG) plus TICKLINE_* variables. */
import { loadConfig, type ConfigOverride, type DeepReadonly } from '@tickline/kernel';
import { CLIENT_ENV, CONFIG_FILE_ENV } from '@tickline/cli';
import { TicklineConfigSchema, type TicklineConfig } from './schema.ts';

// The command line names them (its help, its API commands); this process reads the file, not them.
export { CONFIG_FILE_ENV };

/** Options for {@link loadTicklineConfig}. */
export interface LoadTicklineConfigOptions {
  /** The file given with `--config`. @default env.TICKLINE_CONFIG */
  file?: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Command-line options that override settings. */
  overrides?: readonly ConfigOverride[];
}

export type ResolvedConfig = DeepReadonly<TicklineConfig>;

/**
 * Loads and validates the config once. @throws ConfigInvalidError whose message is the lines to
 * print (`config error: http.port (TICKLINE_HTTP_PORT) = "abc": expected an integer 0–65535`).
 */
export function loadTicklineConfig(options: LoadTicklineConfigOptions): ResolvedConfig {
  const file = options.file ?? (options.env[CONFIG_FILE_ENV] || undefined);
  return loadConfig(TicklineConfigSchema, {
    env: options.env,
    ignoreEnv: [CONFIG_FILE_ENV, ...CLIENT_ENV],
    ...(file === undefined ? {} : { file }),
    ...(options.overrides === undefined ? {} : { overrides: options.overrides }),
  });
}
