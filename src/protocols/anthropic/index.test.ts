import { expect, test } from "bun:test";
import { GatewayError } from "../../ir/errors.ts";
import { runMachine } from "../../sse/pipe.ts";
import { anthropicMessages } from "./index.ts";

test("the protocol: name, id prefix, Anthropic's ping as keep-alive", () => {
  expect(anthropicMessages.name).toBe("anthropic");
  expect(anthropicMessages.idPrefix).toBe("msg_");
  expect(anthropicMessages.keepAliveFrame).toBe('event: ping\ndata: {"type": "ping"}\n\n');
});

test("its parts work together: decode, stream, respond, fail", () => {
  const { request } = anthropicMessages.decodeRequest({
    model: "claude-haiku-4-5",
    max_tokens: 8,
    stream: true,
    messages: [{ role: "user", content: "Warmup" }],
  });
  expect(request.stream).toBe(true);
  const context = { id: "msg_x", model: request.model, created: 0, options: {} };
  const frames = runMachine(anthropicMessages.encodeStream(context), [{ type: "text-delta", text: "OK" }]);
  expect(frames.map((frame) => frame.slice(0, frame.indexOf("\n")))).toEqual([
    "event: message_start",
    "event: content_block_start",
    "event: content_block_delta",
    "event: content_block_stop",
    "event: message_delta",
    "event: message_stop",
  ]);
  expect(
    anthropicMessages.encodeResponse({ choices: [{ index: 0, content: [{ type: "text", text: "OK" }], finishReason: { unified: "stop" } }] }, context),
  ).toMatchObject({ id: "msg_x", model: "claude-haiku-4-5", content: [{ type: "text", text: "OK" }] });
  expect(anthropicMessages.encodeError(new GatewayError("not_found", "model: not found"))).toEqual({
    status: 404,
    body: { type: "error", error: { type: "not_found_error", message: "model: not found" } },
  });
});
