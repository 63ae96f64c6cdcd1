#!/usr/bin/env node
/**
 * Entry point. `watch` (the daemon; `run` is its alias) first re-executes itself once with the stack's start-up tuning
 * (`DAEMON_TUNING` of `@soc/metrics/launch`: a 1 MiB young generation, no TurboFan, two malloc arenas;
 * README "Benchmark"), before any other module is loaded; `SOC_LAUNCH_TUNING=off` or the operator's own
 * values of those flags keep it as launched. Then the program runs from `cli-process.ts`.
 */
import { DAEMON_TUNING, namesCommand, relaunchWithTuning } from "@soc/metrics/launch";

if (namesCommand(process.argv, ["watch", "run"])) relaunchWithTuning(process, DAEMON_TUNING);
await import("./cli-process.js");
