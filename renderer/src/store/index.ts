import { create } from 'zustand';
import { createTracesSlice, type TracesSlice } from '../features/traces/traces-slice';
import { createConnectionSlice, type ConnectionSlice } from './connection-slice';

/** The one app store: every slice's state and actions side by side (zustand's slices pattern). */
export type AppState = ConnectionSlice & TracesSlice;

/** A fresh store; the app uses `useAppStore`, tests make their own so nothing leaks between them. */
export function createAppStore() {
  return create<AppState>()((...args) => ({
    ...createConnectionSlice(...args),
    ...createTracesSlice(...args),
  }));
}

export type AppStore = ReturnType<typeof createAppStore>;

export const useAppStore: AppStore = createAppStore();
