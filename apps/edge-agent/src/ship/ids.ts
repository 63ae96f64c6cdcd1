/**
 * Deterministic OpenSearch document ids.
 *
 * `_id = base64url(SHA-256(utf8(sensorId) ‖ 0x00 ‖ rawLine)[0 .. idBytes))`, default 16 bytes (128 bits → 22
 * characters). The NUL separator makes the input unambiguous (sensor ids may not contain NUL). The same line from
 * the same sensor always gets the same id, so a replay after a crash overwrites (`index`) or is refused as a
 * duplicate (`create`, HTTP 409) instead of creating a second document. Two byte-identical lines from one sensor
 * are one document — for EVE this only happens for true duplicates, since every record carries a microsecond
 * timestamp and flow id.
 *
 * Why 128 bits: the birthday bound for 10^12 documents is ~1.5·10^-15, and a 22-character `_id` costs less index
 * space than the 43 characters of a full SHA-256. SHA-256 via node:crypto (OpenSSL) rather than a faster
 * non-cryptographic hash, so ids cannot be forced to collide by crafted traffic.
 * Source: FIPS 180-4 (SHA-256), RFC 4648 §5 (base64url).
 * @module
 */
import { createHash, type Hash } from "node:crypto";

/** Options for {@link DocumentIdGenerator}. */
export interface DocumentIdOptions {
  /** Stable identifier of this sensor (hostname or configured id). Non-empty, no NUL. */
  readonly sensorId: string;
  /** Bytes of the digest kept, 12..32. Default 16. */
  readonly idBytes?: number;
}

/** Thrown when {@link DocumentIdOptions} are invalid. */
export class InvalidIdOptionsError extends Error {
  override readonly name = "InvalidIdOptionsError";
  constructor(
    message: string,
    /** The offending option name. */
    readonly option: string,
  ) {
    super(message);
  }
}

/** Computes deterministic document ids for one sensor; reuses the hashed sensor prefix for every line. */
export class DocumentIdGenerator {
  readonly #prefix: Hash;
  readonly #idBytes: number;

  /**
   * @param options - see {@link DocumentIdOptions}.
   * @throws {InvalidIdOptionsError} if `sensorId` is empty or contains NUL, or `idBytes` is outside 12..32.
   */
  constructor(options: DocumentIdOptions) {
    if (options.sensorId.length === 0 || options.sensorId.includes("\0")) {
      throw new InvalidIdOptionsError("sensorId must be non-empty and must not contain NUL", "sensorId");
    }
    const idBytes = options.idBytes ?? 16;
    if (!Number.isInteger(idBytes) || idBytes < 12 || idBytes > 32) {
      throw new InvalidIdOptionsError(`idBytes must be an integer in 12..32, got ${idBytes}`, "idBytes");
    }
    this.#idBytes = idBytes;
    this.#prefix = createHash("sha256").update(options.sensorId, "utf8").update(Buffer.of(0));
  }

  /**
   * Id of one raw EVE line (the exact bytes that will be shipped, without the newline).
   *
   * @returns a base64url string of `ceil(idBytes * 4 / 3)` characters (22 for the default).
   */
  idFor(raw: Buffer): string {
    const digest = this.#prefix.copy().update(raw).digest();
    return (this.#idBytes === 32 ? digest : digest.subarray(0, this.#idBytes)).toString("base64url");
  }
}
