import type Database from 'better-sqlite3';
import type { Alias, RoutingDecision, RoutingRule } from '../../../shared/api/dto';
import { createUpstreamPacer, realSleep, type Sleep } from '../http/upstream-pacer';
import type { ProviderConfig } from '../providers/provider-settings';
import { createAliasesRepo } from '../store/repos/aliases-repo';
import type { PipelineDeps } from '../pipeline/stage';
import { createBreakers, type BreakerOptions } from './circuit-breaker';
import { DEFAULT_RETRY, type RetryOptions } from './retry-policy';
import { modelNotFound, resolveModel, type RouteTarget } from './resolve-model';

export interface RoutingOptions {
  retry?: Partial<RetryOptions>;
  breaker?: Partial<BreakerOptions>;
  /** injectable for tests: jitter and weighted picks */
  random?: () => number;
  /** injectable for tests: backoff and pacing waits */
  sleep?: Sleep;
  /** pace calls to the quota each provider key advertises (default on) */
  pacing?: boolean;
}

export const DEFAULT_BREAKER: BreakerOptions = { failureThreshold: 3, cooldownMs: 30_000 };

/** One provider key as the pacer and the balancer know it: an id that never contains the key itself. */
export interface KeyChoice { id: string; value: string | null }

/**
 * The client's own key when it belongs to this provider: an sk-ant- key is an Anthropic key, any other sk- key
 * an OpenAI key. Never handed to another provider.
 */
export function clientKeyFor(provider: ProviderConfig, clientKey: string | null): string | null {
  if (!clientKey) return null;
  return provider.kind === (clientKey.startsWith('sk-ant-') ? 'anthropic' : 'openai') ? clientKey : null;
}

export interface RoutePlan { targets: RouteTarget[]; decision: RoutingDecision }

/**
 * The routing service: aliases and rules, the order targets are tried in (ordered, weighted, least-busy),
 * per-target circuit breakers, per-key balancing and upstream pacing. Built once per gateway.
 */
export function createRouter(db: Database.Database, now: () => number, options: RoutingOptions = {}) {
  const aliases = createAliasesRepo(db, now);
  const retry: RetryOptions = { ...DEFAULT_RETRY, ...options.retry };
  const breakers = createBreakers({ ...DEFAULT_BREAKER, ...options.breaker }, now);
  const sleep = options.sleep ?? realSleep;
  // waits are real sleeps, so pacing runs on the real clock; the injected one moves breaker cooldowns in tests
  const pacer = createUpstreamPacer(Date.now, sleep);
  const random = options.random ?? Math.random;
  /** requests in flight per target label and per key id (least-busy) */
  const busy = new Map<string, number>();
  const roundRobin = new Map<string, number>();

  const busyOf = (id: string) => busy.get(id) ?? 0;
  /** name → target for names that are no alias; dropped whenever providers change */
  const resolved = new Map<string, RouteTarget>();
  let resolvedVersion = -1;
  const RESOLVED_LIMIT = 1000;

  function resolveCached(deps: PipelineDeps, model: string): RouteTarget | null {
    if (resolvedVersion !== deps.providers.version) { resolved.clear(); resolvedVersion = deps.providers.version; }
    const hit = resolved.get(model);
    if (hit) return hit;
    const target = resolveModel(model, deps.providers, deps.pricing);
    if (target) {
      if (resolved.size >= RESOLVED_LIMIT) resolved.clear();
      resolved.set(model, target);
    }
    return target;
  }

  function resolveAlias(alias: Alias, deps: PipelineDeps): RouteTarget[] {
    const targets: RouteTarget[] = [];
    for (const t of alias.targets) {
      const target = resolveCached(deps, t.model);
      if (target) targets.push(t.weight === target.weight ? target : { ...target, weight: t.weight });
    }
    return targets;
  }

  /** weighted: one pick by weight goes first; least-busy: fewest in flight first; the rest stay as fallbacks */
  function order(targets: RouteTarget[], strategy: Alias['strategy']): RouteTarget[] {
    if (targets.length < 2 || strategy === 'ordered') return targets;
    if (strategy === 'least-busy') {
      return targets.map((t, i) => ({ t, i })).sort((a, b) => busyOf(a.t.label) - busyOf(b.t.label) || a.i - b.i).map((x) => x.t);
    }
    const total = targets.reduce((s, t) => s + t.weight, 0);
    let r = random() * total;
    let pick = targets.length - 1;
    for (let i = 0; i < targets.length; i++) {
      r -= targets[i]!.weight;
      if (r < 0) { pick = i; break; }
    }
    return [targets[pick]!, ...targets.slice(0, pick), ...targets.slice(pick + 1)];
  }

  return {
    aliases,
    retry,
    breakers,
    pacer,
    sleep,
    random,
    isPacing: options.pacing !== false,

    /** model name (alias, provider/model or bare) → targets in the order to try them */
    plan(deps: PipelineDeps, model: string, project: string | null): RoutePlan {
      const alias = aliases.find(model, project);
      if (alias) {
        const resolved = resolveAlias(alias, deps);
        if (resolved.length === 0) throw modelNotFound(alias.targets[0]?.model ?? model, deps.providers, deps.pricing, aliases.names());
        const targets = order(resolved, alias.strategy);
        return {
          targets,
          decision: {
            alias: alias.name, aliasScope: alias.project === null ? 'global' : 'project', strategy: alias.strategy,
            candidates: targets.map((t) => t.label), cooledDown: [], complexity: null,
          },
        };
      }
      const target = resolveCached(deps, model);
      if (!target) throw modelNotFound(model, deps.providers, deps.pricing, aliases.names());
      return {
        targets: [target],
        decision: { alias: null, aliasScope: null, strategy: 'single', candidates: [target.label], cooledDown: [], complexity: null },
      };
    },

    rule(project: string): RoutingRule | undefined { return aliases.rule(project); },

    /** the key to use for the next call: the client's own OpenAI key, else the least busy key that has quota */
    pickKey(provider: ProviderConfig, clientKey: string | null, model: string): KeyChoice {
      // the client's own key has its own quota: paced apart by its tail (never the whole key in memory maps)
      const own = clientKeyFor(provider, clientKey);
      if (own) return { id: `${provider.id}#client-${own.slice(-8)}`, value: own };
      const keys = provider.apiKeys;
      if (keys.length <= 1) return { id: `${provider.id}#0`, value: keys[0] ?? null };
      const start = roundRobin.get(provider.id) ?? 0;
      roundRobin.set(provider.id, (start + 1) % keys.length);
      let best = start % keys.length;
      let bestScore = Infinity;
      for (let n = 0; n < keys.length; n++) {
        const i = (start + n) % keys.length;
        const id = `${provider.id}#${i}`;
        const score = (pacer.delayFor(`${id}:${model}`, 1) > 0 ? 1e6 : 0) + busyOf(id);
        if (score < bestScore) { best = i; bestScore = score; }
      }
      return { id: `${provider.id}#${best}`, value: keys[best]! };
    },

    begin(label: string, keyId: string) {
      busy.set(label, busyOf(label) + 1);
      busy.set(keyId, busyOf(keyId) + 1);
    },
    end(label: string, keyId: string) {
      // idle entries go, so client-chosen model names cannot grow the map
      const l = busyOf(label) - 1;
      if (l > 0) busy.set(label, l); else busy.delete(label);
      const k = busyOf(keyId) - 1;
      if (k > 0) busy.set(keyId, k); else busy.delete(keyId);
    },
  };
}

export type Router = ReturnType<typeof createRouter>;
