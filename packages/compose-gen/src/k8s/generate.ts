/**
 * Config → Kubernetes files in one call (pure): builds the model, runs the security gate every generate
 * command runs, then the Kubernetes emitter.
 */
import type { SocConfig } from "@soc/config";
import { k8sFiles } from "../emit/k8s.js";
import { toYaml } from "../emit/yaml.js";
import { securityGate, type Generated } from "../generate.js";
import { buildModel, type BuildModelOptions } from "../model/build.js";
import type { DeploymentModel } from "../model/types.js";
import { buildK8sObjects, type K8sOutput } from "./objects.js";
import { k8sSettings } from "./settings.js";

/** What {@link generateK8s} returns: the files plus the objects, unsupported containers and notes behind them. */
export interface GeneratedK8s extends Generated {
  k8s: K8sOutput;
}

/** Builds the Kubernetes output of an already built model (no security gate). */
export function k8sOf(model: DeploymentModel, config: SocConfig): { k8s: K8sOutput; files: Map<string, string> } {
  const k8s = buildK8sObjects(model, k8sSettings(config), (doc) => toYaml(doc));
  return { k8s, files: k8sFiles(model, k8s) };
}

/**
 * Generates the `k8s/` files of `config`.
 * @throws {ModelError} see `buildModel`
 * @throws {SecurityGateError} see `securityGate`
 * @throws {K8sObjectError} when a built object fails schema validation (a compose-gen bug)
 */
export function generateK8s(config: SocConfig, opts: BuildModelOptions): GeneratedK8s {
  const model = buildModel(config, opts);
  const security = securityGate(model, config, opts.configFile);
  const { k8s, files } = k8sOf(model, config);
  return { model, files, security, k8s };
}
