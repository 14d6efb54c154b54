/** JSON with object keys sorted at every depth, so field order never changes a cache key. */
export function toCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return '[' + value.map((v) => (v === undefined ? 'null' : toCanonicalJson(v))).join(',') + ']';
  const obj = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(obj).sort()) {
    const v = obj[key];
    if (v === undefined) continue;
    parts.push(JSON.stringify(key) + ':' + toCanonicalJson(v));
  }
  return '{' + parts.join(',') + '}';
}
