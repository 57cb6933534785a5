import type { TextPart, UserContent } from "../../ir/request.ts";
import { invalidField } from "../shared/invalid-field.ts";
import { decodeInputFile, decodeInputImage } from "./decode-media.ts";
import type { ResponsesMessagePart } from "./schema.ts";

type Path = ReadonlyArray<PropertyKey>;

const audioMediaTypes = { wav: "audio/wav", mp3: "audio/mpeg" } as const;

/** A user message's `content` (at `path`): text, images, files and audio. */
export function decodeUserContent(content: string | ResponsesMessagePart[], path: Path): UserContent[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return content.map((part, index): UserContent => {
    const partPath = [...path, index];
    switch (part.type) {
      case "input_text":
      case "output_text":
        return { type: "text", text: part.text };
      case "refusal":
        return { type: "text", text: part.refusal };
      case "input_image":
        return decodeInputImage(part, partPath);
      case "input_file":
        return decodeInputFile(part, partPath);
      case "input_audio":
        return { type: "file", mediaType: audioMediaTypes[part.input_audio.format], data: part.input_audio.data };
    }
  });
}

/**
 * The `content` of an assistant, system or developer message (at `path`):
 * text only (`input_text`, `output_text`, a refusal's text); media there is a 400.
 */
export function decodeTextContent(content: string | ResponsesMessagePart[], path: Path, role: string): TextPart[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return content.map((part, index): TextPart => {
    switch (part.type) {
      case "input_text":
      case "output_text":
        return { type: "text", text: part.text };
      case "refusal":
        return { type: "text", text: part.refusal };
      default:
        throw invalidField([...path, index, "type"], `only text is accepted in ${role} messages, got "${part.type}"`);
    }
  });
}
