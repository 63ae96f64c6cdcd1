/** Errors of the Kubernetes output (kept apart from the builders so the CLI can import them cheaply). */

/** Thrown when a built object fails the `kubernetes-models` schema (a compose-gen bug, never a config error). */
export class K8sObjectError extends Error {
  override readonly name = "K8sObjectError";
  /** @param kind object kind; @param objectName metadata.name; @param cause the validator's error */
  constructor(readonly kind: string, readonly objectName: string, cause: unknown) {
    super(`${kind} ${objectName} is not a valid Kubernetes object: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
