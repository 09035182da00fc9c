// A job's service containers (`services: { postgres: { image, env, ports, options } }`), which GitHub's runner
// starts before the job's steps and removes after them, started the same way here (see sideContainers.ts). Their
// ports are published on this machine as written, so that the steps reach `localhost:5432` as they do on GitHub.
import { isObject, type Json, textOf } from '../../json';
import { shellWord } from '../../platform/shells';
import { containerEnvName, publishedPortMutex, sideContainerLines, valueWord, type SideContainer, type SideContainerLines } from '../sideContainers';
import { fromGithubValue, type ValueSink } from './contexts';

/** The `docker run` options of one service, or why it cannot be started. */
function serviceOptions(id: string, service: Json, sink: ValueSink, line: number, env: Record<string, string>): string[] | { problem: string } {
  const args: string[] = [];
  if (isObject(service.env))
    for (const [k, v] of Object.entries(service.env))
      args.push(`-e ${shellWord(k)}=${valueWord(fromGithubValue(textOf(v), false, sink, line), containerEnvName('service', id, k), env)}`);
  for (const port of Array.isArray(service.ports) ? service.ports : []) args.push(`-p ${shellWord(textOf(port))}`);
  for (const volume of Array.isArray(service.volumes) ? service.volumes : []) args.push(`-v ${shellWord(textOf(volume))}`);
  if (service.options !== undefined) {
    const options = textOf(service.options);
    if (options.includes('${{')) return { problem: `its options are an expression (${options}): write them` };
    // GitHub hands the options to `docker create` as they are written: the file's author's words, split as a shell splits them.
    args.push(options.replace(/\s+/g, ' ').trim());
  }
  return args;
}

/**
 * The lines that start a job's services; `note` hears what cannot be (a job that runs in a container of its own, an
 * image given by an expression that has no local value, credentials).
 */
export function serviceLines(
  services: unknown,
  hasContainer: boolean,
  sink: ValueSink,
  line: number,
  note: (what: string) => void,
): SideContainerLines | undefined {
  if (!isObject(services) || !Object.keys(services).length) return undefined;
  if (hasContainer) {
    note(
      "its service containers are not started: the job runs in a container of its own, which reaches them on a network of GitHub's; start them before the run",
    );
    return undefined;
  }
  const env: Record<string, string> = {};
  const containers: SideContainer[] = [];
  const mutex = new Set<string>();
  for (const [id, service] of Object.entries(services)) {
    const spec = typeof service === 'string' ? { image: service } : isObject(service) ? service : {};
    if (typeof spec.image !== 'string' || !spec.image.trim()) {
      note(`service '${id}' has no image: start it before the run`);
      continue;
    }
    if (spec.credentials !== undefined) note(`service '${id}' has credentials for its registry: log in with docker login before the run`);
    const options = serviceOptions(id, spec, sink, line, env);
    if ('problem' in options) {
      note(`service '${id}' is not started: ${options.problem}`);
      continue;
    }
    for (const port of Array.isArray(spec.ports) ? spec.ports : []) {
      const name = typeof port === 'string' && !port.includes('${{') ? publishedPortMutex(port) : undefined;
      if (name) mutex.add(name);
    }
    containers.push({ id, options, image: valueWord(fromGithubValue(spec.image, false, sink, line), containerEnvName('service', id, 'image'), env) });
  }
  return containers.length ? { lines: sideContainerLines('Service', containers), env, mutex: [...mutex] } : undefined;
}
