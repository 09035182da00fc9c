// A job's service containers (`services: { postgres: { image, env, ports, options } }`), which GitHub's runner
// starts before the job's steps and removes after them, started the same way here: with docker, each under a name of
// its own (two instances of a matrix run side by side), waited for while its health check says it is starting, and
// removed when the job's script ends however it ends. Its ports are published on this machine as written, so that the
// steps reach `localhost:5432` as they do on GitHub; the jobs that publish one port run one at a time (a mutex).
import { isObject, type Json, textOf } from '../../json';
import { shellWord } from '../../platform/shells';
import { commentText } from '../importTypes';
import { fromGithubValue, type ValueSink } from './contexts';

/** The script's lines that start a job's services, the node env they read, and the mutexes of the ports they publish. */
export interface ServiceLines {
  lines: string[];
  env: Record<string, string>;
  /**
   * `port-5432` for each port of this machine a service publishes (`5432:5432`): two jobs that publish one cannot
   * run at once here, where on GitHub each has a machine of its own. A port docker chooses (`5432`) clashes with none.
   */
  mutex: string[];
}

/**
 * The port of this machine a `ports` entry publishes (`5432:5432`, `127.0.0.1:8080:80`, `53:53/udp`, a range
 * `8000-8010:8000-8010`), as a mutex name; undefined where docker chooses it (`5432`, `127.0.0.1::5432`).
 */
export function publishedPortMutex(entry: string): string | undefined {
  const [mapping, protocol = 'tcp'] = entry.trim().split('/');
  const parts = /^(?:.*:)?(\d+(?:-\d+)?):(\d+(?:-\d+)?)$/.exec(mapping);
  if (!parts) return undefined;
  return `port-${parts[1]}${protocol.toLowerCase() === 'tcp' ? '' : `-${protocol.toLowerCase().replace(/[^a-z0-9]/g, '')}`}`;
}

/** How long a service may say it is starting before the job fails, in seconds (GitHub's runner waits as long). */
const HEALTH_WAIT_SECONDS = 600;

const HELPERS = [
  "# Service containers, started with docker as GitHub's runner starts them, and removed when the job's script ends.",
  'maestro_services=',
  'trap \'[ -z "$maestro_services" ] || docker rm -f $maestro_services > /dev/null 2>&1\' EXIT',
  "trap 'exit 143' TERM",
  '# Waits while a service says it is starting: $1 its container, $2 its name.',
  'maestro_service_ready() {',
  `  maestro_waited=0`,
  '  while :; do',
  `    maestro_health=$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$1") || return 1`,
  '    case "$maestro_health" in',
  '      healthy | none) return 0 ;;',
  '      unhealthy) echo "service $2 is unhealthy: docker logs $1 says why" >&2; return 1 ;;',
  '    esac',
  `    [ "$maestro_waited" -lt ${HEALTH_WAIT_SECONDS} ] || { echo "service $2 is not healthy after ${HEALTH_WAIT_SECONDS} s" >&2; return 1; }`,
  '    maestro_waited=$((maestro_waited + 1))',
  '    sleep 1',
  '  done',
  '}',
];

/** A value as a word of the script: as it is, quoted; through a variable of the node's env where it has expressions. */
function word(value: string, envName: string, env: Record<string, string>): string {
  if (!value.includes('${{')) return shellWord(value);
  env[envName] = value;
  return `"$${envName}"`;
}

/** The `docker run` options of one service, or why it cannot be started. */
function serviceOptions(id: string, service: Json, sink: ValueSink, line: number, env: Record<string, string>): string[] | { problem: string } {
  const envName = (what: string) => `SERVICE_${id}_${what}`.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  const args: string[] = [];
  if (isObject(service.env))
    for (const [k, v] of Object.entries(service.env)) args.push(`-e ${shellWord(k)}=${word(fromGithubValue(textOf(v), false, sink, line), envName(k), env)}`);
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
export function serviceLines(services: unknown, hasContainer: boolean, sink: ValueSink, line: number, note: (what: string) => void): ServiceLines | undefined {
  if (!isObject(services) || !Object.keys(services).length) return undefined;
  if (hasContainer) {
    note(
      "its service containers are not started: the job runs in a container of its own, which reaches them on a network of GitHub's; start them before the run",
    );
    return undefined;
  }
  const env: Record<string, string> = {};
  const lines = [...HELPERS];
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
    const image = word(fromGithubValue(spec.image, false, sink, line), `SERVICE_${id}_IMAGE`.toUpperCase().replace(/[^A-Z0-9_]/g, '_'), env);
    const container = `"maestro-$$-${id.replace(/[^A-Za-z0-9_.-]/g, '-')}"`;
    lines.push(
      `# Service '${commentText(id)}'`,
      `maestro_services="$maestro_services ${container.slice(1, -1)}"`,
      `docker run -d --name ${container} ${[...options, image].join(' ')} > /dev/null || exit 1`,
      `maestro_service_ready ${container} ${shellWord(id)} || exit 1`,
    );
  }
  return lines.length > HELPERS.length ? { lines, env, mutex: [...mutex] } : undefined;
}
