import type { StateCreator } from 'zustand';
import type { GatewaySettings, ProviderSettings } from '../../../../shared/api/dto';
import type { AppState } from '../../store';
import type { LoadState } from '../projects/projects-slice';

export interface SettingsSlice {
  settings: GatewaySettings | null;
  providers: ProviderSettings[];
  settingsLoad: LoadState;
  settingsError: string | null;
  setSettings(settings: GatewaySettings): void;
  setProviders(providers: ProviderSettings[]): void;
  upsertProvider(provider: ProviderSettings): void;
  setSettingsLoad(load: LoadState, error?: string | null): void;
}

export const initialSettingsState = {
  settings: null as GatewaySettings | null,
  providers: [] as ProviderSettings[],
  settingsLoad: 'idle' as LoadState,
  settingsError: null as string | null,
};

export const createSettingsSlice: StateCreator<AppState, [], [], SettingsSlice> = (set) => ({
  ...initialSettingsState,
  setSettings: (settings) => set({ settings }),
  setProviders: (providers) => set({ providers }),
  upsertProvider: (provider) =>
    set((s) => ({
      providers: s.providers.some((p) => p.id === provider.id)
        ? s.providers.map((p) => (p.id === provider.id ? provider : p))
        : [...s.providers, provider],
    })),
  setSettingsLoad: (settingsLoad, settingsError = null) => set({ settingsLoad, settingsError }),
});

export const settingsSelectors = {
  settings: (s: AppState) => s.settings,
  providers: (s: AppState) => s.providers,
  load: (s: AppState) => s.settingsLoad,
  error: (s: AppState) => s.settingsError,
};
