import type { StateCreator } from 'zustand';
import type { AppState } from './index';

export type PageId = 'traces' | 'overview' | 'projects' | 'cache' | 'settings';

export const PAGES: ReadonlyArray<{ id: PageId; label: string; key: string }> = [
  { id: 'traces', label: 'Traces', key: 't' },
  { id: 'overview', label: 'Overview', key: 'o' },
  { id: 'projects', label: 'Projects', key: 'p' },
  { id: 'cache', label: 'Cache', key: 'c' },
  { id: 'settings', label: 'Settings', key: 's' },
];

export interface Toast {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

export interface NavSlice {
  page: PageId;
  isHelpOpen: boolean;
  toast: Toast | null;
  /** the semantic cache's embedder while it downloads or loads its model; null when idle or ready */
  embedderProgress: string | null;
  setEmbedderProgress(text: string | null): void;
  setPage(page: PageId): void;
  setHelpOpen(isOpen: boolean): void;
  showToast(text: string, kind?: Toast['kind']): void;
  dismissToast(id?: number): void;
}

export const initialNavState = { page: 'traces' as PageId, isHelpOpen: false, toast: null as Toast | null, embedderProgress: null as string | null };

let toastSeq = 0;

export const createNavSlice: StateCreator<AppState, [], [], NavSlice> = (set) => ({
  ...initialNavState,
  setPage: (page) => set({ page }),
  setEmbedderProgress: (embedderProgress) => set({ embedderProgress }),
  setHelpOpen: (isHelpOpen) => set({ isHelpOpen }),
  showToast: (text, kind = 'info') => set({ toast: { id: ++toastSeq, kind, text } }),
  // an id dismisses only that toast, so a timer for an old toast leaves a newer one alone
  dismissToast: (id) => set((s) => (id === undefined || s.toast?.id === id ? { toast: null } : s)),
});

export const navSelectors = {
  page: (s: AppState) => s.page,
  isHelpOpen: (s: AppState) => s.isHelpOpen,
  toast: (s: AppState) => s.toast,
  embedderProgress: (s: AppState) => s.embedderProgress,
};
