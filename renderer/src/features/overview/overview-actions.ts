import { getAdminClient, type AdminClient } from '../../lib/admin-client';
import { describeError } from '../../lib/describe-error';
import { useAppStore, type AppStore } from '../../store';

export async function loadOverview(store: AppStore = useAppStore, client: AdminClient = getAdminClient()) {
  const state = store.getState();
  if (state.overviewLoad !== 'loaded') state.setOverviewLoad('loading');
  try {
    store.getState().setOverview(await client.overview({ days: state.overviewDays }));
  } catch (error) {
    store.getState().setOverviewLoad('error', describeError(error));
  }
}
