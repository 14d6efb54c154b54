/** Money shown to people: small amounts keep their significant digits. */
export function formatUsd(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return 'unpriced';
  if (usd === 0) return '$0';
  const abs = Math.abs(usd);
  if (abs >= 1) return `$${usd.toFixed(2)}`;
  if (abs >= 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toPrecision(2)}`;
}
