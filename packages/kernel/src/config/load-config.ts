/**
 * @module Loading config: file (JSON or YAML), then `PREFIX_*` environment variables, then
 * explicit overrides (command-line options); validated once against a zod schema, deep-frozen.
 */
import type { z } from 'zod';
import { ConfigInvalidError } from '../errors/index.ts';
import { readConfigFile } from './config-file.ts';
import { deepFreeze, type DeepReadonly } from './deep-freeze.ts';
import { overlayEnv, type ConfigOrigin } from './env-overlay.ts';
import { describeIssues } from './format-issues.ts';
import { setPath } from './object-path.ts';
import { listConfigFields } from './schema-fields.ts';

/** A value set by the caller (a command-line option), applied after the environment. */
export interface ConfigOverride {
  /** Dotted field key: `role`, `http.port`. */
  key: string;
  value: unknown;
  /** Shown in errors: `--role`. */
  origin: string;
}

/** Options for {@link loadConfig}. */
export interface LoadConfigOptions {
  /** JSON or YAML file; without one, defaults and the environment make the whole config. */
  file?: string;
  /** The environment to read. The composition root passes `process.env`; libraries never do. */
  env?: Readonly<Record<string, string | undefined>>;
  /** @default 'TICKLINE' */
  envPrefix?: string;
  /** Variables with the prefix that are not fields (`TICKLINE_CONFIG`). */
  ignoreEnv?: readonly string[];
  overrides?: readonly ConfigOverride[];
}

/**
 * Loads, validates and freezes a config.
 * @throws ConfigInvalidError with one `config error: …` line per problem; `details.problems`
 *   lists them as data.
 * @example
 * const config = loadConfig(TicklineConfigSchema, { file: 'tickline.yaml', env: process.env });
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  options: LoadConfigOptions = {},
): DeepReadonly<z.output<S>> {
  const prefix = options.envPrefix ?? 'TICKLINE';
  const fields = listConfigFields(schema, prefix);
  const fromFile = options.file === undefined ? {} : readConfigFile(options.file);
  const overlaid = overlayEnv(fromFile, fields, options.env ?? {}, {
    prefix,
    ...(options.ignoreEnv ? { ignore: options.ignoreEnv } : {}),
  });
  const origins = new Map<string, ConfigOrigin>(overlaid.origins);
  for (const override of options.overrides ?? []) {
    if (override.value === undefined) continue;
    setPath(overlaid.value, override.key.split('.'), override.value);
    origins.set(override.key, { label: override.origin, raw: override.value });
  }
  const result = schema.safeParse(overlaid.value);
  if (!result.success) {
    const problems = describeIssues(result.error.issues, {
      fields,
      origins,
      input: overlaid.value,
      ...(options.file === undefined ? {} : { fileLabel: options.file }),
    });
    throw new ConfigInvalidError(problems.map((p) => p.message).join('\n'), {
      problems: problems.map(({ message: _message, ...problem }) => problem),
    });
  }
  return deepFreeze(result.data);
}
