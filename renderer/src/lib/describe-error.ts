/** An error as one sentence a person can act on. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return error === undefined ? 'Unknown error' : String(error);
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
