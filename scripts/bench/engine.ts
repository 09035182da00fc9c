// Engine speed: 1,000 trivial nodes against make -j8 and a bare Node spawn loop; hop latency on a chain; peak memory.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { layeredWorkflow, nodeId, parentsOf } from './generate';
import { median, ms, ratio } from './stats';

const ROUNDS = Number(process.env.BENCH_ENGINE_ROUNDS ?? 5);
const root = process.cwd();
const cli = join(root, 'dist', 'cli.js');
const work = mkdtempSync(join(tmpdir(), 'maestro-bench-'));

function time(command: string, args: string[], env: Record<string, string> = {}): number {
  const t = performance.now();
  const r = spawnSync(command, args, { cwd: work, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  const elapsed = performance.now() - t;
  if (r.status !== 0) throw new Error(`${command} ${args.slice(0, 3).join(' ')} exited ${r.status}: ${r.stderr?.toString().slice(0, 500)}`);
  return elapsed;
}

function makefile(layers: number, width: number): string {
  const targets: string[] = [];
  const lines: string[] = [];
  for (let l = 0; l < layers; l++) {
    for (let i = 0; i < width; i++) {
      const id = nodeId(l, i);
      targets.push(id);
      lines.push(`${id}: ${parentsOf(l, i, width).join(' ')}`, '\ttrue', '');
    }
  }
  return `.PHONY: all ${targets.join(' ')}\nall: ${targets.join(' ')}\n\n${lines.join('\n')}`;
}

/** The engine's and its spawn helpers' peak memory on 10,000 nodes (500 layers of 20), and the run's time. */
function peakMemory10k(): { bigMs: number; rssMb: number; helperRssMb: number[]; helperPssMb: number[] } {
  const big = join(work, 'big.workflow.yaml');
  writeFileSync(big, layeredWorkflow({ layers: 500, width: 20, concurrency: 8, run: () => 'true' }));
  const rssFile = join(work, 'rss');
  const bigMs = time(
    process.execPath,
    ['--require', join(root, 'scripts', 'bench', 'rssProbe.cjs'), cli, 'run', big, '--json', '--runs-dir', join(work, 'runs-big')],
    { MAESTRO_RSS_FILE: rssFile },
  );
  const rss = JSON.parse(readFileSync(rssFile, 'utf8')) as { engine: number; helpers: number[]; helpersPss: number[] };
  const mb = (b: number) => b / (1024 * 1024);
  return { bigMs, rssMb: mb(rss.engine), helperRssMb: rss.helpers.map(mb), helperPssMb: rss.helpersPss.map(mb) };
}

function report(m: Record<string, number>, hop: number, { bigMs, rssMb, helperRssMb, helperPssMb }: ReturnType<typeof peakMemory10k>): void {
  console.log(`\nEngine: 1,000 nodes of 'true' (50 layers of 20, each needing 2 above), 8 at once; median of ${ROUNDS} rounds, whole processes`);
  console.log(`  make -j8 (execs 'true' without a shell)                  ${ms(m.make)}`);
  console.log(`  bare Node loop: spawn '/bin/true' itself, 8 at a time     ${ms(m.floor)}   (the floor)`);
  console.log(`  maestro-dag run --json (validation, events, run log)      ${ms(m.engine)}   (2 spawn helpers)`);
  console.log(
    `  the same, every process started by the engine itself      ${ms(m.engineNoHelpers)}   (MAESTRO_SPAWN_HELPERS=0: ${ratio(m.engineNoHelpers, m.floor)} the floor)`,
  );
  console.log(`  engine ÷ floor = ${ratio(m.engine, m.floor)} (target ≤ 1.1×); engine ÷ make = ${ratio(m.engine, m.make)} (target ≤ 2.5×)`);
  console.log(`Chain of 200 nodes, one at a time: engine ${ms(m.chainEngine)}, spawn floor ${ms(m.chainFloor)}`);
  console.log(`  per-hop latency above the spawn time, start-up costs removed: ${hop.toFixed(2)} ms (target < 1 ms)`);
  console.log(`10,000-node run: ${(bigMs / 1000).toFixed(1)} s, peak RSS ${rssMb.toFixed(0)} MB (target < 200 MB)`);
  console.log(
    `  its spawn helpers: ${helperRssMb.length ? helperRssMb.map((mb) => `${mb.toFixed(0)} MB`).join(', ') : 'none seen'} peak RSS each (target < 100 MB together)`,
  );
  console.log(
    `    proportional (PSS, Node's shared binary counted once among its processes): ${helperPssMb.map((mb) => `${mb.toFixed(0)} MB`).join(', ')} peak each`,
  );
  process.send?.({ section: 'engine', ...m, hopMs: hop, rssMb, helperRssMb, helperPssMb, bigMs });
}

function main(): void {
  const layered = join(work, 'layered.workflow.yaml');
  writeFileSync(layered, layeredWorkflow({ layers: 50, width: 20, concurrency: 8, run: () => 'true' }));
  writeFileSync(join(work, 'Makefile'), makefile(50, 20));
  const chainOf = (n: number) => {
    const path = join(work, `chain-${n}.workflow.yaml`);
    writeFileSync(path, layeredWorkflow({ layers: n, width: 1, concurrency: 1, run: () => 'true' }));
    return path;
  };
  const chain = chainOf(200);
  const single = chainOf(1);
  const floor = join(root, 'scripts', 'bench', 'spawnFloor.mjs');

  const t = {
    make: [] as number[],
    floor: [] as number[],
    engine: [] as number[],
    engineNoHelpers: [] as number[],
    chainEngine: [] as number[],
    chainFloor: [] as number[],
    singleEngine: [] as number[],
    singleFloor: [] as number[],
  };
  for (let round = 0; round < ROUNDS; round++) {
    const runs = join(work, `runs-${round}`);
    t.make.push(time('make', ['-s', '-j8', '-f', 'Makefile', 'all']));
    t.floor.push(time(process.execPath, [floor, '1000', '8', '/bin/true']));
    t.engine.push(time(process.execPath, [cli, 'run', layered, '--json', '--runs-dir', runs]));
    t.engineNoHelpers.push(time(process.execPath, [cli, 'run', layered, '--json', '--runs-dir', runs], { MAESTRO_SPAWN_HELPERS: '0' }));
    t.chainFloor.push(time(process.execPath, [floor, '200', '1', '/bin/true']));
    t.chainEngine.push(time(process.execPath, [cli, 'run', chain, '--json', '--runs-dir', runs]));
    t.singleFloor.push(time(process.execPath, [floor, '1', '1', '/bin/true']));
    t.singleEngine.push(time(process.execPath, [cli, 'run', single, '--json', '--runs-dir', runs]));
    rmSync(runs, { recursive: true, force: true });
  }
  const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)])) as Record<keyof typeof t, number>;
  // Fixed costs (starting Node, loading, validating) are taken out by subtracting a one-node run from each side.
  const hop = (m.chainEngine - m.singleEngine - (m.chainFloor - m.singleFloor)) / 199;

  const peak = peakMemory10k();
  report(m, hop, peak);
  rmSync(work, { recursive: true, force: true });
}

main();
