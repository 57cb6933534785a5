import { GatewayError } from "../../ir/errors.ts";
import { formatPath } from "../../util/format-path.ts";

/** A 400 naming the offending field: `messages[2].content: expected …`. */
export function invalidField(path: ReadonlyArray<PropertyKey>, message: string): GatewayError {
  const param = formatPath(path);
  if (param === "") return new GatewayError("invalid_request", `request body: ${message}`);
  return new GatewayError("invalid_request", `${param}: ${message}`, { param });
}
