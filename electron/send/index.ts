/**
 * Sending: the journal-backed engine (engine.ts), the service the window and the CLI call
 * (service.ts, which wires checks.ts, controls.ts, driver.ts, status.ts and outbox.ts), results polling and
 * export (results.ts), the audit trail (audit.ts) and the test call (test-call.ts: "Call me first").
 */
export { SendService } from './service';
export { ResultsService } from './results';
export type { EngineOptions } from './engine';
export { TestCallService } from './test-call';
