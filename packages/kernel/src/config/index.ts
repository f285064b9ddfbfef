/** @module Generic config loading: file + environment + overrides, zod-validated, frozen, redactable. */
export { loadConfig } from './load-config.ts';
export type { LoadConfigOptions, ConfigOverride } from './load-config.ts';
export { readConfigFile } from './config-file.ts';
export { overlayEnv, coerceEnvValue } from './env-overlay.ts';
export type { ConfigOrigin, EnvOverlayOptions } from './env-overlay.ts';
export { listConfigFields, envNameFor, toEnvSegment, ConfigFieldKind } from './schema-fields.ts';
export type { ConfigField } from './schema-fields.ts';
export { redactSecrets, redactUrlCredentials, isSecretKey, REDACTED } from './redact.ts';
export { deepFreeze } from './deep-freeze.ts';
export type { DeepReadonly } from './deep-freeze.ts';
export type { ConfigProblem } from './format-issues.ts';
