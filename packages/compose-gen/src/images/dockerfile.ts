/**
 * One app → its multi-stage Dockerfile and Dockerfile-specific ignore file. Pure: same input, same bytes.
 * Instruction reference: https://docs.docker.com/reference/dockerfile/ ; the pnpm steps follow
 * https://pnpm.io/cli/deploy (pnpm 10).
 *
 * pnpm 10's `deploy` only works on workspaces with `inject-workspace-packages=true` unless given `--legacy`.
 * This repo does not inject workspace packages (turning it on changes the lockfile), so the build stage runs
 * `pnpm --filter <pkg> deploy --prod --legacy /out`: the app's `files` (dist/) plus a production-only
 * node_modules in which workspace dependencies (@soc/config, @soc/metrics) are copied, not linked.
 */
import type { AppImage } from "./plan.js";
import { APPS_LICENSE, type ImageSettings } from "./settings.js";

/** Where the build stage puts the deployable app (`pnpm deploy` target) and the runtime stage copies it from. */
export const DEPLOY_DIR = "/out";
/** Working directory of the runtime stage: the deployed app (`dist/cli.js` is its `bin`). */
export const APP_WORKDIR = "/app";
/** The runtime stage's entrypoint: the app's bin, run by Node directly (no shell, signals reach the app). */
export const APP_ENTRYPOINT = ["node", "dist/cli.js"] as const;
/** Cache mount of the pnpm store in the build stage (BuildKit `RUN --mount=type=cache`). */
export const PNPM_STORE = "/pnpm/store";

/**
 * Paths the Dockerfile-specific ignore file (`<name>.Dockerfile.dockerignore`, read by BuildKit instead of the
 * context's .dockerignore) keeps out of the build context: installed/built trees (rebuilt inside), VCS data,
 * generated output and local env files. Source: https://docs.docker.com/build/concepts/context/#filename-and-location
 */
export const DOCKERIGNORE_PATTERNS = ["**/node_modules", "**/dist", "**/.turbo", "**/reports", "**/*.log", "**/.env", "**/.env.*", ".git", "out"] as const;

/** A string as a Dockerfile double-quoted word (JSON escapes; `$` escaped so LABEL/ENV do not substitute it). */
export function dockerQuote(s: string): string {
  return JSON.stringify(s).replace(/\$/g, "\\$");
}

/** Exec-form (JSON array) arguments of CMD/ENTRYPOINT/HEALTHCHECK. */
export function execForm(args: readonly string[]): string {
  return `[${args.map((a) => JSON.stringify(a)).join(", ")}]`;
}

/**
 * The HEALTHCHECK instruction for a Compose-style healthcheck (`["CMD", …]`, `["CMD-SHELL", "…"]`,
 * `["NONE"]`), or `HEALTHCHECK NONE` when there is none. Durations are Go durations, as Docker reads them.
 */
export function healthcheckInstruction(h: AppImage["healthcheck"]): string {
  if (h === undefined || h.test[0] === "NONE") return "HEALTHCHECK NONE";
  const opts = [`--interval=${h.interval}`, `--timeout=${h.timeout}`, ...(h.startPeriod !== undefined ? [`--start-period=${h.startPeriod}`] : []), ...(h.startInterval !== undefined ? [`--start-interval=${h.startInterval}`] : []), `--retries=${h.retries}`];
  const [form, ...rest] = h.test;
  const cmd = form === "CMD-SHELL" ? rest.join(" ") : execForm(form === "CMD" ? rest : h.test);
  return `HEALTHCHECK ${opts.join(" ")} \\\n  CMD ${cmd}`;
}

/** The OCI annotation labels of an app image. Keys: https://github.com/opencontainers/image-spec/blob/main/annotations.md */
export function ociLabels(app: AppImage, settings: Pick<ImageSettings, "source">): [string, string][] {
  return [
    ["org.opencontainers.image.title", app.name],
    ["org.opencontainers.image.description", app.description],
    ["org.opencontainers.image.version", "${VERSION}"],
    ["org.opencontainers.image.licenses", APPS_LICENSE],
    ...(settings.source !== undefined ? ([["org.opencontainers.image.source", settings.source]] as [string, string][]) : []),
  ];
}

/**
 * The Dockerfile of `app` (LF line ends, trailing newline). `header` lines become comments after the
 * `# syntax` line. Build stage: Node base, corepack-provided pnpm (the root `packageManager`), frozen-lockfile
 * install and build of the app and its workspace dependencies, `pnpm deploy --prod --legacy`. Runtime stage:
 * same base, state folders owned by the app user, the deployed app in {@link APP_WORKDIR}, non-root `USER`,
 * `EXPOSE` of the metrics port, the model's healthcheck, `ENTRYPOINT ["node","dist/cli.js"]` and the Compose
 * command as `CMD`.
 */
export function appDockerfile(app: AppImage, settings: Pick<ImageSettings, "nodeImage" | "tag" | "source">, header: string[] = []): string {
  const store = `--mount=type=cache,id=pnpm-store,target=${PNPM_STORE}`;
  const labels = ociLabels(app, settings).map(([k, v]) => `      ${k}=${k.endsWith(".version") ? `"${v}"` : dockerQuote(v)}`);
  const lines = [
    "# syntax=docker/dockerfile:1",
    ...header.map((h) => (h ? `# ${h}` : "#")),
    `ARG NODE_IMAGE=${settings.nodeImage}`,
    "",
    "# ---- build: install, build and deploy the app and its workspace dependencies ----",
    "FROM ${NODE_IMAGE} AS build",
    `ENV CI=true COREPACK_ENABLE_DOWNLOAD_PROMPT=0 npm_config_store_dir=${PNPM_STORE}`,
    "RUN corepack enable",
    "WORKDIR /repo",
    "COPY . .",
    `RUN ${store} pnpm install --frozen-lockfile --filter "${app.pkg}..."`,
    `RUN pnpm --filter "${app.pkg}..." build`,
    `RUN ${store} pnpm --filter "${app.pkg}" deploy --prod --legacy ${DEPLOY_DIR}`,
    "",
    "# ---- runtime ----",
    "FROM ${NODE_IMAGE} AS runtime",
    `ARG VERSION=${settings.tag}`,
    `LABEL ${labels.join(" \\\n").trimStart()}`,
    "ENV NODE_ENV=production",
    ...(app.stateDirs.length ? [`RUN mkdir -p ${app.stateDirs.join(" ")} && chown ${app.user} ${app.stateDirs.join(" ")}`] : []),
    `WORKDIR ${APP_WORKDIR}`,
    `COPY --from=build ${DEPLOY_DIR} ./`,
    ...(app.userNote !== undefined ? [`# ${app.userNote}`] : []),
    `USER ${app.user}`,
    `EXPOSE ${app.port}/tcp`,
    healthcheckInstruction(app.healthcheck),
    `ENTRYPOINT ${execForm(APP_ENTRYPOINT)}`,
    `CMD ${execForm(app.cmd)}`,
  ];
  return `${lines.join("\n")}\n`;
}

/** The Dockerfile-specific ignore file (see {@link DOCKERIGNORE_PATTERNS}). */
export function appDockerignore(header: string[] = []): string {
  return `${[...header.map((h) => (h ? `# ${h}` : "#")), ...DOCKERIGNORE_PATTERNS].join("\n")}\n`;
}
