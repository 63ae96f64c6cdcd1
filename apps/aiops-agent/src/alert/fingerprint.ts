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

const encoder = new TextEncoder();

/**
 * FNV-1a 64 state as four 16-bit limbs (little-endian), so the 64-bit multiply by the FNV prime
 * 0x100000001b3 = 2^40 + 0x1b3 needs no BigInt: every partial product stays below 2^26.
 */
class Fnv1a64 {
  private h0 = 0x2325;
  private h1 = 0x8422;
  private h2 = 0x9ce4;
  private h3 = 0xcbf2; // offset basis 0xcbf29ce484222325

  byte(b: number): void {
    const x0 = this.h0 ^ b;
    let r0 = x0 * 0x1b3;
    let r1 = this.h1 * 0x1b3;
    let r2 = this.h2 * 0x1b3 + x0 * 0x100;
    let r3 = this.h3 * 0x1b3 + this.h1 * 0x100;
    r1 += r0 >>> 16;
    r0 &= 0xffff;
    r2 += r1 >>> 16;
    r1 &= 0xffff;
    r3 += r2 >>> 16;
    r2 &= 0xffff;
    this.h0 = r0;
    this.h1 = r1;
    this.h2 = r2;
    this.h3 = r3 & 0xffff;
  }

  string(s: string): void {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        for (const b of encoder.encode(s.slice(i))) this.byte(b);
        return;
      }
      this.byte(c);
    }
  }

  hex(): string {
    return [this.h3, this.h2, this.h1, this.h0].map((l) => l.toString(16).padStart(4, "0")).join("");
  }
}

const SEPARATOR = 0xff;

/**
 * FNV-1a 64 fingerprint of a label set, as 16 lowercase hex digits (see the module comment for the algorithm).
 * Order of keys in `labels` does not matter. The empty set hashes to the FNV offset basis `cbf29ce484222325`.
 */
export function labelSetFingerprint(labels: Readonly<Record<string, string>>): string {
  const h = new Fnv1a64();
  for (const name of Object.keys(labels).sort()) {
    h.string(name);
    h.byte(SEPARATOR);
    h.string(labels[name] ?? "");
    h.byte(SEPARATOR);
  }
  return h.hex();
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
