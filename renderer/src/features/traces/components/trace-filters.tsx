import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../../../store';
import type { CacheFilter, StatusFilter } from '../trace-view-slice';
import { tracesSelectors } from '../traces-selectors';

const STATUS_OPTIONS: Array<[StatusFilter, string]> = [
  ['', 'any status'], ['ok', 'ok'], ['error', 'errors'], ['4xx', '4xx'], ['5xx', '5xx'], ['aborted', 'aborted'],
];
const CACHE_OPTIONS: Array<[CacheFilter, string]> = [
  ['', 'any cache'], ['hit', 'hit'], ['hit-exact', 'hit exact'], ['hit-semantic', 'hit semantic'], ['miss', 'miss'],
  ['bypass', 'bypass'], ['off', 'off'],
];

export function TraceFiltersBar() {
  const { filters, facets } = useAppStore(useShallow((s) => ({ filters: tracesSelectors.filters(s), facets: tracesSelectors.facets(s) })));
  const setFilter = useAppStore((s) => s.setTraceFilter);
  return (
    <div className="filters">
      <input
        className="input search"
        data-search
        type="search"
        placeholder="Filter…  /"
        value={filters.text}
        onChange={(e) => setFilter('text', e.target.value)}
        aria-label="Filter requests by text"
      />
      <select className="input" value={filters.project} onChange={(e) => setFilter('project', e.target.value)} aria-label="Project">
        <option value="">all projects</option>
        {withCurrent(facets.projects, filters.project).map((p) => (
          <option key={p} value={p}>{p}</option>
        ))}
      </select>
      <select className="input" value={filters.model} onChange={(e) => setFilter('model', e.target.value)} aria-label="Model">
        <option value="">all models</option>
        {withCurrent(facets.models, filters.model).map((m) => (
          <option key={m} value={m}>{m}</option>
        ))}
      </select>
      <select className="input" value={filters.status} onChange={(e) => setFilter('status', e.target.value as StatusFilter)} aria-label="Status">
        {STATUS_OPTIONS.map(([v, l]) => (
          <option key={v} value={v}>{l}</option>
        ))}
      </select>
      <select className="input" value={filters.cache} onChange={(e) => setFilter('cache', e.target.value as CacheFilter)} aria-label="Cache">
        {CACHE_OPTIONS.map(([v, l]) => (
          <option key={v} value={v}>{l}</option>
        ))}
      </select>
    </div>
  );
}

function withCurrent(options: string[], current: string): string[] {
  return current && !options.includes(current) ? [current, ...options] : options;
}
