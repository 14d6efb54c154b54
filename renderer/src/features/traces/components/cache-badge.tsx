import type { Trace } from '../../../../../shared/api/dto';

/** hit exact / hit semantic (with similarity) / miss / bypass / off */
export function CacheBadge({ trace }: { trace: Trace }) {
  const similarity = trace.cacheSimilarity;
  if (trace.cache === 'hit' && trace.cacheLayer === 'semantic') {
    return (
      <span className="badge cache-hit layer-semantic" title={trace.cacheReason ?? 'semantic hit'}>
        hit ≈{typeof similarity === 'number' ? ` ${similarity.toFixed(2)}` : ''}
      </span>
    );
  }
  if (trace.cache === 'hit') return <span className="badge cache-hit" title={trace.cacheReason ?? 'exact hit'}>hit</span>;
  return (
    <span className={`badge cache-${trace.cache}`} title={trace.cacheReason ?? undefined}>
      {trace.cache}
    </span>
  );
}
