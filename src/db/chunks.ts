/** Splits rows into groups small enough for one statement (PostgreSQL takes at most 65,535 parameters). */
export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
