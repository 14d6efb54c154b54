import type { Alias, AliasPut } from '../../../../shared/api/dto';
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

/** A project's own aliases (they shadow global ones of the same name): the editor keeps them in its own state. */
export function projectAliasApi(slug: string, client: AdminClient = getAdminClient()) {
  return {
    list: async () => (await client.listProjectAliases(slug)).items,
    /** a rename saves the new name first, then removes the old one */
    async save(name: string, body: AliasPut, previousName: string | null): Promise<Alias> {
      const alias = await client.putProjectAlias(slug, name, body);
      if (previousName !== null && previousName !== name) await client.deleteProjectAlias(slug, previousName);
      return alias;
    },
    remove: async (name: string) => { await client.deleteProjectAlias(slug, name); },
  };
}
