/**
 * Config → files in one call: builds the model once and runs an emitter on it. Pure (no IO); the CLI loads
 * the config before and writes the files after (see `write.ts`).
 */
import type { SocConfig } from "@soc/config";
import { emitCompose } from "./emit/compose.js";
import { buildModel, type BuildModelOptions } from "./model/build.js";
import type { DeploymentModel } from "./model/types.js";

/** The model and the files emitted from it (path relative to the output folder → contents). */
export interface Generated {
  model: DeploymentModel;
  files: Map<string, string>;
}

/**
 * Generates the Compose output of `config`.
 * @throws {ModelError} see `buildModel`
 */
export function generateCompose(config: SocConfig, opts: BuildModelOptions): Generated {
  const model = buildModel(config, opts);
  return { model, files: emitCompose(model) };
}
