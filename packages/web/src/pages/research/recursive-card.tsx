/**
 * @module The recursive check of a look-ahead report: per `ctx.plot` series, whether its last value
 * with less history matched the value over all of it, and so how many bars of warm-up the series
 * needs — the number a live run's `warmupBars` should be at least.
 */
import type { ReactNode } from 'react';
import type { RecursiveReport } from './research-types.ts';

const relative = (v: number | null) => (v === null ? 'no value' : `${(v * 100).toPrecision(3)} % off`);

export function RecursiveCard({ report }: { report: RecursiveReport }): ReactNode {
  const changed = Object.entries(report.settledFrom).filter(([series]) =>
    report.differences.some((d) => d.series === series),
  );
  return (
    <section className="card" aria-labelledby="recursive-title">
      <h2 id="recursive-title">Recursive check (warm-up)</h2>
      <p data-testid="recursive-verdict">
        {report.series === 0
          ? 'Nothing to compare: the strategy plots no series (ctx.plot). Plot the indicators it decides on to check their warm-up.'
          : report.ok
            ? `Clean: ${report.series} plotted series end on the same value with ${report.histories.join(', ')} bars of history as with all ${report.bars}.`
            : `${changed.length} of ${report.series} plotted series end on a different value with less history: warm them up longer.`}
      </p>
      {changed.length > 0 ? (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th>Series</th>
                <th>Needs</th>
                <th>With less history</th>
              </tr>
            </thead>
            <tbody>
              {changed.map(([series, from]) => (
                <tr key={series}>
                  <td>{series}</td>
                  <td>
                    {from === null ? `more than ${report.histories.at(-1)} bars` : `${from} bars of warm-up`}
                  </td>
                  <td>
                    {report.differences
                      .filter((d) => d.series === series)
                      .map((d) => `${d.bars} bars: ${relative(d.relative)}`)
                      .join(' · ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
