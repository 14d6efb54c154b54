import type { StateCreator } from 'zustand';
import type { Project, ProjectUsage, RoutingRule, SpendRow } from '../../../../shared/api/dto';
import type { AppState } from '../../store';

export type LoadState = 'idle' | 'loading' | 'loaded' | 'error';

/** Savings and cache hits for one project over a period, from the spend rollups. */
export interface ProjectStats {
  savedUsd: number;
  requests: number;
  cacheHits: number;
}

export interface ProjectsSlice {
  projects: Project[];
  projectsLoad: LoadState;
  projectsError: string | null;
  /** per project slug: today's and this month's rollups */
  projectStats: { today: Record<string, ProjectStats>; month: Record<string, ProjectStats> };
  selectedProjectSlug: string | null;
  /** live budget state per project (spent, reserved by requests in flight, remaining, resets) */
  projectUsage: Record<string, ProjectUsage>;
  setProjects(projects: Project[]): void;
  /** replaces one project (after a PATCH or POST answered), keeping the list order */
  upsertProject(project: Project): void;
  setProjectSpend(project: string, todayUsd: number, monthUsd: number): void;
  setProjectStats(today: SpendRow[], month: SpendRow[]): void;
  setProjectsLoad(load: LoadState, error?: string | null): void;
  selectProject(slug: string | null): void;
  setProjectUsage(usage: ProjectUsage): void;
  /** per project slug: the complexity routing rule, once loaded */
  routingRules: Record<string, RoutingRule>;
  setRoutingRule(slug: string, rule: RoutingRule): void;
}

export const initialProjectsState = {
  projects: [] as Project[],
  projectsLoad: 'idle' as LoadState,
  projectsError: null as string | null,
  projectStats: { today: {}, month: {} } as ProjectsSlice['projectStats'],
  selectedProjectSlug: null as string | null,
  projectUsage: {} as Record<string, ProjectUsage>,
  routingRules: {} as Record<string, RoutingRule>,
};

export const createProjectsSlice: StateCreator<AppState, [], [], ProjectsSlice> = (set) => ({
  ...initialProjectsState,
  setProjects: (projects) => set({ projects: sortProjects(projects), projectsLoad: 'loaded', projectsError: null }),
  upsertProject: (project) =>
    set((s) => {
      const exists = s.projects.some((p) => p.slug === project.slug);
      const projects = exists
        ? s.projects.map((p) => (p.slug === project.slug ? project : p))
        : sortProjects([...s.projects, project]);
      return { projects };
    }),
  setProjectSpend: (slug, todayUsd, monthUsd) =>
    set((s) => {
      if (!s.projects.some((p) => p.slug === slug)) return s;
      return { projects: s.projects.map((p) => (p.slug === slug ? { ...p, spend: { todayUsd, monthUsd } } : p)) };
    }),
  setProjectStats: (today, month) => set({ projectStats: { today: toStats(today), month: toStats(month) } }),
  setProjectsLoad: (projectsLoad, projectsError = null) => set({ projectsLoad, projectsError }),
  selectProject: (selectedProjectSlug) => set({ selectedProjectSlug }),
  setProjectUsage: (usage) => set((s) => ({ projectUsage: { ...s.projectUsage, [usage.project]: usage } })),
  setRoutingRule: (slug, rule) => set((s) => ({ routingRules: { ...s.routingRules, [slug]: rule } })),
});

function sortProjects(projects: Project[]): Project[] {
  return projects.slice().sort((a, b) => a.slug.localeCompare(b.slug));
}

function toStats(rows: SpendRow[]): Record<string, ProjectStats> {
  const out: Record<string, ProjectStats> = {};
  for (const r of rows) out[r.key] = { savedUsd: r.savedUsd, requests: r.requests, cacheHits: r.cacheHits };
  return out;
}

/** Share of requests answered from the cache; null when there were none. */
export function hitRate(stats: ProjectStats | undefined): number | null {
  if (!stats || stats.requests === 0) return null;
  return stats.cacheHits / stats.requests;
}

/** How much of a cap is used (0..∞); null when there is no cap. */
export function capUsage(spentUsd: number, capUsd: number | null): number | null {
  if (capUsd === null) return null;
  if (capUsd === 0) return spentUsd > 0 ? Infinity : 1;
  return spentUsd / capUsd;
}

export const projectsSelectors = {
  all: (s: AppState) => s.projects,
  load: (s: AppState) => s.projectsLoad,
  error: (s: AppState) => s.projectsError,
  stats: (s: AppState) => s.projectStats,
  selectedSlug: (s: AppState) => s.selectedProjectSlug,
  usage:
    (slug: string) =>
    (s: AppState): ProjectUsage | undefined =>
      s.projectUsage[slug],
  routingRule:
    (slug: string) =>
    (s: AppState): RoutingRule | undefined =>
      s.routingRules[slug],
  selected: (s: AppState): Project | undefined => s.projects.find((p) => p.slug === s.selectedProjectSlug),
};
