import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ProcessRss } from './process-rss.ts';

describe('process rss', () => {
  it('reads what the kernel counts, follows growth, and reads nothing once the process is gone', async () => {
    const own = new ProcessRss(process.pid);
    const before = own.read()!;
    expect(Math.abs(before - process.memoryUsage.rss())).toBeLessThan(16 * 1024 * 1024);
    const held = Buffer.alloc(64 * 1024 * 1024, 1);
    expect(own.read()! - before).toBeGreaterThan(48 * 1024 * 1024);
    expect(held[0]).toBe(1);
    own.close();
    expect(own.read()).toBeUndefined();

    const child = spawn('sleep', ['30']);
    const rss = new ProcessRss(child.pid!);
    expect(rss.read()).toBeGreaterThan(0);
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(rss.read()).toBeUndefined();
    rss.close();
  });
});
