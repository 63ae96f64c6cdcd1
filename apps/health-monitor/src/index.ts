/**
 * health-monitor: event-driven Docker container health, runtime security audit (the shared `@soc/config`
 * rules) and autoheal. The pure core (inspect → facts/state, stats formulas, NDJSON events, autoheal state
 * machine, check verdicts, audit renderings) is exported for reuse and tests; `Monitor` and the dockerode
 * `Engine` are the IO edge.
 */
export { VERSION } from "./version.js";
export * from "./errors.js";
export * from "./docker/endpoint.js";
export * from "./docker/engine.js";
export * from "./inspect/types.js";
export * from "./inspect/facts.js";
export * from "./state/model.js";
export * from "./state/stats.js";
export * from "./state/labels.js";
export * from "./events/ndjson.js";
export * from "./events/event.js";
export * from "./events/backoff.js";
export * from "./events/follow.js";
export * from "./autoheal/machine.js";
export * from "./autoheal/self.js";
export * from "./autoheal/notify.js";
export * from "./check/evaluate.js";
export * from "./check/format.js";
export * from "./audit/run.js";
export * from "./audit/format.js";
export * from "./watch/metrics.js";
export * from "./watch/monitor.js";
export * from "./commands/check.js";
export * from "./commands/audit.js";
export * from "./commands/collect.js";
export * from "./commands/watch.js";
export * from "./settings.js";
export * from "./settings-config.js";
export * from "./pool.js";
export * from "./order.js";
export { type Log, type LogLevel, createLogger, silentLog } from "./log.js";
export { main, type CliEnv } from "./cli-main.js";
