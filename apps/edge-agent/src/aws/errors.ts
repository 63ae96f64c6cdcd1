/**
 * Typed errors of OpenSearch Service domain provisioning (`edge-agent opensearch create-domain`).
 *
 * AWS errors keep the service's error name (e.g. `ValidationException`, `AccessDeniedException`), message, HTTP
 * status and request id, as returned by the APIs documented at
 * https://docs.aws.amazon.com/opensearch-service/latest/APIReference/CommonErrors.html and on each operation's page
 * (API_CreateDomain.html, API_UpdateDomainConfig.html, API_DescribeDomain.html).
 * @module
 */

/** Base class of every provisioning error; `exitCode` is what the CLI exits with. */
export abstract class DomainProvisioningError extends Error {
  /** Process exit code the CLI uses for this error (always non-zero). */
  abstract readonly exitCode: number;
}

/**
 * The config cannot be provisioned: wrong `opensearch.mode`, an unresolvable secret, or a combination
 * AWS would reject (fine-grained access without a master user, without encryption or HTTPS). Exit code 2.
 */
export class DomainConfigError extends DomainProvisioningError {
  override readonly name = "DomainConfigError";
  readonly exitCode = 2;
  /** One line per problem. */
  readonly problems: readonly string[];

  /** @param problems - one human-readable line per problem (at least one). */
  constructor(problems: readonly string[]) {
    super(problems.length === 1 ? (problems[0] as string) : `invalid OpenSearch domain config:\n  - ${problems.join("\n  - ")}`);
    this.problems = problems;
  }
}

/** The AWS operations this module calls. */
export type DomainOperation = "DescribeDomain" | "CreateDomain" | "UpdateDomainConfig";

/**
 * An AWS API call failed with an error that is not retried (validation, access denied, limit exceeded, …) or that
 * kept failing after every retry. Carries the AWS error name, message, HTTP status and request id. Exit code 1.
 */
export class AwsApiError extends DomainProvisioningError {
  override readonly name = "AwsApiError";
  readonly exitCode = 1;

  /**
   * @param operation - the API operation that failed.
   * @param code - AWS error name, e.g. `ValidationException`, `AccessDeniedException`, `ThrottlingException`.
   * @param awsMessage - the message AWS returned.
   * @param requestId - `x-amzn-RequestId` of the failed call, when known.
   * @param httpStatus - HTTP status code, when known.
   * @param attempts - how many times the call was made (more than 1 after retries).
   */
  constructor(
    readonly operation: DomainOperation,
    readonly code: string,
    readonly awsMessage: string,
    readonly requestId: string | undefined,
    readonly httpStatus: number | undefined,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    const meta = [httpStatus !== undefined ? `HTTP ${httpStatus}` : undefined, requestId !== undefined ? `request id ${requestId}` : undefined, attempts > 1 ? `after ${attempts} attempts` : undefined]
      .filter((x) => x !== undefined)
      .join(", ");
    super(`${operation} failed: ${code}: ${awsMessage}${meta ? ` (${meta})` : ""}`, options);
  }
}

/** The domain was still processing when the wait's time budget ran out. Exit code 1. */
export class DomainWaitTimeoutError extends DomainProvisioningError {
  override readonly name = "DomainWaitTimeoutError";
  readonly exitCode = 1;

  /**
   * @param domainName - the domain waited for.
   * @param waitedMs - how long the wait lasted, in milliseconds.
   * @param lastState - the last processing state seen (e.g. `Creating`, `Modifying`), when known.
   */
  constructor(readonly domainName: string, readonly waitedMs: number, readonly lastState: string | undefined) {
    super(`domain ${domainName} still processing after ${Math.round(waitedMs / 1000)} s${lastState ? ` (state ${lastState})` : ""}; it keeps going in AWS — run create-domain again to resume waiting`);
  }
}

/** The domain exists but cannot be created or updated now (e.g. it is being deleted). Exit code 1. */
export class DomainStateError extends DomainProvisioningError {
  override readonly name = "DomainStateError";
  readonly exitCode = 1;
}

/** The wait was cancelled through its AbortSignal. Exit code 130 (as after SIGINT). */
export class DomainWaitAbortedError extends DomainProvisioningError {
  override readonly name = "DomainWaitAbortedError";
  readonly exitCode = 130;
}

/**
 * A change needs confirmation but there is nobody to ask (stdin is not a terminal) and `--yes` was not given.
 * Exit code 3.
 */
export class ConfirmationRequiredError extends DomainProvisioningError {
  override readonly name = "ConfirmationRequiredError";
  readonly exitCode = 3;
}

/** Fields of an AWS SDK v3 service exception that this module reads (all optional: any value may be thrown). */
interface SdkErrorShape {
  name?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $retryable?: { throttling?: boolean };
  $fault?: unknown;
  /** Node.js system error code (`ECONNRESET`, `ENOTFOUND`, …) of network failures. */
  code?: unknown;
}

function shape(err: unknown): SdkErrorShape {
  return typeof err === "object" && err !== null ? (err as SdkErrorShape) : {};
}

/** Error names AWS uses for throttling (the SDK's own list, plus the OpenSearch Service name). */
const THROTTLING_CODES = new Set(["ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded", "RequestThrottled", "RequestThrottledException", "SlowDown"]);

/**
 * True when `err` is AWS throttling: a known throttling error name, HTTP 429, or the SDK's `$retryable.throttling`.
 * See https://docs.aws.amazon.com/opensearch-service/latest/APIReference/CommonErrors.html (ThrottlingException).
 */
export function isThrottlingError(err: unknown): boolean {
  const e = shape(err);
  return (typeof e.name === "string" && THROTTLING_CODES.has(e.name)) || e.$metadata?.httpStatusCode === 429 || e.$retryable?.throttling === true;
}

/** Network error codes that usually pass (connection reset or timed out, DNS try again). */
const TRANSIENT_NETWORK_CODES = new Set(["ECONNRESET", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "ECONNABORTED"]);

/**
 * True when `err` is a transient failure worth retrying: HTTP 500/502/503/504, `InternalException`, an SDK
 * `TimeoutError`, or a reset/timed-out connection.
 */
export function isTransientServerError(err: unknown): boolean {
  const e = shape(err);
  const status = e.$metadata?.httpStatusCode;
  return e.name === "InternalException" || e.name === "TimeoutError" || status === 500 || status === 502 || status === 503 || status === 504 ||
    (typeof e.code === "string" && TRANSIENT_NETWORK_CODES.has(e.code));
}

/** True when `err` is the `ResourceNotFoundException` DescribeDomain returns for a domain that does not exist. */
export function isResourceNotFound(err: unknown): boolean {
  return shape(err).name === "ResourceNotFoundException";
}

/**
 * Wraps anything thrown by an SDK call into an {@link AwsApiError} (the original is its `cause`).
 * @param err - the thrown value (an SDK `ServiceException` or anything else).
 * @param operation - the API operation that was called.
 * @param attempts - how many calls were made.
 */
export function toAwsApiError(err: unknown, operation: DomainOperation, attempts: number): AwsApiError {
  if (err instanceof AwsApiError) return err;
  const e = shape(err);
  // Network failures are plain `Error`s with a system code (ENOTFOUND, ECONNREFUSED, …): that code names them best.
  const code = typeof e.code === "string" && (e.name === "Error" || e.name === undefined) ? e.code : typeof e.name === "string" && e.name !== "" ? e.name : "UnknownError";
  const message = typeof e.message === "string" && e.message !== "" ? e.message : String(err);
  return new AwsApiError(operation, code, message, e.$metadata?.requestId, e.$metadata?.httpStatusCode, attempts, { cause: err });
}
