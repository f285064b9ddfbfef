import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { StrategyContext } from '../core/context.ts';
import { indicators } from '../core/indicators.ts';
import { SMA_CROSS_SOURCE } from '../examples/sma-cross.ts';
import { STRATEGY_API_DTS } from './strategy-api-dts.ts';

/** Type-checks one strategy file against the published declarations; returns the messages. */
function typeCheck(source: string): string[] {
  const files: Record<string, string> = { '/api.d.ts': STRATEGY_API_DTS, '/strategy.ts': source };
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts'],
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  host.readFile = (name) => files[name] ?? read(name);
  host.fileExists = (name) => name in files || ts.sys.fileExists(name);
  host.getSourceFile = (name, version) => {
    const text = files[name] ?? read(name);
    return text === undefined ? undefined : ts.createSourceFile(name, text, version);
  };
  const program = ts.createProgram(['/api.d.ts', '/strategy.ts'], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('strategy API declarations', () => {
  it('type-check the example strategy', () => {
    expect(typeCheck(SMA_CROSS_SOURCE)).toEqual([]);
  });

  it('catch a wrong call in a strategy', () => {
    const bad = `export default defineStrategy({ params: { n: { type: 'int', default: 3 } }, onCandle(ctx) { const s: string = ctx.params.n; ctx.buy({ qty: '1' }); } });`;
    expect(typeCheck(bad)).toHaveLength(2);
  });

  it('name every ctx member and indicator the engine has', () => {
    const members = Object.getOwnPropertyNames(StrategyContext.prototype).filter((n) => n !== 'constructor');
    for (const m of members) expect(STRATEGY_API_DTS).toMatch(new RegExp(`^  (readonly )?${m}[:(]`, 'm'));
    for (const name of Object.keys(indicators))
      expect(STRATEGY_API_DTS).toMatch(new RegExp(`^  ${name}[:(]`, 'm'));
  });
});
