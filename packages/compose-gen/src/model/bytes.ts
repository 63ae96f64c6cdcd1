/**
 * Formats bytes as a Compose byte value: the largest binary unit that divides it exactly (`512M`, `2G`),
 * else plain bytes. Source: https://docs.docker.com/reference/compose-file/extension/#specifying-byte-values
 */
export function composeBytes(bytes: number): string {
  for (const [unit, size] of [["G", 1024 ** 3], ["M", 1024 ** 2], ["K", 1024]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}
