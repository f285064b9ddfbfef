import { describe, expect, it } from 'vitest';
import { WaveLanes } from './wave-lanes.ts';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('wave lanes', () => {
  it("takes one portfolio's answers in the order asked, and other portfolios' as they come", async () => {
    const taken: string[] = [];
    let release: (() => void) | undefined;
    const lanes = new WaveLanes<string>((answer) => {
      taken.push(answer);
      // a1 places orders: its lane waits for them; everything else is done at once.
      if (answer === 'a1') return new Promise<void>((resolve) => (release = resolve));
      return undefined;
    });
    const a1 = lanes.ask('A');
    const a2 = lanes.ask('A');
    const b1 = lanes.ask('B');
    const done = lanes.done();
    let finished = false;
    void done.then(() => (finished = true));
    a2('a2');
    b1('b1');
    await tick();
    // a2 came first but waits for a1; B's answer is taken at once.
    expect(taken).toEqual(['b1']);
    a1('a1');
    await tick();
    expect(taken).toEqual(['b1', 'a1']);
    expect(finished).toBe(false);
    release!();
    await done;
    expect(taken).toEqual(['b1', 'a1', 'a2']);
  });

  it('finishes at once with nothing asked, and rejects with the first failure after every answer', async () => {
    await expect(new WaveLanes<string>(() => undefined).done()).resolves.toBeUndefined();
    const taken: string[] = [];
    const lanes = new WaveLanes<string>((answer) => {
      taken.push(answer);
      if (answer === 'x') return Promise.reject(new Error('desk down'));
      if (answer === 'y') throw new Error('later');
      return undefined;
    });
    const x = lanes.ask('P');
    const y = lanes.ask('P');
    const z = lanes.ask('Q');
    const done = lanes.done();
    x('x');
    y('y');
    z('z');
    await expect(done).rejects.toThrow('desk down');
    expect(taken).toEqual(['x', 'z', 'y']);
  });
});
