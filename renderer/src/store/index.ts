import { create } from 'zustand';
import { createCacheSlice, type CacheSlice } from '../features/cache/cache-slice';
import { createOverviewSlice, type OverviewSlice } from '../features/overview/overview-slice';
import { createProjectsSlice, type ProjectsSlice } from '../features/projects/projects-slice';
import { createSettingsSlice, type SettingsSlice } from '../features/settings/settings-slice';
import { createTraceViewSlice, type TraceViewSlice } from '../features/traces/trace-view-slice';
import { createTracesSlice, type TracesSlice } from '../features/traces/traces-slice';
import { createConnectionSlice, type ConnectionSlice } from './connection-slice';
import { createNavSlice, type NavSlice } from './nav-slice';

/** The one app store: every slice's state and actions side by side (zustand's slices pattern). */
export type AppState = ConnectionSlice &
  NavSlice &
  TracesSlice &
  TraceViewSlice &
  ProjectsSlice &
  CacheSlice &
  OverviewSlice &
  SettingsSlice;

/** A fresh store; the app uses `useAppStore`, tests make their own so nothing leaks between them. */
export function createAppStore() {
  return create<AppState>()((...args) => ({
    ...createConnectionSlice(...args),
    ...createNavSlice(...args),
    ...createTracesSlice(...args),
    ...createTraceViewSlice(...args),
    ...createProjectsSlice(...args),
    ...createCacheSlice(...args),
    ...createOverviewSlice(...args),
    ...createSettingsSlice(...args),
  }));
}

export type AppStore = ReturnType<typeof createAppStore>;

export const useAppStore: AppStore = createAppStore();
