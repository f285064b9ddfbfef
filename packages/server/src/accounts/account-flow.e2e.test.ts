/**
 * The seed 002 flow on the embedded default: a real `tickline start` (PGlite, embedded event log)
 * in a temp data dir, driven over HTTP, SSE and WebSocket.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { startTicklineServer, type RunningServer } from '@tickline/testing';
import { accountFlowCases } from '../testing/account-flow-suite.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'tickline-e2e-accounts-'));
let server: RunningServer | undefined;

beforeAll(async () => {
  server = await startTicklineServer({
    TICKLINE_DATA_DIR: dataDir,
    TICKLINE_HTTP_PORT: '0',
    TICKLINE_HTTP_HOST: '127.0.0.1',
  });
});
afterAll(async () => {
  if (server) {
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('accounts - seed 002 flow on the embedded database', () => {
  accountFlowCases(() => server!.url, 'embedded');
});
