/** @module Strategies and their immutable versions, and the strategy API's type declarations. */
import type { AuthorizedSend } from '../auth/authorized-http.ts';
import type { ClientPaths } from '../http/routes.ts';
import type {
  Compiled,
  CreatedStrategy,
  CreateStrategyInput,
  SaveVersionInput,
  StrategySummary,
  StrategyVersion,
  StrategyVersionInfo,
} from '@tickline/protocol';

export interface StrategiesApi {
  list(): Promise<StrategySummary[]>;
  get(id: string): Promise<StrategySummary>;
  /** Creates the strategy with version 1; a compile error rejects with line and column in details. */
  create(input: CreateStrategyInput): Promise<CreatedStrategy>;
  remove(id: string): Promise<void>;
  versions(id: string): Promise<StrategyVersionInfo[]>;
  version(id: string, version: number): Promise<StrategyVersion>;
  /** Saves a new immutable version. */
  saveVersion(id: string, input: SaveVersionInput): Promise<StrategyVersionInfo>;
  /** Checks code without saving: its declared parameters, or a coded error with the position. */
  compile(input: SaveVersionInput): Promise<Compiled>;
  /** The published API as a `.d.ts` text (for editors). */
  apiTypes(): Promise<string>;
}

export function createStrategiesApi(send: AuthorizedSend, paths: ClientPaths): StrategiesApi {
  const base = paths.strategies;
  const one = (id: string) => `${base}/${encodeURIComponent(id)}`;
  return {
    list: async () =>
      (await send<{ strategies: StrategySummary[] }>({ method: 'GET', path: base })).strategies,
    get: async (id) => (await send<{ strategy: StrategySummary }>({ method: 'GET', path: one(id) })).strategy,
    create: (input) => send({ method: 'POST', path: base, body: input }),
    remove: async (id) => {
      await send<void>({ method: 'DELETE', path: one(id) });
    },
    versions: async (id) =>
      (await send<{ versions: StrategyVersionInfo[] }>({ method: 'GET', path: `${one(id)}/versions` }))
        .versions,
    version: async (id, version) =>
      (await send<{ version: StrategyVersion }>({ method: 'GET', path: `${one(id)}/versions/${version}` }))
        .version,
    saveVersion: async (id, input) =>
      (
        await send<{ version: StrategyVersionInfo }>({
          method: 'POST',
          path: `${one(id)}/versions`,
          body: input,
        })
      ).version,
    compile: (input) => send({ method: 'POST', path: `${base}/compile`, body: input }),
    apiTypes: async () =>
      (await send<{ declarations: string }>({ method: 'GET', path: `${base}/api-types` })).declarations,
  };
}
