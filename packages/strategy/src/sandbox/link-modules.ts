/**
 * @module A minimal module linker: turns a fixed set of TypeScript ES modules into one classic
 * script for an isolate (which has no module loader we would want to expose). Types are
 * stripped with Node's own `module.stripTypeScriptTypes` (quietly: api/strip-typescript.ts); each module becomes a function scope
 * returning its exports, and `import { a, b as c } from '…'` becomes a destructuring of the
 * imported module's exports. The linked files keep to that import/export subset (named imports,
 * `export function|class|const|let` declarations) — the linker rejects anything else, so a file
 * that outgrows it fails loudly rather than linking wrongly.
 */
import { readFileSync } from 'node:fs';
import { stripTypeScript } from '../api/strip-typescript.ts';

/** A module to link: its source file, and what its bare imports resolve to. */
export interface LinkSource {
  url: URL;
}

/** A module provided as JavaScript (a shim or an index built from other modules). */
export interface VirtualModule {
  /** The bare specifier it answers to, e.g. `@tickline/kernel`. */
  specifier: string;
  /** Function-body JavaScript that may use `__require(url)` and must `return` the exports object. */
  body: string;
  /** Modules the body reads with `__require`. */
  uses: readonly URL[];
}

const IMPORT = /^\s*import\s*\{([^}]*)\}\s*from\s*'([^']+)';?/gm;
const EXPORT_DECL = /^export\s+(?:async\s+)?(?:function\*?|class|const|let)\s+([A-Za-z_$][\w$]*)/gm;

const TOP_LEVEL = /^(?:export\s+)?(?:async\s+)?(?:function\*?|class|const|let|var)\s+([A-Za-z_$][\w$]*)/gm;

/** Names declared at the top level of a file (column 0), for the collision check. */
function topLevelNames(body: string): string[] {
  return [...body.matchAll(TOP_LEVEL)].map((m) => m[1]!);
}

function fail(message: string): never {
  throw new Error(`link-modules: ${message}`);
}

/** Links `entry` and everything it imports into one script; returns its source. */
export function linkModules(entry: URL, virtuals: readonly VirtualModule[]): string {
  const order: string[] = [];
  const bodies = new Map<string, string>();
  const ids = new Map<string, number>();
  const byBare = new Map(virtuals.map((v) => [v.specifier, v]));
  const flat = new Set<string>();
  const declared = new Map<string, string>();
  const boundFromVirtual = new Set<string>();
  const exported = new Map<string, string[]>();
  const idOf = (key: string): number => {
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    return id;
  };

  const visit = (key: string, stack: string[]): void => {
    if (bodies.has(key)) return;
    if (stack.includes(key)) fail(`import cycle: ${[...stack, key].join(' → ')}`);
    const virtual = byBare.get(key);
    if (virtual !== undefined) {
      for (const u of virtual.uses) visit(u.href, [...stack, key]);
      const body = virtual.body.replace(
        /__require\((['"])([^'"]+)\1\)/g,
        (_, _q, href: string) => `__m${idOf(href)}`,
      );
      bodies.set(key, body);
      order.push(key);
      return;
    }
    const url = new URL(key);
    const js = stripTypeScript(readFileSync(url, 'utf8'));
    const exportsOf: string[] = [];
    let body = js.replace(IMPORT, (_all, names: string, spec: string) => {
      const target = spec.startsWith('.') ? new URL(spec, url).href : spec;
      if (!spec.startsWith('.') && !byBare.has(spec)) fail(`${url.pathname}: no module for '${spec}'`);
      visit(target, [...stack, key]);
      const bindings = names
        .split(',')
        .map((n) => n.trim())
        .filter((n) => n !== '' && !n.startsWith('type '));
      if (byBare.has(spec)) {
        // A virtual module's names are bound once in the shared scope: names a linked file
        // already declares (the market index re-exports linked files) are that declaration.
        const list = bindings
          .map((n) => n.replace(/\s+as\s+/, ': '))
          .filter((n) => !declared.has(n) && !boundFromVirtual.has(n));
        for (const n of list) boundFromVirtual.add(n);
        return list.length === 0 ? '' : `const { ${list.join(', ')} } = __m${idOf(target)};`;
      }
      // Linked files share one scope (scope hoisting): an import is the very same binding.
      const aliases = bindings.filter((n) => /\s+as\s+/.test(n));
      if (aliases.length > 0)
        fail(`${url.pathname}: import aliases are not supported (${aliases.join(', ')})`);
      return '';
    });
    body = body.replace(EXPORT_DECL, (all, name: string) => {
      exportsOf.push(name);
      return all.replace(/^export\s+/, '');
    });
    if (/^\s*(import|export)\b/m.test(body))
      fail(`${url.pathname}: an import or export form the linker does not handle`);
    bodies.set(key, body);
    flat.add(key);
    for (const name of topLevelNames(body)) {
      const owner = declared.get(name);
      if (owner !== undefined && owner !== key) fail(`'${name}' is declared in both ${owner} and ${key}`);
      declared.set(name, key);
    }
    exported.set(key, exportsOf);
    order.push(key);
  };

  visit(entry.href, []);
  // Linked files are hoisted into one scope (cross-file calls are plain calls, as in one file);
  // a virtual module's `__require` of a linked file gets an object of that file's exports.
  return [
    '(function () {',
    "'use strict';",
    ...order.map((key) =>
      flat.has(key)
        ? `${bodies.get(key)!}\nconst __m${idOf(key)} = { ${exported.get(key)!.join(', ')} };`
        : `const __m${idOf(key)} = (function () {\n${bodies.get(key)!}\n})();`,
    ),
    '})();',
  ].join('\n');
}
