/**
 * The backup CronJob and the WAL archive settings (deploy/k8s/base/backup.yaml): the job takes a
 * base backup into the volume it mounts, prunes the WAL archive the PostgreSQL settings write to,
 * never runs twice at once, runs as the roles do (non-root, read-only root), and its command line
 * is one the real `tickline` accepts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runTickline } from '@tickline/testing';
import { parseYamlDocuments, requireTool, runTool } from './support/deploy-files.ts';
import { validateObjectStrictly } from './support/strict-kubernetes.ts';
import { checkTicklineConfig } from './support/tickline-config-check.ts';

const kubectl = requireTool('kubectl');

type K8sObject = Record<string, any>;

describe.skipIf(!kubectl.available)(`kubernetes - backups ${kubectl.reason ?? ''}`, () => {
  let objects: K8sObject[];
  let cron: K8sObject;

  beforeAll(async () => {
    const result = await runTool(kubectl.path!, ['kustomize', 'deploy/k8s/overlays/production']);
    expect(result.code, result.stderr).toBe(0);
    objects = parseYamlDocuments(result.stdout);
    cron = objects.find((o) => o.kind === 'CronJob' && o.metadata.name === 'backup')!;
  });

  it('backup - the CronJob, its volumes and the archive settings pass their schemas', async () => {
    expect(cron).toBeDefined();
    const mine = objects.filter(
      (o) =>
        o === cron ||
        ['tickline-backups', 'tickline-wal-archive', 'postgres-archive-settings'].includes(o.metadata.name),
    );
    expect(mine.map((o) => o.kind).sort()).toEqual([
      'ConfigMap',
      'CronJob',
      'PersistentVolumeClaim',
      'PersistentVolumeClaim',
    ]);
    expect((await Promise.all(mine.map((o) => validateObjectStrictly(o)))).flat()).toEqual([]);
  });

  it('backup - one run at a time, non-root, base backups and WAL on the mounted volumes the settings name', () => {
    expect(cron.spec.concurrencyPolicy).toBe('Forbid');
    const pod = cron.spec.jobTemplate.spec.template.spec;
    const [container] = pod.containers;
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext.allowPrivilegeEscalation).toBe(false);
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
    const args: string[] = container.args;
    expect(args.slice(0, 3)).toEqual(['backup', 'pitr', 'base']);
    const option = (name: string) => args[args.indexOf(name) + 1]!;
    const mountOf = (path: string) =>
      container.volumeMounts.find(
        (m: K8sObject) => path === m.mountPath || path.startsWith(`${m.mountPath}/`),
      );
    const claimOf = (path: string) =>
      pod.volumes.find((v: K8sObject) => v.name === mountOf(path)?.name)?.persistentVolumeClaim?.claimName;
    expect(claimOf(option('--to'))).toBe('tickline-backups');
    expect(claimOf(option('--wal-archive'))).toBe('tickline-wal-archive');
    // PostgreSQL copies each segment to where the job prunes.
    const settings = objects.find((o) => o.metadata.name === 'postgres-archive-settings')!.data[
      'archive.conf'
    ] as string;
    expect(settings).toMatch(/^archive_mode = on$/m);
    expect(settings).toContain(
      `archive_command = 'test ! -f "${option('--wal-archive')}/%f" && cp "%p" "${option('--wal-archive')}/%f"'`,
    );
    // The database URL by reference, from the Secret's replication role.
    const env = Object.fromEntries(container.env.map((e: K8sObject) => [e.name, e]));
    expect(env.TICKLINE_DATABASE_URL.valueFrom.secretKeyRef).toEqual({
      name: 'tickline',
      key: 'backup-database-url',
    });
  });

  it('backup - the job’s settings (the ConfigMap file and its variables) pass `tickline config print`', async () => {
    const configMap = objects.find(
      (o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('tickline-config'),
    )!;
    const container = cron.spec.jobTemplate.spec.template.spec.containers[0];
    // The mounted ConfigMap is the one the roles read.
    const configVolume = cron.spec.jobTemplate.spec.template.spec.volumes.find(
      (v: K8sObject) => v.name === 'config',
    );
    expect(configVolume.configMap.name).toBe(configMap.metadata.name);
    const env: Record<string, string> = {
      TICKLINE_DATABASE_URL: 'postgres://replicator:secret@postgres:5432/tickline',
    };
    for (const e of container.env as K8sObject[])
      if (typeof e.value === 'string' && e.name !== 'TICKLINE_CONFIG') env[e.name] = e.value;
    const result = await checkTicklineConfig(env, configMap.data['tickline.yaml'] as string);
    expect(result.code, result.stderr).toBe(0);
  });

  it('backup - the command line is one tickline accepts', async () => {
    const args: string[] = cron.spec.jobTemplate.spec.template.spec.containers[0].args;
    const help = await runTickline([...args, '--help'], {});
    expect(help.code, help.stderr).toBe(0);
    for (const option of args.filter((a) => a.startsWith('--'))) expect(help.stdout).toContain(option);
  });
});
