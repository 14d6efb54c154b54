import type { ProjectCreate, ProjectPatch } from '../../../../shared/api/dto';
import { getAdminClient, type AdminClient } from '../../lib/admin-client';
import { describeError } from '../../lib/describe-error';
import { localDay, monthStart } from '../../lib/format';
import { useAppStore, type AppStore } from '../../store';

/** Projects with their spend, plus today's and this month's savings and hit counts. */
export async function loadProjects(store: AppStore = useAppStore, client: AdminClient = getAdminClient()) {
  const state = store.getState();
  if (state.projectsLoad !== 'loaded') state.setProjectsLoad('loading');
  const today = localDay(Date.now());
  try {
    const [projects, todayRows, monthRows] = await Promise.all([
      client.listProjects(),
      client.spend('project', { from: today, to: today }),
      client.spend('project', { from: monthStart(today), to: today }),
    ]);
    store.getState().setProjects(projects.items);
    store.getState().setProjectStats(todayRows.items, monthRows.items);
  } catch (error) {
    store.getState().setProjectsLoad('error', describeError(error));
  }
}

/** Saves a change; the gateway applies it to the very next request. Throws the API's message on refusal. */
export async function saveProject(slug: string, patch: ProjectPatch, store: AppStore = useAppStore, client: AdminClient = getAdminClient()) {
  const project = await client.patchProject(slug, patch);
  store.getState().upsertProject(project);
  void loadProjectUsage(slug, store, client);
  return project;
}

export async function createProject(input: ProjectCreate, store: AppStore = useAppStore, client: AdminClient = getAdminClient()) {
  const project = await client.createProject(input);
  store.getState().upsertProject(project);
  store.getState().selectProject(project.slug);
  return project;
}

/** The project's budget right now; quiet on failure (the editor keeps the last answer). */
export async function loadProjectUsage(slug: string, store: AppStore = useAppStore, client: AdminClient = getAdminClient()) {
  try {
    store.getState().setProjectUsage(await client.getProjectUsage(slug));
  } catch {
    // the page shows caps and spend without it
  }
}
