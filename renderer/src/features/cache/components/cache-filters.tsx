import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../../../store';
import { cacheSelectors, type CacheSort } from '../cache-slice';

const AGES: Array<[number, string]> = [
  [0, 'any age'], [3600, 'older than 1 h'], [86_400, 'older than 1 day'], [7 * 86_400, 'older than 7 days'], [30 * 86_400, 'older than 30 days'],
];
const SORTS: Array<[CacheSort, string]> = [['age', 'newest first'], ['hits', 'most hits'], ['saved', 'most saved']];

export function CacheFiltersBar() {
  const { filters, projects } = useAppStore(useShallow((s) => ({ filters: cacheSelectors.filters(s), projects: s.projects })));
  const setFilter = useAppStore((s) => s.setCacheFilter);
  return (
    <div className="filters">
      <input className="input search" data-search type="search" placeholder="Search prompts…  /" value={filters.q} onChange={(e) => setFilter('q', e.target.value)} aria-label="Search prompts" />
      <select className="input" value={filters.project} onChange={(e) => setFilter('project', e.target.value)} aria-label="Project">
        <option value="">all projects</option>
        {projects.map((p) => <option key={p.slug} value={p.slug}>{p.slug}</option>)}
      </select>
      <input className="input short mono" placeholder="model" value={filters.model} onChange={(e) => setFilter('model', e.target.value)} aria-label="Model" />
      <input className="input short mono" placeholder="tag" value={filters.tag} onChange={(e) => setFilter('tag', e.target.value)} aria-label="Tag" />
      <select className="input" value={filters.olderThanSec} onChange={(e) => setFilter('olderThanSec', Number(e.target.value))} aria-label="Age">
        {AGES.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
      </select>
      <select className="input" value={filters.sort} onChange={(e) => setFilter('sort', e.target.value as CacheSort)} aria-label="Sort">
        {SORTS.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
      </select>
    </div>
  );
}
