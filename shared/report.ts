/**
 * A sent campaign's report for a manager (Results → "Save report as PDF…"): what was sent, by
 * which profile, from which caller ID, when, and how the calls went, counted.
 *
 * It deliberately holds nothing about any one recipient: no phone number, no name, no merge
 * value and not the message text (a clinic's message can itself say why someone was called).
 * A report travels by e-mail and on paper; the per-recipient outcomes stay in the app and in
 * the spreadsheet copy the user chooses to save.
 */
export interface CampaignReport {
  campaignId: string;
  campaignName: string;
  /**
   * Who sent it: the API profile's name (as it is now), or words for a profile since deleted
   * or credentials taken from the command line's environment.
   */
  sentWith: string;
  /** The person who pressed Send and on which computer ("alice on FRONT-DESK"); null if not recorded. */
  sentBy: string | null;
  /**
   * The caller ID the calls came from: its number and label in Omnigage when this computer
   * knows them (a profile's cached caller IDs), else only `value`, what the campaign holds.
   */
  callerId: { number: string | null; label: string | null; value: string } | null;
  /** When Send was pressed, when the calls were handed to Omnigage to start, when results were final (ISO). */
  sentAt: string;
  scheduledAt: string | null;
  completedAt: string | null;
  /** The send's state in words ("Scheduled", "Finished"…). */
  state: string;
  /**
   * Set when the person cancelled the send before it was scheduled: when, and how many people
   * had been handed to Omnigage by then (nobody is called). Null for any other send.
   */
  cancelled: { at: string; handedOver: number } | null;
  /** How each message was delivered, never what it says. */
  messages: Array<{ for: 'person' | 'answering machine'; how: string }>;
  /** Every row of the list, called or not. */
  recipients: number;
  /** Recipients per outcome, as the Results tiles count them (`not called: …` included). */
  outcomes: Record<string, number>;
  /** Calls ended per minute (minute since 1970 UTC, count), for the timing chart. */
  calledAt: Array<[number, number]>;
  /** When this report was made (ISO). */
  madeAt: string;
}
