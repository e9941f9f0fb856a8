import { DEVIATIONS } from './api';
import { deviations, startSandbox, type Sandbox } from './server';
import { INVENTED } from './dialer';

/**
 * What `npm run sandbox` does, importable so a test can run it in-process: read the port and
 * seed, start the sandbox (falling back to a free port when the chosen one is busy), print
 * how to connect, and dial scheduled campaigns on a timer with invented outcomes.
 */

export const DEFAULT_PORT = 4010;

export interface LaunchOptions {
  argv: string[];
  env: Record<string, string | undefined>;
  print: (line: string) => void;
}

export interface Launched {
  sandbox: Sandbox;
  port: number;
  /** True when the asked-for port was busy and another was taken. */
  fellBack: boolean;
}

function flag(argv: string[], name: string): string | undefined {
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i === -1) return undefined;
  const arg = argv[i] ?? '';
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[i + 1];
}

export function usage(): string {
  return [
    'Usage: npm run sandbox -- [--port 4010] [--seed demo] [--dial-every 2000] [--no-dialer] [--quiet] [--deviate name[,name]]',
    'Env: OMNIGAGE_SANDBOX_PORT, OMNIGAGE_SANDBOX_SEED',
    `Deviations (behave unlike what the app assumes, to rehearse its safety checks): ${Object.keys(DEVIATIONS).join(', ')}`,
  ].join('\n');
}

export async function launchSandbox({ argv, env, print }: LaunchOptions): Promise<Launched> {
  const portText = flag(argv, 'port') ?? env.OMNIGAGE_SANDBOX_PORT;
  const port = portText === undefined || portText === '' ? DEFAULT_PORT : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`Not a port: ${portText}\n${usage()}`);
  const seed = flag(argv, 'seed') ?? env.OMNIGAGE_SANDBOX_SEED ?? 'demo';
  const dialEvery = Number(flag(argv, 'dial-every') ?? 2000);
  const quiet = argv.includes('--quiet');
  const deviate = argv
    .flatMap((a, i) =>
      a === '--deviate'
        ? [argv[i + 1] ?? '']
        : a.startsWith('--deviate=')
          ? [a.slice('--deviate='.length)]
          : [],
    )
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  try {
    deviations(deviate);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${usage()}`, { cause: error });
  }
  const options = {
    seed,
    deviate,
    dialer: {
      autoRun: !argv.includes('--no-dialer'),
      intervalMs: Number.isFinite(dialEvery) && dialEvery > 0 ? dialEvery : 2000,
    },
    onRequest: quiet
      ? undefined
      : (r: { method: string; path: string; status?: number; fault?: string }) =>
          print(
            `  ${r.method} /${r.path} → ${r.status ?? 'dropped'}${r.fault ? ` (injected ${r.fault})` : ''}`,
          ),
  };

  let sandbox: Sandbox;
  let fellBack = false;
  try {
    sandbox = await startSandbox({ ...options, port });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    sandbox = await startSandbox({ ...options, port: 0 });
    fellBack = true;
  }
  const actual = Number(new URL(sandbox.url).port);
  const { tokenKey, tokenSecret, accountKey } = sandbox.credentials;
  print('Omnigage sandbox is running. It only pretends: nobody will be called.');
  if (fellBack) print(`(Port ${port} was busy, so it took port ${actual} instead.)`);
  print('');
  print(`  API address:   ${sandbox.baseUrl}`);
  print(`  Token key:     ${tokenKey}`);
  print(`  Token secret:  ${tokenSecret}`);
  print(`  Account key:   ${accountKey}`);
  print(
    `  Caller ID:     ${sandbox.callerId.phoneNumber}  (${sandbox.callerId.label}, verified, id ${sandbox.callerId.id})`,
  );
  print('');
  print(
    options.dialer.autoRun
      ? `Scheduled campaigns are "dialled" every ${options.dialer.intervalMs} ms; outcomes, result kinds and the statuses "${INVENTED.engagementRunningStatus}"/"${INVENTED.engagementDoneStatus}" are invented by the sandbox.`
      : 'The dialer is off: scheduled campaigns stay scheduled.',
  );
  if (deviate.length)
    print(`Deviating on purpose from what the app assumes: ${deviate.join(', ')}.`);
  print('Press Ctrl+C to stop.');
  return { sandbox, port: actual, fellBack };
}
