import type { CachePolicy, Endpoint } from '../../../shared/api/dto';
import { isCacheableEndpoint } from './cache-key';

export type Eligibility = { cacheable: true } | { cacheable: false; reason: string };

/**
 * By default only deterministic requests are cached: replaying a sampled answer makes a chatbot repeat itself.
 * Deterministic = temperature 0, or a fixed seed; and a single choice.
 */
export function checkEligibility(policy: CachePolicy, endpoint: Endpoint, body: Record<string, unknown>): Eligibility {
  if (!isCacheableEndpoint(endpoint)) return { cacheable: false, reason: `endpoint ${endpoint} is not cached` };
  if (policy === 'always' || endpoint === 'embeddings') return { cacheable: true };
  const n = body.n;
  if (typeof n === 'number' && n !== 1) return { cacheable: false, reason: `n=${n} asks for several sampled answers` };
  if (body.temperature === 0) return { cacheable: true };
  if (endpoint === 'chat.completions' && typeof body.seed === 'number') return { cacheable: true };
  const t = body.temperature === undefined ? 'default temperature (1)' : `temperature ${String(body.temperature)}`;
  return { cacheable: false, reason: `non-deterministic: ${t}; set temperature 0 or a seed, or cache policy "always"` };
}
