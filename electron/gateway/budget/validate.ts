import type { ProjectBudget, ProjectLimits } from '../../../shared/api/dto';
import { badRequest } from '../errors';
import { isValidTimeZone } from './periods';

const BUDGET_KEYS = ['dailyUsd', 'monthlyUsd', 'mode', 'downgradeModel', 'perUser', 'perFeature', 'velocityUsdPerMin', 'velocityCooldownSec', 'timeZone'];
const LIMIT_KEYS = ['rpm', 'tpm', 'concurrency', 'rpmBurst', 'tpmBurst', 'perUser', 'queue'];
const MAX_WAIT_MS = 600_000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkKeys(obj: Record<string, unknown>, allowed: string[], name: string) {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) throw badRequest(`${name}.${k} is not a setting Tollgate knows; ${name} takes ${allowed.join(', ')}.`, `${name}.${k}`);
  }
}

function checkPositive(v: unknown, name: string, opts: { integer?: boolean; max?: number } = {}) {
  if (v === undefined || v === null) return;
  const ok = typeof v === 'number' && Number.isFinite(v) && v > 0 && (!opts.integer || Number.isInteger(v)) && (opts.max === undefined || v <= opts.max);
  if (!ok) {
    const what = opts.integer ? 'a whole number' : 'a number';
    throw badRequest(`${name} must be ${what} above 0${opts.max !== undefined ? ` and at most ${opts.max}` : ''}, or null to remove it (got ${JSON.stringify(v)}).`, name);
  }
}

function checkUsd(v: unknown, name: string) {
  if (v !== undefined && v !== null && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) {
    throw badRequest(`${name} must be a USD amount of 0 or more, or null to remove the cap (got ${JSON.stringify(v)}).`, name);
  }
}

function checkCaps(v: unknown, name: string) {
  if (v === undefined || v === null) return;
  if (!isObject(v)) throw badRequest(`${name} must be an object { dailyUsd, monthlyUsd } or null.`, name);
  checkKeys(v, ['dailyUsd', 'monthlyUsd'], name);
  checkUsd(v.dailyUsd, `${name}.dailyUsd`);
  checkUsd(v.monthlyUsd, `${name}.monthlyUsd`);
}

/** The budget fields beyond the three design.md names (those are checked by the admin model itself). */
export function checkBudgetPatch(b: Partial<ProjectBudget>) {
  checkKeys(b as Record<string, unknown>, BUDGET_KEYS, 'budget');
  if (b.downgradeModel !== undefined && b.downgradeModel !== null && (typeof b.downgradeModel !== 'string' || b.downgradeModel.trim() === '' || b.downgradeModel.length > 200)) {
    throw badRequest('budget.downgradeModel must be a model name (e.g. "gpt-4o-mini") or null.', 'budget.downgradeModel');
  }
  checkCaps(b.perUser, 'budget.perUser');
  checkCaps(b.perFeature, 'budget.perFeature');
  checkPositive(b.velocityUsdPerMin, 'budget.velocityUsdPerMin');
  checkPositive(b.velocityCooldownSec, 'budget.velocityCooldownSec', { integer: true, max: 86_400 });
  if (b.timeZone !== undefined && b.timeZone !== null && (typeof b.timeZone !== 'string' || !isValidTimeZone(b.timeZone))) {
    throw badRequest(`budget.timeZone must be an IANA time zone such as "Europe/Berlin" or "America/New_York", or null for the gateway's (got ${JSON.stringify(b.timeZone)}).`, 'budget.timeZone');
  }
}

export function checkLimitsPatch(l: Partial<ProjectLimits>) {
  checkKeys(l as Record<string, unknown>, LIMIT_KEYS, 'limits');
  checkPositive(l.rpm, 'limits.rpm');
  checkPositive(l.tpm, 'limits.tpm');
  checkPositive(l.concurrency, 'limits.concurrency', { integer: true });
  checkPositive(l.rpmBurst, 'limits.rpmBurst', { integer: true });
  checkPositive(l.tpmBurst, 'limits.tpmBurst', { integer: true });
  if (l.perUser !== undefined && l.perUser !== null) {
    if (!isObject(l.perUser)) throw badRequest('limits.perUser must be an object { rpm, tpm } or null.', 'limits.perUser');
    checkKeys(l.perUser, ['rpm', 'tpm'], 'limits.perUser');
    checkPositive(l.perUser.rpm, 'limits.perUser.rpm');
    checkPositive(l.perUser.tpm, 'limits.perUser.tpm');
  }
  if (l.queue !== undefined && l.queue !== null) {
    if (!isObject(l.queue)) throw badRequest('limits.queue must be an object { maxWaitMs, maxQueued } or null (refuse at once).', 'limits.queue');
    checkKeys(l.queue, ['maxWaitMs', 'maxQueued'], 'limits.queue');
    if (l.queue.maxWaitMs === undefined || l.queue.maxWaitMs === null) throw badRequest('limits.queue.maxWaitMs is required: the longest a request may wait for room.', 'limits.queue.maxWaitMs');
    checkPositive(l.queue.maxWaitMs, 'limits.queue.maxWaitMs', { integer: true, max: MAX_WAIT_MS });
    checkPositive(l.queue.maxQueued, 'limits.queue.maxQueued', { integer: true, max: 10_000 });
  }
}
