import type { SpendRepo } from '../store/repos/spend-repo';
import { toLocalDay } from '../store/repos/spend-repo';

interface Running { day: string; todayUsd: number; monthUsd: number }

/**
 * Running spend per project for today and this month, in memory so the hot path never queries SQLite.
 * Seeded from the rollups at start; rolls over at local midnight and at the first of the month.
 */
export function createSpendTracker(repo: SpendRepo, now: () => number) {
  const byProject = new Map<string, Running>();
  const seededDay = toLocalDay(now());
  for (const [project, t] of repo.totalsByProject(now())) byProject.set(project, { day: seededDay, ...t });

  function current(project: string, day: string): Running {
    let r = byProject.get(project);
    if (!r) {
      r = { day, todayUsd: 0, monthUsd: 0 };
      byProject.set(project, r);
    } else if (r.day !== day) {
      const sameMonth = r.day.slice(0, 7) === day.slice(0, 7);
      r = { day, todayUsd: 0, monthUsd: sameMonth ? r.monthUsd : 0 };
      byProject.set(project, r);
    }
    return r;
  }

  return {
    add(project: string, costUsd: number, ts: number): { todayUsd: number; monthUsd: number } {
      const r = current(project, toLocalDay(ts));
      r.todayUsd += costUsd;
      r.monthUsd += costUsd;
      return { todayUsd: r.todayUsd, monthUsd: r.monthUsd };
    },
    get(project: string): { todayUsd: number; monthUsd: number } {
      const r = current(project, toLocalDay(now()));
      return { todayUsd: r.todayUsd, monthUsd: r.monthUsd };
    },
  };
}

export type SpendTracker = ReturnType<typeof createSpendTracker>;
