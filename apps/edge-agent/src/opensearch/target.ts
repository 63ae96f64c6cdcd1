/**
 * Where the agent ships: the resolved form of the `opensearch` config section (secrets already read), consumed
 * by {@link createOpenSearchClient} and {@link resolveAwsDomainEndpoint}. Plain data, no IO.
 * @module
 */

/** Authentication to an OpenSearch endpoint. */
export type OpenSearchAuth =
  | { readonly type: "none" }
  /** HTTP basic auth (RFC 7617); `password` is the resolved secret value. */
  | { readonly type: "basic"; readonly username: string; readonly password: string }
  /** AWS Signature Version 4 for an OpenSearch Service domain (`es`) or OpenSearch Serverless (`aoss`). */
  | { readonly type: "sigv4"; readonly region: string; readonly service: "es" | "aoss" };

/** TLS settings of an `https://` endpoint. */
export interface OpenSearchTls {
  /** PEM file of the CA that signed the cluster's certificate (absolute path). */
  readonly caFile?: string;
  /** Accept any certificate (tests, self-signed lab clusters only). */
  readonly insecureSkipVerify: boolean;
}

/** An existing cluster reached by URL. */
export interface EndpointTarget {
  readonly mode: "endpoint";
  /** Base URL, e.g. `https://opensearch:9200`. */
  readonly url: string;
  readonly auth: OpenSearchAuth;
  readonly tls: OpenSearchTls;
}

/** An Amazon OpenSearch Service domain: its endpoint is looked up once at start (DescribeDomain), then SigV4. */
export interface AwsDomainTarget {
  readonly mode: "aws";
  readonly region: string;
  readonly domainName: string;
}

/** Either kind of target. */
export type OpenSearchTarget = EndpointTarget | AwsDomainTarget;
