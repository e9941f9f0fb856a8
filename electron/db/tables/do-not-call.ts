/**
 * Whether the number in `number` (an SQL expression holding an E.164) is on the do-not-call list
 * for the profile in `profile` (an SQL expression or placeholder; NULL: no profile): this
 * computer's list for everyone, the profile's own additions, or the office's shared file as last
 * read. THE rule every query that decides who is called uses (validation, review, send, results);
 * it takes exactly one parameter, the profile.
 */
export function onDoNotCallSql(number: string, profile: string): string {
  return `(EXISTS (SELECT 1 FROM do_not_call dnc WHERE dnc.e164 = ${number} AND dnc.profile_id IN ('', COALESCE(${profile}, '')))
    OR EXISTS (SELECT 1 FROM do_not_call_shared dncs WHERE dncs.e164 = ${number}))`;
}
