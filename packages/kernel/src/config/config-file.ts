/** @module Config files: JSON (`.json`) or YAML (`.yaml`, `.yml`, anything else). */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigInvalidError } from '../errors/index.ts';

/**
 * Reads and parses a config file into a plain object. An empty YAML file is `{}`.
 * @throws ConfigInvalidError when the file is missing, unparsable or not a mapping.
 */
export function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(cause);
    throw new ConfigInvalidError(`config error: cannot read ${file}: ${reason}`, { file });
  }
  let parsed: unknown;
  try {
    parsed = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    throw new ConfigInvalidError(`config error: cannot parse ${file}: ${reason}`, { file });
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigInvalidError(
      `config error: ${file} must hold a mapping of fields, not ${describe(parsed)}`,
      {
        file,
      },
    );
  }
  return parsed as Record<string, unknown>;
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'a list' : `a ${typeof value}`;
}
