import { describe, expect, it } from 'vitest';
import { matchingLines } from './log-search.ts';

describe('backtest log search', () => {
  const lines = [
    { time: 1, text: 'cross up at 101.5' },
    { time: 2, text: 'Cross DOWN at 99' },
    { time: 3, text: 'position 0.5 BTC' },
  ];

  it('an empty query keeps every line', () => {
    expect(matchingLines(lines, '   ')).toEqual(lines);
  });

  it('every word must occur, in any order and case', () => {
    expect(matchingLines(lines, 'cross').map((l) => l.time)).toEqual([1, 2]);
    expect(matchingLines(lines, 'down CROSS').map((l) => l.time)).toEqual([2]);
    expect(matchingLines(lines, 'cross btc')).toEqual([]);
  });
});
