/**
 * deploy/bluegreen/flip.sh against a recording stand-in for kubectl and docker (no cluster or
 * Docker daemon where CI runs): the order of a release — the idle colour up and ready before the
 * Service or the front flips, the old colour stopped only after — a rollback, and a release that
 * never became ready leaving the live colour alone.
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEPLOY, runTool } from './support/deploy-files.ts';

// A kubectl that records each call and keeps the Service's colour and each Deployment's replicas.
const FAKE_KUBECTL = `#!/usr/bin/env bash
dir="$(dirname "$0")"
shift 2 # -n <namespace>
echo "$*" >>"$dir/calls"
case "$1 $2" in
  "get service") cat "$dir/live" ;;
  "get deployment") f="$dir/replicas-$3"; [[ -f "$f" ]] && cat "$f" || echo 0 ;;
  "scale deployment/"*) echo "\${3#--replicas=}" >"$dir/replicas-\${2#deployment/}" ;;
  "rollout status") [[ -z "$FAIL_ROLLOUT" || "$3" != *"$FAIL_ROLLOUT"* ]] ;;
  "patch service") sed -n 's/.*colour":"\\([a-z]*\\)".*/\\1/p' <<<"$7" >"$dir/live" ;;
esac
`;
// A docker that records each call.
const FAKE_DOCKER = `#!/usr/bin/env bash
echo "$*" >>"$(dirname "$0")/calls"
[[ -z "$FAIL_UP" || "$*" != *" up "* ]]
`;

let bin: string;
let script: string;
const calls = () => readFileSync(join(bin, 'calls'), 'utf8').trim().split('\n');
const flip = (args: string[], env: Record<string, string> = {}) =>
  runTool('bash', [script, ...args], {
    env: { ...process.env, KUBECTL: join(bin, 'kubectl'), DOCKER: join(bin, 'docker'), ...env },
  });

beforeEach(() => {
  bin = mkdtempSync(join(tmpdir(), 'flip-'));
  // The script edits files next to it (the front's live.conf): run a copy.
  const copy = join(bin, 'deploy');
  mkdirSync(join(copy, 'bluegreen', 'front'), { recursive: true });
  script = join(copy, 'bluegreen', 'flip.sh');
  copyFileSync(join(DEPLOY, 'bluegreen', 'flip.sh'), script);
  copyFileSync(join(DEPLOY, 'bluegreen', 'front', 'live.conf'), join(copy, 'bluegreen', 'front', 'live.conf'));
  for (const [name, text] of [['kubectl', FAKE_KUBECTL], ['docker', FAKE_DOCKER]] as const) {
    writeFileSync(join(bin, name), text);
    chmodSync(join(bin, name), 0o755);
  }
  writeFileSync(join(bin, 'calls'), '');
  writeFileSync(join(bin, 'live'), 'blue\n');
  for (const role of ['gateway', 'strategy', 'platform']) writeFileSync(join(bin, `replicas-${role}-blue`), '3\n');
});

describe('deploy - flip.sh on Kubernetes', () => {
  it('release - green on the new image at blue’s size, ready, then the Service flips, then blue goes to 0; rollback reverses it', async () => {
    const released = await flip(['k8s', 'release', 'registry.example.com/tickline:0.2.0']);
    expect(released.code, released.stderr).toBe(0);
    const order = calls().filter((c) => !c.startsWith('get '));
    expect(order).toEqual([
      'set image deployment/gateway-green tickline=registry.example.com/tickline:0.2.0',
      'scale deployment/gateway-green --replicas=3',
      'set image deployment/strategy-green tickline=registry.example.com/tickline:0.2.0',
      'scale deployment/strategy-green --replicas=3',
      'set image deployment/platform-green tickline=registry.example.com/tickline:0.2.0',
      'scale deployment/platform-green --replicas=3',
      'rollout status deployment/gateway-green --timeout=300s',
      'rollout status deployment/strategy-green --timeout=300s',
      'rollout status deployment/platform-green --timeout=300s',
      'patch service gateway --type merge -p {"spec":{"selector":{"tickline.dev/colour":"green"}}}',
      'scale deployment/gateway-blue --replicas=0',
      'scale deployment/strategy-blue --replicas=0',
      'scale deployment/platform-blue --replicas=0',
    ]);
    expect(readFileSync(join(bin, 'live'), 'utf8').trim()).toBe('green');

    writeFileSync(join(bin, 'calls'), '');
    const rolledBack = await flip(['k8s', 'rollback']);
    expect(rolledBack.code, rolledBack.stderr).toBe(0);
    const back = calls().filter((c) => !c.startsWith('get '));
    expect(back.some((c) => c.startsWith('set image'))).toBe(false);
    expect(back).toContain('scale deployment/gateway-blue --replicas=3');
    expect(back.indexOf('patch service gateway --type merge -p {"spec":{"selector":{"tickline.dev/colour":"blue"}}}')).toBeGreaterThan(
      back.indexOf('rollout status deployment/platform-blue --timeout=300s'),
    );
    expect(back.at(-1)).toBe('scale deployment/platform-green --replicas=0');
    expect(readFileSync(join(bin, 'live'), 'utf8').trim()).toBe('blue');
  });

  it('release - a colour that never becomes ready flips nothing and stops nothing', async () => {
    const result = await flip(['k8s', 'release', 'tickline:broken'], { FAIL_ROLLOUT: 'strategy-green' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('strategy-green did not become ready: the Service still points at blue');
    expect(calls().some((c) => c.startsWith('patch '))).toBe(false);
    expect(calls().some((c) => c.includes('-blue --replicas=0'))).toBe(false);
    expect(readFileSync(join(bin, 'live'), 'utf8').trim()).toBe('blue');
  });
});

describe('deploy - flip.sh on Docker Compose', () => {
  it('release - tickline-green up and healthy, the front rewritten and reloaded, then tickline-blue stopped; rollback returns', async () => {
    const released = await flip(['compose', 'release', 'tickline:0.2.0']);
    expect(released.code, released.stderr).toBe(0);
    const live = join(bin, 'deploy', 'bluegreen', 'front', 'live.conf');
    expect(readFileSync(live, 'utf8')).toContain('server gateway-green:8080;');
    const order = calls();
    expect(order[0]).toMatch(/^compose -p tickline-green .*compose\.bluegreen\.yaml up -d --wait/);
    expect(order[1]).toMatch(/compose\.yaml --profile bluegreen exec -T front nginx -s reload$/);
    expect(order[2]).toMatch(/^compose -p tickline-blue .* stop$/);

    writeFileSync(join(bin, 'calls'), '');
    // Blue's image was never recorded (it was started by hand): the rollback refuses to guess.
    expect((await flip(['compose', 'rollback'])).stderr).toContain('no image recorded for blue');
    const again = await flip(['compose', 'release', 'tickline:0.3.0']);
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(live, 'utf8')).toContain('server gateway-blue:8080;');
    const rolledBack = await flip(['compose', 'rollback']);
    expect(rolledBack.code, rolledBack.stderr).toBe(0);
    expect(readFileSync(live, 'utf8')).toContain('server gateway-green:8080;');
    expect(calls().at(-3)).toMatch(/^compose -p tickline-green .* up -d --wait/);
  });

  it('release - a colour that never becomes healthy leaves the front on the live one', async () => {
    const result = await flip(['compose', 'release', 'tickline:broken'], { FAIL_UP: '1' });
    expect(result.code).not.toBe(0);
    expect(readFileSync(join(bin, 'deploy', 'bluegreen', 'front', 'live.conf'), 'utf8')).toContain('gateway-blue');
    expect(calls()).toHaveLength(1);
  });
});
