import type { z } from 'zod';

/**
 * The first problem a schema found, in the words every boundary uses to say it: the field's
 * dotted path (empty for the whole value) and zod's message; an unknown key names the keys. The
 * IPC dispatcher, both campaign-file readers and the policy file read their failures here, so a
 * person sees the same kind of sentence wherever a value is refused.
 */
export function firstIssue(
  error: z.ZodError,
  fallback: string,
): { path: string; message: string; unknownKeys: string[] } {
  const issue = error.issues[0];
  if (!issue) return { path: '', message: fallback, unknownKeys: [] };
  const unknownKeys = issue.code === 'unrecognized_keys' ? [...issue.keys] : [];
  return { path: issue.path.map(String).join('.'), message: issue.message, unknownKeys };
}

/** `field.path: message`, or just the message when the whole value is wrong. */
export function describeFirstIssue(error: z.ZodError, fallback: string): string {
  const { path, message } = firstIssue(error, fallback);
  return path ? `${path}: ${message}` : message;
}
