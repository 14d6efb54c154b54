import { formatUsd } from '../../../shared/cost';
import { HEADERS } from '../../../shared/headers';
import { GatewayError } from '../errors';
import type { Refusal } from './ledger';

/** "2026-12-04 00:00 Europe/Berlin (2026-12-03T23:00:00.000Z)": the user's wall clock first, then unambiguous. */
export function formatResetTime(ts: number, timeZone: string): string {
  const local = new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .format(new Date(ts));
  return `${local} ${timeZone} (${new Date(ts).toISOString()})`;
}

function whose(r: Refusal): string {
  if (r.scope === 'user') return `End-user "${r.scopeKey}" of project "${r.project}" has`;
  if (r.scope === 'feature') return `Feature "${r.scopeKey}" of project "${r.project}" has`;
  return `Project "${r.project}" has`;
}

/**
 * 429 insufficient_quota / budget_exceeded with x-should-retry: false, so the OpenAI SDKs give up at once
 * instead of retrying into the same wall. The message says which cap, how much, and when it resets.
 */
export function budgetExceeded(r: Refusal, note = ''): GatewayError {
  const held = r.reservedUsd > 0 ? `, ${formatUsd(r.reservedUsd)} held by requests in flight` : '';
  const message = `${whose(r)} reached its ${r.kind} budget of ${formatUsd(r.capUsd)} (spent ${formatUsd(r.spentUsd)}${held}; ` +
    `this request could cost up to ${formatUsd(r.requestUsd)}).${note} The ${r.kind} budget resets at ${formatResetTime(r.resetsAt, r.timeZone)}. ` +
    `Raise or remove the cap in Tollgate (PATCH /admin/v1/projects/${r.project}), or set max_tokens lower so the request fits.`;
  return new GatewayError(429, 'insufficient_quota', 'budget_exceeded', message, {
    headers: { 'x-should-retry': 'false', [HEADERS.BUDGET_RESETS_AT]: new Date(r.resetsAt).toISOString() },
  });
}

/** The spend-velocity breaker is open: refused until the cool-down ends. */
export function velocityExceeded(project: string, limitUsdPerMin: number, until: number, now: number): GatewayError {
  const waitSec = Math.max(1, Math.ceil((until - now) / 1000));
  const message = `Project "${project}" spent more than its velocity limit of ${formatUsd(limitUsdPerMin)} per minute, so Tollgate ` +
    `paused it for a cool-down (a runaway loop?). Requests are refused until ${new Date(until).toISOString()} (${waitSec} s). ` +
    `Check what is calling in a loop, or raise budget.velocityUsdPerMin (PATCH /admin/v1/projects/${project}).`;
  return new GatewayError(429, 'insufficient_quota', 'velocity_exceeded', message, {
    headers: { 'x-should-retry': 'false', 'retry-after': String(waitSec) },
  });
}
