/**
 * @module kernel/errors
 * Bad input from the user: an unreadable scenario, an unknown client, a bad flag. Unlike an
 * assertion (a bug in syncstorm) it is expected, carries a one-line message that names
 * what is wrong and where, and makes the command exit with code 2 without a stack trace.
 */

/** Exit code of a command stopped by bad input. */
export const USAGE_EXIT_CODE = 2;

const PREFIX = '[syncstorm] ';

export class UsageError extends Error {
  override name = 'UsageError';
  readonly exitCode = USAGE_EXIT_CODE;
  /** The message is a head line and one line per problem (a bad scenario file), printed as is. */
  readonly multiline: boolean;

  /** `message` gets the `[syncstorm]` prefix unless it already has it. */
  constructor(message: string, options?: { cause?: unknown; multiline?: boolean }) {
    super(message.startsWith(PREFIX) ? message : PREFIX + message, options);
    this.multiline = options?.multiline === true;
  }
}

export function isUsageError(error: unknown): error is UsageError {
  return error instanceof UsageError;
}
