/**
 * Budget check of what compose-gen adds: the config's own check (in @soc/config) covers the containers the
 * config declares; generated containers (the Docker socket proxy) are checked here against the same host
 * capacity and scopes, as a warning.
 */
import { expandProfiles, parseMemoryBytes, type SocConfig } from "@soc/config";
import { composeBytes } from "./bytes.js";
import type { ContainerSpec, ModelWarning } from "./types.js";

/** Warns when the containers, generated ones included, exceed the host minus its headroom in some scope. */
export function checkGeneratedBudget(config: SocConfig, containers: ContainerSpec[]): ModelWarning[] {
  if (!containers.some((c) => c.kind === "generated")) return [];
  const cpuCap = config.host.cpus - config.host.headroom.cpus;
  const memCap = parseMemoryBytes(config.host.memory) - parseMemoryBytes(config.host.headroom.memory);
  const scopes: [string, ContainerSpec[]][] = [];
  if (config.host.budgetScope === "all") scopes.push(["all containers", containers]);
  else {
    scopes.push(["the always-on containers", containers.filter((c) => c.profiles.length === 0)]);
    for (const p of Object.keys(config.profiles).sort()) {
      const on = expandProfiles(config, [p]);
      scopes.push([`profile "${p}"`, containers.filter((c) => c.profiles.length === 0 || c.profiles.some((x) => on.has(x)))]);
    }
  }
  const out: ModelWarning[] = [];
  for (const [label, active] of scopes) {
    if (!active.some((c) => c.kind === "generated")) continue;
    const cpu = active.reduce((s, c) => s + (c.resources.limits.cpus ?? 0), 0);
    const mem = active.reduce((s, c) => s + (c.resources.limits.memoryBytes ?? 0), 0);
    const generated = active.filter((c) => c.kind === "generated").map((c) => c.name).join(", ");
    if (cpu > cpuCap + 1e-9) out.push({ path: ["host", "cpus"], message: `with the generated ${generated}, CPU limits of ${label} add up to ${+cpu.toFixed(3)} cores, more than the ${+cpuCap.toFixed(3)} available` });
    if (mem > memCap) out.push({ path: ["host", "memory"], message: `with the generated ${generated}, memory limits of ${label} add up to ${composeBytes(mem)}, more than the ${composeBytes(memCap)} available` });
  }
  return out;
}
