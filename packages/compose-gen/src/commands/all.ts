/**
 * Every output of a config in one go — `compose/`, `k8s/`, `prometheus/` and `images/` — from one model: the pure part of
 * `compose-gen all` (the action is in `k8s/actions.ts`), reused by `check`.
 */
import path from "node:path";
import type { SocConfig } from "@soc/config";
import { COMPOSE_DIR, emitCompose } from "../emit/compose.js";
import { K8S_DIR } from "../emit/k8s.js";
import { securityGate } from "../generate.js";
import { k8sOf, type GeneratedK8s } from "../k8s/generate.js";
import { emitImages, IMAGES_DIR } from "../images/emit.js";
import { imageSettings } from "../images/settings.js";
import { buildModel, type BuildModelOptions } from "../model/build.js";
import { emitPrometheus, PROMETHEUS_DIR } from "../prometheus/config.js";
import { prometheusSettings } from "../prometheus/settings.js";

/** Output folders (under the output root) `all` owns: `check` reports files in them that it would not write. */
export const GENERATED_DIRS = [COMPOSE_DIR, K8S_DIR, PROMETHEUS_DIR, IMAGES_DIR] as const;

/** Options of {@link generateAll}: the model's, plus the monorepo root the image builds use as context. */
export interface GenerateAllOptions extends BuildModelOptions {
  /** Monorepo root (build context of the images). Default: two folders above `outDir` (the CLI's `out/<name>` layout). */
  repoRoot?: string;
}

/**
 * Generates every output of `config`: Compose, Kubernetes, Prometheus and image build files in one map
 * (paths relative to the output root). Pure.
 * @throws {ModelError} see `buildModel`
 * @throws {SecurityGateError} see `securityGate`
 * @throws {K8sObjectError} when a built object fails schema validation (a compose-gen bug)
 * @throws {PrometheusSettingsError} see `prometheusSettings`
 * @throws {ImagePlanError} see `appImages`
 */
export function generateAll(config: SocConfig, opts: GenerateAllOptions): GeneratedK8s {
  const model = buildModel(config, opts);
  const security = securityGate(model, config, opts.configFile);
  const { k8s, files: k8sFiles } = k8sOf(model, config);
  const files = new Map([...emitCompose(model), ...k8sFiles, ...emitPrometheus(model, prometheusSettings(config)), ...emitImages(model, imageSettings(config, opts.repoRoot ?? path.resolve(opts.outDir, "..", "..")))]);
  return { model, files, security, k8s };
}
