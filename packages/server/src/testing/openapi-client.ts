/**
 * @module What a client generated from the served OpenAPI document knows: the document goes
 * through `openapi-typescript` (the generator most TypeScript clients start from, e.g.
 * openapi-fetch), and a probe file asks the TypeScript compiler, for each operation, whether its
 * success answer has a type — not `unknown`, `never` or `any`. An operation whose document leaves
 * the answer out gets a compile error naming it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';

/** One operation to probe: a path as the document writes it, a method and a 2xx status. */
export interface ProbedAnswer {
  path: string;
  method: string;
  status: string;
}

const PROBE_HEADER = `import type { paths } from './api.ts';
type Typed<T> = 0 extends 1 & T ? false : unknown extends T ? false : [T] extends [never] ? false : true;
type Answer<P extends keyof paths, M extends keyof paths[P], S> = paths[P][M] extends {
  responses: infer R;
}
  ? S extends keyof R
    ? R[S] extends { content: { 'application/json': infer B } }
      ? B
      : never
    : never
  : never;
`;

/**
 * Generates the client's types from `document` and compiles a probe of `answers`; resolves with
 * the compiler's complaints, one line per untyped answer (empty when every answer has a type).
 */
export async function untypedAnswers(document: object, answers: readonly ProbedAnswer[]): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tickline-openapi-client-'));
  try {
    writeFileSync(join(dir, 'api.ts'), astToString(await openapiTS(document as never)));
    const probes = answers.map(
      (a, i) =>
        `// ${a.method.toUpperCase()} ${a.path} ${a.status}\n` +
        `export const probe${i}: Typed<Answer<${JSON.stringify(a.path)}, ${JSON.stringify(a.method)}, ${a.status}>> = true;`,
    );
    writeFileSync(join(dir, 'probe.ts'), `${PROBE_HEADER}\n${probes.join('\n')}\n`);
    const program = ts.createProgram([join(dir, 'probe.ts')], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      allowImportingTsExtensions: true,
      skipLibCheck: true,
      types: [],
    });
    return ts.getPreEmitDiagnostics(program).map((d) => {
      const line =
        d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : undefined;
      const what = line !== undefined ? d.file!.text.split('\n')[line - 1] : '';
      return `${what ?? ''} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`.trim();
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
