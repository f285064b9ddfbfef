/** @module Renders docs/config.md from the config schema, so the reference cannot drift from code. */
import { listConfigFields } from '@tickline/kernel';
import { TicklineConfigSchema } from '../config/schema.ts';

/** The markdown for docs/config.md. */
export function renderConfigDoc(): string {
  const escape = (text: string): string => text.replaceAll('|', '\\|');
  const rows = listConfigFields(TicklineConfigSchema, 'TICKLINE').map((field) => {
    const fallback = field.default === undefined ? 'unset' : `\`${JSON.stringify(field.default)}\``;
    return `| \`${field.key}\` | \`${field.env}\` | ${fallback} | ${escape(field.allowed)} | ${escape(field.description ?? '')} |`;
  });
  return [
    '# Configuration',
    '',
    'Tickline reads a file (`--config FILE` or `TICKLINE_CONFIG`, JSON or YAML), then `TICKLINE_*`',
    'environment variables, then command-line options (`--role`); it validates once at start and stops',
    'with exit code 2 and one line per problem when a value is wrong:',
    '',
    '```',
    'config error: http.port (TICKLINE_HTTP_PORT) = "abc": expected an integer 0–65535',
    '```',
    '',
    'An unknown `TICKLINE_*` variable is an error too (a typo would otherwise be silently ignored); an',
    'empty one counts as unset. Lists are comma-separated (or a JSON array) in the environment.',
    '`tickline config print` shows the effective configuration with secrets redacted: passwords,',
    'tokens, keys, and credentials inside URLs (`nats://u:***@host`). `tickline config fields` lists',
    'what follows. This file is generated from the schema (`npm run docs:config`); a test fails when',
    'they differ.',
    '',
    '| setting | environment variable | default | accepts | description |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
