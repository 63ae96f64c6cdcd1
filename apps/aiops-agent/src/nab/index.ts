export { NabInputError, parseNabCsv, parseNabTimestamp } from "./csv.js";
export type { NabRow } from "./csv.js";
export { runNab, scoreNabRows } from "./runner.js";
export type { NabRunOptions, NabRunSummary, StreamScorer } from "./runner.js";
