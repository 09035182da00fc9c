import { strict as assert } from 'node:assert';
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import { TerminalApprovals } from '../../src/cli/terminalApprovals';

describe('approvals at the terminal', () => {
  const setup = () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (c: Buffer) => (shown += c.toString()));
    const terminal = createInterface({ input, output });
    const decisions: [string, boolean, string][] = [];
    const approvals = new TerminalApprovals(terminal, (id, approved, comment) => decisions.push([id, approved, comment]));
    const tick = () => new Promise((r) => setImmediate(r));
    return { input, terminal, approvals, decisions, tick, shown: () => shown };
  };

  it('asks about gates that wait at once in turn, each answer for its own gate', async () => {
    const { input, terminal, approvals, decisions, tick, shown } = setup();
    approvals.ask('first', 'Ship?');
    approvals.ask('second', 'Really?');
    assert.match(shown(), /Approve 'first'\? Ship\? \[y\/N\] $/);
    input.write('y\n');
    await tick();
    assert.match(shown(), /Approve 'second'\? Really\? \[y\/N\] $/);
    input.write('no\n');
    await tick();
    assert.deepEqual(decisions, [
      ['first', true, 'approved at the terminal'],
      ['second', false, 'rejected at the terminal'],
    ]);
    terminal.close();
  });

  it('stops asking about a gate that ended otherwise, and goes on to the next', async () => {
    const { input, terminal, approvals, decisions, tick, shown } = setup();
    approvals.ask('timed', 'Wait?');
    approvals.ask('queued', 'Also?');
    approvals.ask('next', 'Go?');
    approvals.ended('queued');
    approvals.ended('timed');
    await tick();
    assert.match(shown(), /Approve 'next'\? Go\? \[y\/N\] $/);
    input.write('yes\n');
    await tick();
    assert.deepEqual(decisions, [['next', true, 'approved at the terminal']]);
    terminal.close();
  });

  it('rejects every gate still waiting when the terminal input ends (Ctrl-D), and any asked after', async () => {
    const { input, approvals, decisions, tick } = setup();
    approvals.ask('a', 'A?');
    approvals.ask('b', 'B?');
    input.end();
    await tick();
    approvals.ask('c', 'C?');
    const closed = 'rejected: the terminal closed before an answer';
    assert.deepEqual(decisions, [
      ['a', false, closed],
      ['b', false, closed],
      ['c', false, closed],
    ]);
  });
});
