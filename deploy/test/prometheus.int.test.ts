import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOY, requireTool, runTool } from './support/deploy-files.ts';

const promtool = requireTool('promtool');
const PROMETHEUS_DIR = join(DEPLOY, 'prometheus');

describe.skipIf(!promtool.available)(`prometheus - promtool ${promtool.reason ?? ''}`, () => {
  const bin = promtool.path!;
  let ruleFiles: string[] = [];
  let scratch = '';

  beforeAll(async () => {
    ruleFiles = (await readdir(join(PROMETHEUS_DIR, 'rules'))).filter((f) => f.endsWith('.yml')).map((f) => join('rules', f));
    scratch = await mkdtemp(join(tmpdir(), 'tickline-promtool-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('check config - prometheus.yml is valid and loads every rule file', async () => {
    const result = await runTool(bin, ['check', 'config', 'prometheus.yml'], { cwd: PROMETHEUS_DIR });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(`SUCCESS: ${ruleFiles.length} rule files found`);
  });

  it('check rules - every alert rule file is valid', async () => {
    expect(ruleFiles.length).toBeGreaterThanOrEqual(5);
    const result = await runTool(bin, ['check', 'rules', ...ruleFiles], { cwd: PROMETHEUS_DIR });
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });

  it('test rules - the alert unit tests pass', async () => {
    const tests = (await readdir(join(PROMETHEUS_DIR, 'tests'))).map((f) => join('tests', f));
    const result = await runTool(bin, ['test', 'rules', ...tests], { cwd: PROMETHEUS_DIR });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('SUCCESS');
  });

  it('test rules - a wrong expectation fails (the unit tests can fail)', async () => {
    const wrong = join(scratch, 'wrong.test.yml');
    await writeFile(
      wrong,
      [
        'rule_files:',
        `  - ${join(PROMETHEUS_DIR, 'rules', 'tickline-process.yml')}`,
        'tests:',
        '  - interval: 1m',
        '    input_series:',
        `      - series: 'up{job="tickline", instance="a", role="gateway"}'`,
        "        values: '1 1 1 1 1'",
        '    alert_rule_test:',
        '      - eval_time: 4m',
        '        alertname: TicklineProcessDown',
        '        exp_alerts:',
        '          - exp_labels: { severity: critical, job: tickline, instance: a, role: gateway }',
        '',
      ].join('\n'),
    );
    const result = await runTool(bin, ['test', 'rules', wrong]);
    expect(result.code).not.toBe(0);
  });
});
