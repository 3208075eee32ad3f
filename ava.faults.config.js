// The fault suite (npm run test:faults): slow, process-level fault injection kept out of `npm test`.
export default {
  files: ['test-faults/**/*.fault.ts'],
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  workerThreads: false,
  timeout: '240s',
  // One fault at a time: each runs a whole daemon, and timing figures need the 2 cores.
  concurrency: 1,
  serial: true,
};
