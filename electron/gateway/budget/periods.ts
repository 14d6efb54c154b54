/**
 * Budget periods: calendar days and months in an IANA time zone, computed with Intl so DST shifts and
 * odd offsets (+05:30, +12:45) land midnight where the user's wall clock has it.
 */

export interface Periods {
  /** 'YYYY-MM-DD' of the local day */
  day: string;
  /** 'YYYY-MM' of the local month */
  month: string;
  /** epoch ms of the next local midnight */
  dayResetsAt: number;
  /** epoch ms of local midnight on the first of next month */
  monthResetsAt: number;
}

interface WallTime { y: number; m: number; d: number; hh: number; mm: number; ss: number }

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when Intl knows the zone (e.g. "Europe/Berlin", "UTC"). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

function wallTime(ts: number, timeZone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(ts))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return { y: parts.year!, m: parts.month!, d: parts.day!, hh: parts.hour!, mm: parts.minute!, ss: parts.second! };
}

/** Offset of the zone at `ts`, ms (wall time read as UTC, minus the instant). */
function offsetAt(ts: number, timeZone: string): number {
  const w = wallTime(ts, timeZone);
  const asUtc = Date.UTC(w.y, w.m - 1, w.d, w.hh, w.mm, w.ss);
  return asUtc - Math.floor(ts / 1000) * 1000;
}

/**
 * The first instant whose local date is y-m-d (its midnight, or the first minute after a DST gap that swallowed
 * midnight). Date.UTC normalises overflow, so d + 1 past a month's end is fine.
 */
export function startOfLocalDay(y: number, m: number, d: number, timeZone: string): number {
  const wall = Date.UTC(y, m - 1, d);
  const dayOf = (ts: number) => { const w = wallTime(ts, timeZone); return Date.UTC(w.y, w.m - 1, w.d); };
  let guess = wall - offsetAt(wall, timeZone);
  guess = wall - offsetAt(guess, timeZone);
  // midnight does not exist that day (a DST jump at 00:00): the day starts at its first local minute
  while (dayOf(guess) < wall) guess += 60_000;
  return guess;
}

const pad = (n: number) => String(n).padStart(2, '0');

const memo = new Map<string, { from: number; periods: Periods }>();

/** The day and month `ts` falls in; remembered per zone until the day ends (the hot path asks on every request). */
export function periodsAt(ts: number, timeZone: string): Periods {
  const hit = memo.get(timeZone);
  if (hit && ts >= hit.from && ts < hit.periods.dayResetsAt) return hit.periods;
  const w = wallTime(ts, timeZone);
  const periods: Periods = {
    day: `${w.y}-${pad(w.m)}-${pad(w.d)}`,
    month: `${w.y}-${pad(w.m)}`,
    dayResetsAt: startOfLocalDay(w.y, w.m, w.d + 1, timeZone),
    monthResetsAt: startOfLocalDay(w.m === 12 ? w.y + 1 : w.y, w.m === 12 ? 1 : w.m + 1, 1, timeZone),
  };
  memo.set(timeZone, { from: startOfLocalDay(w.y, w.m, w.d, timeZone), periods });
  return periods;
}
