/**
 * Looks up the HTTPS endpoint of an Amazon OpenSearch Service domain once at start, with `DescribeDomain`
 * (https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_DescribeDomain.html): the public
 * `Endpoint`, else the VPC endpoint (`Endpoints.vpc`), else the dual-stack `EndpointV2`. Provisioning lives in
 * `edge-agent opensearch create-domain`; this module only reads.
 * @module
 */
import type { OpenSearchClient } from "@aws-sdk/client-opensearch";
import type { AwsCredentialProvider } from "./client.js";
import type { AwsDomainTarget } from "./target.js";

/** Thrown when the domain has no usable endpoint yet, is being deleted, or cannot be described. */
export class DomainEndpointError extends Error {
  override readonly name = "DomainEndpointError";
  constructor(
    message: string,
    /** The domain looked up. */
    readonly domainName: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Injected IO, for tests (`aws-sdk-client-mock` mocks the client class, so the default works there too). */
export interface DomainEndpointDeps {
  /** A ready client. Default: `new OpenSearchClient({ region, credentials })`, destroyed after the call. */
  readonly client?: OpenSearchClient;
  /** Credentials for the default client. Default: the SDK's default chain. */
  readonly credentials?: AwsCredentialProvider;
}

/**
 * Resolves the domain's base URL.
 *
 * @param target - region and domain name from the config.
 * @param deps - client or credentials overrides.
 * @returns `https://<endpoint>` (no trailing slash).
 * @throws {DomainEndpointError} if DescribeDomain fails (AccessDenied, ResourceNotFound, network), the domain is
 *   deleted, or it has no endpoint yet (still being created: `Processing: true`).
 */
export async function resolveAwsDomainEndpoint(target: AwsDomainTarget, deps: DomainEndpointDeps = {}): Promise<string> {
  // Loaded on first use: only `mode: aws` needs the AWS SDK.
  const { DescribeDomainCommand, OpenSearchClient: Sdk } = await import("@aws-sdk/client-opensearch");
  const client = deps.client ?? new Sdk({ region: target.region, ...(deps.credentials ? { credentials: deps.credentials } : {}) });
  let status;
  try {
    status = (await client.send(new DescribeDomainCommand({ DomainName: target.domainName }))).DomainStatus;
  } catch (err) {
    throw new DomainEndpointError(`DescribeDomain ${target.domainName} in ${target.region} failed: ${(err as Error).message}`, target.domainName, { cause: err });
  } finally {
    if (!deps.client) client.destroy();
  }
  if (!status) throw new DomainEndpointError(`DescribeDomain ${target.domainName} returned no DomainStatus`, target.domainName);
  if (status.Deleted) throw new DomainEndpointError(`domain ${target.domainName} is being deleted`, target.domainName);
  const host = status.Endpoint ?? status.Endpoints?.["vpc"] ?? status.EndpointV2;
  if (!host) {
    const why = status.Processing ? "it is still being created (Processing: true)" : "DescribeDomain returned none";
    throw new DomainEndpointError(`domain ${target.domainName} has no endpoint yet: ${why}`, target.domainName);
  }
  return `https://${host.replace(/^https?:\/\//, "").replace(/\/+$/, "")}`;
}
