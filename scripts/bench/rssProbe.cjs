// Preloaded into a process (`node --require rssProbe.cjs …`) to report its peak resident set size on exit.
const { writeFileSync } = require('node:fs');
const out = process.env.MAESTRO_RSS_FILE;
process.on('exit', () => {
  if (out) writeFileSync(out, String(process.resourceUsage().maxRSS * 1024));
});
