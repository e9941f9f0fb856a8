/** The local Omnigage sandbox: see server.ts for how to use it. */
export {
  startSandbox,
  deviations,
  DEMO_CREDENTIALS,
  DEMO_CALLER_IDS,
  type Sandbox,
  type SandboxOptions,
  type SandboxCredentials,
} from './server';
export { DEFAULT_BEHAVIOUR, DEVIATIONS, E164, type Behaviour, type CallerIdSeed } from './api';
export { INVENTED, type DialerOptions, type DialOutcome, type WeightedOutcome } from './dialer';
export type { FaultAction, FaultRule, ChaosOptions } from './faults';
export { ID_PATTERN } from './random';
export type { SandboxState, WireResource, RequestRecord } from './state';
