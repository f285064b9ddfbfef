import { EventEmitter } from 'node:events';
import { silentLogger } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { installProcessHandlers } from './process-handlers.ts';

function harness(stop: () => Promise<void> = async () => {}, drain?: () => Promise<void>) {
  const target = new EventEmitter();
  const exits: number[] = [];
  const failures: unknown[] = [];
  let stops = 0;
  let exited!: (code: number) => void;
  const exitedOnce = new Promise<number>((resolve) => (exited = resolve));
  const remove = installProcessHandlers({
    logger: silentLogger,
    stop: () => {
      stops++;
      return stop();
    },
    markFailed: (error) => failures.push(error),
    shutdownTimeoutMs: 1_000,
    ...(drain ? { drain } : {}),
    exit: (code) => {
      exits.push(code);
      exited(code);
    },
    target,
  });
  return { target, exits, failures, stops: () => stops, exitedOnce, remove };
}

describe('process - signals', () => {
  it('signals - SIGTERM stops the services and exits 0', async () => {
    const h = harness();
    h.target.emit('SIGTERM', 'SIGTERM');
    expect(await h.exitedOnce).toBe(0);
    expect(h.stops()).toBe(1);
  });

  it('signals - SIGTERM drains first, then stops; a crash stops without draining', async () => {
    const order: string[] = [];
    const h = harness(
      async () => void order.push('stop'),
      async () => {
        order.push('drain');
        await new Promise((resolve) => setTimeout(resolve, 20));
      },
    );
    h.target.emit('SIGTERM', 'SIGTERM');
    expect(await h.exitedOnce).toBe(0);
    expect(order).toEqual(['drain', 'stop']);
    const crashed = harness(
      async () => void order.push('crash-stop'),
      async () => void order.push('crash-drain'),
    );
    crashed.target.emit('uncaughtException', new Error('boom'));
    expect(await crashed.exitedOnce).toBe(1);
    expect(order.slice(2)).toEqual(['crash-stop']);
  });

  it('signals - a second signal exits at once with 128 + signal number', async () => {
    const h = harness(() => new Promise(() => {}));
    h.target.emit('SIGINT', 'SIGINT');
    h.target.emit('SIGINT', 'SIGINT');
    expect(await h.exitedOnce).toBe(130);
    expect(h.stops()).toBe(1);
  });

  it('signals - a failing stop exits 1', async () => {
    const h = harness(async () => {
      throw new Error('stuck');
    });
    h.target.emit('SIGTERM', 'SIGTERM');
    expect(await h.exitedOnce).toBe(1);
  });
});

describe('process - crashes', () => {
  it('crashes - an uncaught exception marks the process failed, stops and exits 1', async () => {
    const h = harness();
    const boom = new Error('boom');
    h.target.emit('uncaughtException', boom);
    expect(await h.exitedOnce).toBe(1);
    expect(h.failures).toEqual([boom]);
    expect(h.stops()).toBe(1);
  });

  it('crashes - an unhandled rejection during shutdown does not stop twice, and the exit says it failed', async () => {
    let release!: () => void;
    const h = harness(() => new Promise<void>((resolve) => (release = resolve)));
    h.target.emit('SIGTERM', 'SIGTERM');
    h.target.emit('unhandledRejection', new Error('late'));
    release();
    expect(await h.exitedOnce).toBe(1);
    expect(h.stops()).toBe(1);
    expect(h.failures).toHaveLength(1);
  });

  it('crashes - the remover detaches every handler', () => {
    const h = harness();
    h.remove();
    for (const event of ['SIGTERM', 'SIGINT', 'uncaughtException', 'unhandledRejection'])
      expect(h.target.listenerCount(event), event).toBe(0);
  });
});
