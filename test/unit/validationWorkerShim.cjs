// The validation worker from source, for the tests: the bundle's dist/validationWorker.js is this, compiled.
require('tsx/cjs');
require('../esmDependencies.cjs');
require('../../src/engine/validation/worker/main.ts');
