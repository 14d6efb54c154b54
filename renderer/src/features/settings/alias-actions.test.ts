import { describe, expect, it, vi } from 'vitest';
import type { Alias, AliasPut } from '../../../../shared/api/dto';
import { ApiError, type AdminClient } from '../../lib/admin-client';
import { createAppStore } from '../../store';
import { loadAliases, removeAlias, saveAlias } from './alias-actions';

const alias = (name: string, body: AliasPut = { targets: ['openai/a'] }): Alias => ({
  name, project: null, strategy: body.strategy ?? 'ordered', updatedAt: 1,
  targets: body.targets.map((t) => (typeof t === 'string' ? { model: t, weight: 1 } : { model: t.model, weight: t.weight ?? 1 })),
});

function fakeClient(initial: Alias[]) {
  const saved = new Map(initial.map((a) => [a.name, a]));
  const client = {
    listAliases: vi.fn(async () => ({ items: [...saved.values()] })),
    putAlias: vi.fn(async (name: string, body: AliasPut) => {
      if (body.targets.length === 0) throw new ApiError('targets must be a non-empty array', 400, 'invalid_request');
      const a = alias(name, body);
      saved.set(name, a);
      return a;
    }),
    deleteAlias: vi.fn(async (name: string) => {
      if (!saved.delete(name)) throw new ApiError(`Alias ${name} was not found.`, 404, 'not_found');
      return { removed: 1 };
    }),
  };
  return { client: client as unknown as AdminClient, mock: client, saved };
}

describe('alias actions', () => {
  it('loads aliases sorted by name and keeps them sorted on save', async () => {
    const store = createAppStore();
    const fake = fakeClient([alias('smart'), alias('cheap')]);
    await loadAliases(store, fake.client);
    expect(store.getState().aliases.map((a) => a.name)).toEqual(['cheap', 'smart']);
    await saveAlias('fast', { targets: ['openai/b'] }, null, store, fake.client);
    expect(store.getState().aliases.map((a) => a.name)).toEqual(['cheap', 'fast', 'smart']);
  });

  it('a rename saves the new name, then deletes the old one', async () => {
    const store = createAppStore();
    const fake = fakeClient([alias('fast')]);
    await loadAliases(store, fake.client);
    await saveAlias('quick', { targets: ['openai/a', { model: 'openai/b', weight: 2 }], strategy: 'weighted' }, 'fast', store, fake.client);
    expect([...fake.saved.keys()]).toEqual(['quick']);
    expect(fake.mock.deleteAlias).toHaveBeenCalledWith('fast');
    expect(store.getState().aliases).toEqual([alias('quick', { targets: ['openai/a', { model: 'openai/b', weight: 2 }], strategy: 'weighted' })]);
  });

  it('a refused save changes nothing and keeps the old name', async () => {
    const store = createAppStore();
    const fake = fakeClient([alias('fast')]);
    await loadAliases(store, fake.client);
    await expect(saveAlias('quick', { targets: [] }, 'fast', store, fake.client)).rejects.toThrow('targets must be a non-empty array');
    expect(fake.mock.deleteAlias).not.toHaveBeenCalled();
    expect(store.getState().aliases.map((a) => a.name)).toEqual(['fast']);
  });

  it('delete removes it from the store only once the API agreed', async () => {
    const store = createAppStore();
    const fake = fakeClient([alias('fast')]);
    await loadAliases(store, fake.client);
    await expect(removeAlias('gone', store, fake.client)).rejects.toThrow('Alias gone was not found.');
    await removeAlias('fast', store, fake.client);
    expect(store.getState().aliases).toEqual([]);
  });
});
