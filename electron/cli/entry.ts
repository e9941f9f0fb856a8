import { KeytarSecretStore } from '../secrets/keytar-store';
import { runCli } from './run';
import { systemClock } from '../clock';

/**
 * The command line as a process runs it: `npm run cli` (electron/cli/main.ts) and the installed
 * app started with `--cli` (electron/main.ts) both come here. Returns the exit code.
 */
export async function runCommandLine(argv: readonly string[]): Promise<number> {
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

  // Resolves once stdout's queue has been passed on to the reader (or the reader has gone).
  const drained = () =>
    new Promise<void>((resolve) => {
      const out = process.stdout;
      if (closed.has(out) || !out.writableNeedDrain) return resolve();
      const done = () => {
        out.off('drain', done);
        out.off('close', done);
        out.off('error', done);
        resolve();
      };
      out.on('drain', done);
      out.on('close', done);
      out.on('error', done);
    });

  return runCli(argv, {
    stdout: writeTo(process.stdout),
    drained,
    stderr: writeTo(process.stderr),
    env: process.env,
    cwd: process.cwd(),
    secrets: new KeytarSecretStore(),
    // The computer's clock: the command line is one of the two places that hand it to the services.
    clock: systemClock,
    onInterrupt: (stop) => {
      interrupt = stop;
    },
  });
}
