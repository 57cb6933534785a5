import type { ResponseFormat } from "../../ir/request.ts";
import type { ResponsesTextFormat } from "./schema.ts";

/** `text.format` as an IR response format: plain text, any JSON, or JSON against a schema. */
export function decodeTextFormat(format: ResponsesTextFormat): ResponseFormat {
  switch (format.type) {
    case "text":
      return { type: "text" };
    case "json_object":
      return { type: "json" };
    case "json_schema": {
      const decoded: ResponseFormat = { type: "json", name: format.name, schema: format.schema };
      if (format.strict != null) decoded.strict = format.strict;
      return decoded;
    }
  }
}
