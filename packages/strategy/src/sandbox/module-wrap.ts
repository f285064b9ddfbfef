/**
 * @module A strategy module turned into a function the isolate calls itself. Evaluating the module
 * with isolated-vm handed whatever its top level threw to the host: V8 rejects the evaluation's
 * promise with the thrown value and isolated-vm copies it out after the call, on the host thread and
 * outside any timeout, reading `message` and `stack` — a `Proxy` whose `get` loops held a live
 * process until its stall check killed it, and every live run of that process with it. Wrapped,
 * the top level runs inside the isolate's loader (`load` in isolate-entry.ts), which catches what it throws
 * and answers with primitives only, as a step does.
 *
 * The wrapper keeps the module's semantics: strict, `this` undefined, its top-level bindings its
 * own. Only `export` goes (the engine reads the default export only): `export default X` assigns
 * X to the function's result, `export const|let|function|class` stays a plain declaration,
 * `export { a as default }` assigns `a` at the end. Imports were refused before (no loader);
 * top-level `await` is refused here: a thenable that never settles left the evaluation pending
 * forever, and what awaits runs in isolated-vm's microtask checkpoint after the call's timeout.
 * `import(x)` becomes a call that throws STRATEGY_FORBIDDEN_API where it is made, as `process` and
 * `require` do: V8's own answer was a rejected promise, which `import(x).catch(() => {})` turned
 * into a backtest that passed silently.
 */
import { parse, type Node } from 'acorn';
import { TicklineError } from '@tickline/kernel';

/** The name the wrapper keeps the default export under (a module that declares it fails to compile). */
const DEFAULT = '__ticklineDefault';
/** The function `import(…)` calls become (a module that declares it at its top fails to compile). */
const IMPORT = '__ticklineImport';
/**
 * Defined first in the wrapper, with the realm's `Error` as it was before the module ran. It throws
 * where it is called, and also makes V8's own refusal (a promise rejected with "Not supported"),
 * left unhandled: a `try` around the call cannot hide it, the run still fails as it did before.
 */
const IMPORT_FUNCTION = `const ${IMPORT} = ((E) => function () { import('tickline:forbidden'); throw Object.assign(new E('import() is not available to strategies'), { code: 'STRATEGY_FORBIDDEN_API', details: { api: 'import()' } }); })(Error);`;

/** Wraps an async function so each promise it returns is kept (see {@link asyncFunctions}). */
const KEEP = '__ticklineKeepCalls';
/**
 * isolated-vm raises a promise the strategy left rejected once the call returns, but it holds the
 * promise weakly, and returns the first one the collector left: in a backtest of 2,000 bars that
 * each start a failing async function, the collector took them all and the run passed silently.
 * Each promise an async function of the module returns is kept for the run (up to 100,000), so a
 * rejection nobody handled is still there to raise; one the strategy handles is never raised.
 */
const KEEP_FUNCTION = `const ${KEEP} = ((kept, apply) => (fn) => function () { const p = apply(fn, this, arguments); if (kept.length < 100000) kept.push(p); return p; })([], Reflect.apply);`;
/** Of insertions at one offset, the lowest rank is applied first, so its text ends up last. */
const OPEN_RANK = Number.MAX_SAFE_INTEGER;

/**
 * HTML-like comments exist in scripts, not modules: as a script, `<!--` hides the rest of its line,
 * so a module could close the wrapper's function early and run code outside the loader's catch.
 */
const HTML_COMMENT = /<!--|^\s*-->/m;

/** The wrapped module: a classic script whose value is the module's body as a function. */
export interface WrappedModule {
  script: string;
  /** Lines the wrapper puts before the module's first (for the script's `lineOffset`). */
  lineOffset: number;
}

interface AnyNode extends Node {
  [key: string]: unknown;
}

const isNode = (v: unknown): v is AnyNode =>
  typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';

const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

/** The edits turning each `import(` of the module into a call of {@link IMPORT}. */
function dynamicImports(root: AnyNode): Array<[number, number, string]> {
  const edits: Array<[number, number, string]> = [];
  const stack: AnyNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'ImportExpression')
      edits.push([node.start, (node.source as AnyNode).start, `${IMPORT}(`]);
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) for (const v of value) if (isNode(v)) stack.push(v);
      if (isNode(value)) stack.push(value);
    }
  }
  return edits;
}

/**
 * The edits wrapping each async function expression and arrow in {@link KEEP}, and rebinding each
 * async function declaration to its wrapped self. Async methods stay as they are (a method cannot
 * be wrapped in place without losing `super`). An inner function closes before an outer one ending
 * at the same offset, and both before an `export default (…);` does.
 */
function asyncFunctions(root: AnyNode): Array<[number, number, string, number]> {
  const edits: Array<[number, number, string, number]> = [];
  const stack: Array<[AnyNode, number, boolean]> = [[root, 0, false]];
  while (stack.length > 0) {
    const [node, depth, method] = stack.pop()!;
    if (node.async === true && !method) {
      if (node.type === 'FunctionDeclaration' && node.id != null) {
        const name = (node.id as AnyNode).name as string;
        edits.push([node.end, node.end, `;${name} = ${KEEP}(${name});`, depth + 1]);
      } else if (node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression') {
        edits.push([node.start, node.start, `${KEEP}(`, OPEN_RANK]);
        edits.push([node.end, node.end, ')', depth + 1]);
      }
    }
    const isMethodHolder =
      node.type === 'MethodDefinition' ||
      (node.type === 'Property' && (node.method === true || node.kind !== 'init'));
    for (const [key, value] of Object.entries(node)) {
      const methodValue = isMethodHolder && key === 'value';
      if (Array.isArray(value)) for (const v of value) if (isNode(v)) stack.push([v, depth + 1, false]);
      if (isNode(value)) stack.push([value, depth + 1, methodValue]);
    }
  }
  return edits;
}

/**
 * What a module may use and a function may not keep: `await` (or `for await`) outside every
 * function, and `import.meta` anywhere.
 */
function moduleOnly(root: AnyNode): TicklineError | undefined {
  const stack: Array<[AnyNode, boolean]> = [[root, true]];
  while (stack.length > 0) {
    const [node, top] = stack.pop()!;
    if (top && (node.type === 'AwaitExpression' || (node.type === 'ForOfStatement' && node.await === true)))
      return forbidden('await', 'await at the top level of a module');
    if (node.type === 'MetaProperty' && (node.meta as AnyNode).name === 'import')
      return forbidden('import.meta', 'import.meta');
    const inner = top && !FUNCTIONS.has(node.type);
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) for (const v of value) if (isNode(v)) stack.push([v, inner]);
      if (isNode(value)) stack.push([value, inner]);
    }
  }
  return undefined;
}

function forbidden(api: string, what: string): TicklineError {
  return new TicklineError('STRATEGY_FORBIDDEN_API', `${what} is not available to strategies`, {
    details: { api },
  });
}

/**
 * `code` (a module V8 has compiled, so valid) as {@link WrappedModule}. Throws STRATEGY_FORBIDDEN_API
 * for top-level await, imports and `import.meta`, STRATEGY_SYNTAX_ERROR for what the wrapper
 * cannot keep as it is.
 */
export function wrapModule(code: string): WrappedModule {
  if (HTML_COMMENT.test(code))
    throw new TicklineError('STRATEGY_SYNTAX_ERROR', 'HTML-like comments (<!-- and -->) are not allowed');
  let program: AnyNode;
  try {
    program = parse(code, { ecmaVersion: 'latest', sourceType: 'module' }) as unknown as AnyNode;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new TicklineError('STRATEGY_SYNTAX_ERROR', message.slice(0, 1_000));
  }
  const refused = moduleOnly(program);
  if (refused !== undefined) throw refused;
  // Edits as [start, end, text, rank], applied from the end so earlier offsets hold.
  const edits: Array<[number, number, string, number]> = [
    ...dynamicImports(program).map(([start, end, text]): [number, number, string, number] => [
      start,
      end,
      text,
      0,
    ]),
    ...asyncFunctions(program),
  ];
  const tail: string[] = [];
  for (const statement of program.body as AnyNode[]) {
    switch (statement.type) {
      case 'ImportDeclaration':
      case 'ExportAllDeclaration':
        throw forbidden('import', 'imports');
      case 'ExportDefaultDeclaration': {
        const declaration = statement.declaration as AnyNode;
        const id = declaration.id as AnyNode | null | undefined;
        if (
          (declaration.type === 'FunctionDeclaration' || declaration.type === 'ClassDeclaration') &&
          id != null
        ) {
          // A named declaration stays one (hoisted, its name bound), then is the default.
          edits.push([statement.start, declaration.start, '', 0]);
          tail.push(`${DEFAULT} = ${id.name as string};`);
        } else {
          edits.push([statement.start, declaration.start, `${DEFAULT} = (`, 0]);
          // `;`: a next line opening with `(` must not call the expression.
          edits.push([declaration.end, declaration.end, ');', 0]);
        }
        break;
      }
      case 'ExportNamedDeclaration': {
        if (statement.source != null) throw forbidden('import', 'imports');
        const declaration = statement.declaration as AnyNode | null;
        if (declaration != null) {
          edits.push([statement.start, declaration.start, '', 0]);
          break;
        }
        edits.push([statement.start, statement.end, '', 0]);
        for (const s of statement.specifiers as AnyNode[]) {
          const exported = s.exported as AnyNode;
          const name = exported.type === 'Identifier' ? exported.name : exported.value;
          if (name === 'default') tail.push(`${DEFAULT} = ${(s.local as AnyNode).name as string};`);
        }
        break;
      }
      default:
        break;
    }
  }
  let body = code;
  for (const [start, end, text] of edits.sort((a, b) => b[0] - a[0] || b[1] - a[1] || a[3] - b[3]))
    body = body.slice(0, start) + text + body.slice(end);
  return {
    script: `(function () { 'use strict'; let ${DEFAULT}; ${IMPORT_FUNCTION} ${KEEP_FUNCTION}\n${body}\n;${tail.join(' ')} return ${DEFAULT}; })`,
    lineOffset: 1,
  };
}
