import type { CacheEntry, Trace } from './dto';

/** Events on `GET /admin/v1/events` (SSE; one JSON object per `data:` line). */
export type AdminEvent =
  | { type: 'hello'; ts: number }
  | { type: 'trace'; trace: Trace }
  | { type: 'spend'; project: string; todayUsd: number; monthUsd: number }
  | { type: 'cache'; action: 'stored'; entry: CacheEntry }
  | { type: 'cache'; action: 'invalidated'; removed: number };
