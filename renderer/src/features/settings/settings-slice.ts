import type { StateCreator } from 'zustand';
import type { Alias, GatewaySettings, ProviderSettings } from '../../../../shared/api/dto';
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
  /** global aliases, sorted by name */
  aliases: Alias[];
  setAliases(aliases: Alias[]): void;
  upsertAlias(alias: Alias): void;
  removeAlias(name: string): void;
}

export const initialSettingsState = {
  settings: null as GatewaySettings | null,
  providers: [] as ProviderSettings[],
  settingsLoad: 'idle' as LoadState,
  settingsError: null as string | null,
  aliases: [] as Alias[],
};

const byName = (a: Alias, b: Alias): number => a.name.localeCompare(b.name);

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
  setAliases: (aliases) => set({ aliases: [...aliases].sort(byName) }),
  upsertAlias: (alias) => set((s) => ({ aliases: [...s.aliases.filter((a) => a.name !== alias.name), alias].sort(byName) })),
  removeAlias: (name) => set((s) => ({ aliases: s.aliases.filter((a) => a.name !== name) })),
});

export const settingsSelectors = {
  settings: (s: AppState) => s.settings,
  providers: (s: AppState) => s.providers,
  load: (s: AppState) => s.settingsLoad,
  error: (s: AppState) => s.settingsError,
  aliases: (s: AppState) => s.aliases,
};
