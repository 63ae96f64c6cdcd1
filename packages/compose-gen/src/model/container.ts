/**
 * The fields every container shares (apps and services): placement, env, resources, healthcheck, labels and
 * the security context, turned into a {@link ContainerSpec}. `dependsOn` is returned raw and resolved once
 * every container is known (see `dependencies.ts`).
 */
import type { SocConfig } from "@soc/config";
import { normalizeHealthcheck, normalizeMount, normalizePort, normalizeResources, sortRecord, sortedUnique } from "./normalize.js";
import { SECRETS_DIR, type SecretRegistry } from "./secrets.js";
import type { ContainerKind, ContainerSpec, EnvValue, ModelWarning, SecuritySpec } from "./types.js";

/** The container fields apps and services have in common (the config's PlacementFields + SecurityFields). */
export type ContainerFields = Pick<
  SocConfig["services"][string],
  | "profiles" | "networks" | "volumes" | "ports" | "dependsOn" | "env" | "secrets" | "resources" | "healthcheck" | "restart"
  | "labels" | "user" | "readOnly" | "capAdd" | "capDrop" | "privileged" | "pid" | "ipc" | "networkMode" | "securityOpt"
  | "ulimits" | "tmpfs" | "devices" | "waive"
>;

/** A `dependsOn` as written in the config, before conditions and profiles are resolved. */
export type RawDependsOn = ContainerFields["dependsOn"];

/** Shared inputs of the container builders. */
export interface BuildContext {
  config: SocConfig;
  baseDir: string;
  registry: SecretRegistry;
  warnings: ModelWarning[];
  /** Expands a container's own profiles with every profile whose `includes` closure reaches them. */
  expandProfiles: (own: string[]) => string[];
}

/** Label keys every container carries. */
export const LABEL_PROJECT = "org.soc-stack.project";
/** @see {@link LABEL_PROJECT} */
export const LABEL_COMPONENT = "org.soc-stack.component";

/** The hardened security context of our own apps. */
export function hardenedSecurity(f: ContainerFields): SecuritySpec {
  const opts = f.securityOpt ?? [];
  const nnp = opts.some((o) => o.startsWith("no-new-privileges")) ? [] : ["no-new-privileges:true"];
  return {
    user: f.user ?? "10001:10001",
    readOnly: f.readOnly ?? true,
    capAdd: f.capAdd ?? [],
    capDrop: f.capDrop ?? ["ALL"],
    privileged: f.privileged ?? false,
    ...(f.pid !== undefined ? { pid: f.pid } : {}),
    ...(f.ipc !== undefined ? { ipc: f.ipc } : {}),
    securityOpt: [...nnp, ...opts],
    ulimits: sortRecord(f.ulimits),
    tmpfs: sortedUnique(["/tmp", ...(f.tmpfs ?? [])]),
    devices: f.devices ?? [],
  };
}

/** The security context a third-party service declares, nothing added. */
export function declaredSecurity(f: ContainerFields): SecuritySpec {
  return {
    ...(f.user !== undefined ? { user: f.user } : {}),
    readOnly: f.readOnly ?? false,
    capAdd: f.capAdd ?? [],
    capDrop: f.capDrop ?? [],
    privileged: f.privileged ?? false,
    ...(f.pid !== undefined ? { pid: f.pid } : {}),
    ...(f.ipc !== undefined ? { ipc: f.ipc } : {}),
    securityOpt: f.securityOpt ?? [],
    ulimits: sortRecord(f.ulimits),
    tmpfs: f.tmpfs ?? [],
    devices: f.devices ?? [],
  };
}

/**
 * Env values: literals become strings; `{secretRef:{env}}` stays a typed reference; `{secretRef:{file|name}}`
 * cannot be an env value in Compose (no file→env interpolation), so the secret is mounted instead and a
 * warning names the path to point the image's `*_FILE` variable at.
 */
function buildEnv(name: string, origin: string[], f: ContainerFields, ctx: BuildContext, mounts: Set<string>): Record<string, EnvValue> {
  const env: Record<string, EnvValue> = {};
  for (const [key, v] of Object.entries(sortRecord(f.env))) {
    if (typeof v === "object") {
      const r = v.secretRef;
      if ("env" in r) env[key] = { kind: "secretEnv", name: r.env };
      else {
        const secret = ctx.registry.secretNameOf(r, ctx.baseDir) ?? "unknown";
        mounts.add(secret);
        ctx.warnings.push({
          path: [...origin, "env", key],
          message: `${name}: env ${key} refers to a secret file; Compose cannot put a file's content in an environment variable, so the secret is mounted at ${SECRETS_DIR}/${secret} instead — point the image's *_FILE variable (if it has one) at that path`,
        });
      }
    } else env[key] = { kind: "literal", value: String(v) };
  }
  return env;
}

/** Builds the shared part of a container; the caller adds image/command and kind-specific defaults. */
export function baseContainer(
  name: string,
  kind: ContainerKind,
  origin: string[],
  f: ContainerFields,
  security: SecuritySpec,
  ctx: BuildContext,
): { spec: ContainerSpec; rawDependsOn: RawDependsOn } {
  const mounts = new Set<string>(f.secrets ?? []);
  const env = buildEnv(name, origin, f, ctx, mounts);
  const spec: ContainerSpec = {
    name,
    kind,
    origin,
    profiles: ctx.expandProfiles(f.profiles ?? []),
    restart: f.restart ?? "unless-stopped",
    dependsOn: {},
    env,
    ports: (f.ports ?? []).map((p, i) => normalizePort(p, [...origin, "ports", String(i)])),
    expose: [],
    networks: sortedUnique(f.networks ?? []),
    ...(f.networkMode !== undefined ? { networkMode: f.networkMode } : {}),
    mounts: (f.volumes ?? []).map((m) => normalizeMount(m, ctx.baseDir)),
    configs: [],
    secrets: [...mounts].sort(),
    ...(f.healthcheck !== undefined ? { healthcheck: normalizeHealthcheck(f.healthcheck) } : {}),
    resources: normalizeResources(f.resources),
    security,
    labels: sortRecord({ ...f.labels, [LABEL_PROJECT]: ctx.config.project.name, [LABEL_COMPONENT]: name }),
    extraHosts: [],
    waivers: f.waive ?? [],
  };
  return { spec, rawDependsOn: f.dependsOn };
}
