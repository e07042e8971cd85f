/** Plain fixed-width table: first column left-aligned, the others right-aligned (numbers). */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export const int = (n: number): string => Math.round(n).toLocaleString('en-US');
export const fixed = (n: number, digits: number): string => n.toFixed(digits);
/** Keeps the JSON line short and stable: rates as integers, times in ms precision. */
export const round = (n: number, digits = 0): number => Number(n.toFixed(digits));
