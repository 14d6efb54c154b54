import { homedir, platform } from 'node:os';
import { join } from 'node:path';
import type { SecretStore } from './providers/secret-store';
import type { RoutingOptions } from './routing/router';
import type { LlmJudgeOptions } from './semantic/llm-judge';

/** What a caller (CLI, desktop shell, tests) gives createGateway. */
export interface GatewayOptions {
  /** where the database, admin token and secrets live */
  dataDir: string;
  /** 0 picks a free port */
  proxyPort?: number;
  adminPort?: number;
  /** bind address; loopback unless the user opts out */
  host?: string;
  /** built dashboard (renderer) to serve on the admin port; null serves none */
  dashboardDir?: string | null;
  /** fixed admin token; otherwise TOLLGATE_ADMIN_TOKEN, else a random one kept in <dataDir>/admin-token */
  adminToken?: string;
  /** the OpenAI upstream; env TOLLGATE_OPENAI_BASE_URL / OPENAI_API_KEY fill gaps */
  openai?: { baseUrl?: string; apiKey?: string };
  /** max request body for parsed endpoints, bytes */
  maxBodyBytes?: number;
  /** upstream timeouts, ms */
  upstreamConnectTimeoutMs?: number;
  upstreamHeadersTimeoutMs?: number;
  upstreamBodyTimeoutMs?: number;
  /** slow-loris guard: a client must send its request headers within this (408 after), ms */
  clientHeadersTimeoutMs?: number;
  /** ... and its whole request, body included, within this (408 after), ms */
  clientRequestTimeoutMs?: number;
  /** how long stop() waits for in-flight requests before cutting them */
  drainTimeoutMs?: number;
  /** better-sqlite3 native binary to load (the desktop build passes its Electron-ABI copy) */
  sqliteNativeBinding?: string;
  /** how long acknowledged trace/spend/cache writes may wait for their group commit (default 20 ms) */
  commitWindowMs?: number;
  /** days of trace history to keep (default 30, or TOLLGATE_RETENTION_DAYS); the admin API can change it */
  retentionDays?: number;
  /** pricing table to load instead of the bundled resources/pricing.json */
  pricingFile?: string;
  /** IANA time zone whose calendar days and months budget caps count (default: the system's); a project may set its own */
  timeZone?: string;
  /** clock, injectable for tests */
  now?: () => number;
  /** structured log sink; defaults to JSON lines on stderr */
  log?: (line: Record<string, unknown>) => void;
  /** where provider keys are kept; default a 0600 secrets.json in dataDir (the desktop passes safeStorage) */
  secretStore?: SecretStore;
  /** folders searched for transformers.js embedding models (default resources/models, then <dataDir>/models) */
  modelDirs?: string[];
  /** the model hub an allowed download uses (default https://huggingface.co/; tests serve their own) */
  modelHost?: string;
  /** retries, backoff, circuit breaker (defaults: 2 retries from 250 ms, 3 failures open a target for 30 s) */
  routing?: RoutingOptions;
  /** the semantic cache's LLM judge: its timeout (default 3 s) and how many verdicts it remembers */
  semanticJudge?: LlmJudgeOptions;
  /** semantic HNSW graphs: rows before a bucket gets one (default 4,096), how often changed graphs are checked for a save (default 30 s) */
  semanticIndex?: { minRows?: number; saveDelayMs?: number };
  /** process env to read defaults from (tests pass their own) */
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_PROXY_PORT = 8686;
export const DEFAULT_ADMIN_PORT = 8687;
export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

/** The platform's app-data folder, as Electron's userData would be for "Tollgate". */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const os = platform();
  if (os === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Tollgate');
  if (os === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Tollgate');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Tollgate');
}
