/**
 * `npm run -s cli -- <command> <campaign.json> [--json]`: the headless front door onto the
 * same services and database as the app (see run.ts for the contract).
 */
import { runCli } from './run';

// A reader that stops early (`validate --json | head -c 100`) closes the pipe: the rest of the
// output is dropped and the command ends quietly with its own exit code, not a stack trace.
const closed = new Set<NodeJS.WriteStream>();
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed.add(stream);
  });
}
const writeTo = (stream: NodeJS.WriteStream) => (text: string) => {
  if (!closed.has(stream)) stream.write(text);
};

let interrupt: (() => Promise<void>) | undefined;
let interrupted = false;
const onSignal = (signal: NodeJS.Signals) => {
  if (interrupted || !interrupt) process.exit(signal === 'SIGINT' ? 130 : 143);
  interrupted = true;
  void interrupt();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const code = await runCli(process.argv.slice(2), {
  stdout: writeTo(process.stdout),
  stderr: writeTo(process.stderr),
  env: process.env,
  cwd: process.cwd(),
  onInterrupt: (stop) => {
    interrupt = stop;
  },
});
process.exitCode = code;
// Idle keep-alive connections must not hold the command open once its output is written.
setTimeout(() => process.exit(code), 1000).unref();
