// Runs `claimproof` in-process with captured output: the command line without a child process.
import { Writable } from 'node:stream';
import { main } from '../../cli/main.ts';

export async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = new Writable({ write: (c, _e, cb) => ((stdout += String(c)), cb()) });
  const err = new Writable({ write: (c, _e, cb) => ((stderr += String(c)), cb()) });
  const code = await main(args, { stdout: out, stderr: err });
  return { code, stdout, stderr };
}
