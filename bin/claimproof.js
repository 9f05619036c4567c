#!/usr/bin/env node
// The sources are TypeScript run through tsx, so `npx claimproof` works from a clone with no
// build step.
import { spawn } from 'node:child_process';
import { register } from 'tsx/esm/api';

// Long-running OCR processes keep far less resident memory with two malloc arenas (measured:
// about 600 MB instead of 850–950 MB over 150 pages). glibc reads it only at start, so the
// service commands re-run themselves with it set.
const command = process.argv[2];
if ((command === 'worker' || command === 'serve') && !process.env.MALLOC_ARENA_MAX) {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, MALLOC_ARENA_MAX: '2' },
  });
  // The child does the work; signals for this process are its signals.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGTERM' || signal === 'SIGINT' ? 0 : 1)));
} else {
  register();
  const { main } = await import('../cli/main.ts');
  process.exitCode = await main(process.argv.slice(2));
}
