// Artifacts between jobs. GitHub's jobs run on machines of their own, so a job that needs another's files downloads
// what that job uploaded (`actions/download-artifact`); here every node runs in the same working copy, where the
// uploading job left its files. A download to the folder they were uploaded from is then nothing to do, and one to
// another folder a copy from where they are.
import { posix } from 'node:path';
import { isObject, type Json, textOf } from '../../json';
import { shellWord } from '../../platform/shells';

/** By artifact name, the one folder or file its upload names (relative to the workspace); null where that is not one path. */
export type UploadedPaths = ReadonlyMap<string, string | null>;

const UPLOAD = /^actions\/upload-artifact@/;
const DOWNLOAD = /^actions\/download-artifact@/;

/** A path as written, if it is one literal path (no expression, glob, exclusion or second line); normalized. */
function onePath(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const path = value.trim();
  if (!path || path.includes('\n') || path.includes('${{') || /[*?[!]/.test(path)) return undefined;
  return posix.normalize(path).replace(/\/$/, '') || '.';
}

/** The paths each artifact name is uploaded from, across the workflow's jobs. */
export function uploadedPaths(jobs: Json): UploadedPaths {
  const uploads = new Map<string, string | null>();
  for (const job of Object.values(jobs)) {
    const steps = isObject(job) && Array.isArray(job.steps) ? job.steps : [];
    for (const step of steps.filter(isObject)) {
      if (typeof step.uses !== 'string' || !UPLOAD.test(step.uses)) continue;
      const name = isObject(step.with) && step.with.name !== undefined ? textOf(step.with.name) : 'artifact';
      const path = onePath(isObject(step.with) ? step.with.path : undefined);
      // A name uploaded twice (a matrix's instances, two jobs) has no one place.
      uploads.set(name, uploads.has(name) || path === undefined ? null : path);
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
  const from = uploads.get(name);
  if (!from) {
    const why = from === null ? 'is uploaded more than once, or from more than one path' : 'is uploaded by no job of this workflow';
    return { problem: `downloads '${name}', which ${why}: copy the files where this job expects them` };
  }
  const to = given.path === undefined ? '.' : onePath(given.path);
  if (to === undefined) return { problem: `downloads '${name}' to ${textOf(given.path)}, which is not one path: copy the files there` };
  if (to === from) return { comment: `# actions/download-artifact: '${name}' is at ${from}, where its job left it in this working copy` };
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
