import type { JudgeOutcome } from '../../../../../shared/api/dto';
import { formatUsd } from '../../../../../shared/cost';
import { formatMs } from '../../../lib/format';

const SAID: Record<JudgeOutcome['verdict'], string> = {
  yes: 'YES: same request, answered from the cache',
  no: 'NO: a different request, sent to the provider',
  error: 'no verdict (error): treated as a miss',
  timeout: 'no verdict (timeout): treated as a miss',
  budget: 'not asked: the budget could not hold its call',
  'rate-limited': 'not asked: the rate limit had no room for its call',
};

/** The LLM judge's say on a borderline candidate, as a row of the semantic match table. */
export function JudgeRow({ judge }: { judge: JudgeOutcome }) {
  return (
    <tr>
      <th>LLM judge</th>
      <td>
        <span className={judge.verdict === 'yes' ? 'chip' : 'chip dim'}>{SAID[judge.verdict]}</span>{' '}
        <span className="mono small">{judge.model}{judge.target && judge.target !== judge.model ? ` → ${judge.target}` : ''}</span>{' '}
        <span className="dim small">
          {judge.cached ? 'remembered verdict, no call' : `${judge.costUsd === null ? 'unpriced' : formatUsd(judge.costUsd)}, ${formatMs(judge.ms)}`}
        </span>
        {judge.detail && <div className="dim small">{judge.detail}</div>}
      </td>
    </tr>
  );
}
