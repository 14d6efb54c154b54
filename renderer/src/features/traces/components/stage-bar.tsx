import type { StageTiming } from '../../../../../shared/api/dto';
import { formatMs } from '../../../lib/format';

const STAGE_COLOURS = ['#7c8cff', '#4cc38a', '#e5a84b', '#b58cff', '#5ec8e5', '#ef6461', '#d77cc8', '#9fb86b'];

/** The request's time split by pipeline stage; stages too short to see still get a sliver. */
export function StageBar({ stages, latencyMs, ttfbMs }: { stages: StageTiming[]; latencyMs: number; ttfbMs: number | null }) {
  const total = Math.max(latencyMs, stages.reduce((sum, s) => sum + s.ms, 0), 0.001);
  return (
    <div className="stage-timing">
      <div className="stage-bar" role="img" aria-label="Time by pipeline stage">
        {stages.map((s, i) => (
          <span
            key={`${s.stage}-${i}`}
            className="stage-seg"
            style={{ width: `${Math.max((s.ms / total) * 100, 0.6)}%`, background: STAGE_COLOURS[i % STAGE_COLOURS.length] }}
            title={`${s.stage}: ${formatMs(s.ms)}${s.note ? ` (${s.note})` : ''}`}
          />
        ))}
        {ttfbMs !== null && (
          <span className="ttfb-mark" style={{ left: `${Math.min((ttfbMs / total) * 100, 100)}%` }} title={`first byte at ${formatMs(ttfbMs)}`} />
        )}
      </div>
      <table className="kv stages">
        <tbody>
          {stages.map((s, i) => (
            <tr key={`${s.stage}-${i}`}>
              <th>
                <span className="swatch" style={{ background: STAGE_COLOURS[i % STAGE_COLOURS.length] }} />
                {s.stage}
              </th>
              <td className="num mono">{formatMs(s.ms)}</td>
              <td className="dim small">{s.note ?? ''}</td>
            </tr>
          ))}
          <tr className="total">
            <th>total</th>
            <td className="num mono">{formatMs(latencyMs)}</td>
            <td className="dim small">{ttfbMs !== null ? `first byte ${formatMs(ttfbMs)}` : ''}</td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}
