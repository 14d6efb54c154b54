import { validateHeaderValue } from 'node:http';
import { describe, expect, it } from 'vitest';
import { toHeaderText } from './respond';

describe('toHeaderText', () => {
  it('spells a reason in ASCII that Node accepts as a header value', () => {
    const reason = 'semantic: verifier 0.731 ≥ 0.9 — "from … to …" is swapped; Fehler: Größe überschritten; 日本\n';
    const text = toHeaderText(reason);
    expect(text).toBe('semantic: verifier 0.731 >= 0.9 - "from ... to ..." is swapped; Fehler: Gro?e uberschritten; ???');
    expect(() => validateHeaderValue('x-tollgate-cache-reason', text)).not.toThrow();
    expect(() => validateHeaderValue('x-tollgate-cache-reason', reason)).toThrow();
  });
});
