import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { residentMemoryBytes } from './resident-memory.ts';

const GROW = `
const held = [];
process.on('message', (mb) => {
  // Touch every page so the kernel counts it resident, not merely reserved.
  for (let i = 0; i < mb; i++) held.push(Buffer.alloc(1024 * 1024, 1));
  process.send('grown');
});
process.send('ready');`;

describe('sandbox - resident memory from the OS', () => {
  it('sees memory another process holds outside its V8 heap', async () => {
    const child = spawn(process.execPath, ['-e', GROW], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    try {
      await once(child, 'message');
      const before = await residentMemoryBytes(child.pid ?? 0);
      child.send(64);
      await once(child, 'message');
      const after = await residentMemoryBytes(child.pid ?? 0);
      expect(before).toBeGreaterThan(0);
      expect((after ?? 0) - (before ?? 0)).toBeGreaterThan(48 * 1024 * 1024);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('answers undefined for a process that no longer exists', async () => {
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    const pid = child.pid ?? 0;
    await once(child, 'exit');
    // Reaped by Node on exit: procfs has no entry left for it.
    expect(await residentMemoryBytes(pid)).toBeUndefined();
  });
});
