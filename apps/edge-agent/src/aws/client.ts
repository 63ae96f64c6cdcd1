/**
 * The real OpenSearch Service client (AWS SDK for JavaScript v3,
 * https://docs.aws.amazon.com/AWSJavaScriptSDK/v3/latest/client/opensearch/), built for one region with the Node
 * credential chain (env variables, SSO, shared config/credentials files, ECS/EC2 roles).
 * @module
 */
import { OpenSearchClient } from "@aws-sdk/client-opensearch";
import { fromNodeProviderChain } from "@aws-sdk/credential-providers";

/** The part of the client that provisioning uses (tests pass a client mocked with aws-sdk-client-mock). */
export type OpenSearchApi = Pick<OpenSearchClient, "send">;

/** Options of {@link createOpenSearchClient}. */
export interface ClientOptions {
  /** Named profile of the shared AWS config files (`--profile`); default: the chain's default. */
  readonly profile?: string;
}

/**
 * Builds the client. `maxAttempts: 1` turns the SDK's own retries off: `callWithRetry` (retry.ts) retries throttling
 * and 5xx with jittered backoff, so attempts are counted and reported in one place instead of multiplying.
 * Credentials are resolved lazily, on the first call.
 * @param region - AWS region of the domain, e.g. `eu-west-1`.
 */
export function createOpenSearchClient(region: string, opts: ClientOptions = {}): OpenSearchClient {
  return new OpenSearchClient({
    region,
    maxAttempts: 1,
    credentials: fromNodeProviderChain(opts.profile !== undefined ? { profile: opts.profile } : {}),
  });
}
