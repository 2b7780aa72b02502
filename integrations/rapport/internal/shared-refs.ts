import { CMS_BRANCH_PREFIX, STATUS_REFS, type Repo } from './git.ts';

/**
 * Which refs a content working copy shares, and how its workflow branches follow the shared
 * repository's. Local names are the shared repository's own: the live branch and
 * `refs/heads/cms/*` under `refs/heads/`, statuses under `refs/cms-status/`.
 */

/** What every server's clone calls the shared repository. */
export const SHARED_REMOTE = 'shared';
const TRACKING = `refs/remotes/${SHARED_REMOTE}/`;
/** Where a fetch puts the shared repository's workflow statuses (`refs/cms-status/*`), before they are mirrored. */
const TRACKING_STATUS = 'refs/shared-status/';
const WORKFLOW = `refs/heads/${CMS_BRANCH_PREFIX}`;

/** Names the shared repository `shared` in `repo`, fetching its branches and its workflow statuses. */
export async function configureRemote(repo: Repo, url: string): Promise<void> {
  const remotes = (await repo.text(['remote'])).split('\n');
  await repo.run(['remote', remotes.includes(SHARED_REMOTE) ? 'set-url' : 'add', SHARED_REMOTE, url]);
  await repo.run(['config', '--replace-all', `remote.${SHARED_REMOTE}.fetch`, `+refs/heads/*:${TRACKING}*`]);
  await repo.run(['config', '--add', `remote.${SHARED_REMOTE}.fetch`, `+${STATUS_REFS}*:${TRACKING_STATUS}*`]);
}

/** The shared refs (live branch, workflow branches, statuses) as this copy has them, or as last fetched, by their name in the shared repository. */
export async function sharedRefs(repo: Repo, branch: string, side: 'local' | 'remote'): Promise<Map<string, string>> {
  const live = `refs/heads/${branch}`;
  const patterns = side === 'local' ? [live, WORKFLOW, STATUS_REFS] : [`${TRACKING}${branch}`, `${TRACKING}${CMS_BRANCH_PREFIX}`, TRACKING_STATUS];
  const out = await repo.text(['for-each-ref', '--format=%(objectname) %(refname)', ...patterns]);
  const refs = new Map<string, string>();
  for (const line of out ? out.split('\n') : []) {
    const [id = '', name = ''] = line.split(' ');
    if (side === 'local') {
      if (name === live || name.startsWith(WORKFLOW) || name.startsWith(STATUS_REFS)) refs.set(name, id);
    } else if (name.startsWith(TRACKING_STATUS)) refs.set(`${STATUS_REFS}${name.slice(TRACKING_STATUS.length)}`, id);
    else if (name === `${TRACKING}${branch}` || name.startsWith(`${TRACKING}${CMS_BRANCH_PREFIX}`)) refs.set(`refs/heads/${name.slice(TRACKING.length)}`, id);
  }
  return refs;
}

/** Local workflow branches and statuses made equal to the shared repository's (as last fetched). */
export async function mirrorWorkflow(repo: Repo, branch: string): Promise<void> {
  const live = `refs/heads/${branch}`;
  const remote = await sharedRefs(repo, branch, 'remote');
  const local = await sharedRefs(repo, branch, 'local');
  const commands: string[] = [];
  for (const [ref, id] of remote) if (ref !== live && local.get(ref) !== id) commands.push(`update ${ref} ${id}`);
  for (const ref of local.keys()) if (ref !== live && !remote.has(ref)) commands.push(`delete ${ref}`);
  if (commands.length > 0) await repo.run(['update-ref', '--stdin'], { input: `${commands.join('\n')}\n` });
}

/**
 * Unpublished entries this copy had before it was shared (one server becoming several) are pushed
 * to the shared repository with their status (from the branch description), before mirroring
 * would drop them. Resolves with their names; throws, naming them, when they cannot be pushed.
 */
export async function adoptWorkflow(repo: Repo, branch: string): Promise<string[]> {
  const remote = await sharedRefs(repo, branch, 'remote');
  const own = [...(await sharedRefs(repo, branch, 'local')).keys()].filter((ref) => ref.startsWith(WORKFLOW) && !remote.has(ref));
  if (own.length === 0) return [];
  const refs = [...own];
  for (const ref of own) {
    const name = ref.slice('refs/heads/'.length);
    const label = await repo.text(['config', '--get', `branch.${name}.description`]).catch(() => '');
    const status = `${STATUS_REFS}${name.slice(CMS_BRANCH_PREFIX.length)}`;
    if (!label || remote.has(status)) continue;
    await repo.run(['update-ref', status, await repo.text(['hash-object', '-w', '--stdin'], { input: label })]);
    refs.push(status);
  }
  const names = own.map((r) => r.slice(WORKFLOW.length));
  await repo
    .run(['push', '--quiet', '--atomic', SHARED_REMOTE, ...refs.map((r) => `--force-with-lease=${r}:`), ...refs.map((r) => `${r}:${r}`)])
    .catch((error: unknown) => {
      throw new Error(
        `This copy has unpublished entries the shared repository does not (${names.join(', ')}), and they could not be pushed: ${error instanceof Error ? error.message : String(error)}. Push them (git push ${SHARED_REMOTE} 'refs/heads/cms/*:refs/heads/cms/*') or delete them, then start again.`,
      );
    });
  return names;
}

/** "The unpublished entry faq/pea-seeds" for `refs/heads/cms/faq/pea-seeds` or its status ref: what an editor calls it. */
export function describeRef(ref: string): string {
  const name = ref.startsWith(STATUS_REFS) ? ref.slice(STATUS_REFS.length) : ref.replace(WORKFLOW, '');
  return `The unpublished entry ${name}`;
}
