import * as z from "zod/mini";
import "../../util/zod-english.ts";
import { lazyCompile } from "../shared/lazy-compile.ts";

/**
 * The legacy Completions request body (`POST /v1/completions`).
 *
 * Strict where the decoder branches, tolerant elsewhere: unknown fields are
 * dropped and every optional field also accepts `null`. `prompt` is checked
 * loosely here (a string or an array of anything) so that decodePrompt can
 * say precisely what is not supported (several prompts, token ids).
 */

const ignored = z.optional(z.unknown());

export const openaiCompletionsRequestSchema = z.object({
  model: z.string().check(z.minLength(1)),
  prompt: z.union([z.string(), z.array(z.unknown())], { error: "expected a string or an array of strings" }),
  suffix: z.nullish(z.string()),
  max_tokens: z.nullish(z.number().check(z.int(), z.gte(1))),
  temperature: z.nullish(z.number().check(z.gte(0), z.lte(2))),
  top_p: z.nullish(z.number().check(z.gte(0), z.lte(1))),
  stop: z.nullish(z.union([z.string(), z.array(z.string())], { error: "expected a string or an array of strings" })),
  n: z.nullish(z.number().check(z.int(), z.gte(1))),
  best_of: z.nullish(z.number().check(z.int(), z.gte(1))),
  echo: z.nullish(z.boolean()),
  stream: z.nullish(z.boolean()),
  stream_options: z.nullish(z.object({ include_usage: z.nullish(z.boolean()) })),
  seed: z.nullish(z.number().check(z.int())),
  presence_penalty: z.nullish(z.number().check(z.gte(-2), z.lte(2))),
  frequency_penalty: z.nullish(z.number().check(z.gte(-2), z.lte(2))),
  user: z.nullish(z.string()),
  // Accepted and ignored: no upstream behind the gateway returns token log probabilities uniformly.
  logprobs: z.nullish(z.number().check(z.int(), z.gte(0), z.lte(5))),
  logit_bias: ignored,
});

/** Compiled once at start-up; only invalid input falls back to the interpreted parser that reports issues. */
export const compiledOpenAICompletionsRequestSchema = lazyCompile(openaiCompletionsRequestSchema);

export type OpenAICompletionsRequest = z.infer<typeof openaiCompletionsRequestSchema>;
