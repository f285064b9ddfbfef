/** @module The caller's API keys. */
import type { AuthorizedSend } from '../auth/authorized-http.ts';
import type { ClientPaths } from '../http/routes.ts';
import type { ApiKeyInfo, CreateApiKeyInput, CreatedApiKey } from '@tickline/protocol';

export interface ApiKeysApi {
  list(): Promise<ApiKeyInfo[]>;
  /** Creates a key; `key` in the result is shown this once. */
  create(input: CreateApiKeyInput): Promise<CreatedApiKey>;
  revoke(id: string): Promise<void>;
}

export function createApiKeysApi(send: AuthorizedSend, paths: ClientPaths): ApiKeysApi {
  return {
    list: async () => (await send<{ apiKeys: ApiKeyInfo[] }>({ method: 'GET', path: paths.apiKeys })).apiKeys,
    create: (input) => send<CreatedApiKey>({ method: 'POST', path: paths.apiKeys, body: input }),
    revoke: async (id) => {
      await send<void>({ method: 'DELETE', path: `${paths.apiKeys}/${encodeURIComponent(id)}` });
    },
  };
}
