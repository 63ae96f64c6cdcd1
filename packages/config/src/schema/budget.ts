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

/** Containers named in a budget message, largest first; the rest are counted. */
const TOP_SHOWN = 10;

/** Checks the budget; returns one problem per exceeded resource and scope. */
export function checkBudget(cfg: Cfg): BudgetProblem[] {
  const lines = budgetLines(cfg);
  const cpuCap = cfg.host.cpus - cfg.host.headroom.cpus;
  const memCap = parseMemoryBytes(cfg.host.memory) - parseMemoryBytes(cfg.host.headroom.memory);
  // A scope is a base set of lines (shared, summed once) plus its own extra lines, so the per-profile check
  // costs O(lines + profiles) rather than O(lines × profiles); the full list is built only for a message.
  const sum = (ls: readonly BudgetLine[]) => ls.reduce((a, l) => ({ cpu: a.cpu + (l.cpus ?? 0), mem: a.mem + (l.memoryBytes ?? 0) }), { cpu: 0, mem: 0 });
  const scopes: { label: string; base: BudgetLine[]; baseSum: { cpu: number; mem: number }; extra: BudgetLine[] }[] = [];
  if (cfg.host.budgetScope === "all") scopes.push({ label: "all enabled containers", base: lines, baseSum: sum(lines), extra: [] });
  else {
    const always = lines.filter((l) => l.profiles.length === 0);
    const alwaysSum = sum(always);
    const byProfile = new Map<string, BudgetLine[]>();
    for (const l of lines) {
      for (const x of new Set(l.profiles)) {
        const list = byProfile.get(x);
        if (list) list.push(l);
        else byProfile.set(x, [l]);
      }
    }
    scopes.push({ label: "the always-on containers", base: always, baseSum: alwaysSum, extra: [] });
    for (const p of Object.keys(cfg.profiles)) {
      const extra = new Set<BudgetLine>();
      for (const q of expandProfiles(cfg, [p])) for (const l of byProfile.get(q) ?? []) extra.add(l);
      scopes.push({ label: `profile "${p}"`, base: always, baseSum: alwaysSum, extra: [...extra] });
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
  for (const { label, base, baseSum, extra } of scopes) {
    const extraSum = sum(extra);
    const cpu = baseSum.cpu + extraSum.cpu;
    const mem = baseSum.mem + extraSum.mem;
    const top = (f: (l: BudgetLine) => number, fmt: (n: number) => string) => {
      const biggest = [...base, ...extra].filter((l) => f(l) > 0).sort((a, b) => f(b) - f(a));
      const shown = biggest.slice(0, TOP_SHOWN).map((l) => `${l.name} ${fmt(f(l))}`).join(", ");
      return biggest.length > TOP_SHOWN ? `${shown} and ${biggest.length - TOP_SHOWN} more` : shown;
    };
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
