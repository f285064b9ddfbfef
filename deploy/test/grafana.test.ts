import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEPLOY, readYaml } from './support/deploy-files.ts';

interface Panel {
  id: number;
  title: string;
  datasource: { uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets: Array<{ refId: string; expr: string; datasource: { uid: string } }>;
}
interface Dashboard {
  uid: string;
  title: string;
  description: string;
  panels: Panel[];
}

const DASHBOARDS = join(DEPLOY, 'grafana', 'dashboards');

async function dashboards(): Promise<Map<string, Dashboard>> {
  const all = new Map<string, Dashboard>();
  for (const file of await readdir(DASHBOARDS)) all.set(file, JSON.parse(await readFile(join(DASHBOARDS, file), 'utf8')) as Dashboard);
  return all;
}

describe('grafana - provisioned datasource and dashboards', () => {
  it('dashboards - game, market, event log, gateway, strategies and notifications, unique uids', async () => {
    const all = await dashboards();
    expect([...all.keys()].sort()).toEqual(['eventlog.json', 'game.json', 'gateway.json', 'market.json', 'notifications.json', 'strategies.json']);
    const uids = [...all.values()].map((d) => d.uid);
    expect(new Set(uids).size).toBe(uids.length);
    for (const [file, dashboard] of all) {
      expect(dashboard.title, file).toMatch(/^Tickline \/ /);
      expect(dashboard.description.length, file).toBeGreaterThan(20);
    }
  });

  it('panels - every query uses the provisioned datasource uid; ids unique; none overlap', async () => {
    const datasources = await readYaml<{ datasources: Array<{ uid: string; url: string }> }>('deploy/grafana/provisioning/datasources/prometheus.yml');
    const uid = datasources.datasources[0]!.uid;
    expect(datasources.datasources[0]!.url).toBe('http://prometheus:9090');
    for (const [file, dashboard] of await dashboards()) {
      expect(dashboard.panels.length, file).toBeGreaterThan(3);
      const ids = dashboard.panels.map((p) => p.id);
      expect(new Set(ids).size, file).toBe(ids.length);
      const cells = new Set<string>();
      for (const panel of dashboard.panels) {
        expect(panel.datasource.uid, `${file} ${panel.title}`).toBe(uid);
        expect(panel.targets.length, `${file} ${panel.title}`).toBeGreaterThan(0);
        for (const target of panel.targets) {
          expect(target.datasource.uid).toBe(uid);
          expect(target.expr).toMatch(/tickline_/);
        }
        const { x, y, w, h } = panel.gridPos;
        for (let col = x; col < x + w; col++) {
          for (let row = y; row < y + h; row++) {
            const cell = `${col},${row}`;
            expect(cells.has(cell), `${file} ${panel.title} overlaps at ${cell}`).toBe(false);
            cells.add(cell);
          }
        }
      }
    }
  });

  it('provisioning - the dashboards provider reads where compose mounts the JSON files', async () => {
    const provider = await readYaml<{ providers: Array<{ options: { path: string } }> }>('deploy/grafana/provisioning/dashboards/tickline.yml');
    const compose = await readYaml<{ services: { grafana: { volumes: string[] } } }>('deploy/compose.yaml');
    const mount = compose.services.grafana.volumes.find((v) => v.startsWith('./grafana/dashboards:'))!;
    expect(mount.split(':')[1]).toBe(provider.providers[0]!.options.path);
  });
});
