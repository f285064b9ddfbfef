import { describe, expect, it } from 'vitest';
import { silentLogger } from '../logging/logger.ts';
import { ServiceStatus, type Service, type ServiceContext } from './service.ts';
import { ServiceHost } from './service-host.ts';

function fakeService(
  name: string,
  journal: string[],
  behaviour: { failStart?: boolean; hangStop?: boolean } = {},
) {
  let context: ServiceContext | undefined;
  const service: Service & { context: () => ServiceContext | undefined } = {
    name,
    context: () => context,
    async start(ctx) {
      context = ctx;
      journal.push(`start ${name}`);
      if (behaviour.failStart) throw new Error(`${name} cannot start`);
    },
    async stop() {
      journal.push(`stop ${name}`);
      if (behaviour.hangStop) await new Promise(() => {});
    },
    health: () => ({ status: ServiceStatus.Up }),
  };
  return service;
}

describe('lifecycle - service host', () => {
  it('starts in order and stops in reverse order', async () => {
    const journal: string[] = [];
    const host = new ServiceHost({ logger: silentLogger });
    host.add(fakeService('log', journal));
    host.add(fakeService('publisher', journal));
    host.add(fakeService('http', journal));
    await host.start();
    await host.stop();
    expect(journal).toEqual([
      'start log',
      'start publisher',
      'start http',
      'stop http',
      'stop publisher',
      'stop log',
    ]);
  });

  it('startService starts each service as it is added; stop still runs in reverse', async () => {
    const journal: string[] = [];
    const host = new ServiceHost({ logger: silentLogger });
    await host.startService(fakeService('log', journal));
    journal.push('built publisher from the open log');
    await host.startService(fakeService('publisher', journal));
    await expect(host.startService(fakeService('http', journal, { failStart: true }))).rejects.toMatchObject({
      code: 'KERNEL_SERVICE_FAILED',
      details: { service: 'http' },
    });
    expect(host.health().http).toMatchObject({ status: 'failed' });
    await host.stop();
    expect(journal).toEqual([
      'start log',
      'built publisher from the open log',
      'start publisher',
      'start http',
      'stop http',
      'stop publisher',
      'stop log',
    ]);
  });

  it('a failed start stops what already started and reports the service', async () => {
    const journal: string[] = [];
    const host = new ServiceHost({ logger: silentLogger });
    host.add(fakeService('log', journal));
    host.add(fakeService('http', journal, { failStart: true }));
    await expect(host.start()).rejects.toMatchObject({
      code: 'KERNEL_SERVICE_FAILED',
      details: { service: 'http' },
    });
    expect(journal).toEqual(['start log', 'start http', 'stop http', 'stop log']);
    expect(host.health().http).toMatchObject({ status: 'failed' });
  });

  it('a service that hangs on stop does not block the others past the deadline', async () => {
    const journal: string[] = [];
    const host = new ServiceHost({ logger: silentLogger, shutdownTimeoutMs: 100 });
    host.add(fakeService('log', journal));
    host.add(fakeService('stuck', journal, { hangStop: true }));
    await host.start();
    const started = Date.now();
    await host.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(journal).toEqual(['start log', 'start stuck', 'stop stuck', 'stop log']);
  });

  it('a failure reported from background work shows in health', async () => {
    const host = new ServiceHost({ logger: silentLogger });
    const worker = host.add(fakeService('worker', []));
    await host.start();
    expect(host.health().worker).toEqual({ status: 'up' });
    worker.context()!.fail(new Error('disk full'));
    expect(host.health().worker).toEqual({ status: 'failed', detail: 'Error: disk full' });
    await host.stop();
  });

  it('stop is idempotent and shared by concurrent callers', async () => {
    const journal: string[] = [];
    const host = new ServiceHost({ logger: silentLogger });
    host.add(fakeService('a', journal));
    await host.start();
    await Promise.all([host.stop(), host.stop()]);
    expect(journal.filter((j) => j === 'stop a')).toHaveLength(1);
  });
});
