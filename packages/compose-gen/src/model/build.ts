/**
 * `buildModel`: config → the normalised {@link DeploymentModel} every emitter reads.
 */
import path from "node:path";
import { expandProfiles, type SocConfig } from "@soc/config";
import { buildAppConfig } from "./app-config.js";
import { APP_CONFIG_NAME, buildApps } from "./apps.js";
import type { BuildContext } from "./container.js";
import { resolveDependencies } from "./dependencies.js";
import { collectEnvVars } from "./envvars.js";
import { ModelError, sortRecord } from "./normalize.js";
import { SecretRegistry } from "./secrets.js";
import { buildServices } from "./services.js";
import { checkGeneratedBudget } from "./budget.js";
import type { DeploymentModel, NetworkSpec, ProfileSpec, VolumeSpec } from "./types.js";

/** Options of {@link buildModel}. */
export interface BuildModelOptions {
  /** Folder of the config file: relative paths in the config (bind mounts, secret files, build contexts) resolve against it. */
  baseDir: string;
  /** Output root; emitters' file names are relative to it and relative paths they write are computed from it. */
  outDir: string;
  /** The config file, for the generated files' headers (any path; stored relative to `outDir`). */
  configFile?: string;
}

/** For each declared profile, every profile it activates through `includes` (itself included, sorted). */
export function profileClosures(config: Pick<SocConfig, "profiles">): ProfileSpec[] {
  return Object.keys(config.profiles).sort().map((name) => {
    const p = config.profiles[name];
    return { name, ...(p?.description !== undefined ? { description: p.description } : {}), activates: [...expandProfiles(config, [name])].sort() };
  });
}

/**
 * Expands a container's profiles: it also belongs to every profile whose `includes` closure reaches one of
 * its own (a service in `elk` also gets `full` when `full` includes `elk`). Compose has no profile
 * inheritance, so this is how `docker compose --profile full` starts the services of `elk`.
 */
export function expandContainerProfiles(own: string[], closures: ProfileSpec[]): string[] {
  if (own.length === 0) return [];
  const out = new Set(own);
  for (const p of closures) if (p.activates.some((a) => own.includes(a))) out.add(p.name);
  return [...out].sort();
}

/**
 * Builds the deployment model of a parsed config: every enabled app and service as a container with every
 * default resolved (see the package README for the rules), plus networks, volumes, secrets, the apps'
 * config file, the profiles and the deploy-time environment variables. Pure: reads no files and no env.
 * @param config a config parsed by `SocConfigSchema` (defaults applied, references checked)
 * @throws {ModelError} when the config uses a name compose-gen reserves (`docker-socket-proxy`, `docker-api`)
 *   or a value the model cannot represent
 */
export function buildModel(config: SocConfig, opts: BuildModelOptions): DeploymentModel {
  const baseDir = path.resolve(opts.baseDir);
  const outDir = path.resolve(opts.outDir);
  const closures = profileClosures(config);
  const registry = new SecretRegistry(config, baseDir);
  const ctx: BuildContext = { config, baseDir, registry, warnings: [], expandProfiles: (own) => expandContainerProfiles(own, closures) };

  const apps = buildApps(ctx);
  const built = [...apps.built, ...buildServices(ctx)].sort((a, b) => a.spec.name.localeCompare(b.spec.name));
  const names = new Set<string>();
  for (const b of built) {
    if (names.has(b.spec.name)) throw new ModelError(b.spec.origin, `two containers are named "${b.spec.name}"`);
    names.add(b.spec.name);
  }
  resolveDependencies(built, ctx.warnings);
  const containers = built.map((b) => b.spec);
  ctx.warnings.push(...checkGeneratedBudget(config, containers));

  const networks: NetworkSpec[] = [
    ...Object.entries(sortRecord(config.networks)).map(([name, n]) => ({
      name,
      ...(n.description !== undefined ? { description: n.description } : {}),
      driver: n.driver,
      internal: n.internal,
      ...(n.subnet !== undefined ? { subnet: n.subnet } : {}),
      ...(n.external !== undefined ? { external: n.external } : {}),
    })),
    ...apps.extras.networks,
  ].sort((a, b) => a.name.localeCompare(b.name));

  const declaredVolumes: VolumeSpec[] = Object.entries(sortRecord(config.volumes)).map(([name, v]) => ({
    name,
    ...(v.description !== undefined ? { description: v.description } : {}),
    ...(v.driver !== undefined ? { driver: v.driver } : {}),
    ...(v.driverOpts !== undefined ? { driverOpts: sortRecord(v.driverOpts) } : {}),
    ...(v.external !== undefined ? { external: v.external } : {}),
  }));
  const volumes = [...declaredVolumes, ...apps.extras.volumes.filter((g) => !declaredVolumes.some((d) => d.name === g.name))]
    .sort((a, b) => a.name.localeCompare(b.name));

  const used = new Set(containers.flatMap((c) => c.secrets));
  const secrets = registry.specs(used);
  const inApps = new Set(containers.filter((c) => c.kind === "app").flatMap((c) => c.secrets));
  const anyApp = containers.some((c) => c.kind === "app");

  return {
    project: { name: config.project.name, ...(config.project.description !== undefined ? { description: config.project.description } : {}), environment: config.project.environment },
    ...(opts.configFile !== undefined ? { sourceFile: path.relative(outDir, path.resolve(opts.configFile)).split(path.sep).join("/") } : {}),
    outDir,
    containers,
    networks,
    volumes,
    secrets,
    configFiles: anyApp
      ? [{ name: APP_CONFIG_NAME, fileName: "soc-config.yaml", document: buildAppConfig(config, registry, baseDir, inApps, apps.extras.dockerHost), description: "resolved config of the apps (secret references only)" }]
      : [],
    profiles: closures,
    envVars: collectEnvVars(containers, secrets),
    warnings: ctx.warnings,
  };
}
