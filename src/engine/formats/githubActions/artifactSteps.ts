// Artifacts between jobs. GitHub's jobs run on machines of their own, so a job that needs another's files downloads
// what that job uploaded (`actions/download-artifact`); here every node runs in the same working copy, where the
// uploading job left its files. A download to the folder they were uploaded from is then nothing to do, and one to
// another folder a copy from where they are.
import { posix } from 'node:path';
import { isObject, type Json, textOf } from '../../json';
import { shellWord } from '../../platform/shells';

/**
 * Where an upload puts an artifact's files from: `root`, the folder whose files are the artifact's top (relative to
 * the workspace), and `path`, the one folder or file it names, where it names one path and no pattern.
 */
export interface Upload {
  root: string;
  path?: string;
}

/** By artifact name, its upload; null where several uploads, or one that names no path, make it. */
export type UploadedPaths = ReadonlyMap<string, Upload | null>;

const UPLOAD = /^actions\/upload-artifact@/;
const DOWNLOAD = /^actions\/download-artifact@/;
const PATTERN = /[*?[]/;

/** The items of a list before the first for which `stop` holds (all of them where there is none). */
function before<T>(list: readonly T[], stop: (item: T, index: number) => boolean): T[] {
  const i = list.findIndex(stop);
  return i < 0 ? [...list] : list.slice(0, i);
}

const normalized = (path: string): string => posix.normalize(path).replace(/\/$/, '') || '.';

/** A path as written, if it is one literal path (no expression, pattern, exclusion or second line); normalized. */
function onePath(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const path = value.trim();
  if (!path || path.includes('\n') || path.includes('${{') || PATTERN.test(path) || path.startsWith('!')) return undefined;
  return normalized(path);
}

/**
 * An upload's root as GitHub's upload-artifact takes it: one path's own folder (a file's is its folder, which the copy
 * below finds out as it runs), and of several paths the deepest folder that holds each one's part before a pattern.
 */
function uploadOf(value: unknown): Upload | undefined {
  const path = onePath(value);
  if (path !== undefined) return { root: path, path };
  if (typeof value !== 'string' || value.includes('${{')) return undefined;
  const searched = value
    .split('\n')
    .map((p) => p.trim())
    .filter((p) => p && !p.startsWith('!'))
    .map((p) => normalized(p).split('/'))
    .map((segments) => before(segments, (s) => PATTERN.test(s)));
  if (!searched.length) return undefined;
  const common = searched.reduce((a, b) => before(a, (s, i) => s !== b[i]));
  return { root: normalized(common.join('/') || '.') };
}

/** The uploads of each artifact name, across the workflow's jobs. */
export function uploadedPaths(jobs: Json): UploadedPaths {
  const uploads = new Map<string, Upload | null>();
  for (const job of Object.values(jobs)) {
    const steps = isObject(job) && Array.isArray(job.steps) ? job.steps : [];
    for (const step of steps.filter(isObject)) {
      if (typeof step.uses !== 'string' || !UPLOAD.test(step.uses)) continue;
      const name = isObject(step.with) && step.with.name !== undefined ? textOf(step.with.name) : 'artifact';
      const upload = uploadOf(isObject(step.with) ? step.with.path : undefined);
      // A name uploaded twice (a matrix's instances, two jobs) has no one place.
      uploads.set(name, uploads.has(name) || upload === undefined ? null : upload);
    }
  }
  return uploads;
}

/** A download step as commands: `body` (none where the files are already there) or, where it cannot be, why. */
export type DownloadResult = { comment: string; body?: string } | { problem: string };

/** Whether a step downloads an artifact. */
export const isDownloadStep = (step: Json): boolean => typeof step.uses === 'string' && DOWNLOAD.test(step.uses);

/**
 * A download, where `nodeFolder` is the node's folder (relative to the workspace) its commands start in and `posix`
 * whether the node's shell is a POSIX shell.
 */
export function downloadStep(step: Json, uploads: UploadedPaths, nodeFolder: string | undefined, posixShell: boolean): DownloadResult | undefined {
  if (!isDownloadStep(step)) return undefined;
  const given = isObject(step.with) ? step.with : {};
  const how = ['pattern', 'merge-multiple', 'run-id', 'repository'].filter((k) => given[k] !== undefined);
  if (how.length) return { problem: `downloads with ${how.join(', ')}: copy the files where this job expects them` };
  if (given.name === undefined)
    return { problem: 'downloads every artifact of the run, each into a folder of its name: copy the files where this job expects them' };
  const name = textOf(given.name);
  const upload = uploads.get(name);
  if (!upload) {
    const why = upload === null ? 'is uploaded more than once, or from no path' : 'is uploaded by no job of this workflow';
    return { problem: `downloads '${name}', which ${why}: copy the files where this job expects them` };
  }
  const to = given.path === undefined ? '.' : onePath(given.path);
  if (to === undefined) return { problem: `downloads '${name}' to ${textOf(given.path)}, which is not one path: copy the files there` };
  if (to === upload.root) return { comment: `# actions/download-artifact: '${name}' is at ${upload.root}, where its job left it in this working copy` };
  const from = upload.path;
  if (from === undefined)
    return { problem: `downloads '${name}' to ${to}, where its job uploaded it from several paths or a pattern under ${upload.root}: copy the files there` };
  if (!posixShell) return { problem: `downloads '${name}' to ${to}, where its job left it at ${from}: copy it there (the node's shell is not a POSIX shell)` };
  const root = nodeFolder && nodeFolder !== '.' ? posix.relative(nodeFolder, '.') : '';
  const at = (p: string) => shellWord(root ? posix.join(root, p) : p);
  // An uploaded folder's files go into the download's folder; an uploaded file goes into it by its name, unless it is
  // in that folder already.
  const copyFolder = `cp -R ${at(from)}/. ${at(to)}/`;
  const copyFile = posix.dirname(from) === to ? '' : `; else cp ${at(from)} ${at(to)}/`;
  const body = `mkdir -p ${at(to)} && if [ -d ${at(from)} ]; then ${copyFolder}${copyFile}; fi`;
  return { comment: `# actions/download-artifact: '${name}', left at ${from} by its job, copied to ${to}`, body };
}
