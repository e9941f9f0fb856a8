import type { DialOutcome } from '../../electron/sandbox/dialer';

/**
 * How the sandbox's dialer ends one number's call, for tests that fix each outcome: a finished
 * call lasts 20 seconds and is answered; any other status is not, and lasts nothing.
 */
export const dialOutcome = (resultKind: string | null, callStatus = 'completed'): DialOutcome => ({
  callStatus,
  resultKind,
  answered: callStatus === 'completed',
  durationSeconds: callStatus === 'completed' ? 20 : 0,
  envelopeStatus: 'completed',
});
