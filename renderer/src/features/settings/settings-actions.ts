import type { ProviderUpdate } from '../../../../shared/api/dto';
import { getAdminClient, type AdminClient } from '../../lib/admin-client';
import { describeError } from '../../lib/describe-error';
import { useAppStore, type AppStore } from '../../store';

export async function loadSettings(store: AppStore = useAppStore, client: AdminClient = getAdminClient()) {
  const state = store.getState();
  if (state.settingsLoad !== 'loaded') state.setSettingsLoad('loading');
  try {
    const [settings, providers] = await Promise.all([client.getSettings(), client.listProviders()]);
    store.getState().setSettings(settings);
    store.getState().setProviders(providers.items);
    store.getState().setSettingsLoad('loaded');
  } catch (error) {
    store.getState().setSettingsLoad('error', describeError(error));
  }
}

export async function saveRetentionDays(days: number, store: AppStore = useAppStore, client: AdminClient = getAdminClient()) {
  store.getState().setSettings(await client.patchSettings({ retentionDays: days }));
}

export async function saveProvider(id: string, patch: ProviderUpdate, store: AppStore = useAppStore, client: AdminClient = getAdminClient()) {
  store.getState().upsertProvider(await client.updateProvider(id, patch));
}
