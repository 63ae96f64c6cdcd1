#!/usr/bin/env node
// Sums the vitest JSON reports of every workspace package and prints the closing line
// "N passed, N failed" (", N skipped" only when non-zero). Exit 1 when a test failed, was skipped,
// or a package with tests produced no report (a crashed or missing test run is a failure, never a pass).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
let passed = 0, failed = 0, skipped = 0;
const problems = [];
for (const group of ["packages", "apps"]) {
  for (const name of readdirSync(path.join(root, group))) {
    const dir = path.join(root, group, name);
    const testDir = path.join(dir, "test");
    if (!existsSync(testDir)) continue;
    const report = path.join(dir, "reports", "vitest.json");
    if (!existsSync(report)) { problems.push(`${group}/${name}: no test report (the test run did not finish)`); failed += 1; continue; }
    const r = JSON.parse(readFileSync(report, "utf8"));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + (r.numTodoTests ?? 0);
    for (const s of r.testResults ?? []) {
      if (s.status === "failed" && (s.assertionResults ?? []).every((a) => a.status !== "failed")) {
        problems.push(`${group}/${name}: ${path.relative(dir, s.name)} failed to run: ${(s.message ?? "").split("\n")[0]}`);
        failed += 1;
      }
    }
  }
}
for (const p of problems) console.error(p);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed || skipped ? 1 : 0);
