/**
 * `npm run -s cli -- <command> <campaign.json> [--json]`: the headless front door onto the
 * same services and database as the app (see run.ts for the contract).
 */
import { runCli } from './run';

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
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
  onInterrupt: (stop) => {
    interrupt = stop;
  },
});
process.exitCode = code;
// Idle keep-alive connections must not hold the command open once its output is written.
setTimeout(() => process.exit(code), 1000).unref();
