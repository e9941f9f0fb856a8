/**
 * Sending: the journal-backed engine (engine.ts), the service the window and the CLI call
 * (service.ts: checks, start/resume/pause/cancel, the outbox worker), results polling and
 * export (results.ts), the audit trail (audit.ts) and the test call (test-call.ts: "Call me first").
 */
export { SendService, type SendEvent, type SendServiceDeps } from './service';
export { ResultsService, type ResultsServiceDeps } from './results';
export { AuditLog, type AuditEntry } from './audit';
export { DEFAULT_ENGINE_OPTIONS, type EngineOptions } from './engine';
export { TestCallService, testCallName, type PreparedTestCall } from './test-call';
