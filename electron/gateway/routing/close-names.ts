/** Edit distance, two rows (names are short). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  let cur = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/** Up to `max` candidates that look like a typo of `name` (closest first); substring matches count too. */
export function findCloseNames(name: string, candidates: Iterable<string>, max = 5): string[] {
  const wanted = name.toLowerCase();
  const bare = wanted.slice(wanted.indexOf('/') + 1);
  const scored: Array<{ c: string; d: number }> = [];
  const seen = new Set<string>();
  for (const c of candidates) {
    if (seen.has(c)) continue;
    seen.add(c);
    const lc = c.toLowerCase();
    const cBare = lc.slice(lc.indexOf('/') + 1);
    const d = Math.min(distance(wanted, lc), distance(bare, cBare) + (lc.includes('/') ? 1 : 0));
    const limit = Math.max(2, Math.floor(Math.min(wanted.length, lc.length) / 4));
    if (d <= limit) scored.push({ c, d });
    else if (bare.length >= 3 && (cBare.includes(bare) || bare.includes(cBare))) scored.push({ c, d: limit + 1 });
  }
  return scored.sort((x, y) => x.d - y.d || x.c.localeCompare(y.c)).slice(0, max).map((s) => s.c);
}
