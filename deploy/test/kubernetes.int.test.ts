import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseYamlDocuments, readRepoFile, requireTool, runTool } from './support/deploy-files.ts';
import { validateObjectStrictly } from './support/strict-kubernetes.ts';
import { checkTicklineConfig } from './support/tickline-config-check.ts';

const kubectl = requireTool('kubectl');
const TARGETS = ['deploy/k8s/base', 'deploy/k8s/overlays/production'];
const BLUEGREEN = 'deploy/k8s/overlays/bluegreen';
const COLOURED = ['gateway', 'platform', 'strategy'];
const ROLES = ['gateway', 'collector', 'game', 'platform', 'strategy'];

type K8sObject = Record<string, any>;

const workloadsOf = (objects: K8sObject[]) => objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
const componentOf = (o: K8sObject): string => o.spec.template.metadata.labels['app.kubernetes.io/component'];
const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

describe.skipIf(!kubectl.available)(`kubernetes - kustomize renders valid objects ${kubectl.reason ?? ''}`, () => {
  const rendered = new Map<string, K8sObject[]>();

  beforeAll(async () => {
    for (const target of [...TARGETS, BLUEGREEN]) {
      const result = await runTool(kubectl.path!, ['kustomize', target]);
      expect(result.code, result.stderr).toBe(0);
      rendered.set(target, parseYamlDocuments(result.stdout));
    }
  });

  it.each([...TARGETS, BLUEGREEN])('%s - every object passes its kubernetes-models schema with unknown fields refused', async (target) => {
    const objects = rendered.get(target)!;
    expect(objects.length).toBeGreaterThan(15);
    const problems = (await Promise.all(objects.map((o) => validateObjectStrictly(o)))).flat();
    expect(problems).toEqual([]);
  });

  it('strict pass - a misspelt field deep in a pod template is refused, a wrong type too', async () => {
    const deployment = structuredClone(rendered.get(TARGETS[0]!)!.find((o) => o.kind === 'Deployment')!);
    deployment.spec.template.spec.containers[0].readinessProbe.httpGet.paht = '/readyz';
    deployment.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    const problems = await validateObjectStrictly(deployment);
    expect(problems.map((p) => p.message).join('\n')).toMatch(/must be integer/);
    delete deployment.spec.template.spec.containers[0].ports[0].containerPort;
    deployment.spec.template.spec.containers[0].ports[0].containerPort = 8080;
    expect(await validateObjectStrictly(deployment)).toEqual([
      { path: `Deployment/${deployment.metadata.name}/spec/template/spec/containers/0/readinessProbe/httpGet/paht`, message: 'unknown field' },
    ]);
  });

  it.each(TARGETS)('%s - every role runs at least twice, probed on /readyz and /healthz, with requests, as non-root', (target) => {
    const workloads = workloadsOf(rendered.get(target)!);
    expect(workloads.map(componentOf).sort()).toEqual([...ROLES].sort());
    for (const workload of workloads) {
      const name = `${workload.kind}/${workload.metadata.name}`;
      const pod = workload.spec.template.spec;
      const [container] = pod.containers;
      expect(workload.spec.replicas, name).toBeGreaterThanOrEqual(2);
      expect(container.readinessProbe.httpGet.path, name).toBe('/readyz');
      expect(container.livenessProbe.httpGet.path, name).toBe('/healthz');
      expect(container.resources.requests.cpu, name).toBeDefined();
      expect(container.resources.requests.memory, name).toBeDefined();
      expect(pod.securityContext.runAsNonRoot, name).toBe(true);
      expect(container.securityContext.allowPrivilegeEscalation, name).toBe(false);
      const env = Object.fromEntries(container.env.map((e: K8sObject) => [e.name, e]));
      expect(env.TICKLINE_ROLE?.value ?? componentOf(workload), name).toBe(componentOf(workload));
      // Secrets by reference only: never a literal value.
      for (const secret of ['TICKLINE_DATABASE_URL', 'TICKLINE_REDIS_URL', 'TICKLINE_AUTH_SECRET']) {
        expect(env[secret]?.valueFrom?.secretKeyRef?.name, `${name} ${secret}`).toBe('tickline');
      }
    }
    expect(rendered.get(target)!.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  it.each(TARGETS)('%s - each workload has a disruption budget, and each autoscaler a target that exists', (target) => {
    const objects = rendered.get(target)!;
    const workloads = workloadsOf(objects);
    const budgets = objects.filter((o) => o.kind === 'PodDisruptionBudget');
    for (const workload of workloads) {
      const labels = workload.spec.template.metadata.labels;
      expect(budgets.filter((b) => matches(b.spec.selector.matchLabels, labels)), workload.metadata.name).toHaveLength(1);
    }
    const autoscalers = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler');
    expect(autoscalers.map((a) => a.metadata.name).sort()).toEqual(['game', 'gateway', 'platform', 'strategy']);
    for (const hpa of autoscalers) {
      const ref = hpa.spec.scaleTargetRef;
      expect(workloads.some((w) => w.kind === ref.kind && w.metadata.name === ref.name), hpa.metadata.name).toBe(true);
    }
    const metricNames = autoscalers.flatMap((a) => a.spec.metrics.map((m: K8sObject) => m.pods?.metric.name ?? m.external?.metric.name)).filter(Boolean);
    expect(metricNames).toEqual(expect.arrayContaining(['tickline_game_players', 'tickline_consumer_lag']));
  });

  it('bluegreen - each stateless role in two colours, one Service on the live colour, the idle one at 0', () => {
    const objects = rendered.get(BLUEGREEN)!;
    const workloads = workloadsOf(objects);
    const colourOf = (o: K8sObject) => o.metadata.labels?.['tickline.dev/colour'];
    expect(workloads.filter((w) => !colourOf(w)).map(componentOf).sort()).toEqual(['collector', 'game']);
    for (const role of COLOURED) {
      const coloured = workloads.filter((w) => componentOf(w) === role);
      expect(coloured.map((w) => `${w.metadata.name}:${colourOf(w)}`).sort()).toEqual([`${role}-blue:blue`, `${role}-green:green`]);
      for (const w of coloured) {
        // The colour is in the selector: a Deployment never adopts the other colour's pods.
        expect(w.spec.selector.matchLabels['tickline.dev/colour'], w.metadata.name).toBe(colourOf(w));
        expect(w.spec.template.metadata.labels['tickline.dev/colour'], w.metadata.name).toBe(colourOf(w));
        expect(w.spec.replicas, w.metadata.name).toBe(colourOf(w) === 'blue' ? 2 : 0);
        // The drain fits in the grace period: preStop, the drain, then the stop's own deadline.
        const pod = w.spec.template.spec;
        const env = Object.fromEntries(pod.containers[0].env.map((e: K8sObject) => [e.name, e.value]));
        const preStop = Number(pod.containers[0].lifecycle.preStop.exec.command[1]);
        expect(Number(env.TICKLINE_SHUTDOWN_DRAIN_MS), w.metadata.name).toBeGreaterThan(0);
        expect(pod.terminationGracePeriodSeconds, w.metadata.name).toBeGreaterThanOrEqual(
          preStop + Number(env.TICKLINE_SHUTDOWN_DRAIN_MS) / 1000 + 10 + 2,
        );
        const budgets = objects.filter((o) => o.kind === 'PodDisruptionBudget' && matches(o.spec.selector.matchLabels, w.spec.template.metadata.labels));
        expect(budgets.map((b) => b.metadata.name), w.metadata.name).toEqual([w.metadata.name]);
        const scalers = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler' && o.spec.scaleTargetRef.name === w.metadata.name);
        expect(scalers, w.metadata.name).toHaveLength(1);
      }
    }
    const services = objects.filter((o) => o.kind === 'Service' && o.metadata.name === 'gateway');
    expect(services).toHaveLength(1);
    const selected = workloads.filter((w) => matches(services[0]!.spec.selector, w.spec.template.metadata.labels));
    expect(selected.map((w) => w.metadata.name)).toEqual(['gateway-blue']);
    // Network policies select by role, not colour: both colours get the same rules.
    for (const policy of objects.filter((o) => o.kind === 'NetworkPolicy'))
      expect(JSON.stringify(policy.spec.podSelector), policy.metadata.name).not.toContain('tickline.dev/colour');
  });

  it('config - the ConfigMap file plus each role’s variables pass `tickline config print`', async () => {
    const objects = rendered.get(TARGETS[1]!)!;
    const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('tickline-config'))!;
    const file = configMap.data['tickline.yaml'] as string;
    expect(parse(file)).toMatchObject({ eventlog: { engine: 'nats' } });
    for (const workload of workloadsOf(objects)) {
      const env: Record<string, string> = {
        TICKLINE_DATABASE_URL: 'postgres://tickline:secret@postgres:5432/tickline',
        TICKLINE_REDIS_URL: 'redis://redis:6379',
        TICKLINE_AUTH_SECRET: 'x'.repeat(40),
      };
      for (const e of workload.spec.template.spec.containers[0].env as K8sObject[]) {
        if (typeof e.value === 'string' && e.name !== 'TICKLINE_CONFIG') env[e.name] = e.value;
      }
      const result = await checkTicklineConfig(env, file);
      expect(result.code, `${workload.metadata.name}: ${result.stderr}`).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ role: componentOf(workload), http: { port: 8080 } });
    }
  });

  it('config - a misspelt variable would be refused by the same check', async () => {
    const result = await checkTicklineConfig({ TICKLINE_DATABASE_ULR: 'postgres://x@y/z' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('TICKLINE_DATABASE_ULR');
  });

  it('README of the overlay - the image is pinned, not latest', async () => {
    const overlay = parse(await readRepoFile('deploy/k8s/overlays/production/kustomization.yaml')) as { images: Array<{ newTag: string }> };
    expect(overlay.images[0]!.newTag).not.toBe('latest');
  });
});
