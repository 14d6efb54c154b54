import { formatUsd } from '../../../../../shared/cost';
import { capUsage } from '../projects-slice';

/** Spend against a cap: a thin bar that turns amber at 80 % and red at 100 %. */
export function CapMeter({ spentUsd, capUsd }: { spentUsd: number; capUsd: number | null }) {
  const usage = capUsage(spentUsd, capUsd);
  if (usage === null) return <span className="dim">no cap</span>;
  const level = usage >= 1 ? 'over' : usage >= 0.8 ? 'near' : 'ok';
  return (
    <span className={`cap-meter cap-${level}`} title={`${formatUsd(spentUsd)} of ${formatUsd(capUsd)}`}>
      <span className="cap-track">
        <span className="cap-fill" style={{ width: `${Math.min(usage, 1) * 100}%` }} />
      </span>
      <span className="mono small">{formatUsd(capUsd)}</span>
    </span>
  );
}
