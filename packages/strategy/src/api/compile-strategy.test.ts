import { describe, expect, it } from 'vitest';
import { SMA_CROSS_SOURCE } from '../examples/sma-cross.ts';
import { compileStrategy } from './compile-strategy.ts';

describe('compileStrategy', () => {
  it('strips TypeScript keeping positions and reads the parameter declarations', async () => {
    const compiled = await compileStrategy(SMA_CROSS_SOURCE);
    // Types become whitespace: every line keeps its length, so positions map one to one.
    const lengths = (text: string): number[] => text.split('\n').map((l) => l.length);
    expect(lengths(compiled.js).slice(0, lengths(SMA_CROSS_SOURCE).length)).toEqual(
      lengths(SMA_CROSS_SOURCE),
    );
    expect(compiled.js).not.toContain(': number');
    expect(compiled.params).toMatchObject({
      fast: { type: 'int', default: 20 },
      slow: { type: 'int', default: 50 },
    });
  });

  it('reports a TypeScript syntax error with line and column', async () => {
    const source = 'export default defineStrategy({\n  onCandle(ctx) { const x: number = ; },\n});';
    await expect(compileStrategy(source)).rejects.toMatchObject({
      code: 'STRATEGY_SYNTAX_ERROR',
      details: { line: 2, column: 37 },
    });
  });

  it('reports a JavaScript syntax error with line and column', async () => {
    const source = 'export default defineStrategy({\n  onCandle(ctx) { const x = 1 +; },\n});';
    await expect(compileStrategy(source, { language: 'javascript' })).rejects.toMatchObject({
      code: 'STRATEGY_SYNTAX_ERROR',
      details: { line: 2, column: 32 },
    });
  });

  it('rejects TypeScript that needs a transform (enums)', async () => {
    await expect(
      compileStrategy('enum Side { Buy }\nexport default defineStrategy({ onCandle() {} });'),
    ).rejects.toMatchObject({
      code: 'STRATEGY_SYNTAX_ERROR',
    });
  });

  it('rejects code over the size limit, a missing onCandle and bad declarations', async () => {
    await expect(compileStrategy('x'.repeat(2_000), { maxBytes: 1_000 })).rejects.toMatchObject({
      code: 'STRATEGY_CODE_TOO_LARGE',
    });
    await expect(compileStrategy('export default defineStrategy({});')).rejects.toMatchObject({
      code: 'STRATEGY_DEFINITION_INVALID',
    });
    await expect(compileStrategy('export const x = 1;')).rejects.toMatchObject({
      code: 'STRATEGY_DEFINITION_INVALID',
    });
    const badParam =
      "export default defineStrategy({ params: { n: { type: 'int', default: 'x' } }, onCandle() {} });";
    await expect(compileStrategy(badParam)).rejects.toMatchObject({ code: 'STRATEGY_DEFINITION_INVALID' });
  });
});
