/** A wrong invocation (bad flags or key): exits with 2 and points at --help. */
export class UsageError extends Error {}
