// A template's sidecars (a database, a web server beside the step), which Argo starts in the step's pod: started here
// beside the node's script with docker (see sideContainers.ts). A pod's containers share one network, so the step
// reaches a sidecar at localhost: a sidecar's declared ports are published on this machine as they are (its mutexes,
// so that two nodes publishing one take turns); one that declares none shares this machine's network (docker's
// `--network host`, which Docker Desktop has only in its recent versions), as the pod's containers share theirs.
import { isObject, type Json, textOf } from '../../json';
import { shellWord } from '../../platform/shells';
import { containerEnvName, publishedPortMutex, sideContainerLines, valueWord, type SideContainer, type SideContainerLines } from '../sideContainers';
import { fromArgoText, type ArgoTextScope } from './importText';
import { secretKeyRefOf } from './secrets';

/** A sidecar's fields read here; the rest are named in a note. */
const READ = new Set(['name', 'image', 'command', 'args', 'env', 'ports']);

/** `-p` for a declared port: published on the same port of this machine, or on its `hostPort`. */
function portOptions(ports: unknown): string[] {
  return (Array.isArray(ports) ? ports.filter(isObject) : []).flatMap((p) => {
    const container = Number(p.containerPort);
    if (!Number.isInteger(container) || container <= 0) return [];
    const host = Number.isInteger(Number(p.hostPort)) && Number(p.hostPort) > 0 ? Number(p.hostPort) : container;
    const protocol = typeof p.protocol === 'string' && p.protocol.toLowerCase() !== 'tcp' ? `/${p.protocol.toLowerCase()}` : '';
    return [`${host}:${container}${protocol}`];
  });
}

/** The `docker run` options of one sidecar: its env (a Secret's key as the secret input the import made of it) and its network. */
function sidecarOptions(id: string, sidecar: Json, env: Record<string, string>, scope: ArgoTextScope, where: string): string[] {
  const options: string[] = [];
  for (const e of Array.isArray(sidecar.env) ? sidecar.env.filter(isObject) : []) {
    const secret = secretKeyRefOf(e);
    const value = secret ? `\${{ inputs.${scope.secrets.inputFor(secret)} }}` : typeof e.value === 'string' ? fromArgoText(e.value, scope, where) : undefined;
    if (value === undefined) scope.notes.push(`${where}: sidecar '${id}' reads ${textOf(e.name)} from a field or a ConfigMap (valueFrom): set it by hand`);
    else options.push(`-e ${shellWord(textOf(e.name))}=${valueWord(value, containerEnvName('sidecar', id, textOf(e.name)), env)}`);
  }
  const ports = portOptions(sidecar.ports);
  options.push(...(ports.length ? ports.map((p) => `-p ${p}`) : ['--network host']));
  return options;
}

/** The lines that start a template's sidecars, or undefined when it has none; `where` names the task for notes. */
export function sidecarLines(template: Json, scope: ArgoTextScope, where: string): SideContainerLines | undefined {
  const sidecars = Array.isArray(template.sidecars) ? template.sidecars.filter(isObject) : [];
  const env: Record<string, string> = {};
  const mutex = new Set<string>();
  const containers: SideContainer[] = [];
  for (const sidecar of sidecars) {
    const id = textOf(sidecar.name) || `sidecar-${containers.length + 1}`;
    if (typeof sidecar.image !== 'string' || !sidecar.image.trim()) {
      scope.notes.push(`${where}: sidecar '${id}' has no image: start it before the run`);
      continue;
    }
    const unread = Object.keys(sidecar).filter((k) => !READ.has(k));
    if (unread.length) scope.notes.push(`${where}: sidecar '${id}': its ${unread.join(', ')}: no counterpart here`);
    const word = (w: unknown, i: number) => valueWord(fromArgoText(String(w), scope, where), containerEnvName('sidecar', id, `arg${i}`), env);
    const command: unknown[] = Array.isArray(sidecar.command) ? sidecar.command : [];
    const args: unknown[] = Array.isArray(sidecar.args) ? sidecar.args : [];
    // Docker's entrypoint is one program: the command's other words go before the args.
    const entrypoint = command.length ? [`--entrypoint ${word(command[0], 0)}`] : [];
    const options = [...sidecarOptions(id, sidecar, env, scope, where), ...entrypoint];
    for (const port of portOptions(sidecar.ports)) mutex.add(publishedPortMutex(port)!);
    containers.push({ id, options, image: shellWord(sidecar.image), command: [...command.slice(1), ...args].map((w, i) => word(w, i + 1)) });
  }
  return containers.length ? { lines: sideContainerLines('Sidecar', containers), env, mutex: [...mutex] } : undefined;
}
