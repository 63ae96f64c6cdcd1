/**
 * Thrown when a detector is constructed with parameters outside their valid range.
 * `param` names the offending option and `value` is what was passed.
 */
export class DetectorParamError extends Error {
  override readonly name = "DetectorParamError";
  constructor(
    readonly detector: string,
    readonly param: string,
    readonly value: unknown,
    reason: string,
  ) {
    super(`${detector}: invalid ${param}=${String(value)}: ${reason}`);
  }
}

/** @internal Throws {@link DetectorParamError} unless `value` is a finite number in [min, max]. */
export function checkRange(detector: string, param: string, value: number, min: number, max: number): void {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new DetectorParamError(detector, param, value, `expected a number in [${min}, ${max}]`);
  }
}

/** @internal Throws {@link DetectorParamError} unless `value` is an integer in [min, max]. */
export function checkInt(detector: string, param: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new DetectorParamError(detector, param, value, `expected an integer in [${min}, ${max}]`);
  }
}
