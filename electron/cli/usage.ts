/**
 * The CLI's usage text, in a module of its own with no imports: `--help` prints it without
 * loading the commands and their dependencies (build/bundle-cli.mjs splits them into chunks).
 */

const OPTOUTS_USAGE = `  optouts add <number>... [--json]     put numbers on the do-not-call list ({ "added", "already" });
                                      exit 2, adding nothing, if any is not a valid number
  optouts remove <number>... [--json]  take numbers off it ({ "removed" })
  optouts import <file.csv|file.xlsx> [--encoding <name>] [--json]
                                      add every number in the file's phone column
                                      ({ "added", "already", "invalid" })
  optouts list [--json]               every number ({ "numbers": [ { "e164", "source", "addedAt" } ] })
  optouts export <file.csv>           the list with who added each number, where and when, and
                                      every removal, for a compliance review`;

export const USAGE = `Usage: npm run -s cli -- <command> <campaign.json> [--json] [--verbose]

Commands:
  validate <campaign.json> [--json]   check the campaign and its recipients (exit 0 sendable, 1 not)
  send <campaign.json> [--json]       send it (exit 0 once scheduled); re-run to resume
  status <campaign.json> [--json]     the send's journal and, when online, Omnigage's status
  test-call <campaign.json> --to <number> [--row N] [--json]
                                      call <number> once with the campaign's messages and the values
                                      of data row N (default: the first valid row); the campaign
                                      itself is not sent or changed (exit 0 once the call is scheduled)
  results <campaign.json> --out <file> [--json]
                                      write a copy of the recipient list with each row's results in
                                      four new columns (same format as the list; the list itself is
                                      never replaced). Exit 0 written, 1 not sent, 2 unusable input

--encoding <name> (validate, send, test-call, optouts import): the encoding a CSV list was saved
in, when letters come out wrong or a column is not found: utf-8, windows-1252 (older Windows and
Excel files), utf-16le or utf-16be. Without it the encoding is guessed from the file's bytes.

The do-not-call list of the data folder (the app's Settings → Do-not-call list, for every profile):
${OPTOUTS_USAGE}

Environment: OMNIGAGE_API_URL, OMNIGAGE_ACCOUNT_KEY, OMNIGAGE_API_KEY, OMNIGAGE_API_SECRET,
OMNIGAGE_CAMPAIGNS_HOME (data folder), OMNIGAGE_BATCH_SIZE (envelopes per request, default 100),
OMNIGAGE_DNC_FILE (the office's shared do-not-call file, instead of the one chosen in Settings),
OMNIGAGE_DNC_MAX_AGE_DAYS (how old its last copy may be when it cannot be read; default: Settings, 7).`;
