import { useEffect, useState } from 'react';
import { AliasList } from '../../components/alias-list';
import { describeError } from '../../lib/describe-error';
import { useAppStore } from '../../store';
import { loadAliases, removeAlias, saveAlias } from './alias-actions';
import { settingsSelectors } from './settings-slice';

/** Global model aliases (`fast`, `smart`, `cheap`) in Settings: list, create, edit, delete. */
export function AliasesSection() {
  const aliases = useAppStore(settingsSelectors.aliases);
  const [loadError, setLoadError] = useState<string | null>(null);
  useEffect(() => {
    loadAliases().then(() => setLoadError(null), (e: unknown) => setLoadError(describeError(e)));
  }, []);
  return (
    <AliasList
      aliases={aliases} loadError={loadError} save={(name, body, previous) => saveAlias(name, body, previous)}
      remove={(name) => removeAlias(name)}
      intro={<>A model name clients can send (e.g. <code>fast</code>) that routes to one or more <code>provider/model</code> targets.
        Projects can override one with their own alias of the same name.</>}
      afterDelete={(name) => <>Requests for <code>{name}</code> will get 404 model_not_found unless a project defines it.</>}
    />
  );
}
