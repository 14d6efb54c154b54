/** Display formatting shared by every page (money itself is formatted by shared/cost's formatUsd). */

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
});

/** HH:MM:SS.mmm today; MM-DD HH:MM:SS for older rows (same width class, so the column never truncates). */
export function formatTime(ts: number, now = Date.now()): string {
  const date = new Date(ts);
  const time = timeFormat.format(date);
  if (date.toDateString() === new Date(now).toDateString()) return `${time}.${String(date.getMilliseconds()).padStart(3, '0')}`;
  return `${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')} ${time}`;
}

export function formatDateTime(ts: number): string {
  return dateTimeFormat.format(new Date(ts));
}

export function formatMs(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function formatCount(n: number | null, prefix = ''): string {
  return n === null ? '—' : `${prefix}${n.toLocaleString('en-US')}`;
}

export function formatPercent(ratio: number | null, digits = 0): string {
  return ratio === null || !Number.isFinite(ratio) ? '—' : `${(ratio * 100).toFixed(digits)}%`;
}

/** "3 s", "5 min", "2 h", "4 d": how long ago (or, for a future time, how long until). */
export function formatDuration(ms: number): string {
  const s = Math.abs(ms) / 1000;
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86_400) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} d`;
}

/** Local calendar day, YYYY-MM-DD (the gateway's spend rollups count days the same way). */
export function localDay(ts: number): string {
  const d = new Date(ts);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export function monthStart(day: string): string {
  return `${day.slice(0, 8)}01`;
}

/** The OpenAI base URL for a project (or the default project when slug is null). */
export function toProjectBaseUrl(proxyUrl: string, slug: string | null): string {
  const root = proxyUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
  return slug ? `${root}/p/${slug}/v1` : `${root}/v1`;
}
