import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { answersToKeep, filledValue, storedAnswers } from '../../src/extension/commands/inputFill';
import type { InputSpec } from '../../src/engine/model';
import { isGithubTokenInput } from '../../src/engine/formats/githubActions/contexts';

const input = (name: string, more: Partial<InputSpec> = {}): InputSpec => ({ name, type: 'string', required: true, ...more });

describe("a run prompt's boxes: what they start with", () => {
  const sources = { local: { github_sha: 'abc123', runner_os: 'Linux' }, last: { github_sha: 'old', ticket: 'T-7', token: 'leak' } };

  it('a default first, then the checkout or this machine, then the value given last; else empty', () => {
    assert.deepEqual(filledValue(input('channel', { default: 'beta' }), sources), { value: 'beta' });
    assert.deepEqual(filledValue(input('github_sha'), sources), { value: 'abc123', note: "filled in: this checkout's" });
    assert.deepEqual(filledValue(input('runner_os'), sources), { value: 'Linux', note: "filled in: this machine's" });
    assert.deepEqual(filledValue(input('ticket'), sources), { value: 'T-7', note: 'filled in: the value given last time' });
    assert.deepEqual(filledValue(input('other'), sources), { value: '' });
    assert.deepEqual(filledValue(input('count', { type: 'number', default: 3 }), sources), { value: '3' });
  });

  it('a secret only from what the secret storage remembered, never a default, the checkout or the last answers', () => {
    const token = input('token', { secret: true });
    assert.deepEqual(filledValue(token, sources), { value: '', note: 'secret: masked in logs, not kept with the run' });
    assert.deepEqual(filledValue(input('github_sha', { secret: true }), sources).value, '');
    assert.deepEqual(filledValue(token, { ...sources, rememberedSecret: 's3' }), {
      value: 's3',
      note: "secret: the value given last time, from VS Code's secret storage",
    });
  });

  it("a GitHub token from the editor's GitHub sign-in, after a value remembered", () => {
    const token = input('secrets_GITHUB_TOKEN', { secret: true });
    assert.deepEqual(filledValue(token, { ...sources, githubSignIn: 'gho_1' }), {
      value: 'gho_1',
      note: 'secret: the token of the GitHub account VS Code is signed in to',
    });
    assert.equal(filledValue(token, { ...sources, githubSignIn: 'gho_1', rememberedSecret: 'ghp_typed' }).value, 'ghp_typed');
    for (const name of ['secrets_GITHUB_TOKEN', 'github_token', 'GH_TOKEN', 'gh_token']) assert.ok(isGithubTokenInput(name), name);
    for (const name of ['secrets_NPM_TOKEN', 'github_sha', 'token', 'github_token_2', 'my_github_token']) assert.ok(!isGithubTokenInput(name), name);
  });

  it('keeps the answers of inputs with no default, never a secret, a boolean or an empty one', () => {
    const inputs = [input('ticket'), input('token', { secret: true }), input('channel', { default: 'beta' }), input('dry', { type: 'boolean' }), input('note')];
    const kept = answersToKeep(inputs, { ticket: 'T-8', token: 's3', channel: 'stable', dry: 'true', note: '' }, { note: 'earlier', other: 'x' });
    assert.deepEqual(kept, { ticket: 'T-8', other: 'x' });
  });

  it('never keeps a secret answer, whatever the answers', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), fc.string()),
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        (answers, secret) => {
          const inputs = ['a', 'b', 'c', 'd'].map((name, i) => input(name, { secret: secret[i] }));
          const kept = answersToKeep(inputs, answers, {});
          for (const [i, name] of ['a', 'b', 'c', 'd'].entries()) {
            if (secret[i]) assert.ok(!(name in kept));
            else assert.equal(kept[name], answers[name] === '' ? undefined : answers[name]);
          }
        },
      ),
    );
  });

  it('reads back only string answers from the stored state', () => {
    assert.deepEqual(storedAnswers({ a: 'x', b: 3, c: null }), { a: 'x' });
    assert.deepEqual(storedAnswers(['x']), {});
    assert.deepEqual(storedAnswers(undefined), {});
  });
});
