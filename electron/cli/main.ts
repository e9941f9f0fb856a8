/**
 * `npm run -s cli -- <command> <campaign.json> [--json]`: the headless front door onto the
 * same services and database as the app (see run.ts for the contract).
 */
import { USAGE } from './usage';

const argv = process.argv.slice(2);
let code = 0;
if (argv.includes('--help') || argv.includes('-h')) {
  // Answered before the commands load: the bundle's other chunks are never read for help.
  process.stdout.on('error', () => {}); // a reader that closed the pipe early gets no stack trace
  process.stdout.write(`${USAGE}\n`);
} else {
  const { runCommandLine } = await import('./entry');
  code = await runCommandLine(argv);
}
process.exitCode = code;
// Idle keep-alive connections must not hold the command open once its output is written.
setTimeout(() => process.exit(code), 1000).unref();
