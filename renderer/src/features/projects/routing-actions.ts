import type { RoutingRule } from '../../../../shared/api/dto';
import { getAdminClient, type AdminClient } from '../../lib/admin-client';
import { useAppStore, type AppStore } from '../../store';

/** The project's complexity rule into the store; throws the API's message. */
export async function loadRoutingRule(slug: string, store: AppStore = useAppStore, client: AdminClient = getAdminClient()) {
  const rule = await client.getRoutingRule(slug);
  store.getState().setRoutingRule(slug, rule);
  return rule;
}

/** Saves the rule; the gateway applies it to the very next request. Throws the API's message on refusal. */
export async function saveRoutingRule(slug: string, rule: RoutingRule, store: AppStore = useAppStore, client: AdminClient = getAdminClient()) {
  const saved = await client.putRoutingRule(slug, rule);
  store.getState().setRoutingRule(slug, saved);
  return saved;
}
