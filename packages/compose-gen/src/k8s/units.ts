/**
 * Unit conversions from the model (Go durations, CPU cores, bytes, Compose command strings) to Kubernetes
 * notation. Quantity format: https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 */

const UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600, d: 86400 };

/**
 * Seconds of a Go/Compose duration (`30s`, `1m30s`, `500ms`), rounded up to whole seconds (probe fields are
 * integers), at least `min`.
 * @throws {RangeError} for a string that is not a duration
 */
export function durationSeconds(d: string, min = 1): number {
  const re = /(\d+(?:\.\d+)?)(ns|us|ms|s|m|h|d)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(d); m !== null; m = re.exec(d)) {
    total += Number(m[1]) * (UNIT_SECONDS[m[2] as string] as number);
    matched = re.lastIndex;
  }
  if (matched === 0 || matched !== d.length) throw new RangeError(`not a duration: "${d}"`);
  return Math.max(min, Math.ceil(total - 1e-9));
}

/** CPU cores → a Kubernetes CPU quantity in millicores (`0.25` → `"250m"`, `2` → `"2"`). */
export function cpuQuantity(cores: number): string {
  const milli = Math.max(1, Math.round(cores * 1000));
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** Bytes → the largest exact binary-suffixed quantity (`402653184` → `"384Mi"`), or plain bytes. */
export function memoryQuantity(bytes: number): string {
  const b = Math.round(bytes);
  for (const [suffix, size] of [["Ti", 1024 ** 4], ["Gi", 1024 ** 3], ["Mi", 1024 ** 2], ["Ki", 1024]] as const) {
    if (b >= size && b % size === 0) return `${b / size}${suffix}`;
  }
  return String(b);
}

/**
 * Splits a Compose string `command`/`entrypoint` into argv the way Compose does (POSIX shell word rules:
 * whitespace, single and double quotes, backslash escapes; no expansion), and turns Compose's `$$` escape
 * into a literal `$`. Source: https://docs.docker.com/reference/compose-file/services/#command
 */
export function splitCommand(s: string): string[] {
  const out: string[] = [];
  let cur = "";
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < s.length; i += 1) {
    const c = s[i] as string;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else cur += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === "\\" && i + 1 < s.length && '"\\$`'.includes(s[i + 1] as string)) cur += s[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < s.length) {
      cur += s[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = "";
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) out.push(cur);
  return out.map(unescapeDollars);
}

/** Compose's `$$` (a literal `$` that Compose does not interpolate) → `$`. */
export function unescapeDollars(s: string): string {
  return s.replaceAll("$$", "$");
}
