/** Output formats of `compose-gen lint` (a module of its own so the CLI can list them without loading the lint). */
export const LINT_FORMATS = ["table", "json", "sarif", "markdown"] as const;
/** @see {@link LINT_FORMATS} */
export type LintFormat = (typeof LINT_FORMATS)[number];
