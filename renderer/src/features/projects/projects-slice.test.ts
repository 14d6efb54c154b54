import { beforeEach, describe, expect, it } from 'vitest';
import type { Project } from '../../../../shared/api/dto';
import { createAppStore, type AppStore } from '../../store';
import { toProjectForm, toProjectPatch } from './project-form';
import { capUsage, hitRate, projectsSelectors } from './projects-slice';

function makeProject(slug: string, overrides: Partial<Project> = {}): Project {
  return {
    slug, name: slug, cachePolicy: 'deterministic', cacheTtlSec: 604800, cacheVersion: 1,
    budget: { dailyUsd: null, monthlyUsd: null, mode: 'block' }, limits: { rpm: null, tpm: null, concurrency: null },
    createdAt: 0, spend: { todayUsd: 0, monthUsd: 0 },
    semantic: { enabled: false, strictness: 'balanced', embedder: 'auto', allowModelDownload: false }, keepBodies: true, ...overrides,
  };
}

let store: AppStore;
beforeEach(() => {
  store = createAppStore();
});

describe('projects slice', () => {
  it('keeps projects sorted, replaces one in place after a save, adds a new one', () => {
    store.getState().setProjects([makeProject('web'), makeProject('api')]);
    expect(projectsSelectors.all(store.getState()).map((p) => p.slug)).toEqual(['api', 'web']);
    store.getState().upsertProject(makeProject('web', { budget: { dailyUsd: 5, monthlyUsd: null, mode: 'alert' } }));
    expect(projectsSelectors.all(store.getState())[1]?.budget.dailyUsd).toBe(5);
    store.getState().upsertProject(makeProject('batch'));
    expect(projectsSelectors.all(store.getState()).map((p) => p.slug)).toEqual(['api', 'batch', 'web']);
  });

  it('applies live spend events to the matching project only', () => {
    store.getState().setProjects([makeProject('api'), makeProject('web')]);
    const before = projectsSelectors.all(store.getState());
    store.getState().setProjectSpend('web', 1.5, 20);
    expect(projectsSelectors.all(store.getState())[1]?.spend).toEqual({ todayUsd: 1.5, monthUsd: 20 });
    store.getState().setProjectSpend('unknown', 1, 1);
    expect(projectsSelectors.all(store.getState())[0]).toBe(before[0]);
  });

  it('indexes the spend rollups by project for savings and hit rate', () => {
    const row = (key: string, requests: number, cacheHits: number, savedUsd: number) => ({
      key, requests, cacheHits, savedUsd, costUsd: 0, unpricedRequests: 0, promptTokens: 0, completionTokens: 0,
    });
    store.getState().setProjectStats([row('api', 4, 1, 0.1)], [row('api', 10, 5, 1), row('web', 0, 0, 0)]);
    const stats = projectsSelectors.stats(store.getState());
    expect(hitRate(stats.today.api)).toBe(0.25);
    expect(hitRate(stats.month.api)).toBe(0.5);
    expect(hitRate(stats.month.web)).toBeNull();
    expect(hitRate(stats.month.none)).toBeNull();
  });
});

describe('capUsage', () => {
  it('is null without a cap, a ratio with one, and over for any spend against a zero cap', () => {
    expect(capUsage(3, null)).toBeNull();
    expect(capUsage(3, 4)).toBe(0.75);
    expect(capUsage(0.01, 0)).toBe(Infinity);
  });
});

describe('project form', () => {
  it('round-trips a project, with empty fields meaning no cap and no limit', () => {
    const project = makeProject('api', { budget: { dailyUsd: 2.5, monthlyUsd: null, mode: 'downgrade' }, limits: { rpm: 60, tpm: null, concurrency: null } });
    const form = toProjectForm(project);
    expect(form.dailyUsd).toBe('2.5');
    expect(form.monthlyUsd).toBe('');
    expect(toProjectPatch(form)).toEqual({
      patch: {
        name: 'api',
        budget: { dailyUsd: 2.5, monthlyUsd: null, mode: 'downgrade', downgradeModel: null },
        limits: { rpm: 60, tpm: null, concurrency: null },
        cachePolicy: 'deterministic',
        cacheTtlSec: 604800,
        semantic: { enabled: false, strictness: 'balanced', embedder: 'auto', allowModelDownload: false, judge: null },
        keepBodies: true,
      },
    });
  });

  it('turns the judge fields into semantic.judge: empty model is off, empty band the default, a bad band is named', () => {
    const judged = makeProject('api', { semantic: { enabled: true, strictness: 'balanced', embedder: 'auto', allowModelDownload: false, judge: { model: 'gpt-4o-mini', band: 0.2 } } });
    const form = toProjectForm(judged);
    expect(form).toMatchObject({ judgeModel: 'gpt-4o-mini', judgeBand: '0.2' });
    const judgeOf = (f: typeof form) => {
      const r = toProjectPatch(f);
      return 'patch' in r ? r.patch.semantic?.judge : r.error;
    };
    expect(judgeOf(form)).toEqual({ model: 'gpt-4o-mini', band: 0.2 });
    expect(judgeOf({ ...form, judgeBand: '' })).toEqual({ model: 'gpt-4o-mini' });
    expect(judgeOf({ ...form, judgeModel: '  ' })).toBeNull();
    expect(toProjectPatch({ ...form, judgeBand: '0.9' })).toEqual({ error: 'Judge band must be a number above 0 and at most 0.5, or empty for the default (0.15).' });
  });

  it('accepts a leading $ and names the field that is not a number', () => {
    const form = { ...toProjectForm(makeProject('api')), dailyUsd: '$0.50' };
    expect(toProjectPatch(form)).toMatchObject({ patch: { budget: { dailyUsd: 0.5 } } });
    expect(toProjectPatch({ ...form, monthlyUsd: 'ten' })).toEqual({ error: 'Monthly cap must be a number ≥ 0, or empty for none.' });
    expect(toProjectPatch({ ...form, rpm: '1.5' })).toEqual({ error: 'Requests per minute must be a whole number ≥ 0, or empty for none.' });
  });
});
