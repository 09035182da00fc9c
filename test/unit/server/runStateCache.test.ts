import { strict as assert } from 'node:assert';
import { RunStateCache } from '../../../src/server/runStateCache';

describe('serve: the run states kept between reads', () => {
  it('keeps an answer only while no event of its run has come since, and forgets all when runs change elsewhere', () => {
    const cache = new RunStateCache();
    cache.keep('r', 3, 'unseen');
    assert.equal(cache.get('r'), undefined, 'a run whose events the server has not seen is not kept');
    cache.saw('r', 3);
    cache.keep('r', 2, 'older');
    assert.equal(cache.get('r'), undefined, 'an answer older than the last event is not kept');
    cache.keep('r', 3, 'at 3');
    assert.equal(cache.get('r'), 'at 3');
    cache.saw('r', 4);
    assert.equal(cache.get('r'), undefined);
    cache.keep('r', 4, 'at 4');
    cache.saw('r', 2);
    assert.equal(cache.get('r'), 'at 4', 'an event seen late does not go back');
    cache.clear();
    assert.equal(cache.get('r'), undefined);
  });
});
