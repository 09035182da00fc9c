// Containers started beside a node's script, as the systems imported from start them: a GitHub job's services, an
// Argo template's sidecars. Each is started with docker under a name of the script's own (two instances of a matrix
// run side by side), waited for while its health check says it is starting, and removed when the script ends
// however it ends. The ports they publish on this machine are the node's mutexes, so that the nodes and instances
// that publish one port take turns where, there, each had a machine or a pod of its own.
import { shellWord } from '../platform/shells';
import { commentText } from './importTypes';

/** One container to start: its name in the file, its `docker run` options and image as words of the script, then its command's. */
export interface SideContainer {
  id: string;
  options: readonly string[];
  image: string;
  command?: readonly string[];
}

/** The script's lines that start a node's containers, the node env they read, and the mutexes of the ports they publish. */
export interface SideContainerLines {
  lines: string[];
  env: Record<string, string>;
  mutex: string[];
}

/**
 * The port of this machine a `-p` entry publishes (`5432:5432`, `127.0.0.1:8080:80`, `53:53/udp`, a range
 * `8000-8010:8000-8010`), as a mutex name; undefined where docker chooses it (`5432`, `127.0.0.1::5432`).
 */
export function publishedPortMutex(entry: string): string | undefined {
  const [mapping, protocol = 'tcp'] = entry.trim().split('/');
  const parts = /^(?:.*:)?(\d+(?:-\d+)?):(\d+(?:-\d+)?)$/.exec(mapping);
  if (!parts) return undefined;
  return `port-${parts[1]}${protocol.toLowerCase() === 'tcp' ? '' : `-${protocol.toLowerCase().replace(/[^a-z0-9]/g, '')}`}`;
}

/** How long a container may say it is starting before the node fails, in seconds (GitHub's runner waits as long). */
const HEALTH_WAIT_SECONDS = 600;

const HELPERS = [
  '# Containers beside the script, started with docker, and removed when the script ends.',
  'maestro_services=',
  'trap \'[ -z "$maestro_services" ] || docker rm -f $maestro_services > /dev/null 2>&1\' EXIT',
  "trap 'exit 143' TERM",
  "# Waits while a container says it is starting: $1 its container, $2 what it is ('service postgres').",
  'maestro_service_ready() {',
  `  maestro_waited=0`,
  '  while :; do',
  `    maestro_health=$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$1") || return 1`,
  '    case "$maestro_health" in',
  '      healthy | none) return 0 ;;',
  '      unhealthy) echo "$2 is unhealthy: docker logs $1 says why" >&2; return 1 ;;',
  '    esac',
  `    [ "$maestro_waited" -lt ${HEALTH_WAIT_SECONDS} ] || { echo "$2 is not healthy after ${HEALTH_WAIT_SECONDS} s" >&2; return 1; }`,
  '    maestro_waited=$((maestro_waited + 1))',
  '    sleep 1',
  '  done',
  '}',
];

/** A value as a word of the script: as it is, quoted; through a variable of the node's env where it has expressions. */
export function valueWord(value: string, envName: string, env: Record<string, string>): string {
  if (!value.includes('${{')) return shellWord(value);
  env[envName] = value;
  return `"$${envName}"`;
}

/** The name of a node env variable that carries a value of a container's: `SERVICE_POSTGRES_PASSWORD`. */
export const containerEnvName = (kind: string, id: string, what: string): string => `${kind}_${id}_${what}`.toUpperCase().replace(/[^A-Z0-9_]/g, '_');

/** The lines that start the containers (`what` says what they are, in comments), or none when there are none. */
export function sideContainerLines(what: string, containers: readonly SideContainer[]): string[] {
  if (!containers.length) return [];
  const lines = [...HELPERS];
  for (const c of containers) {
    const name = `"maestro-$$-${c.id.replace(/[^A-Za-z0-9_.-]/g, '-')}"`;
    lines.push(
      `# ${what} '${commentText(c.id)}'`,
      `maestro_services="$maestro_services ${name.slice(1, -1)}"`,
      `docker run -d --name ${name} ${[...c.options, c.image, ...(c.command ?? [])].join(' ')} > /dev/null || exit 1`,
      `maestro_service_ready ${name} ${shellWord(`${what.toLowerCase()} ${c.id}`)} || exit 1`,
    );
  }
  return lines;
}
