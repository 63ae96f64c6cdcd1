/**
 * A `_bulk` transport that reports every attempt to the connectivity state machine as evidence
 * (`requestOutcomeOf`: no response, 502/503/504 → failure; any other status, 429 included → reachable), so an
 * outage is noticed between probes. Aborted attempts (shutdown, a diverted delivery) are not evidence.
 * @module
 */
import type { BulkTransport, TimedBulkAttempt } from "../../opensearch/bulk-transport.js";
import { type ConnectivityMachine, requestOutcomeOf } from "../../supervise/connectivity-state.js";

/**
 * Wraps `transport` so that each completed attempt feeds `machine.observeRequest`.
 *
 * @param transport - the real `_bulk` transport.
 * @param machine - the connectivity machine shared with the probes.
 * @param onListenerError - receives a `ListenerError` thrown by a transition listener (the state change happened;
 *   the attempt is still returned, keeping the never-rejects contract).
 * @param now - monotonic clock in ms (the machine's time base). Default `performance.now`.
 * @returns a transport with the same contract (never rejects).
 */
export function observedTransport(
  transport: BulkTransport,
  machine: ConnectivityMachine,
  onListenerError: (err: unknown) => void,
  now: () => number = () => performance.now(),
): BulkTransport {
  return {
    async send(body: Buffer, signal?: AbortSignal): Promise<TimedBulkAttempt> {
      const attempt = await transport.send(body, signal);
      if (!signal?.aborted) {
        const outcome = requestOutcomeOf({
          ...("status" in attempt ? { status: attempt.status } : { error: attempt.error }),
          latencyMs: attempt.durationMs,
        });
        try {
          machine.observeRequest(outcome, now());
        } catch (err) {
          onListenerError(err);
        }
      }
      return attempt;
    },
  };
}
