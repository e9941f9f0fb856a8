/**
 * The recipients feature's main-side surface, for the send engine and the CLI:
 * - `RecipientService.import()` reads a CSV/XLSX into a campaign's list (one transaction);
 * - `RecipientService.summary()` is the validation summary `validate --json` prints, with
 *   opt-outs checked as they are now (call it again at send time);
 * - `RecipientService.sendable()` yields the recipients to send to, in row order;
 * - `RecipientService.getList()` has the file's name, SHA-256 and column mapping (audit trail);
 * - `RecipientService.quietHours()` warns about recipients outside 08:00–21:00 local time.
 */
export { RecipientService, type ImportOptions, type SendableRecipient } from './service';
export { OptOutService } from './opt-outs';
export { PhoneValidator, type PhoneCheck } from './phone';
export type { Problem, ProblemCode, RecipientCounts, ValidationSummary } from '../../shared/recipients/summary';
export type { ImportResult, RecipientList } from '../../shared/recipients/types';
