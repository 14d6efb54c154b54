import type { CacheEntry, Trace } from './dto';

/** Events on `GET /admin/v1/events` (SSE; one JSON object per `data:` line). */
export type AdminEvent =
  | { type: 'hello'; ts: number }
  | { type: 'trace'; trace: Trace }
  | { type: 'spend'; project: string; todayUsd: number; monthUsd: number }
  | { type: 'cache'; action: 'stored'; entry: CacheEntry }
  | { type: 'cache'; action: 'invalidated'; removed: number }
  | BudgetAlertEvent
  | EmbedderEvent;

/** The semantic cache's embedder: model download / load progress, then ready. */
export type EmbedderEvent =
  | { type: 'embedder'; action: 'progress'; model: string; file: string; status: string; progress: number | null; loaded: number | null; total: number | null }
  | { type: 'embedder'; action: 'ready'; embedder: string };

/** A project (or one of its users or features) crossed 50/80/100 % of a cap, or its spend-velocity breaker tripped; sent once per threshold per period. */
export interface BudgetAlertEvent {
  type: 'budget-alert';
  project: string;
  /** which cap: the day's, the month's, or the USD-per-minute breaker */
  period: 'daily' | 'monthly' | 'velocity';
  /** percent of the cap reached (50, 80, 100); 100 for a tripped breaker */
  threshold: number;
  /** a per-user or per-feature cap (absent: the project's own cap) */
  scope?: 'user' | 'feature';
  /** the user or feature whose cap it is */
  scopeKey?: string;
  spentUsd: number;
  capUsd: number;
  /** when the cap resets (epoch ms): next local midnight, first of next month, or the end of the cool-down */
  resetAt: number;
  ts: number;
}
