import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runRecorded } from './test-io.test-support.ts';

describe('cli - version and help', () => {
  it('cli - version prints the package version and Node', async () => {
    const run = await runRecorded(['version']);
    expect(run.outcome).toBe(0);
    expect(run.stdout).toMatch(/^tickline \d+\.\d+\.\d+ \(node v24\.\d+\.\d+\)\n$/);
  });

  it("cli - version --json; a command's own --version is not the program's", async () => {
    const json = await runRecorded(['version', '--json']);
    expect(JSON.parse(json.stdout)).toEqual({
      version: expect.stringMatching(/^\d+\.\d+\.\d+$/),
      node: process.version,
    });
    // The program's options are read before a command only: this --version is the strategy's.
    const run = await runRecorded(
      ['live', 'enable', '--strategy', 's1', '--version', 'three', '--feed', 'BTC-USDT:1h'],
      { TICKLINE_TOKEN: 't' },
    );
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('--version must be a positive integer, got three');
    expect(run.outcome).toBe(2);
  });

  it('cli - every command has --help with examples', async () => {
    const commands = [
      [],
      ['start'],
      ['config'],
      ['config', 'print'],
      ['config', 'fields'],
      ['log'],
      ['log', 'info'],
      ['log', 'tail'],
      ['log', 'replay'],
      ['version'],
    ];
    for (const command of commands) {
      const run = await runRecorded([...command, '--help']);
      expect(run.outcome, command.join(' ')).toBe(0);
      expect(run.stdout, command.join(' ')).toContain('Usage: tickline');
      expect(run.stdout, command.join(' ')).toMatch(/Examples?:/);
    }
  });

  it('cli - start --help lists every role with what it runs now', async () => {
    const { stdout } = await runRecorded(['start', '--help']);
    for (const role of ['all', 'gateway', 'collector', 'game', 'platform', 'strategy'])
      expect(stdout).toContain(`  ${role} `);
    expect(stdout).toContain(
      'runs now: eventlog, eventlog-dlq, publisher, sql, identity, strategy, trading, graphql, http',
    );
  });

  it('cli - an unknown option or role is a usage error (exit 2)', async () => {
    expect((await runRecorded(['start', '--bogus'])).outcome).toBe(2);
    const run = await runRecorded(['start', '--role', 'chef']);
    expect(run.outcome).toBe(2);
    expect(run.stderr).toContain("'chef' is invalid");
  });
});

describe('cli - config', () => {
  it('cli - config print shows YAML with NATS credentials redacted', async () => {
    const run = await runRecorded(['config', 'print'], {
      TICKLINE_EVENTLOG_NATS_SERVERS: 'nats://ops:hunter2@nats-1:4222,nats://nats-2:4222',
      TICKLINE_EVENTLOG_NATS_USER: 'ops',
      TICKLINE_EVENTLOG_NATS_PASSWORD: 'hunter2',
      TICKLINE_EVENTLOG_NATS_TOKEN: 't0ken',
    });
    expect(run.outcome).toBe(0);
    expect(run.stdout).not.toContain('hunter2');
    expect(run.stdout).not.toContain('t0ken');
    const printed = parse(run.stdout) as { eventlog: { nats: Record<string, unknown> } };
    expect(printed.eventlog.nats).toEqual({
      servers: ['nats://ops:***@nats-1:4222', 'nats://nats-2:4222'],
      stream: 'TICKLINE',
      replicas: 1,
      user: 'ops',
      password: '***',
      token: '***',
    });
  });

  it('cli - config print --json and --role', async () => {
    const run = await runRecorded(['config', 'print', '--json', '--role', 'game'], {
      TICKLINE_HTTP_PORT: '9000',
    });
    const printed = JSON.parse(run.stdout) as { role: string; http: { port: number } };
    expect(printed.role).toBe('game');
    expect(printed.http.port).toBe(9000);
  });

  it('cli - an invalid config prints one line and exits 2', async () => {
    const run = await runRecorded(['config', 'print'], { TICKLINE_HTTP_PORT: 'abc' });
    expect(run.outcome).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'config error: http.port (TICKLINE_HTTP_PORT) = "abc": expected an integer 0–65535\n',
    );
  });

  it('cli - start with an invalid config exits 2 before starting anything', async () => {
    const run = await runRecorded(['start'], { TICKLINE_SHUTDOWN_TIMEOUT_MS: '-5' });
    expect(run.outcome).toBe(2);
    expect(run.stderr).toBe(
      'config error: shutdown.timeoutMs (TICKLINE_SHUTDOWN_TIMEOUT_MS) = "-5": expected an integer > 0\n',
    );
  });

  it('cli - config fields lists each setting with its variable', async () => {
    const run = await runRecorded(['config', 'fields', '--json']);
    const fields = JSON.parse(run.stdout) as Array<{ key: string; env: string }>;
    expect(fields).toContainEqual(
      expect.objectContaining({ key: 'eventlog.nats.servers', env: 'TICKLINE_EVENTLOG_NATS_SERVERS' }),
    );
    const text = await runRecorded(['config', 'fields']);
    expect(text.stdout).toContain(
      'http.port  (TICKLINE_HTTP_PORT, default 8080)\n  an integer 0–65535. TCP port',
    );
  });
});
