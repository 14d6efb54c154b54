import type { StateCreator } from 'zustand';
import type { Health } from '../../../shared/api/dto';
import type { AppState } from './index';

export type ConnectionStatus = 'connecting' | 'live' | 'unauthorized' | 'offline';

export interface ConnectionState {
  status: ConnectionStatus;
  /** what went wrong last, in words a person can act on */
  error: string | null;
  /** the gateway's own description (proxy URL, version), once reachable */
  health: Health | null;
}

export interface ConnectionSlice {
  connection: ConnectionState;
  setConnectionStatus(status: ConnectionStatus, error?: string | null): void;
  setHealth(health: Health | null): void;
}

export const initialConnectionState: ConnectionState = { status: 'connecting', error: null, health: null };

export const createConnectionSlice: StateCreator<AppState, [], [], ConnectionSlice> = (set) => ({
  connection: initialConnectionState,
  setConnectionStatus: (status, error = null) =>
    set((state) => {
      const current = state.connection;
      if (current.status === status && current.error === error) return state;
      return { connection: { ...current, status, error } };
    }),
  setHealth: (health) => set((state) => ({ connection: { ...state.connection, health } })),
});

export const connectionSelectors = {
  status: (s: AppState) => s.connection.status,
  error: (s: AppState) => s.connection.error,
  health: (s: AppState) => s.connection.health,
  isUnauthorized: (s: AppState) => s.connection.status === 'unauthorized',
};
