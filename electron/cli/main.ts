/**
 * `npm run -s cli -- <command> <campaign.json> [--json]`: the headless front door onto the
 * same services and database as the app (see run.ts for the contract).
 */
import { runCommandLine } from './entry';

const code = await runCommandLine(process.argv.slice(2));
process.exitCode = code;
// Idle keep-alive connections must not hold the command open once its output is written.
setTimeout(() => process.exit(code), 1000).unref();
