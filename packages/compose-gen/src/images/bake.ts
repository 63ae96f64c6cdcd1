/**
 * The apps' images → `docker-bake.hcl`: one target per enabled app, a `default` group with all of them, and
 * variables to retarget the build. Pure: same input, same bytes.
 * Format: https://docs.docker.com/build/bake/reference/ (HCL syntax: https://github.com/hashicorp/hcl/blob/main/hclsyntax/spec.md)
 *
 * Paths: Bake resolves a relative `context` against the directory `docker buildx bake` runs in, and a
 * relative `dockerfile` against the context. So the file is meant to be run from the monorepo root
 * (`CONTEXT` defaults to `.`) and names each Dockerfile as `${IMAGES_DIR}/<app>.Dockerfile`, `IMAGES_DIR`
 * defaulting to the images folder relative to the repo root. Override either with environment variables.
 */
import type { AppImage } from "./plan.js";
import type { ImageSettings } from "./settings.js";

/** Bake variables the generated file declares, in output order. */
export const BAKE_VARIABLES = ["REGISTRY", "TAG", "NODE_IMAGE", "CONTEXT", "IMAGES_DIR"] as const;

/** A string as an HCL quoted template with no interpolation (escapes `"`, `\`, control characters, `${` and `%{`). */
export function hclString(s: string): string {
  return JSON.stringify(s).replace(/\$\{/g, "$$$${").replace(/%\{/g, "%%{");
}

/** The bake tag of an app: `${REGISTRY}/<name>:${TAG}` for the default name, else the configured image as is. */
export function bakeTag(app: AppImage): string {
  return app.defaultName ? `"\${REGISTRY}/${app.name}:\${TAG}"` : hclString(app.image);
}

/** The Dockerfile name of an app inside the images folder. */
export const dockerfileName = (app: Pick<AppImage, "name">): string => `${app.name}.Dockerfile`;

function variable(name: string, value: string, description: string): string[] {
  // A comment, not the `description` attribute: older buildx releases reject attributes they do not know.
  return [`# ${description}`, `variable ${hclString(name)} {`, `  default = ${hclString(value)}`, "}", ""];
}

/**
 * The bake file. `imagesDir` is the images folder relative to the repo root (POSIX). `header` lines become
 * `#` comments. Each target: `context = CONTEXT`, `dockerfile`, `platforms` (settings), `tags` (see
 * {@link bakeTag}), `args` NODE_IMAGE and VERSION (= TAG), and the OCI title label.
 */
export function bakeFile(apps: AppImage[], settings: Pick<ImageSettings, "registry" | "tag" | "nodeImage" | "platforms">, imagesDir: string, header: string[] = []): string {
  const lines = [
    ...header.map((h) => (h ? `# ${h}` : "#")),
    ...(header.length ? [""] : []),
    ...variable("REGISTRY", settings.registry, "Registry/namespace of the app images (images.registry)."),
    ...variable("TAG", settings.tag, "Tag of the app images (images.tag); also their org.opencontainers.image.version."),
    ...variable("NODE_IMAGE", settings.nodeImage, "Node base image of both stages; pin a digest here (node:24-bookworm-slim@sha256:...)."),
    ...variable("CONTEXT", ".", "Build context: the monorepo root, relative to where bake runs."),
    ...variable("IMAGES_DIR", imagesDir, "This folder, relative to CONTEXT (Bake reads dockerfile paths relative to the context)."),
    "group \"default\" {",
    `  targets = [${apps.map((a) => hclString(a.name)).join(", ")}]`,
    "}",
  ];
  for (const a of apps) {
    lines.push(
      "",
      `target ${hclString(a.name)} {`,
      "  context    = CONTEXT",
      `  dockerfile = "\${IMAGES_DIR}/${dockerfileName(a)}"`,
      `  platforms  = [${settings.platforms.map(hclString).join(", ")}]`,
      `  tags       = [${bakeTag(a)}]`,
      "  args = {",
      "    NODE_IMAGE = NODE_IMAGE",
      "    VERSION    = TAG",
      "  }",
      "}",
    );
  }
  return `${lines.join("\n")}\n`;
}
