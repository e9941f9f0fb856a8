/** The local Omnigage sandbox: see server.ts for how to use it. */
export {
  startSandbox,
  DEMO_CALLER_IDS,
  DEMO_CREDENTIALS,
  type Sandbox,
  type SandboxOptions,
} from './server';
export { INVENTED } from './dialer';
export type { FaultAction, FaultRule } from './faults';
export { ID_PATTERN } from './random';
export type { WireResource } from './state';
