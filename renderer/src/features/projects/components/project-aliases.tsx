import { useEffect, useState } from 'react';
import type { Alias } from '../../../../../shared/api/dto';
import { AliasList } from '../../../components/alias-list';
import { describeError } from '../../../lib/describe-error';
import { projectAliasApi } from '../project-alias-actions';

/** A project's own aliases, in its editor: they shadow global aliases of the same name for this project only. */
export function ProjectAliasesSection({ slug }: { slug: string }) {
  const [aliases, setAliases] = useState<Alias[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const api = projectAliasApi(slug);
  const reload = (): Promise<void> => api.list().then((items) => { setAliases(items); setLoadError(null); }, (e: unknown) => setLoadError(describeError(e)));
  useEffect(() => { void reload(); }, [slug]);
  return (
    <AliasList
      aliases={aliases} loadError={loadError} heading="Project aliases"
      save={(name, body, previous) => api.save(name, body, previous).then(reload)}
      remove={(name) => api.remove(name).then(reload)}
      intro={<>Aliases only this project's requests see; one named like a global alias replaces it here.</>}
      afterDelete={(name) => <>Requests from this project for <code>{name}</code> fall back to the global alias of that name, if any.</>}
    />
  );
}
