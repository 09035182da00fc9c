// Preloaded into a process (`node --require rssProbe.cjs …`) to report its peak resident set size on exit, and the
// peak of each spawn helper it started (sampled from /proc while they run, as JSON: { engine, helpers: [],
// helpersPss: [] }). A Node.js helper's RSS counts Node's own binary and libraries, pages every Node process on the
// machine shares; its proportional set size (PSS) charges each process its share of those, which is what it costs.
const { readdirSync, readFileSync, writeFileSync } = require('node:fs');
const out = process.env.MAESTRO_RSS_FILE;
const helperPeaks = new Map();
const helperPssPeaks = new Map();

function sampleHelpers() {
  let tasks = [];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return;
  }
  for (const task of tasks) {
    let children = [];
    try {
      children = readFileSync(`/proc/self/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    } catch {
      continue;
    }
    for (const pid of children) {
      try {
        const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        // The Node.js helper (`node spawnHelper.js`), the Perl one (`perl -e <script>`) or the Python one
        // (`python3 -I -S -c <script>`).
        if (!command.includes('spawnHelper.js') && !/^(.*\/)?(perl[\d.]*\0-e|python3[\d.]*\0-I\0-S\0-c)\0/.test(command)) continue;
        const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
        helperPeaks.set(pid, Math.max(helperPeaks.get(pid) ?? 0, kb * 1024));
        const pssKb = Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
        helperPssPeaks.set(pid, Math.max(helperPssPeaks.get(pid) ?? 0, pssKb * 1024));
      } catch {
        // Gone between the listing and the read.
      }
    }
  }
}

if (out) setInterval(sampleHelpers, 100).unref();
process.on('exit', () => {
  if (!out) return;
  sampleHelpers();
  writeFileSync(
    out,
    JSON.stringify({ engine: process.resourceUsage().maxRSS * 1024, helpers: [...helperPeaks.values()], helpersPss: [...helperPssPeaks.values()] }),
  );
});
