/**
 * Environment variables the generated stack reads at deploy time: secret env references, env-sourced
 * secrets, and Compose interpolation (`${VAR}`, `${VAR:-default}`, `${VAR:?err}`, `$VAR`) in any string a
 * container carries. Interpolation syntax: https://docs.docker.com/reference/compose-file/interpolation/
 */
import type { ContainerSpec, EnvVarSpec, EnvVarUse, SecretSpec } from "./types.js";

/** One interpolation found in a string. */
export interface Interpolation {
  name: string;
  /** `:-`/`-` default, `:?`/`?` required, `:+`/`+` alternative, or none. */
  operator?: string;
  argument?: string;
}

/** Finds the interpolations in `s`, skipping `$$` escapes. */
export function findInterpolations(s: string): Interpolation[] {
  const out: Interpolation[] = [];
  const re = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;
  for (const m of s.matchAll(re)) {
    if (m[0] === "$$") continue;
    const name = (m[1] ?? m[4]) as string;
    out.push({ name, ...(m[2] !== undefined ? { operator: m[2], argument: m[3] ?? "" } : {}) });
  }
  return out;
}

const FIELD_NAMES: Record<string, string> = { env: "environment", mounts: "volumes", networkMode: "network_mode", extraHosts: "extra_hosts" };

function walkStrings(value: unknown, path: string[], visit: (s: string, path: string[]) => void): void {
  if (typeof value === "string") visit(value, path);
  else if (Array.isArray(value)) value.forEach((v, i) => walkStrings(v, [...path, String(i)], visit));
  else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) walkStrings(v, [...path, k], visit);
}

/** Every deploy-time environment variable of the stack, sorted by name, each with its uses. */
export function collectEnvVars(containers: ContainerSpec[], secrets: SecretSpec[]): EnvVarSpec[] {
  const uses = new Map<string, EnvVarUse[]>();
  const add = (name: string, use: EnvVarUse) => {
    const list = uses.get(name) ?? [];
    if (!list.some((u) => u.where === use.where)) list.push(use);
    uses.set(name, list);
  };
  for (const c of containers) {
    for (const [key, v] of Object.entries(c.env)) {
      if (v.kind === "secretEnv") add(v.name, { where: `services.${c.name}.environment.${key}`, required: true, secret: true });
    }
    const { origin: _o, waivers: _w, description: _d, scrape: _s, labels: _l, kind: _k, ...fields } = c;
    walkStrings(fields, [], (s, path) => {
      const head = path[0] as string;
      const where = `services.${c.name}.${[FIELD_NAMES[head] ?? head, ...path.slice(1)].join(".")}`.replace(/\.value$/, "");
      for (const i of findInterpolations(s)) {
        const required = i.operator === "?" || i.operator === ":?";
        const dflt = i.operator === "-" || i.operator === ":-" ? i.argument : undefined;
        add(i.name, { where, required, secret: false, ...(dflt !== undefined ? { default: dflt } : {}) });
      }
    });
  }
  for (const s of secrets) if ("env" in s.source) add(s.source.env, { where: `secrets.${s.name}`, required: true, secret: true });
  return [...uses.keys()].sort().map((name) => ({ name, uses: (uses.get(name) ?? []).sort((a, b) => a.where.localeCompare(b.where)) }));
}
