import { readFileSync } from 'node:fs';
import { isRecord, type ModelPrice, type PricingTable } from './pricing';

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const URL_RE = /^https?:\/\/\S+$/;

function isPrice(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

function validateModel(name: string, raw: unknown, fail: (msg: string) => never): ModelPrice {
  const where = `model "${name}"`;
  if (!isRecord(raw)) fail(`${where} is not an object`);
  const m = raw as Record<string, unknown>;
  if (typeof m.provider !== 'string' || m.provider.trim() === '') fail(`${where}: provider must be a non-empty string`);
  if (!isPrice(m.input)) fail(`${where}: input must be a number >= 0`);
  if (!isPrice(m.output)) fail(`${where}: output must be a number >= 0`);
  if (m.cachedInput !== undefined && m.cachedInput !== null && !isPrice(m.cachedInput)) {
    fail(`${where}: cachedInput must be a number >= 0 or null`);
  }
  if (m.cacheWrite !== undefined && m.cacheWrite !== null && !isPrice(m.cacheWrite)) {
    fail(`${where}: cacheWrite must be a number >= 0 or null`);
  }
  if (m.batchDiscount !== undefined && !(isPrice(m.batchDiscount) && m.batchDiscount <= 1)) {
    fail(`${where}: batchDiscount must be a number between 0 and 1`);
  }
  if (m.contextWindow !== undefined && !isPositiveInt(m.contextWindow)) fail(`${where}: contextWindow must be a positive integer`);
  if (m.maxOutput !== undefined && !isPositiveInt(m.maxOutput)) fail(`${where}: maxOutput must be a positive integer`);
  if (typeof m.source !== 'string' || !URL_RE.test(m.source)) fail(`${where}: source must be an http(s) URL`);
  if (typeof m.checked !== 'string' || !DATE_RE.test(m.checked) || Number.isNaN(Date.parse(m.checked))) {
    fail(`${where}: checked must be a YYYY-MM-DD date`);
  }

  const price: ModelPrice = {
    provider: m.provider as string,
    input: m.input as number,
    cachedInput: (m.cachedInput ?? null) as number | null,
    output: m.output as number,
    source: m.source as string,
    checked: m.checked as string,
  };
  if (m.cacheWrite !== undefined) price.cacheWrite = m.cacheWrite as number | null;
  if (m.batchDiscount !== undefined) price.batchDiscount = m.batchDiscount as number;
  if (m.contextWindow !== undefined) price.contextWindow = m.contextWindow as number;
  if (m.maxOutput !== undefined) price.maxOutput = m.maxOutput as number;
  return price;
}

/** Read and validate a pricing file (resources/pricing.json). Throws an Error naming the file on bad data. */
export function loadPricing(file: string): PricingTable {
  const fail = (msg: string): never => {
    throw new Error(`Invalid pricing file ${file}: ${msg}`);
  };

  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`Cannot read pricing file ${file}: ${(err as Error).message}`, { cause: err });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`Invalid pricing file ${file}: not valid JSON (${(err as Error).message})`, { cause: err });
  }

  if (!isRecord(data)) return fail('top level must be an object');
  if (data.unit !== undefined && data.unit !== 'usd_per_1m_tokens') fail(`unit must be "usd_per_1m_tokens", got ${JSON.stringify(data.unit)}`);
  if (!isRecord(data.models)) return fail('"models" must be an object');

  const models: Record<string, ModelPrice> = {};
  for (const [name, raw] of Object.entries(data.models)) {
    if (name.trim() === '' || name !== name.toLowerCase()) fail(`model key "${name}" must be non-empty and lower case`);
    models[name] = validateModel(name, raw, fail);
  }
  if (Object.keys(models).length === 0) fail('"models" is empty');

  const aliases: Record<string, string> = {};
  if (data.aliases !== undefined) {
    if (!isRecord(data.aliases)) return fail('"aliases" must be an object');
    for (const [alias, target] of Object.entries(data.aliases)) {
      if (typeof target !== 'string') fail(`alias "${alias}" must map to a string`);
      if (alias !== alias.toLowerCase()) fail(`alias "${alias}" must be lower case`);
      if (!Object.hasOwn(models, target as string)) fail(`alias "${alias}" points at unknown model "${String(target)}"`);
      if (Object.hasOwn(models, alias)) fail(`alias "${alias}" shadows a model of the same name`);
      aliases[alias] = target as string;
    }
  }
  return { models, aliases };
}

