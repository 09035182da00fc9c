import { strict as assert } from 'node:assert';
import { Scheduler, type SchedulerOptions } from '../../src/engine/run/core/scheduler';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { FakeClock, FakeRunner, MemorySink, type Behaviour } from './fakes';
import { yaml } from './helpers';

/** A scheduler over a workflow (the lines after its header), with a fake clock, fake processes and a sink in memory. */
/** `extra`: options over the defaults, or made from the fake clock and runner (a sub-workflow runner needs them). */
export function setup(
  lines: string[],
  behaviours: Record<string, Behaviour> = {},
  extra: Partial<SchedulerOptions> | ((fakes: { clock: FakeClock; runner: FakeRunner }) => Partial<SchedulerOptions>) = {},
  name = 'Test',
) {
  const text = yaml('version: 1', `name: ${JSON.stringify(name)}`, ...lines);
  const result = validateWorkflow(text);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors, [], 'the test workflow must be valid');
  const clock = new FakeClock();
  const runner = new FakeRunner(clock, behaviours);
  const sink = new MemorySink();
  const scheduler = new Scheduler({
    runId: 'r1',
    workflow: result.workflow,
    workflowPath: '/w/test.workflow.yaml',
    workflowHash: 'h',
    inputs: {},
    baseDir: '/w',
    tempDir: '/tmp/x',
    concurrency: result.workflow.concurrency ?? 4,
    baseEnv: { PATH: '/bin' },
    runner,
    clock,
    sink,
    ...(typeof extra === 'function' ? extra({ clock, runner }) : extra),
  });
  return { scheduler, clock, runner, sink };
}
