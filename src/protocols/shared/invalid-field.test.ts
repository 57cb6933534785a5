import { describe, expect, test } from "bun:test";
import { invalidField } from "./invalid-field.ts";

describe("invalidField", () => {
  test("names the field in the message and as param", () => {
    const error = invalidField(["messages", 2, "content"], "expected a string");
    expect(error.kind).toBe("invalid_request");
    expect(error.status).toBe(400);
    expect(error.message).toBe("messages[2].content: expected a string");
    expect(error.param).toBe("messages[2].content");
  });

  test("the whole body has no param", () => {
    const error = invalidField([], "expected an object, got an array");
    expect(error.message).toBe("request body: expected an object, got an array");
    expect(error.param).toBeUndefined();
  });
});
