/**
 * How the CLI reports a failed command (loaded only after one failed): the message on stderr and the exit
 * code — 1 for an invalid config or one compose-gen cannot turn into a stack, 2 for anything unexpected.
 */
import { ConfigError } from "@soc/config";
import { ExtendsError } from "../import/merge.js";
import { ComposeParseError } from "../import/compose-yaml.js";
import { K8sObjectError } from "../k8s/errors.js";
import { SecurityGateError } from "../lint/lint.js";
import { ModelError } from "../model/normalize.js";

/** Prints `err` through `print` and returns the exit code. */
export function reportError(err: unknown, print: (line: string) => void): number {
  if (err instanceof ConfigError) {
    print(err.format());
    return 1;
  }
  if (err instanceof SecurityGateError || err instanceof ComposeParseError || err instanceof ExtendsError || err instanceof ModelError) {
    print(`error: ${err.message}`);
    return 1;
  }
  if (err instanceof K8sObjectError) {
    print(`error (a compose-gen bug, please report it): ${err.message}`);
    return 2;
  }
  print(err instanceof Error ? (err.stack ?? err.message) : String(err));
  return 2;
}
