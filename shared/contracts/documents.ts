import type * as z from './z.ts';

/** A problem of a configuration document, by file and path (rules, calendars, units, users). */
export interface DocumentProblem {
  file: string;
  path: string;
  reason: string;
}

/** Parses a configuration document whole against its schema: the value, or every problem by path. */
export function parseDocument<S extends z.ZodMiniType>(
  schema: S,
  raw: unknown,
  file: string,
): { data: z.output<S>; problems: [] } | { data?: undefined; problems: DocumentProblem[] } {
  const result = schema.safeParse(raw);
  if (result.success) return { data: result.data as z.output<S>, problems: [] };
  return {
    problems: result.error.issues.map((issue) => ({
      file,
      path: issue.path.map(String).join('.'),
      reason: issue.message,
    })),
  };
}
