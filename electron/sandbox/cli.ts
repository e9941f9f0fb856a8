/** `npm run sandbox`: a local Omnigage for rehearsing a campaign. See launch.ts. */
import { launchSandbox } from './launch';

const { sandbox } = await launchSandbox({
  argv: process.argv.slice(2),
  env: process.env,
  print: (line) => process.stdout.write(`${line}\n`),
});

const stop = () => {
  void sandbox.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
