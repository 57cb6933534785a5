import type { ToolDefinition } from "../../ir/request.ts";

/** The IR name of the `local_shell` tool; its calls come back as `local_shell_call` items. */
export const LOCAL_SHELL_TOOL_NAME = "local_shell";

/**
 * OpenAI's built-in `local_shell` tool (declared as just `{type: "local_shell"}`)
 * as a function: the argument vector, and optionally a working directory and
 * a timeout, which become the call's `action` (`working_directory`, `timeout_ms`).
 */
export function localShellToolDefinition(): ToolDefinition {
  return {
    name: LOCAL_SHELL_TOOL_NAME,
    description:
      "Runs a command on the user's machine and returns its output. `command` is the argument vector; " +
      'to run a shell command line, pass ["bash", "-lc", "<command line>"].',
    parameters: {
      type: "object",
      properties: {
        command: { type: "array", items: { type: "string" }, description: "The command and its arguments." },
        workdir: { type: "string", description: "The working directory to run the command in." },
        timeout_ms: { type: "integer", description: "The longest the command may run, in milliseconds." },
      },
      required: ["command"],
      additionalProperties: false,
    },
  };
}
