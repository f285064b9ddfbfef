import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir, startTicklineServer, type TempDir, type RunningServer } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEPLOY, ROOT } from './support/deploy-files.ts';

/** Series suffixes Prometheus derives from a histogram or summary. */
const DERIVED = /_(bucket|count|sum)$/;
const METRIC_NAME = /\btickline_[a-z0-9_]+/g;

function metricNames(expr: string): string[] {
  return [...expr.matchAll(METRIC_NAME)].map((m) => m[0]);
}

/** `Metrics not exported yet: a, b.` in a dashboard description: names the dashboard may use ahead. */
function declaredFuture(description: string): Set<string> {
  const list = /Metrics not exported yet: ([^.]+)\./.exec(description)?.[1] ?? '';
  return new Set(list.split(',').map((s) => s.trim()).filter(Boolean));
}

/**
 * Series registered only in another mode (the NATS adapter's, a network source's) are not in the
 * embedded scrape; for those, the name must be a literal in a package's (non-test) source.
 */
async function literalsInSources(): Promise<string> {
  const texts: string[] = [];
  for (const entry of await readdir(join(ROOT, 'packages'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || /\.test\.ts$/.test(entry.name)) continue;
    if (entry.parentPath.includes('node_modules')) continue;
    texts.push(await readFile(join(entry.parentPath, entry.name), 'utf8'));
  }
  return texts.join('\n');
}

interface Dashboard {
  title: string;
  description: string;
  panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
}

describe('metrics - alert rules and dashboards use series the app exports', () => {
  let dir: TempDir;
  let server: RunningServer;
  const exported = new Set<string>();
  let sources = '';

  beforeAll(async () => {
    dir = await tempDir('tickline-metrics-');
    // Every role in one embedded process registers every series it has.
    server = await startTicklineServer({ TICKLINE_DATA_DIR: dir.path, TICKLINE_HTTP_PORT: '0', TICKLINE_HTTP_HOST: '127.0.0.1' });
    const text = await (await fetch(`${server.url}/metrics`)).text();
    for (const match of text.matchAll(/^# TYPE (\S+) /gm)) exported.add(match[1]!);
    sources = await literalsInSources();
  });
  afterAll(async () => {
    server?.child.kill('SIGTERM');
    await server?.exited;
    await dir?.remove();
  });

  const isExported = (name: string) => {
    const base = name.replace(DERIVED, '');
    return exported.has(name) || exported.has(base) || sources.includes(`'${base}'`);
  };

  it('alert rules - every tickline_* series in an expression is exported', async () => {
    const rulesDir = join(DEPLOY, 'prometheus', 'rules');
    const missing: string[] = [];
    for (const file of await readdir(rulesDir)) {
      const doc = parse(await readFile(join(rulesDir, file), 'utf8')) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };
      for (const rule of doc.groups.flatMap((g) => g.rules)) {
        for (const name of metricNames(rule.expr)) if (!isExported(name)) missing.push(`${file} ${rule.alert}: ${name}`);
      }
    }
    expect(exported.size).toBeGreaterThan(50);
    expect(missing).toEqual([]);
  });

  it('dashboards - every series is exported or declared ahead in the description', async () => {
    const dashboardsDir = join(DEPLOY, 'grafana', 'dashboards');
    const missing: string[] = [];
    const declaredButExported: string[] = [];
    for (const file of await readdir(dashboardsDir)) {
      const dashboard = JSON.parse(await readFile(join(dashboardsDir, file), 'utf8')) as Dashboard;
      const future = declaredFuture(dashboard.description);
      for (const name of future) if (exported.has(name)) declaredButExported.push(`${file}: ${name}`);
      for (const panel of dashboard.panels) {
        for (const target of panel.targets) {
          for (const name of metricNames(target.expr)) {
            if (!isExported(name) && !future.has(name.replace(DERIVED, ''))) missing.push(`${file} "${panel.title}": ${name}`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
    // Once the process serves a declared metric, its dashboard's description must stop calling it future.
    expect(declaredButExported).toEqual([]);
  });
});
