import { describe, expect, it } from 'vitest';
import { ExitCode } from '../exit-code.ts';
import { runRecorded } from '../test-io.test-support.ts';
import { resolveBotOptions, type BotCommandOptions } from './bot-options.ts';
import { BotStats, botFailures } from '@tickline/client/bots';

const raw = (over: Partial<BotCommandOptions> = {}): BotCommandOptions => ({
  url: 'http://127.0.0.1:8080/',
  count: '50',
  duration: '5',
  rate: '10',
  transport: 'ws',
  hacks: '0',
  speed: '0.5',
  connectConcurrency: '16',
  maxRejectRatio: '0.01',
  ...over,
});

describe('tickline bots', () => {
  it('bots options - resolve units and the transport', () => {
    const o = resolveBotOptions(raw({ tcp: true, duration: '2.5', zone: 'zone-1' }));
    expect(o).toMatchObject({
      url: 'http://127.0.0.1:8080',
      count: 50,
      durationMs: 2500,
      rateHz: 10,
      transport: 'tcp',
      zone: 'zone-1',
    });
    expect(o.password).toMatch(/^Bot-/);
  });

  it('bots options - bad values are usage errors naming the flag', async () => {
    expect(() => resolveBotOptions(raw({ count: '0' }))).toThrow(/--count/);
    expect(() => resolveBotOptions(raw({ url: 'ftp://x' }))).toThrow(/--url/);
    expect(() => resolveBotOptions(raw({ transport: 'udp' }))).toThrow(/--transport/);
    expect(() => resolveBotOptions(raw({ apiKey: 'tk_x' }))).toThrow(/--api-key .* --count 1/);
    expect(resolveBotOptions(raw({ apiKey: 'tk_x', count: '1' })).apiKey).toBe('tk_x');
    const run = await runRecorded(['bots', '--count', 'many']);
    expect(run.outcome).toBe(ExitCode.Usage);
    expect(run.stderr).toMatch(/--count must be an integer/);
  });

  it('bots stats - progress lines count per window; the summary holds totals and percentiles', () => {
    const stats = new BotStats();
    stats.connected = 2;
    for (let i = 1; i <= 10; i++) {
      stats.move(false);
      stats.ack(i);
    }
    stats.move(true);
    stats.reject('GAME_TELEPORT', false);
    stats.rtt(2);
    const line = stats.tick(1, 1);
    expect(line).toMatch(/connected 2 {2}moves\/s 11 {2}acks\/s 10 {2}rejects\/s 1 \(honest 0\)/);
    const s = stats.summary(2, 1);
    expect(s).toMatchObject({ movesSent: 11, hacksSent: 1, acks: 10, rejects: 1, honestRejects: 0 });
    expect(s.latencyP50Ms).toBe(5);
    expect(s.latencyP99Ms).toBe(10);
    expect(s.rejectsByReason).toEqual({ GAME_TELEPORT: 1 });
    expect(botFailures(s, 0.01)).toEqual([]);
  });

  it('bots stats - failures: connect errors, accepted hacks, honest rejections, no acks', () => {
    const stats = new BotStats();
    stats.failedToConnect = 1;
    stats.hacksAccepted = 1;
    for (let i = 0; i < 10; i++) stats.move(false);
    stats.reject('GAME_MOVE_TOO_FAST', true);
    stats.tick(1, 1);
    const failures = botFailures(stats.summary(2, 1), 0.01);
    expect(failures).toEqual([
      '1 bot(s) could not connect',
      '1 speed hack(s) were accepted',
      '1 of 10 honest moves were rejected',
      'no move was acknowledged',
    ]);
  });
});
