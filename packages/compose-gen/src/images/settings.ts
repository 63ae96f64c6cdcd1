/**
 * What the image emitter reads besides the model: image naming and platforms from the config's `images`
 * section, the Node base image and where the monorepo (the build context) sits relative to the output.
 */
import path from "node:path";
import type { SocConfig } from "@soc/config";

/**
 * Default Node base image of both stages: Node 24 (the apps' build target) on Debian bookworm, slim variant.
 * Overridable per build through the `NODE_IMAGE` build argument / bake variable, e.g. to pin a digest
 * (`node:24-bookworm-slim@sha256:…`). Source: https://hub.docker.com/_/node
 */
export const DEFAULT_NODE_IMAGE = "node:24-bookworm-slim";

/** The uid:gid the runtime stage runs as when the app's config sets no numeric `user` (same default as the Compose/K8s output). */
export const DEFAULT_IMAGE_USER = "10001:10001";

/** The licence of the apps (SPDX id), for the `org.opencontainers.image.licenses` label. */
export const APPS_LICENSE = "Apache-2.0";

/** Settings of {@link emitImages}. */
export interface ImageSettings {
  /** Registry/namespace the apps' default image names start with (`images.registry`, e.g. `ghcr.io/soc-stack`). */
  registry: string;
  /** Image tag of the apps (`images.tag`); also the `org.opencontainers.image.version` label. */
  tag: string;
  /** Platforms every target is built for (`images.platforms`, default `linux/amd64` + `linux/arm64`). */
  platforms: string[];
  /** Node base image of both stages (default {@link DEFAULT_NODE_IMAGE}). */
  nodeImage: string;
  /** Absolute path of the monorepo root: the build context. The bake file names the Dockerfiles relative to it. */
  repoRoot: string;
  /** URL of the source repository for `org.opencontainers.image.source`; omitted when unknown. */
  source?: string;
}

/**
 * The image settings of `config`. `repoRoot` is the monorepo root (absolute, or resolved against the
 * working directory by `path.resolve`); `source` the repository URL if known. Pure apart from that resolve.
 */
export function imageSettings(config: Pick<SocConfig, "images">, repoRoot: string, extra: { nodeImage?: string; source?: string } = {}): ImageSettings {
  return {
    registry: config.images.registry,
    tag: config.images.tag,
    platforms: [...config.images.platforms],
    nodeImage: extra.nodeImage ?? DEFAULT_NODE_IMAGE,
    repoRoot: path.resolve(repoRoot),
    ...(extra.source !== undefined ? { source: extra.source } : {}),
  };
}
