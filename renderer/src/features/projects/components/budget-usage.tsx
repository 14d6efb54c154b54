import { useEffect } from 'react';
import type { BudgetPeriodUsage } from '../../../../../shared/api/dto';
import { formatUsd } from '../../../../../shared/cost';
import { formatDuration } from '../../../lib/format';
import { useAppStore } from '../../../store';
import { loadProjectUsage } from '../project-actions';
import { projectsSelectors } from '../projects-slice';

const REFRESH_MS = 5_000;

/** What the budget holds right now: spent, reserved by requests in flight, what is left, when it resets. */
export function BudgetUsage({ slug }: { slug: string }) {
  const usage = useAppStore(projectsSelectors.usage(slug));
  useEffect(() => {
    void loadProjectUsage(slug);
    const timer = setInterval(() => void loadProjectUsage(slug), REFRESH_MS);
    return () => clearInterval(timer);
  }, [slug]);
  if (!usage) return null;
  const tripped = usage.velocity.trippedUntil !== null && usage.velocity.trippedUntil > Date.now();
  return (
    <table className="kv budget-usage" aria-label="Budget now">
      <thead>
        <tr><th /><th className="num">spent</th><th className="num">in flight</th><th className="num">left</th><th className="num">resets</th></tr>
      </thead>
      <tbody>
        <PeriodRow label={`today (${usage.daily.period})`} p={usage.daily} />
        <PeriodRow label={`month (${usage.monthly.period})`} p={usage.monthly} />
        {(usage.velocity.limitUsdPerMin !== null || tripped) && (
          <tr>
            <th>last minute</th>
            <td className="num mono">{formatUsd(usage.velocity.usdLastMinute)}</td>
            <td />
            <td className={`num mono ${tripped ? 'error' : ''}`}>{tripped ? 'breaker open' : `of ${formatUsd(usage.velocity.limitUsdPerMin)}/min`}</td>
            <td className="num mono dim">{tripped && usage.velocity.trippedUntil ? `in ${formatDuration(usage.velocity.trippedUntil - Date.now())}` : ''}</td>
          </tr>
        )}
        <tr>
          <th>requests</th>
          <td colSpan={4} className="dim small">
            {usage.limits.inFlight} in flight, {usage.limits.queued} queued, {usage.openReservations} holding {formatUsd(usage.reservedUsd)} · {usage.timeZone}
          </td>
        </tr>
      </tbody>
    </table>
  );
}

function PeriodRow({ label, p }: { label: string; p: BudgetPeriodUsage }) {
  const isOut = p.remainingUsd !== null && p.remainingUsd <= 0;
  return (
    <tr>
      <th>{label}</th>
      <td className="num mono">{formatUsd(p.spentUsd)}</td>
      <td className="num mono dim">{p.reservedUsd > 0 ? formatUsd(p.reservedUsd) : '—'}</td>
      <td className={`num mono ${isOut ? 'error' : ''}`}>{p.remainingUsd === null ? 'no cap' : formatUsd(p.remainingUsd)}</td>
      <td className="num mono dim">in {formatDuration(p.resetsAt - Date.now())}</td>
    </tr>
  );
}
