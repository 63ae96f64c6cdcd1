/**
 * Cross-field checks of a parsed config: every name a section uses must be declared somewhere else
 * (networks, volumes, secrets, profiles, receivers, depends_on targets), with a "did you mean" hint.
 */
import type { z } from "zod";
import { suggest } from "../suggest.js";
import { APP_NAMES, type AppKey } from "./apps.js";
import { isSecretRef } from "./primitives.js";
import type { SocConfigShape } from "./root.js";

type Ctx = z.RefinementCtx;
type Cfg = z.output<typeof SocConfigShape>;

/** Names of the containers the config defines: enabled apps by deployable name, and services. */
export function containerNames(cfg: Cfg): string[] {
  const apps = (Object.keys(APP_NAMES) as AppKey[]).filter((k) => cfg.apps[k].enabled).map((k) => APP_NAMES[k]);
  return [...apps, ...Object.keys(cfg.services)];
}

/** Declared names, as a list (for messages) and a set (for lookups: configs may declare thousands). */
interface Known {
  list: string[];
  set: Set<string>;
}
const known = (list: string[]): Known => ({ list, set: new Set(list) });

function checkRef(ctx: Ctx, path: (string | number)[], kind: string, name: string, k: Known): void {
  if (k.set.has(name)) return;
  // Suggestions cost O(declared) each; past a thousand names a hint is both slow and unlikely to help.
  const hint = k.list.length <= 1000 ? suggest(name, k.list) : undefined;
  const list = k.list.length === 0 ? "none is declared" : k.list.length <= 20 ? `declared: ${k.list.join(", ")}` : `${k.list.length} declared`;
  ctx.addIssue({ code: "custom", path, message: `unknown ${kind} "${name}"${hint ? ` — did you mean "${hint}"?` : ""} (${list})` });
}

/** Named volume used by a mount, or undefined for bind mounts, tmpfs and anonymous volumes. */
export function namedVolumeOf(mount: string | { type: string; source?: string | undefined }): string | undefined {
  if (typeof mount !== "string") return mount.type === "volume" ? mount.source : undefined;
  const parts = mount.split(":");
  if (parts.length < 2) return undefined;
  const source = parts[0] ?? "";
  return /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(source) ? source : undefined;
}

/** Adds an issue for every reference in `cfg` that points at nothing. */
export function checkReferences(cfg: Cfg, ctx: Ctx): void {
  const networks = known(Object.keys(cfg.networks));
  const volumes = known(Object.keys(cfg.volumes));
  const secrets = known(Object.keys(cfg.secrets));
  const profiles = known(Object.keys(cfg.profiles));
  const receivers = known(Object.keys(cfg.monitoring.receivers));
  const containers = known(containerNames(cfg));

  for (const [name, p] of Object.entries(cfg.profiles)) {
    p.includes.forEach((inc, i) => checkRef(ctx, ["profiles", name, "includes", i], "profile", inc, profiles));
  }
  const appEntries = (Object.keys(APP_NAMES) as AppKey[]).map((k) => [["apps", k], cfg.apps[k], APP_NAMES[k]] as const);
  const serviceEntries = Object.entries(cfg.services).map(([n, s]) => [["services", n], s, n] as const);
  for (const [base, c, own] of [...appEntries, ...serviceEntries]) {
    if (!c.enabled) continue;
    c.networks?.forEach((n, i) => checkRef(ctx, [...base, "networks", i], "network", n, networks));
    c.profiles?.forEach((n, i) => checkRef(ctx, [...base, "profiles", i], "profile", n, profiles));
    c.secrets?.forEach((n, i) => checkRef(ctx, [...base, "secrets", i], "secret", n, secrets));
    c.volumes?.forEach((m, i) => {
      const v = namedVolumeOf(m);
      if (v !== undefined) checkRef(ctx, [...base, "volumes", i], "volume", v, volumes);
    });
    const deps = Array.isArray(c.dependsOn) ? c.dependsOn : Object.keys(c.dependsOn ?? {});
    deps.forEach((d, i) => {
      const path = Array.isArray(c.dependsOn) ? [...base, "dependsOn", i] : [...base, "dependsOn", d];
      if (d === own) ctx.addIssue({ code: "custom", path, message: `"${own}" cannot depend on itself` });
      else checkRef(ctx, path, "container (app or service)", d, containers);
    });
    if (c.networkMode !== undefined && c.networks !== undefined && c.networks.length > 0) {
      ctx.addIssue({ code: "custom", path: [...base, "networks"], message: `networkMode "${c.networkMode}" cannot be combined with networks` });
    }
  }
  const count = new Map<string, number>();
  for (const c of containers.list) count.set(c, (count.get(c) ?? 0) + 1);
  for (const name of Object.keys(cfg.services)) {
    if ((count.get(name) ?? 0) > 1) {
      ctx.addIssue({ code: "custom", path: ["services", name], message: `service "${name}" has the name of an enabled app; rename it or disable the app` });
    }
  }
  cfg.apps.aiopsAgent.alerting.receivers.forEach((r, i) =>
    checkRef(ctx, ["apps", "aiopsAgent", "alerting", "receivers", i], "receiver", r, receivers),
  );
  walkSecretRefs(cfg, [], (ref, path) => {
    if ("name" in ref.secretRef) checkRef(ctx, path, "secret", ref.secretRef.name, secrets);
  });
}

/** Calls `visit` for every {@link isSecretRef} value inside `value`, with its path. */
export function walkSecretRefs(
  value: unknown,
  path: (string | number)[],
  visit: (ref: { secretRef: { env: string } | { file: string } | { name: string } }, path: (string | number)[]) => void,
): void {
  if (isSecretRef(value)) { visit(value as never, [...path, "secretRef"]); return; }
  if (Array.isArray(value)) value.forEach((v, i) => walkSecretRefs(v, [...path, i], visit));
  else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) walkSecretRefs(v, [...path, k], visit);
}
