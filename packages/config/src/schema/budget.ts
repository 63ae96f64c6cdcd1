/**
 * The resource budget: the enabled containers' CPU and memory limits must fit the host minus its headroom.
 * With `host.budgetScope: per-profile`, each profile is checked with the always-on containers (as
 * `docker compose --profile X up` would start them); otherwise all enabled containers together.
 */
import type { z } from "zod";
import { APP_NAMES, type AppKey } from "./apps.js";
import { formatBytes, parseMemoryBytes } from "./primitives.js";
import type { SocConfigShape } from "./root.js";

type Cfg = z.output<typeof SocConfigShape>;

/** One container's share of the budget. */
export interface BudgetLine {
  /** Deployable name (app or service). */
  name: string;
  /** CPU limit in cores, if any. */
  cpus?: number;
  /** Memory limit in bytes, if any. */
  memoryBytes?: number;
  /** Compose profiles the container belongs to (empty = always started). */
  profiles: string[];
}

/** The containers of `cfg` with their limits (apps always have limits; services may not). */
export function budgetLines(cfg: Cfg): BudgetLine[] {
  const lines: BudgetLine[] = [];
  for (const k of Object.keys(APP_NAMES) as AppKey[]) {
    const a = cfg.apps[k];
    if (!a.enabled) continue;
    lines.push({ name: APP_NAMES[k], cpus: a.resources.limits.cpus, memoryBytes: parseMemoryBytes(a.resources.limits.memory), profiles: a.profiles ?? [] });
  }
  for (const [name, s] of Object.entries(cfg.services)) {
    if (!s.enabled) continue;
    const l = s.resources?.limits;
    lines.push({
      name,
      ...(l?.cpus !== undefined ? { cpus: l.cpus } : {}),
      ...(l?.memory !== undefined ? { memoryBytes: parseMemoryBytes(l.memory) } : {}),
      profiles: s.profiles ?? [],
    });
  }
  return lines;
}

/** Every profile that `selected` activates, following `includes` transitively. */
export function expandProfiles(cfg: Pick<Cfg, "profiles">, selected: string[]): Set<string> {
  const out = new Set<string>();
  const stack = [...selected];
  while (stack.length) {
    const p = stack.pop() as string;
    if (out.has(p)) continue;
    out.add(p);
    stack.push(...(cfg.profiles[p]?.includes ?? []));
  }
  return out;
}

/** One budget violation, ready to become a validation issue. */
export interface BudgetProblem {
  path: (string | number)[];
  message: string;
}

/** Checks the budget; returns one problem per exceeded resource and scope. */
export function checkBudget(cfg: Cfg): BudgetProblem[] {
  const lines = budgetLines(cfg);
  const cpuCap = cfg.host.cpus - cfg.host.headroom.cpus;
  const memCap = parseMemoryBytes(cfg.host.memory) - parseMemoryBytes(cfg.host.headroom.memory);
  const scopes: { label: string; active: BudgetLine[] }[] = [];
  if (cfg.host.budgetScope === "all") scopes.push({ label: "all enabled containers", active: lines });
  else {
    const profiles = Object.keys(cfg.profiles);
    const always = lines.filter((l) => l.profiles.length === 0);
    scopes.push({ label: "the always-on containers", active: always });
    for (const p of profiles) {
      const on = expandProfiles(cfg, [p]);
      scopes.push({ label: `profile "${p}"`, active: lines.filter((l) => l.profiles.length === 0 || l.profiles.some((x) => on.has(x))) });
    }
  }
  const problems: BudgetProblem[] = [];
  const hostMem = parseMemoryBytes(cfg.host.memory);
  const headMem = parseMemoryBytes(cfg.host.headroom.memory);
  if (memCap <= 0) {
    problems.push({ path: ["host", "headroom", "memory"], message: `the headroom (${formatBytes(headMem)}) leaves nothing of host.memory (${formatBytes(hostMem)}) for containers; lower host.headroom.memory or raise host.memory` });
  }
  if (cpuCap <= 0) {
    problems.push({ path: ["host", "headroom", "cpus"], message: `the headroom (${cfg.host.headroom.cpus} cores) leaves nothing of host.cpus (${cfg.host.cpus}) for containers; lower host.headroom.cpus or raise host.cpus` });
  }
  if (problems.length) return problems;
  for (const { label, active } of scopes) {
    const cpu = active.reduce((s, l) => s + (l.cpus ?? 0), 0);
    const mem = active.reduce((s, l) => s + (l.memoryBytes ?? 0), 0);
    const top = (f: (l: BudgetLine) => number, fmt: (n: number) => string) =>
      [...active].filter((l) => f(l) > 0).sort((a, b) => f(b) - f(a)).map((l) => `${l.name} ${fmt(f(l))}`).join(", ");
    if (mem > memCap) {
      problems.push({
        path: ["host", "memory"],
        message: `memory limits of ${label} add up to ${formatBytes(mem)} (${top((l) => l.memoryBytes ?? 0, formatBytes)}), more than the ${formatBytes(memCap)} available (host ${formatBytes(hostMem)} − headroom ${formatBytes(headMem)} for ${cfg.host.headroom.reason}); lower limits or raise host.memory`,
      });
    }
    if (cpu > cpuCap + 1e-9) {
      problems.push({
        path: ["host", "cpus"],
        message: `CPU limits of ${label} add up to ${+cpu.toFixed(3)} cores (${top((l) => l.cpus ?? 0, (n) => `${n}`)}), more than the ${+cpuCap.toFixed(3)} available (host ${cfg.host.cpus} − headroom ${cfg.host.headroom.cpus}); lower limits or raise host.cpus`,
      });
    }
  }
  return problems;
}
