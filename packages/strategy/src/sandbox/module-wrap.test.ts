import { describe, expect, it } from 'vitest';
import { wrapModule } from './module-wrap.ts';

/** The wrapped module's default export, evaluated here (trusted test code) with `defineStrategy` as the identity. */
function defaultOf(code: string): unknown {
  const { script } = wrapModule(code);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the test's own strings
  const factory = new Function('defineStrategy', `return ${script}`) as (
    d: (x: unknown) => unknown,
  ) => () => unknown;
  return factory((x) => x)();
}

describe('module-wrap', () => {
  it.each([
    ['an expression', 'export default defineStrategy({ n: 1 })', { n: 1 }],
    ['an anonymous function, then a line that opens with (', 'export default function () {}\n(0)', ''],
    ['a named function, hoisted', 'const n = f.name;\nexport default function f() {}\nf.n = n;', 'f'],
    ['a local exported as default', 'const d = { n: 2 };\nexport { d as default, d };', { n: 2 }],
    ['beside named exports', 'export const a = 3;\nexport function b() {}\nexport default { a };', { a: 3 }],
  ])('keeps the default export: %s', (_name, code, expected) => {
    const value = defaultOf(code);
    if (expected === '') expect(typeof value).toBe('function');
    else if (typeof expected === 'string') expect((value as { n: string }).n).toBe(expected);
    else expect(value).toEqual(expected);
  });

  it('keeps the module strict and its `this` undefined', () => {
    expect(
      defaultOf('export default { self: this, strict: (function () { return this; })() === undefined };'),
    ).toEqual({
      self: undefined,
      strict: true,
    });
  });

  it('keeps the module on its own lines (errors name the user’s line)', () => {
    const { script, lineOffset } = wrapModule('const a = 1;\nexport default a;');
    expect(script.split('\n')[lineOffset]).toBe('const a = 1;');
  });

  it.each([
    ['await at the top level', 'await { then() {} };\nexport default {};', 'STRATEGY_FORBIDDEN_API', 'await'],
    [
      'for await at the top level',
      'for await (const x of []) {}\nexport default {};',
      'STRATEGY_FORBIDDEN_API',
      'await',
    ],
    ['import.meta', 'export default { u: import.meta.url };', 'STRATEGY_FORBIDDEN_API', 'import.meta'],
    ['an import', "import x from 'y';\nexport default x;", 'STRATEGY_FORBIDDEN_API', 'import'],
    ['a re-export', "export * from 'y';", 'STRATEGY_FORBIDDEN_API', 'import'],
  ])('refuses %s', (_name, code, expected, api) => {
    expect(() => wrapModule(code)).toThrow(expect.objectContaining({ code: expected, details: { api } }));
  });

  it('lets await inside functions be', () => {
    expect(() => wrapModule('async function f() { await 1; }\nexport default { f };')).not.toThrow();
  });

  it.each([
    [
      '<!-- (a comment that hides the rest of its line in a script)',
      'let a = 1, b = 2;\nif (a <!--b) {}\nexport default {};',
    ],
    ['--> at the start of a line', 'let a = 2;\na\n-->0;\nexport default {};'],
  ])('refuses HTML-like comments: %s', (_name, code) => {
    expect(() => wrapModule(code)).toThrow(expect.objectContaining({ code: 'STRATEGY_SYNTAX_ERROR' }));
  });
});
