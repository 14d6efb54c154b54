/** Money shown to people: two significant digits below a cent, never exponent notation. */
export function formatUsd(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return 'unpriced';
  if (usd === 0) return '$0';
  const abs = Math.abs(usd);
  const sign = usd < 0 ? '-' : '';
  if (abs >= 1) return `${sign}$${abs.toFixed(2)}`;
  if (abs >= 0.01) return `${sign}$${abs.toFixed(4)}`;
  const decimals = Math.min(12, 1 - Math.floor(Math.log10(abs)));
  return `${sign}$${abs.toFixed(decimals).replace(/0+$/, '')}`;
}
