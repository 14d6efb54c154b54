import { describe, expect, it } from 'vitest';
import { toRoutingForm, toRoutingRule } from './routing-form';

describe('routing form', () => {
  it('turns a disabled rule into complexity null, and back', () => {
    expect(toRoutingRule({ ...toRoutingForm({ complexity: null }) })).toEqual({ rule: { complexity: null } });
    expect(toRoutingForm(undefined).enabled).toBe(false);
  });

  it('parses models, threshold and the appliesTo list', () => {
    const form = { enabled: true, cheapModel: ' openai/gpt-4o-mini ', strongModel: 'smart', threshold: '0.35', appliesTo: 'gpt-4o,  smart\nsmart' };
    expect(toRoutingRule(form)).toEqual({
      rule: { complexity: { cheapModel: 'openai/gpt-4o-mini', strongModel: 'smart', threshold: 0.35, appliesTo: ['gpt-4o', 'smart'] } },
    });
  });

  it('round-trips a saved rule', () => {
    const rule = { complexity: { cheapModel: 'a/b', strongModel: 'c/d', threshold: 0.7, appliesTo: ['x', 'y'] } };
    expect(toRoutingRule(toRoutingForm(rule))).toEqual({ rule });
  });

  it('defaults an empty threshold to 0.5 and refuses one outside 0..1 or missing models', () => {
    const base = { enabled: true, cheapModel: 'a/b', strongModel: 'c/d', threshold: '', appliesTo: '' };
    expect(toRoutingRule(base)).toEqual({ rule: { complexity: { cheapModel: 'a/b', strongModel: 'c/d', threshold: 0.5, appliesTo: [] } } });
    expect(toRoutingRule({ ...base, threshold: '1.5' })).toEqual({ error: 'The threshold must be a number from 0 to 1.' });
    expect(toRoutingRule({ ...base, threshold: 'half' })).toEqual({ error: 'The threshold must be a number from 0 to 1.' });
    expect('error' in toRoutingRule({ ...base, cheapModel: ' ' })).toBe(true);
    expect('error' in toRoutingRule({ ...base, strongModel: '' })).toBe(true);
  });
});
