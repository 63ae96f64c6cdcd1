/**
 * Waits until a domain has finished creating or applying a change: DescribeDomain polled until
 * `Processing: false` and an endpoint is present
 * (https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_DescribeDomain.html, fields
 * `Processing`, `UpgradeProcessing`, `DomainProcessingStatus`, `Endpoint`, `Endpoints`).
 * @module
 */
import type { DomainStatus } from "@aws-sdk/client-opensearch";
import { DomainWaitAbortedError, DomainWaitTimeoutError } from "./errors.js";
import type { Sleep } from "./retry.js";

/** Progress of a wait, in seconds of its time budget (implemented with cli-progress in progress.ts). */
export interface WaitProgress {
  /** Called once: the budget in seconds and the first state seen. */
  start(totalSeconds: number, state: string): void;
  /** Called after each poll: seconds elapsed and the current state. */
  update(elapsedSeconds: number, state: string): void;
  /** Called once when the wait ends, whatever the outcome. */
  stop(): void;
}

/** Options of {@link waitForDomain}. */
export interface WaitOptions {
  /** Domain name, for messages. */
  readonly domainName: string;
  /** One DescribeDomain call (with its own retries), returning `DomainStatus`. */
  readonly describe: () => Promise<DomainStatus>;
  /** Time budget in ms (default 60 min; a new domain usually takes 15–30 min). */
  readonly timeoutMs?: number;
  /** Delay between polls in ms (default 30 s). */
  readonly intervalMs?: number;
  /** Clock in ms (injected: tests advance it in `sleep`). */
  readonly now: () => number;
  /** Waits between polls. */
  readonly sleep: Sleep;
  /** Cancels the wait. */
  readonly signal?: AbortSignal;
  /** Progress sink (default none). */
  readonly progress?: WaitProgress;
}

/** The domain's endpoint: `Endpoint` (public) or, for a VPC domain, `Endpoints.vpc` / the first of `Endpoints`. */
export function domainEndpoint(s: DomainStatus): string | undefined {
  if (s.Endpoint) return s.Endpoint;
  const eps = s.Endpoints ?? {};
  return eps.vpc ?? Object.values(eps).find((v) => v !== "");
}

/** True when the domain is usable: not processing, not upgrading, not deleted, with an endpoint. */
export function isDomainReady(s: DomainStatus): boolean {
  return s.Processing === false && s.UpgradeProcessing !== true && s.Deleted !== true && domainEndpoint(s) !== undefined;
}

/** Short state for progress output: `DomainProcessingStatus` (e.g. `Creating`, `Modifying`) or a fallback. */
export function processingState(s: DomainStatus): string {
  if (s.DomainProcessingStatus) return s.DomainProcessingStatus;
  if (s.Processing) return "Processing";
  if (domainEndpoint(s) === undefined) return "WaitingForEndpoint";
  return "Active";
}

/**
 * Polls until {@link isDomainReady}. The first poll is immediate; the last one happens when the budget is used up.
 * @returns the final `DomainStatus`.
 * @throws {DomainWaitTimeoutError} when the budget runs out first.
 * @throws {DomainWaitAbortedError} when `signal` aborts.
 * @throws {AwsApiError} when `describe` fails (after its retries).
 */
export async function waitForDomain(opts: WaitOptions): Promise<DomainStatus> {
  const timeoutMs = opts.timeoutMs ?? 60 * 60_000;
  const intervalMs = opts.intervalMs ?? 30_000;
  const started = opts.now();
  let progressStarted = false;
  let state: string | undefined;
  try {
    for (;;) {
      if (opts.signal?.aborted) throw new DomainWaitAbortedError(`wait for domain ${opts.domainName} aborted`);
      const status = await opts.describe();
      state = processingState(status);
      const elapsed = opts.now() - started;
      if (!progressStarted) {
        opts.progress?.start(Math.ceil(timeoutMs / 1000), state);
        progressStarted = true;
      }
      opts.progress?.update(Math.min(Math.round(elapsed / 1000), Math.ceil(timeoutMs / 1000)), state);
      if (isDomainReady(status)) return status;
      if (elapsed >= timeoutMs) throw new DomainWaitTimeoutError(opts.domainName, elapsed, state);
      try {
        await opts.sleep(Math.min(intervalMs, timeoutMs - elapsed), opts.signal);
      } catch (err) {
        if (opts.signal?.aborted) throw new DomainWaitAbortedError(`wait for domain ${opts.domainName} aborted`, { cause: err });
        throw err;
      }
    }
  } finally {
    if (progressStarted) opts.progress?.stop();
  }
}
