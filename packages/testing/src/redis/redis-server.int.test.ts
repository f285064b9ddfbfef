import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canConnect } from '../free-port.ts';
import { requireRedisServer, startRedis, type RedisServerHandle } from './redis-server.ts';

const found = requireRedisServer();

/** Sends one inline command and resolves with the raw reply. */
function command(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('error', reject);
    socket.once('connect', () => socket.write(`${line}\r\n`));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString());
    });
  });
}

describe.skipIf(!found.available)(`redis harness ${found.reason ?? ''}`, () => {
  let redis: RedisServerHandle;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.cleanup());

  it('redis - answers on its URL, stores, and restarts empty on the same port', async () => {
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(await command(redis.port, 'SET k v')).toBe('+OK\r\n');
    expect(await command(redis.port, 'GET k')).toBe('$1\r\nv\r\n');
    await redis.restart();
    expect(await command(redis.port, 'GET k')).toBe('$-1\r\n');
  });

  it('redis - kill closes the port; restart opens it again', async () => {
    await redis.kill();
    expect(await canConnect(redis.port)).toBe(false);
    await redis.restart();
    expect(await command(redis.port, 'PING')).toBe('+PONG\r\n');
  });

  it('redis - pause keeps the port open without answers; resume answers again', async () => {
    redis.pause();
    const reply = Promise.race([
      command(redis.port, 'PING'),
      new Promise<string>((resolve) => setTimeout(() => resolve('no answer'), 300)),
    ]);
    expect(await reply).toBe('no answer');
    redis.resume();
    expect(await command(redis.port, 'PING')).toBe('+PONG\r\n');
  });
});
