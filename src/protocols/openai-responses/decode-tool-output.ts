import type { ImagePart, TextPart } from "../../ir/request.ts";
import { isGatewayError } from "../../ir/errors.ts";
import { decodeInputFile, decodeInputImage } from "./decode-media.ts";
import type { ResponsesToolOutput } from "./schema.ts";

type Path = ReadonlyArray<PropertyKey>;

/**
 * A tool output (`function_call_output.output` and its kin, at `path`) as tool
 * result content: text and images. The client's tool runner wrote it, not a
 * person, so nothing here fails the request: a file that is no image becomes
 * a note saying so, a part that cannot be read or has an unknown type is
 * dropped, and an empty output is one empty text.
 */
export function decodeToolOutput(output: ResponsesToolOutput, path: Path): Array<TextPart | ImagePart> {
  if (typeof output === "string") return [{ type: "text", text: output }];
  const content: Array<TextPart | ImagePart> = [];
  output.forEach((part, index) => {
    const decoded = decodePart(part, [...path, index]);
    if (decoded) content.push(decoded);
  });
  return content.length > 0 ? content : [{ type: "text", text: "" }];
}

function decodePart(part: ResponsesToolOutput[number] & object, path: Path): TextPart | ImagePart | undefined {
  try {
    if ((part.type === "input_text" || part.type === "output_text") && "text" in part && typeof part.text === "string") {
      return { type: "text", text: part.text };
    }
    if (part.type === "input_image") return decodeInputImage(part as Parameters<typeof decodeInputImage>[0], path);
    if (part.type === "input_file") {
      const file = part as Parameters<typeof decodeInputFile>[0];
      const decoded = decodeInputFile(file, path);
      if (decoded.type === "image") return decoded;
      return { type: "text", text: `[file ${file.filename ?? ""} (${decoded.mediaType}) omitted: tool results carry text and images only]` };
    }
    return undefined;
  } catch (error) {
    if (isGatewayError(error)) return undefined;
    throw error;
  }
}
