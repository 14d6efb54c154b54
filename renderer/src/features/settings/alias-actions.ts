import type { AliasPut } from '../../../../shared/api/dto';
import { getAdminClient, type AdminClient } from '../../lib/admin-client';
import { useAppStore, type AppStore } from '../../store';

/** Global aliases into the store; throws the API's message so the section can show it. */
export async function loadAliases(store: AppStore = useAppStore, client: AdminClient = getAdminClient()) {
  store.getState().setAliases((await client.listAliases()).items);
}

/** Creates or replaces an alias; a rename saves the new name first, then removes the old one. */
export async function saveAlias(
  name: string, body: AliasPut, previousName: string | null = null,
  store: AppStore = useAppStore, client: AdminClient = getAdminClient(),
) {
  const alias = await client.putAlias(name, body);
  store.getState().upsertAlias(alias);
  if (previousName !== null && previousName !== name) {
    await client.deleteAlias(previousName);
    store.getState().removeAlias(previousName);
  }
  return alias;
}

export async function removeAlias(name: string, store: AppStore = useAppStore, client: AdminClient = getAdminClient()) {
  await client.deleteAlias(name);
  store.getState().removeAlias(name);
}
