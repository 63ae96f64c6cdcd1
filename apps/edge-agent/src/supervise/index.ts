/**
 * Supervision of the edge agent: connectivity checking (online / degraded / offline), resource throttling
 * (CPU, memory, SoC temperature → read rate and `_bulk` concurrency through a token bucket) and a restarting,
 * phase-ordered supervisor. Pure cores (`connectivity-state`, `throttle-controller`, `token-bucket`,
 * `restart-policy`) take time as parameters; the adapters (`connectivity-probe`, `connectivity-checker`,
 * `resource-sampler`, `rate-limiter`, `supervisor`) use an injectable {@link Clock} and stop on an AbortSignal.
 * @module
 */
export * from "./clock.js";
export * from "./listeners.js";
export * from "./connectivity-state.js";
export * from "./connectivity-probe.js";
export * from "./connectivity-checker.js";
export * from "./throttle-controller.js";
export * from "./token-bucket.js";
export * from "./rate-limiter.js";
export * from "./resource-sampler.js";
export * from "./restart-policy.js";
export * from "./supervisor.js";
export * from "./settings.js";
