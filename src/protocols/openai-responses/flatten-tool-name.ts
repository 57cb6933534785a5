/**
 * The single name a namespaced tool gets where namespaces do not exist (every
 * upstream): `<namespace>__<name>`, the spelling Codex itself uses for MCP
 * tools on flat wires (`mcp__github__create_issue`). A namespace that already
 * ends in `__` is not doubled.
 */
export function flattenToolName(namespace: string | null | undefined, name: string): string {
  if (!namespace) return name;
  return namespace.endsWith("__") ? `${namespace}${name}` : `${namespace}__${name}`;
}
