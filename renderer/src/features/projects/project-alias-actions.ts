import type { Alias, AliasPut } from '../../../../shared/api/dto';
import { getAdminClient, type AdminClient } from '../../lib/admin-client';

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
