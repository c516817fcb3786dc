/** An error as one line for logs and reports: its name and message (never a stack, never personal data). */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
