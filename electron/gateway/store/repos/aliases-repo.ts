import type Database from 'better-sqlite3';
import type { Alias, AliasTarget, RoutingRule } from '../../../../shared/api/dto';

interface AliasRow { scope: string; name: string; targets_json: string; strategy: string; updated_at: number }

const toAlias = (r: AliasRow): Alias => ({
  name: r.name, project: r.scope === '' ? null : r.scope, targets: JSON.parse(r.targets_json) as AliasTarget[],
  strategy: r.strategy as Alias['strategy'], updatedAt: r.updated_at,
});

/** Aliases (global scope '' or a project's) and per-project routing rules, cached in memory: read per request. */
export function createAliasesRepo(db: Database.Database, now: () => number) {
  const upsert = db.prepare(`INSERT INTO aliases (scope, name, targets_json, strategy, updated_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (scope, name) DO UPDATE SET targets_json = excluded.targets_json, strategy = excluded.strategy, updated_at = excluded.updated_at`);
  const remove = db.prepare('DELETE FROM aliases WHERE scope = ? AND name = ?');
  const all = db.prepare('SELECT * FROM aliases ORDER BY scope, name');
  const upsertRule = db.prepare(`INSERT INTO routing_rules (project, rule_json, updated_at) VALUES (?, ?, ?)
    ON CONFLICT (project) DO UPDATE SET rule_json = excluded.rule_json, updated_at = excluded.updated_at`);
  const removeRule = db.prepare('DELETE FROM routing_rules WHERE project = ?');
  const allRules = db.prepare('SELECT project, rule_json FROM routing_rules');

  const aliases = new Map<string, Alias>();
  for (const r of all.all() as AliasRow[]) aliases.set(`${r.scope}\u0000${r.name}`, toAlias(r));
  const rules = new Map<string, RoutingRule>();
  for (const r of allRules.all() as Array<{ project: string; rule_json: string }>) rules.set(r.project, JSON.parse(r.rule_json) as RoutingRule);

  return {
    /** the project's alias, else the global one */
    find(name: string, project: string | null): Alias | undefined {
      return (project !== null ? aliases.get(`${project}\u0000${name}`) : undefined) ?? aliases.get(`\u0000${name}`);
    },
    list(project: string | null): Alias[] {
      const scope = project ?? '';
      return [...aliases.values()].filter((a) => (a.project ?? '') === scope);
    },
    names(): string[] { return [...new Set([...aliases.values()].map((a) => a.name))]; },
    put(name: string, project: string | null, targets: AliasTarget[], strategy: Alias['strategy']): Alias {
      const t = now();
      upsert.run(project ?? '', name, JSON.stringify(targets), strategy, t);
      const alias: Alias = { name, project, targets, strategy, updatedAt: t };
      aliases.set(`${project ?? ''}\u0000${name}`, alias);
      return alias;
    },
    delete(name: string, project: string | null): number {
      aliases.delete(`${project ?? ''}\u0000${name}`);
      return remove.run(project ?? '', name).changes;
    },
    rule(project: string): RoutingRule | undefined { return rules.get(project); },
    putRule(project: string, rule: RoutingRule | null): void {
      if (rule === null) { rules.delete(project); removeRule.run(project); return; }
      rules.set(project, rule);
      upsertRule.run(project, JSON.stringify(rule), now());
    },
  };
}

export type AliasesRepo = ReturnType<typeof createAliasesRepo>;
