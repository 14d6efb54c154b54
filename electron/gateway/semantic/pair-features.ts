/**
 * What an embedding's cosine misses about a pair of prompts, as numbers a small learned model can weigh:
 * negation, numbers, dates, units, names, swapped roles (word order), length and script. Pure and fast
 * (a few µs a pair): the verifier runs it on every candidate, and the trainer on every labeled pair.
 */

const STOP = new Set((
  'a an the of to in on at for by with from and or but is are was were be been being am do does did has have had '
  + 'it its this that these those there here as into than then so such can could would should will shall may might '
  + 'must i me my we our you your he him his she her they them their what which who whom whose when where why how '
  + 'if about again some any all each other own very just also too s t'
).split(' '));
const NEGATIONS = new Set(['not', 'no', 'never', 'none', 'nobody', 'nothing', 'neither', 'nor', 'nowhere', 'without',
  'cannot', 'cant', 'dont', 'doesnt', 'didnt', 'isnt', 'arent', 'wasnt', 'werent', 'wont', 'wouldnt', 'shouldnt',
  'couldnt', 'havent', 'hasnt', 'hadnt', 'aint', 'neednt', 'mustnt']);
const QUESTION_WORDS = ['what', 'why', 'how', 'when', 'where', 'who', 'which', 'whom', 'whose'];
const QUESTION_OPENERS = new Set([...QUESTION_WORDS, 'is', 'are', 'can', 'do', 'does', 'should', 'will', 'would']);
const PERSON = new Map<string, string>(Object.entries({ i: '1', me: '1', my: '1', mine: '1', myself: '1', we: '1', us: '1', our: '1',
  you: '2', your: '2', yours: '2', yourself: '2', he: '3', him: '3', his: '3', she: '3', her: '3', they: '3', them: '3', their: '3' }));
const OBLIGATION = new Set(['should', 'must', 'ought', 'need', 'shall']);
// in a question "how do I", "how can I" and "how would I" ask the same thing: the auxiliary is register, not meaning
const AUXILIARY = new Set(['do', 'does', 'can', 'could', 'would', 'will']);
const PAST = new Set(['did', 'was', 'were', 'had', 'been']);
const MONTHS = new Set(['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october',
  'november', 'december', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
  'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'today', 'tomorrow', 'yesterday']);
const UNITS = new Map<string, string>(Object.entries({
  km: 'km', kilometer: 'km', kilometers: 'km', kilometre: 'km', kilometres: 'km', mile: 'mi', miles: 'mi', mi: 'mi',
  kg: 'kg', kilogram: 'kg', kilograms: 'kg', lb: 'lb', lbs: 'lb', pound: 'lb', pounds: 'lb', g: 'g', gram: 'g', grams: 'g',
  celsius: 'c', fahrenheit: 'f', c: 'c', f: 'f', meter: 'm', meters: 'm', metre: 'm', metres: 'm', m: 'm', feet: 'ft',
  foot: 'ft', ft: 'ft', inch: 'in', inches: 'in', cm: 'cm', mm: 'mm', liter: 'l', liters: 'l', litre: 'l', litres: 'l',
  gallon: 'gal', gallons: 'gal', usd: 'usd', dollar: 'usd', dollars: 'usd', eur: 'eur', euro: 'eur', euros: 'eur',
  gbp: 'gbp', yen: 'jpy', percent: 'pct', hour: 'h', hours: 'h', minute: 'min', minutes: 'min', second: 's',
  seconds: 's', day: 'd', days: 'd', week: 'wk', weeks: 'wk', month: 'mo', months: 'mo', year: 'y', years: 'y',
  mb: 'mb', gb: 'gb', tb: 'tb', kb: 'kb',
}));
const DIRECTIONAL = new Set(['from', 'to', 'than', 'vs', 'versus', 'into', 'before', 'after', 'between', 'by', 'over', 'against']);
const NUMBER_WORDS = new Map<string, string>(Object.entries({
  zero: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9', ten: '10',
  eleven: '11', twelve: '12', twenty: '20', thirty: '30', forty: '40', fifty: '50', hundred: '100', thousand: '1000',
  million: '1000000', billion: '1000000000', first: '1', second: '2', third: '3', half: '0.5',
}));

export const FEATURE_NAMES = [
  'cos', 'jaccardWords', 'jaccardContent', 'missingMax', 'missingMin', 'bigramJaccard', 'orderGap', 'neighborSwap',
  'charTrigram', 'lengthRatio', 'lengthMin', 'numberMismatch', 'numberOnlyOne', 'negationMismatch', 'capsMismatch',
  'capsOnlyCount', 'dateMismatch', 'unitMismatch', 'questionWordMismatch', 'directionalSwap', 'scriptMismatch',
  'exactContent', 'cosOverlap', 'uniqueMax', 'uniqueMin', 'uniqueLongest', 'uniqueWordsMax', 'uniqueWordsMin',
  'questions', 'personMismatch', 'modalMismatch', 'tenseMismatch',
] as const;

export interface Analyzed {
  words: string[];
  content: string[];
  contentSet: Set<string>;
  wordSet: Set<string>;
  numbers: Set<string>;
  negations: number;
  caps: Set<string>;
  dates: Set<string>;
  units: Set<string>;
  questionWords: Set<string>;
  trigrams: Set<string>;
  bigrams: Set<string>;
  nonAsciiRatio: number;
  /** asks something: ends with "?" or opens with a question word or an auxiliary */
  question: boolean;
  /** grammatical persons of its pronouns ("1", "2", "3"): "how do I" and "how do you" ask different things */
  persons: Set<string>;
  /** should / must / need: "do I" asks what is, "should I" asks for advice */
  obligation: boolean;
  past: boolean;
}

/** A light stem, so "flights" meets "flight" and "booked" meets "book". */
function stem(w: string): string {
  if (w.length > 4 && w.endsWith('ies')) return w.slice(0, -3) + 'y';
  if (w.length > 4 && w.endsWith('ing')) return w.slice(0, -3);
  if (w.length > 3 && w.endsWith('ed')) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('es')) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1);
  return w;
}

function toNumber(raw: string): string {
  const n = Number(raw.replace(/,/g, ''));
  return Number.isFinite(n) ? String(n) : raw;
}

export function analyzeText(text: string): Analyzed {
  const raw = text.normalize('NFKC');
  const matches = [...raw.matchAll(/[\p{L}\p{M}]+(?:['’][\p{L}]+)?[+#]*|\d[\d,]*(?:\.\d+)?|[$€£¥%°]/gu)];
  const tokens = matches.map((m) => m[0]);
  const words: string[] = [];
  const numbers = new Set<string>();
  const caps = new Set<string>();
  const units = new Set<string>();
  const dates = new Set<string>();
  let negations = 0;
  tokens.forEach((tok, i) => {
    const lower = tok.toLowerCase().replace(/['’]/g, '');
    if (/^\d/.test(tok)) numbers.add(toNumber(tok));
    else if (NUMBER_WORDS.has(lower)) numbers.add(NUMBER_WORDS.get(lower)!);
    if (NEGATIONS.has(lower)) negations++;
    // a capital not at a sentence start is a name, a place, a product
    if (i > 0 && /^\p{Lu}/u.test(tok) && !/[.?!:]\s*$/.test(raw.slice(Math.max(0, matches[i]!.index - 3), matches[i]!.index))) caps.add(lower);
    const unit = UNITS.get(lower) ?? (tok === '$' ? 'usd' : tok === '€' ? 'eur' : tok === '£' ? 'gbp' : tok === '%' ? 'pct' : tok === '°' ? 'deg' : undefined);
    if (unit) units.add(unit);
    if (MONTHS.has(lower)) dates.add(lower.slice(0, 3));
    words.push(/^\d/.test(tok) ? toNumber(tok) : AUXILIARY.has(lower) ? 'do' : stem(lower));
  });
  const content = words.filter((w) => !STOP.has(w) && !NEGATIONS.has(w));
  const squashed = ` ${raw.toLowerCase().replace(/\s+/g, ' ')} `;
  const trigrams = new Set<string>();
  for (let i = 0; i + 3 <= squashed.length; i++) trigrams.add(squashed.slice(i, i + 3));
  const bigrams = new Set<string>();
  for (let i = 0; i + 1 < words.length; i++) bigrams.add(words[i] + ' ' + words[i + 1]);
  let nonAscii = 0;
  for (const ch of raw) if (ch.charCodeAt(0) > 127) nonAscii++;
  const lowerWords = tokens.map((t) => t.toLowerCase());
  return {
    words, content, contentSet: new Set(content), wordSet: new Set(words), numbers, negations: negations % 2, caps, dates, units,
    questionWords: new Set(QUESTION_WORDS.filter((q) => lowerWords.includes(q))), trigrams, bigrams,
    nonAsciiRatio: raw.length ? nonAscii / raw.length : 0,
    question: /\?\s*$/.test(raw) || QUESTION_OPENERS.has((lowerWords[0] ?? '').replace(/['’].*$/, '')),
    persons: new Set(lowerWords.map((w) => PERSON.get(w)).filter((x): x is string => x !== undefined)),
    obligation: lowerWords.some((w) => OBLIGATION.has(w)),
    past: lowerWords.some((w) => PAST.has(w)),
  };
}

function jaccard<T>(a: Set<T>, b: Set<T>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

function missingShare<T>(from: Set<T>, other: Set<T>): number {
  if (from.size === 0) return 0;
  let missing = 0;
  for (const x of from) if (!other.has(x)) missing++;
  return missing / from.size;
}

function onlyInOne<T>(a: Set<T>, b: Set<T>): number {
  let n = 0;
  for (const x of a) if (!b.has(x)) n++;
  for (const x of b) if (!a.has(x)) n++;
  return n;
}

/** How far the shared content words moved relative to each other (0 = same order, 1 = reversed). */
/** Words only one side has: how many, and how long the longest is (long words are rarely filler). */
function uniqueWords(from: Set<string>, other: Set<string>): { count: number; longest: number } {
  let count = 0;
  let longest = 0;
  for (const w of from) if (!other.has(w)) { count++; longest = Math.max(longest, w.length); }
  return { count, longest };
}

function orderGap(a: string[], b: string[]): number {
  const posB = new Map<string, number>();
  b.forEach((w, i) => { if (!posB.has(w)) posB.set(w, i); });
  const seq: number[] = [];
  const seen = new Set<string>();
  for (const w of a) if (posB.has(w) && !seen.has(w)) { seen.add(w); seq.push(posB.get(w)!); }
  if (seq.length < 2) return 0;
  let discordant = 0;
  let pairs = 0;
  for (let i = 0; i < seq.length; i++) for (let j = i + 1; j < seq.length; j++) { pairs++; if (seq[i]! > seq[j]!) discordant++; }
  return discordant / pairs;
}

/** Share of shared content words whose neighbours changed: roles swapped around the same words. */
function neighborSwap(a: string[], b: string[]): number {
  const around = (ws: string[]) => {
    const m = new Map<string, string>();
    ws.forEach((w, i) => { if (!m.has(w)) m.set(w, `${ws[i - 1] ?? '^'}|${ws[i + 1] ?? '$'}`); });
    return m;
  };
  const na = around(a);
  const nb = around(b);
  let shared = 0;
  let changed = 0;
  for (const [w, ctx] of na) {
    const other = nb.get(w);
    if (other === undefined) continue;
    shared++;
    if (other !== ctx) changed++;
  }
  return shared ? changed / shared : 0;
}

/** "from A to B" vs "from B to A": a directional word followed by different shared words. */
function directionalSwap(a: string[], b: string[]): number {
  const after = (ws: string[]) => {
    const m = new Map<string, string>();
    ws.forEach((w, i) => { if (DIRECTIONAL.has(w) && ws[i + 1] && !m.has(w)) m.set(w, ws[i + 1]!); });
    return m;
  };
  const ma = after(a);
  const mb = after(b);
  const setA = new Set(a);
  const setB = new Set(b);
  let swaps = 0;
  for (const [w, next] of ma) {
    const other = mb.get(w);
    if (other !== undefined && other !== next && setB.has(next) && setA.has(other)) swaps++;
  }
  return swaps;
}

export function computeFeatures(cos: number, a: Analyzed, b: Analyzed): number[] {
  const la = a.words.length;
  const lb = b.words.length;
  const missA = missingShare(a.contentSet, b.contentSet);
  const missB = missingShare(b.contentSet, a.contentSet);
  const jc = jaccard(a.contentSet, b.contentSet);
  const sameContent = a.contentSet.size > 0 && jc === 1 ? 1 : 0;
  const ua = uniqueWords(a.contentSet, b.contentSet);
  const ub = uniqueWords(b.contentSet, a.contentSet);
  const wa = uniqueWords(a.wordSet, b.wordSet);
  const wb = uniqueWords(b.wordSet, a.wordSet);
  return [
    cos,
    jaccard(a.wordSet, b.wordSet),
    jc,
    Math.max(missA, missB),
    Math.min(missA, missB),
    jaccard(a.bigrams, b.bigrams),
    orderGap(a.content, b.content),
    neighborSwap(a.content, b.content),
    jaccard(a.trigrams, b.trigrams),
    Math.min(la, lb) / Math.max(la, lb, 1),
    Math.log1p(Math.min(la, lb)),
    a.numbers.size + b.numbers.size > 0 && onlyInOne(a.numbers, b.numbers) > 0 ? 1 : 0,
    (a.numbers.size === 0) !== (b.numbers.size === 0) ? 1 : 0,
    a.negations !== b.negations ? 1 : 0,
    1 - jaccard(a.caps, b.caps),
    Math.min(onlyInOne(a.caps, b.caps), 5),
    onlyInOne(a.dates, b.dates) > 0 ? 1 : 0,
    onlyInOne(a.units, b.units) > 0 ? 1 : 0,
    onlyInOne(a.questionWords, b.questionWords) > 0 ? 1 : 0,
    directionalSwap(a.words, b.words),
    Math.abs(a.nonAsciiRatio - b.nonAsciiRatio) > 0.2 ? 1 : 0,
    sameContent,
    cos * jc,
    Math.min(Math.max(ua.count, ub.count), 10),
    Math.min(Math.min(ua.count, ub.count), 10),
    Math.max(ua.longest, ub.longest),
    Math.min(Math.max(wa.count, wb.count), 10),
    Math.min(Math.min(wa.count, wb.count), 10),
    // two questions on one topic often ask different things (QQP); two statements that close rarely do
    Number(a.question) + Number(b.question),
    onlyInOne(a.persons, b.persons) > 0 ? 1 : 0,
    a.obligation !== b.obligation ? 1 : 0,
    a.past !== b.past ? 1 : 0,
  ];
}
