import { z } from "zod";
import { lazyCompile } from "../shared/lazy-compile.ts";

/**
 * The legacy Completions request body (`POST /v1/completions`).
 *
 * Strict where the decoder branches, tolerant elsewhere: unknown fields are
 * dropped and every optional field also accepts `null`. `prompt` is checked
 * loosely here (a string or an array of anything) so that decodePrompt can
 * say precisely what is not supported (several prompts, token ids).
 */

const ignored = z.unknown().optional();

export const openaiCompletionsRequestSchema = z.object({
  model: z.string().min(1),
  prompt: z.union([z.string(), z.array(z.unknown())], { error: "expected a string or an array of strings" }),
  suffix: z.string().nullish(),
  max_tokens: z.number().int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  stop: z.union([z.string(), z.array(z.string())], { error: "expected a string or an array of strings" }).nullish(),
  n: z.number().int().min(1).nullish(),
  best_of: z.number().int().min(1).nullish(),
  echo: z.boolean().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  seed: z.number().int().nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  user: z.string().nullish(),
  // Accepted and ignored: no upstream behind the gateway returns token log probabilities uniformly.
  logprobs: z.number().int().min(0).max(5).nullish(),
  logit_bias: ignored,
});

/** Compiled once at start-up; only invalid input falls back to the interpreted parser that reports issues. */
export const compiledOpenAICompletionsRequestSchema = lazyCompile(openaiCompletionsRequestSchema);

export type OpenAICompletionsRequest = z.infer<typeof openaiCompletionsRequestSchema>;
