/**
 * `.env.example`: every environment variable the generated Compose file reads at deploy time, each with a
 * comment saying where it is used. Never a value: required variables are listed empty, optional ones
 * commented out (their default, if any, is named in the comment).
 */
import type { DeploymentModel } from "../model/types.js";

/** Renders `.env.example` for `model.envVars`. */
export function emitEnvExample(model: DeploymentModel, header: string[]): string {
  const lines = header.map((l) => (l === "" ? "#" : `# ${l}`));
  lines.push("#", "# Copy to .env beside docker-compose.yml (or export the variables) and fill in the required ones.", "# Never commit the filled-in file.");
  if (model.envVars.length === 0) lines.push("", "# This stack reads no environment variables.");
  for (const v of model.envVars) {
    const required = v.uses.some((u) => u.required);
    const secret = v.uses.some((u) => u.secret);
    const dflt = v.uses.find((u) => u.default !== undefined)?.default;
    const kind = [secret ? "secret" : undefined, required ? "required" : "optional", dflt !== undefined ? `default ${JSON.stringify(dflt)}` : undefined].filter(Boolean).join(", ");
    lines.push("", `# ${v.name} (${kind}) — used by:`);
    for (const u of v.uses) lines.push(`#   ${u.where}`);
    lines.push(required ? `${v.name}=` : `# ${v.name}=`);
  }
  return `${lines.join("\n")}\n`;
}
