export * from "./rules.js";
export * from "./facts.js";
export * from "./audit.js";
