/**
 * @module The strategy code editor: CodeMirror 6 with TypeScript highlighting and completion of
 * the published strategy API's names (read from its `.d.ts`), and the save-time compile errors
 * shown inline at their line and column (`@codemirror/lint`). The setup is assembled from the
 * `@codemirror/*` parts: the installed `codemirror` package is the legacy 5.x line (6.65.x), which
 * has no `basicSetup`.
 */
import { autocompletion, completionKeymap, type CompletionContext } from '@codemirror/autocomplete';
import { javascript, javascriptLanguage } from '@codemirror/lang-javascript';
import {
  bracketMatching,
  defaultHighlightStyle,
  indentOnInput,
  syntaxHighlighting,
} from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { drawSelection, EditorView, highlightActiveLine, keymap, lineNumbers } from '@codemirror/view';
import { useEffect, useRef, type ReactNode } from 'react';

/** A compile error at a 1-based line and column. */
export interface CodeProblem {
  message: string;
  line?: number;
  column?: number;
}

/** Identifiers declared in the API's `.d.ts` (interfaces, their members, functions). */
export function apiNames(declarations: string): string[] {
  const names = new Set<string>();
  for (const m of declarations.matchAll(
    /\b(?:function|interface|type|const)\s+([A-Za-z_$][\w$]*)|^\s+(?:readonly\s+)?([A-Za-z_$][\w$]*)\??[(:]/gm,
  )) {
    names.add((m[1] ?? m[2])!);
  }
  return [...names].sort();
}

function toDiagnostics(state: EditorState, problems: readonly CodeProblem[]): Diagnostic[] {
  return problems.map((p) => {
    const lineNo = Math.min(Math.max(1, p.line ?? 1), state.doc.lines);
    const line = state.doc.line(lineNo);
    const from = Math.min(line.from + Math.max(0, (p.column ?? 1) - 1), line.to);
    return { from, to: Math.max(from, Math.min(line.to, from + 1)), severity: 'error', message: p.message };
  });
}

export function StrategyEditor(props: {
  value: string;
  onChange: (value: string) => void;
  problems: readonly CodeProblem[];
  /** The API's `.d.ts`, for completion. */
  declarations?: string;
}): ReactNode {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView>(null);
  const onChange = useRef(props.onChange);
  onChange.current = props.onChange;

  useEffect(() => {
    const names = apiNames(props.declarations ?? '');
    const completion = javascriptLanguage.data.of({
      autocomplete: (context: CompletionContext) => {
        const word = context.matchBefore(/[\w$]+/);
        if (!word || (word.text === '' && !context.explicit)) return null;
        return { from: word.from, options: names.map((label) => ({ label, type: 'property' })) };
      },
    });
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: props.value,
        extensions: [
          lineNumbers(),
          highlightActiveLine(),
          drawSelection(),
          indentOnInput(),
          bracketMatching(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          autocompletion(),
          keymap.of(completionKeymap),
          lintGutter(),
          EditorView.lineWrapping,
          javascript({ typescript: true }),
          completion,
          EditorView.updateListener.of((u) => {
            if (u.docChanged) onChange.current(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    return () => v.destroy();
    // The editor is created once per declarations; later values come from typing.
  }, [props.declarations]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    if (v.state.doc.toString() !== props.value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: props.value } });
    }
  }, [props.value]);

  useEffect(() => {
    const v = view.current;
    if (v) v.dispatch(setDiagnostics(v.state, toDiagnostics(v.state, props.problems)));
  }, [props.problems]);

  return <div className="code-editor" ref={host} data-testid="strategy-editor" />;
}
