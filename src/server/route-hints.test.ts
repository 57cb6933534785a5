import { expect, test } from "bun:test";
import { routeNotFound } from "./route-hints.ts";

test("a doubled /v1 explains the base URL mistake", () => {
  const error = routeNotFound("POST", "/v1/v1/chat/completions", "http://127.0.0.1:8045");
  expect(error.status).toBe(404);
  expect(error.message).toContain("repeats /v1");
  expect(error.message).toContain("http://127.0.0.1:8045 without /v1");
});

test("a missing /v1 suggests the right path", () => {
  const error = routeNotFound("POST", "/chat/completions", "http://127.0.0.1:8045/");
  expect(error.message).toContain("Did you mean /v1/chat/completions? Set your client's base URL to http://127.0.0.1:8045/v1.");
});

test("other paths get a plain 404", () => {
  expect(routeNotFound("GET", "/nothing", "http://h").message).toBe("no route for GET /nothing.");
});
