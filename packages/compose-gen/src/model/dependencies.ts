/**
 * `dependsOn` → Compose long-form `depends_on` with conditions. A list entry waits for `service_healthy`
 * when the target has a healthcheck, else `service_started`. A dependency that `docker compose --profile X`
 * may not start together with the dependent gets `required: false` (Compose ≥ 2.20 then starts the dependent
 * without it) and a warning. Source: https://docs.docker.com/reference/compose-file/services/#depends_on
 */
import type { RawDependsOn } from "./container.js";
import type { ContainerSpec, DependencySpec, ModelWarning } from "./types.js";

/**
 * True when every profile selection that starts `dependent` also starts `target`. Profiles are already
 * expanded (a service in `elk` also lists `full` when `full` includes `elk`), so `--profile p` starts
 * exactly the containers with no profile or listing `p`.
 */
export function startedTogether(dependent: ContainerSpec, target: ContainerSpec): boolean {
  if (target.profiles.length === 0) return true;
  if (dependent.profiles.length === 0) return false;
  return dependent.profiles.every((p) => target.profiles.includes(p));
}

/** Resolves every container's dependencies in place; drops (with a warning) dependencies on disabled containers. */
export function resolveDependencies(built: { spec: ContainerSpec; rawDependsOn: RawDependsOn }[], warnings: ModelWarning[]): void {
  const byName = new Map(built.map((b) => [b.spec.name, b.spec]));
  for (const { spec, rawDependsOn } of built) {
    const entries: [string, Partial<DependencySpec>][] = Array.isArray(rawDependsOn)
      ? rawDependsOn.map((n) => [n, {}])
      : Object.entries(rawDependsOn ?? {}).map(([n, d]) => [n, { condition: d.condition, ...(d.required !== undefined ? { required: d.required } : {}), ...(d.restart !== undefined ? { restart: d.restart } : {}) }]);
    const out: Record<string, DependencySpec> = {};
    for (const [name, d] of entries.sort(([a], [b]) => a.localeCompare(b))) {
      const target = byName.get(name);
      if (target === undefined) {
        warnings.push({ path: [...spec.origin, "dependsOn", name], message: `${spec.name} depends on "${name}", which is disabled; the dependency is left out` });
        continue;
      }
      const condition = d.condition ?? (target.healthcheck !== undefined ? "service_healthy" : "service_started");
      let required = d.required ?? true;
      if (required && !startedTogether(spec, target)) {
        required = false;
        const missing = spec.profiles.filter((p) => !target.profiles.includes(p));
        const why = spec.profiles.length
          ? `docker compose ${missing.map((p) => `--profile ${p}`).join(" or ")} starts ${spec.name} without ${name}`
          : `${spec.name} is always started but ${name} only with --profile ${target.profiles.join("/")}`;
        warnings.push({ path: [...spec.origin, "dependsOn", name], message: `${why}; the dependency is marked required: false` });
      }
      if (condition === "service_healthy" && target.healthcheck === undefined) {
        warnings.push({ path: [...spec.origin, "dependsOn", name], message: `${spec.name} waits for ${name} to be healthy, but ${name} has no healthcheck in the config (its image must define one)` });
      }
      out[name] = { condition, required, ...(d.restart !== undefined ? { restart: d.restart } : {}) };
    }
    spec.dependsOn = out;
  }
}
