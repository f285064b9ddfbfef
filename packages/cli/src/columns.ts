/** @module Aligned text columns for the CLI's tables: each column as wide as its widest cell. */

/** `head` and `rows` as lines of columns two spaces apart, trailing spaces trimmed. */
export function alignColumns(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((row) => row[k]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, k) => c.padEnd(widths[k]!))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)];
}
