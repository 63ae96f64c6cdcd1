/**
 * Asking before changing AWS resources: `--yes` skips the question; without a terminal on stdin the change is
 * refused (scripts must say `--yes`); otherwise @inquirer/confirm asks on the given streams.
 * @module
 */
import confirm from "@inquirer/confirm";
import { ConfirmationRequiredError } from "./errors.js";

/** Asks a yes/no question; resolves `true` for yes. */
export type Confirm = (question: string, signal?: AbortSignal) => Promise<boolean>;

/**
 * A {@link Confirm} with @inquirer/confirm (default answer: no).
 * @param input - where answers are read (the CLI's stdin).
 * @param output - where the question is drawn (the CLI's stderr, so stdout stays the report).
 */
export function inquirerConfirm(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Confirm {
  return (question, signal) => confirm({ message: question, default: false }, { input, output, ...(signal ? { signal } : {}) });
}

/** What {@link approve} needs. */
export interface ApproveOptions {
  /** `--yes` was given. */
  readonly yes: boolean;
  /** stdin is a terminal someone can answer on. */
  readonly interactive: boolean;
  /** The question asker. */
  readonly confirm: Confirm;
  /** The question, e.g. `Create domain ids2-soc?`. */
  readonly question: string;
  /** Cancels the question. */
  readonly signal?: AbortSignal;
}

/**
 * Decides whether to go ahead.
 * @returns `true` with `--yes` or a "yes" answer, `false` for "no".
 * @throws {ConfirmationRequiredError} when stdin is not interactive and `--yes` is missing.
 */
export async function approve(o: ApproveOptions): Promise<boolean> {
  if (o.yes) return true;
  if (!o.interactive) {
    throw new ConfirmationRequiredError(`${o.question} — stdin is not a terminal, so nobody can confirm: re-run with --yes to proceed without asking (or --dry-run to only print the plan)`);
  }
  return o.confirm(o.question, o.signal);
}
