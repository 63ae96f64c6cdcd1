export * from "./primitives.js";
export * from "./container.js";
export * from "./service.js";
export * from "./apps.js";
export * from "./opensearch.js";
export * from "./stack.js";
export * from "./root.js";
export { budgetLines, checkBudget, expandProfiles, type BudgetLine, type BudgetProblem } from "./budget.js";
export { containerNames, namedVolumeOf, walkSecretRefs } from "./references.js";
