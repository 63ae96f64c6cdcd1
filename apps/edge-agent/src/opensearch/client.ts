/**
 * Builds the official OpenSearch JavaScript client (`@opensearch-project/opensearch`,
 * https://opensearch.org/docs/latest/clients/javascript/) for an {@link EndpointTarget}: no auth, HTTP basic auth,
 * or AWS SigV4 through the client's `AwsSigv4Signer` (credentials from the AWS SDK's default Node provider chain:
 * env, shared config/SSO, web identity, ECS/IMDS — `fromNodeProviderChain` of `@aws-sdk/credential-providers`).
 *
 * The client never retries on its own (`maxRetries: 0`): the shipper owns retries, so backoff, per-item retries and
 * metrics see every attempt. Request bodies are gzip-compressed when asked (SigV4 signs the compressed bytes).
 * @module
 */
import { readFile as fsReadFile } from "node:fs/promises";
import { Client, type ClientOptions } from "@opensearch-project/opensearch";
import { AwsSigv4Signer } from "@opensearch-project/opensearch/aws";
import type { EndpointTarget } from "./target.js";

/** AWS credentials as the SDK returns them. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  /** When temporary credentials expire; the signer refreshes before that. */
  readonly expiration?: Date;
}

/** Returns (possibly refreshed) AWS credentials; an AWS SDK credential provider fits. */
export type AwsCredentialProvider = () => Promise<AwsCredentials>;

/** Transport settings of the client. */
export interface ClientSettings {
  /** Per-request timeout in milliseconds (`opensearch` client `requestTimeout`). */
  readonly requestTimeoutMs: number;
  /** gzip request bodies (`Content-Encoding: gzip`). */
  readonly compression: boolean;
}

/** Injected IO, for tests. */
export interface ClientDeps {
  /** SigV4 credentials. Default: `fromNodeProviderChain()` (never called for other auth types). */
  readonly credentials?: AwsCredentialProvider;
  /** Reads the CA file. Default `fs.readFile`. */
  readonly readFile?: (path: string) => Promise<Buffer>;
}

/** Thrown when the client cannot be built from the target (unreadable CA file, bad URL). */
export class OpenSearchClientSetupError extends Error {
  override readonly name = "OpenSearchClientSetupError";
  constructor(
    message: string,
    /** The endpoint URL being configured. */
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Creates the client for one endpoint.
 *
 * @param target - URL, auth (secrets resolved) and TLS settings.
 * @param settings - timeout and compression.
 * @param deps - credentials provider and file reader overrides.
 * @returns a client with `maxRetries: 0`; close it with `client.close()`.
 * @throws {OpenSearchClientSetupError} if the URL is invalid or the CA file cannot be read.
 */
export async function createOpenSearchClient(target: EndpointTarget, settings: ClientSettings, deps: ClientDeps = {}): Promise<Client> {
  let url: URL;
  try {
    url = new URL(target.url);
  } catch (err) {
    throw new OpenSearchClientSetupError(`invalid OpenSearch URL ${JSON.stringify(target.url)}`, target.url, { cause: err });
  }
  const options: ClientOptions = {
    node: url.toString(),
    maxRetries: 0,
    requestTimeout: settings.requestTimeoutMs,
    ...(settings.compression ? { compression: "gzip" as const } : {}),
  };
  if (url.protocol === "https:") {
    let ca: Buffer | undefined;
    if (target.tls.caFile !== undefined) {
      try {
        ca = await (deps.readFile ?? fsReadFile)(target.tls.caFile);
      } catch (err) {
        throw new OpenSearchClientSetupError(`cannot read the CA file ${target.tls.caFile}: ${(err as Error).message}`, target.url, { cause: err });
      }
    }
    options.ssl = { ...(ca ? { ca } : {}), rejectUnauthorized: !target.tls.insecureSkipVerify };
  }
  const auth = target.auth;
  if (auth.type === "basic") {
    options.auth = { username: auth.username, password: auth.password };
  } else if (auth.type === "sigv4") {
    // Loaded only for SigV4: the AWS SDK is a large module graph that basic-auth deployments never need.
    const getCredentials = deps.credentials ?? (await import("@aws-sdk/credential-providers")).fromNodeProviderChain();
    const signer = AwsSigv4Signer({ region: auth.region, service: auth.service, getCredentials });
    options.Connection = signer.Connection;
    options.Transport = signer.Transport;
  }
  return new Client(options);
}
