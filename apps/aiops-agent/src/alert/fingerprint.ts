/**
 * Alert identity: the label set of an alert and its 64-bit fingerprint.
 *
 * Algorithm (the one Prometheus and Alertmanager use for `model.LabelSet.Fingerprint()`, so the value equals the
 * `fingerprint` Alertmanager reports in `GET /api/v2/alerts`): sort the label names; FNV-1a 64 over, for each label,
 * the UTF-8 bytes of the name, the separator byte 0xFF, the bytes of the value, 0xFF; print as 16 lowercase hex digits.
 * 0xFF never occurs in UTF-8, so `{a:"b\xffc"}`-style collisions between different label sets cannot be built from
 * valid strings. Source: https://github.com/prometheus/common/blob/main/model/signature.go (`labelSetToFingerprint`)
 * and FNV-1a, http://www.isthe.com/chongo/tech/comp/fnv/ (offset basis 14695981039346656037, prime 1099511628211).
 */
import type { Severity } from "./types.js";

const OFFSET64 = 0xcbf29ce484222325n;
const PRIME64 = 0x100000001b3n;
const MASK64 = 0xffffffffffffffffn;
const SEPARATOR = 0xff;
const encoder = new TextEncoder();

/**
 * FNV-1a 64 fingerprint of a label set, as 16 lowercase hex digits (see the module comment for the algorithm).
 * Order of keys in `labels` does not matter. The empty set hashes to the FNV offset basis `cbf29ce484222325`.
 */
export function labelSetFingerprint(labels: Readonly<Record<string, string>>): string {
  let h = OFFSET64;
  for (const name of Object.keys(labels).sort()) {
    for (const part of [name, labels[name] ?? ""]) {
      for (const byte of encoder.encode(part)) h = ((h ^ BigInt(byte)) * PRIME64) & MASK64;
      h = ((h ^ BigInt(SEPARATOR)) * PRIME64) & MASK64;
    }
  }
  return h.toString(16).padStart(16, "0");
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * A valid Prometheus label name (`[a-zA-Z_][a-zA-Z0-9_]*`, https://prometheus.io/docs/concepts/data_model/):
 * invalid characters become `_`, a leading digit (or an empty name) gets a `_` prefix. Alertmanager 0.25 rejects a
 * whole `POST /api/v2/alerts` batch with HTTP 400 when one label name is invalid, so names are fixed up front.
 */
export function sanitizeLabelName(name: string): string {
  if (LABEL_NAME.test(name)) return name;
  const s = name.replace(/[^a-zA-Z0-9_]/g, "_");
  return /^[a-zA-Z_]/.test(s) ? s : `_${s}`;
}

/**
 * The full label set that identifies an alert: the observation's `labels` with names passed through
 * {@link sanitizeLabelName} (on a clash after sanitizing, the name that sorts last wins), plus `alertname` and
 * `severity`, which override keys of the same name. This exact set is what Alertmanager receives, so routing on
 * `severity` works there, and what {@link labelSetFingerprint} hashes.
 */
export function alertLabelSet(alertname: string, severity: Severity, labels: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(labels).sort()) out[sanitizeLabelName(name)] = labels[name] ?? "";
  out.alertname = alertname;
  out.severity = severity;
  return out;
}
