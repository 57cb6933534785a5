/**
 * `${VAR}` and `${VAR:-default}` in any string value are replaced from the
 * environment. A variable that is unset (and has no default) is an error
 * naming it and the JSON path where it is used.
 */
const reference = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export interface EnvProblem {
  path: string;
  message: string;
}

export function substituteEnv(
  value: unknown,
  env: Record<string, string | undefined>,
  problems: EnvProblem[],
  path = "",
): unknown {
  if (typeof value === "string") {
    if (value.indexOf("${") === -1) return value;
    return value.replace(reference, (_match, name: string, fallback: string | undefined) => {
      const found = env[name];
      if (found !== undefined && found !== "") return found;
      if (fallback !== undefined) return fallback;
      if (found === "") return "";
      problems.push({ path, message: `environment variable ${name} is not set` });
      return "";
    });
  }
  if (Array.isArray(value)) return value.map((item, index) => substituteEnv(item, env, problems, `${path}[${index}]`));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = substituteEnv(item, env, problems, path === "" ? key : `${path}.${key}`);
    }
    return out;
  }
  return value;
}
