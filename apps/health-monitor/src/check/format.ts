/** Renderings of a {@link CheckResult}: a terminal table and JSON. Pure. */
import type { CheckResult } from "./evaluate.js";

const mib = (b: number) => `${(b / 1048576).toFixed(1)}MiB`;

/** Fixed-width table, one row per container, then a summary line. */
export function formatCheckTable(r: CheckResult): string {
  const rows: string[][] = [["CONTAINER", "STATE", "HEALTH", "RESTARTS", "MEM", "CPU%", "VERDICT", "REASON"]];
  for (const c of r.containers) {
    const res = c.resources;
    const limited = res !== undefined && res.memoryLimitBytes > 0;
    rows.push([
      c.name,
      c.state,
      c.health,
      String(c.restartCount),
      res ? `${mib(res.memoryUsageBytes)}${limited ? ` (${(res.memoryUsageRatio * 100).toFixed(0)}%)` : ""}` : "-",
      res?.cpuPercent !== undefined ? res.cpuPercent.toFixed(1) : "-",
      c.verdict.toUpperCase(),
      c.reason,
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? "").length)));
  const lines = rows.map((row) => row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i] ?? 0) : cell)).join("  "));
  lines.push("", `${r.total} containers: ${r.counts.ok} ok, ${r.counts.warn} warn, ${r.counts.fail} failing`);
  return `${lines.join("\n")}\n`;
}

/** JSON: `{ exitCode, total, counts, containers: [ContainerState & {verdict, reason}] }`. */
export function formatCheckJson(r: CheckResult): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
