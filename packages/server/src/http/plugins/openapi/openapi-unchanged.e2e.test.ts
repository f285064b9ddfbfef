/**
 * The whole `all` role in-process (embedded log, PGlite, port 0): its OpenAPI document must list
 * the same operations with the same schemas as the one committed in `openapi.fixture.json`, which
 * was generated before the domain-module refactor (issue 9). `TICKLINE_UPDATE_FIXTURES=1`
 * rewrites the fixture — only for a deliberate API change.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMetricsRegistry, silentLogger } from '@tickline/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDataDir } from '@tickline/testing';
import { loadTicklineConfig } from '../../../config/load.ts';
import { bootstrap, type RunningProcess } from '../../../bootstrap/bootstrap.ts';

const FIXTURE = fileURLToPath(new URL('./openapi.fixture.json', import.meta.url));

interface OpenApiDocument {
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, unknown>;
}

/** `METHOD /path` of every operation, sorted. */
function operations(doc: OpenApiDocument): string[] {
  return Object.entries(doc.paths)
    .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

describe('openapi - the document is unchanged by refactors', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tickline-openapi-'));
  let running: RunningProcess;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    const config = loadTicklineConfig({
      env: {
        TICKLINE_DATA_DIR: dataDir,
        TICKLINE_HTTP_PORT: '0',
        TICKLINE_HTTP_HOST: '127.0.0.1',
        TICKLINE_LOG_LEVEL: 'silent',
      },
    });
    await seedDataDir({ TICKLINE_DATA_DIR: dataDir });
    running = await bootstrap(config, {
      logger: silentLogger,
      metrics: createMetricsRegistry(),
      handleSignals: false,
    });
    const res = await fetch(`${running.url!.replace('localhost', '127.0.0.1')}/api/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as OpenApiDocument;
    if (process.env.TICKLINE_UPDATE_FIXTURES === '1')
      writeFileSync(FIXTURE, `${JSON.stringify(doc, null, 2)}\n`);
  });
  afterAll(async () => {
    await running?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const fixture = (): OpenApiDocument => JSON.parse(readFileSync(FIXTURE, 'utf8')) as OpenApiDocument;

  it('openapi - lists the same operations', () => {
    expect(operations(doc)).toEqual(operations(fixture()));
    expect(operations(doc).length).toBeGreaterThan(40);
  });

  it('openapi - every operation has the same parameters, bodies and responses', () => {
    const expected = fixture();
    for (const [path, methods] of Object.entries(expected.paths))
      for (const [method, operation] of Object.entries(methods))
        expect(doc.paths[path]?.[method], `${method.toUpperCase()} ${path}`).toEqual(operation);
    expect(doc.components).toEqual(expected.components);
  });
});
