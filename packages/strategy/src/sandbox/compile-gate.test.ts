import { describe, expect, it } from 'vitest';
import { CompileGate } from './compile-gate.ts';

/** A compile that ends when the test says so, noting when it started. */
function controlled(started: string[], name: string) {
  let end!: () => void;
  const ended = new Promise<void>((resolve) => (end = resolve));
  return { run: () => (started.push(name), ended.then(() => name)), end };
}
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('compile gate', () => {
  it('admission - an account past its first compile gets one only while half the gate is free', async () => {
    const gate = new CompileGate({ perUser: 2, maxInFlight: 8 }, 8);
    const started: string[] = [];
    const held = ['a', 'b', 'c', 'd'].map((who) => controlled(started, who));
    const running = held.map((c, i) => gate.run(`user-${i}`, c.run));
    // Four accounts hold one each: a second from any of them is refused for its account
    await expect(gate.run('user-0', async () => 'again')).rejects.toMatchObject({
      code: 'STRATEGY_COMPILE_BUSY',
      details: { scope: 'account' },
    });
    // while a fifth account's first is admitted
    await expect(gate.run('user-4', async () => 'fifth')).resolves.toBe('fifth');
    for (const c of held) c.end();
    await Promise.all(running);
    expect(gate.stats()).toEqual({ inFlight: 0, waiting: 0 });
  });

  it('turns - admitted compiles reach the shared process account by account, not in arrival order', async () => {
    const gate = new CompileGate({ perUser: 4, maxInFlight: 16 }, 1);
    const started: string[] = [];
    const a = [1, 2, 3].map((n) => controlled(started, `a${n}`));
    const b = controlled(started, 'b1');
    const c = controlled(started, 'c1');
    const all = [...a.map((x) => gate.run('a', x.run)), gate.run('b', b.run), gate.run('c', c.run)];
    await turn();
    expect(started).toEqual(['a1']);
    expect(gate.stats()).toEqual({ inFlight: 5, waiting: 4 });
    for (const x of [a[0]!, b, c, a[1]!, a[2]!]) {
      x.end();
      await turn();
    }
    // a's second and third waited behind b's and c's first, though they came before them
    expect(started).toEqual(['a1', 'b1', 'c1', 'a2', 'a3']);
    await Promise.all(all);
  });

  it('turns - a compile on a process of its own waits for no turn', async () => {
    const gate = new CompileGate({}, 1);
    const started: string[] = [];
    const shared = controlled(started, 'shared');
    const running = gate.run('a', shared.run);
    await expect(gate.run('b', async () => 'own', false)).resolves.toBe('own');
    shared.end();
    await running;
  });
});
