/**
 * @module A run's `ctx.log` lines with a search: the lines whose text contains every word typed
 * (case-insensitive), the match marked. The API keeps a tier's number of lines per run (the
 * newest dropped beyond it), so filtering them in the page is instant and needs no route.
 */
import { useMemo, useState, type ReactNode } from 'react';
import { matchingLines, type LogLine } from './log-search.ts';

const stamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);

/** `text` with the first word of `query` it contains marked. */
function Marked({ text, query }: { text: string; query: string }): ReactNode {
  const word = query
    .toLowerCase()
    .split(/\s+/)
    .find((w) => w && text.toLowerCase().includes(w));
  if (word === undefined) return text;
  const at = text.toLowerCase().indexOf(word);
  return (
    <>
      {text.slice(0, at)}
      <mark>{text.slice(at, at + word.length)}</mark>
      {text.slice(at + word.length)}
    </>
  );
}

export function BacktestLog({ lines }: { lines: readonly LogLine[] }): ReactNode {
  const [query, setQuery] = useState('');
  const shown = useMemo(() => matchingLines(lines, query), [lines, query]);
  if (lines.length === 0) return <p className="muted">The strategy logged nothing (ctx.log).</p>;
  return (
    <div className="stack">
      <input
        className="search-input"
        type="search"
        aria-label="Search the log"
        placeholder="Search the log"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <p className="muted" data-testid="log-count">
        {shown.length === lines.length ? `${lines.length} lines` : `${shown.length} of ${lines.length} lines`}
      </p>
      <ol className="log-lines" data-testid="log-lines">
        {shown.map((line, i) => (
          <li key={i}>
            <time dateTime={new Date(line.time).toISOString()}>{stamp(line.time)}</time>
            <Marked text={line.text} query={query} />
          </li>
        ))}
      </ol>
    </div>
  );
}
