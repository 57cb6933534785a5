import { expect, test } from "bun:test";
import { mapOpenAIUsage } from "./map-usage.ts";

test("OpenAI's usage with cached and reasoning tokens", () => {
  // From OpenAI's reasoning guide: the usage object of an o-series answer.
  const usage = {
    prompt_tokens: 75,
    completion_tokens: 1186,
    total_tokens: 1261,
    prompt_tokens_details: { cached_tokens: 64, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 1024, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
  expect(mapOpenAIUsage(usage)).toEqual({ input: { total: 75, cacheRead: 64 }, output: { total: 1186, reasoning: 1024 } });
});

test("DeepSeek's context-cache counters", () => {
  const usage = {
    prompt_tokens: 30,
    completion_tokens: 250,
    total_tokens: 280,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 180 },
    prompt_cache_hit_tokens: 0,
    prompt_cache_miss_tokens: 30,
  };
  expect(mapOpenAIUsage(usage)).toEqual({ input: { total: 30, cacheRead: 0 }, output: { total: 250, reasoning: 180 } });
  expect(mapOpenAIUsage({ prompt_tokens: 64, completion_tokens: 5, prompt_cache_hit_tokens: 40, prompt_cache_miss_tokens: 24 })).toEqual({
    input: { total: 64, cacheRead: 40 },
    output: { total: 5 },
  });
});

test("a bare usage (vLLM, Ollama) and nulls", () => {
  expect(mapOpenAIUsage({ prompt_tokens: 9, completion_tokens: 12, total_tokens: 21 })).toEqual({ input: { total: 9 }, output: { total: 12 } });
  expect(mapOpenAIUsage({ prompt_tokens: null, completion_tokens: 3, prompt_tokens_details: null, completion_tokens_details: null })).toEqual({
    input: { total: 0 },
    output: { total: 3 },
  });
  expect(mapOpenAIUsage(undefined)).toEqual({ input: { total: 0 }, output: { total: 0 } });
});
