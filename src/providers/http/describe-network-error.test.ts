import { expect, test } from "bun:test";
import { describeNetworkError } from "./describe-network-error.ts";

test("Bun's advice to developers is cut; the rest stays", () => {
  expect(
    describeNetworkError(
      new Error("The socket connection was closed unexpectedly. For more information, pass `verbose: true` in the second argument to fetch()"),
    ),
  ).toBe("The socket connection was closed unexpectedly.");
  expect(describeNetworkError(new Error("Unable to connect. Is the computer able to access the url?"))).toBe(
    "Unable to connect. Is the computer able to access the url?",
  );
  expect(describeNetworkError("ECONNRESET")).toBe("ECONNRESET");
  expect(describeNetworkError(new Error(""))).toBe("unknown network error");
});
