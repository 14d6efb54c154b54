import { resolveModelFamily, resolvePrice, type ModelPrice, type PricingTable } from '../cost/pricing';
import { GatewayError } from '../errors';
import { DEFAULT_PROVIDER, type ProviderConfig, type ProviderRegistry } from '../providers/provider-settings';
import { getProviderDefinition, listProviderDefinitions } from '../providers/registry';
import { findCloseNames } from './close-names';

/** One place a request can go: a provider and the model name that provider knows. */
export interface RouteTarget {
  provider: ProviderConfig;
  /** the provider's own model name (no prefix) */
  model: string;
  /** provider/model, as the trace and the errors name it */
  label: string;
  price: ModelPrice | null;
  /** share of traffic under weighted balancing */
  weight: number;
}

function target(provider: ProviderConfig, model: string, pricing: PricingTable, weight = 1): RouteTarget {
  return { provider, model, label: `${provider.id}/${model}`, price: resolvePrice(pricing, model), weight };
}

/**
 * A model name → its target. `provider/model` addresses a provider (set up, or a known kind at its defaults);
 * a bare name goes to a provider that lists it, else the provider its price entry names (claude-… → anthropic)
 * when that one is set up, else the provider whose naming it follows, else OpenAI.
 */
export function resolveModel(name: string, providers: ProviderRegistry, pricing: PricingTable): RouteTarget | null {
  const slash = name.indexOf('/');
  if (slash > 0) {
    const provider = providers.get(name.slice(0, slash));
    const model = name.slice(slash + 1);
    if (provider && model) return target(provider, model, pricing);
  }
  const configured = providers.configured();
  for (const p of configured) if (p.models?.includes(name)) return target(p, name, pricing);
  if (slash > 0) return null; // "x/y" where x is no provider and nobody lists the whole name
  const family = resolveModelFamily(pricing, name);
  const owner = family ? pricing.models[family]?.provider : undefined;
  if (owner) {
    const p = configured.find((c) => c.id === owner || c.kind === owner);
    if (p) return target(p, name, pricing);
  }
  for (const p of configured) {
    if (p.id !== DEFAULT_PROVIDER && getProviderDefinition(p.kind)?.modelPattern?.test(name)) return target(p, name, pricing);
  }
  const fallback = providers.get(DEFAULT_PROVIDER);
  return fallback ? target(fallback, name, pricing) : null;
}

/** Every name the gateway could route, for "did you mean" lists. */
export function listKnownNames(providers: ProviderRegistry, pricing: PricingTable, extra: Iterable<string> = []): string[] {
  const names = new Set<string>(extra);
  for (const m of Object.keys(pricing.models)) names.add(m);
  for (const p of providers.configured()) for (const m of p.models ?? []) names.add(`${p.id}/${m}`);
  for (const def of listProviderDefinitions()) names.add(`${def.kind}/…`);
  return [...names];
}

export function modelNotFound(name: string, providers: ProviderRegistry, pricing: PricingTable, extra: Iterable<string> = []): GatewayError {
  const close = findCloseNames(name, listKnownNames(providers, pricing, extra).filter((n) => !n.endsWith('/…')));
  const slash = name.indexOf('/');
  const providerHint = slash > 0 && !providers.get(name.slice(0, slash))
    ? ` There is no provider "${name.slice(0, slash)}"; set up: ${providers.configured().map((p) => p.id).join(', ')}.`
    : '';
  const hint = close.length > 0 ? ` Did you mean ${close.map((c) => `"${c}"`).join(', ')}?` : '';
  return new GatewayError(404, 'invalid_request_error', 'model_not_found',
    `The model "${name}" does not exist on any provider Tollgate can reach.${providerHint}${hint} ` +
    'Use provider/model (e.g. "anthropic/claude-sonnet-4-5"), a model a provider lists, or an alias (PUT /admin/v1/aliases/:name).',
    { param: 'model' });
}
