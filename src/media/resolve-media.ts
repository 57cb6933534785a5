import type { ChatRequest, FilePart, ImagePart } from "../ir/request.ts";
import { GatewayError } from "../ir/errors.ts";
import { fetchMedia, type MediaOptions } from "./fetch-media.ts";

/** How many URLs of one request are fetched at the same time. */
const CONCURRENCY = 4;
const OCTET_STREAM = "application/octet-stream";

interface MediaJob {
  part: ImagePart | FilePart;
  url: string;
  /** Where the part sits, for the error: `messages[i].content[j]`, `.content[k]` inside a tool result. */
  param: string;
}

/**
 * Inlines every image and file given by URL (in user messages and in tool
 * results) before the request goes upstream: fetches them, at most four at a
 * time, and replaces `url` with base64 `data` and the fetched `mediaType`.
 * A part that already has `data` (a `data:` URL, inline base64) is held to
 * the same `media.maxBytes` as a fetched one. The first failure rejects with
 * its GatewayError (param `messages[i].content[j]`) and cancels the fetches
 * still running.
 *
 * Mutates `request` in place.
 */
export async function resolveMedia(request: ChatRequest, options: MediaOptions): Promise<void> {
  // Most requests carry no URL: one plain pass that allocates nothing until it finds one.
  let jobs: MediaJob[] | undefined;
  const messages = request.messages;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    if (message.role === "user") {
      const content = message.content;
      for (let j = 0; j < content.length; j++) {
        const part = content[j]!;
        if (part.type === "text") continue;
        if (needsFetch(part)) (jobs ??= []).push({ part, url: part.url, param: `messages[${i}].content[${j}]` });
        else checkInlineSize(part, options.maxBytes, i, `content[${j}]`);
      }
    } else if (message.role === "tool") {
      const results = message.content;
      for (let j = 0; j < results.length; j++) {
        const content = results[j]!.content;
        for (let k = 0; k < content.length; k++) {
          const part = content[k]!;
          if (part.type !== "image") continue;
          if (needsFetch(part)) (jobs ??= []).push({ part, url: part.url, param: `messages[${i}].content[${j}].content[${k}]` });
          else checkInlineSize(part, options.maxBytes, i, `content[${j}].content[${k}]`);
        }
      }
    }
  }
  if (jobs === undefined) return;
  await runJobs(jobs, options);
}

/** Inline media over the limit: base64 holds three bytes in every four characters, so its length says the size. */
function checkInlineSize(part: ImagePart | FilePart, maxBytes: number, message: number, where: string): void {
  if (part.data === undefined) return;
  const bytes = Math.floor((part.data.length - part.data.indexOf(",") - 1) * 0.75);
  if (bytes <= maxBytes) return;
  throw new GatewayError("request_too_large", `inline media of about ${bytes} bytes is larger than the ${maxBytes} bytes allowed (media.maxBytes)`, {
    param: `messages[${message}].${where}`,
    code: "media_too_large",
  });
}

function needsFetch(part: ImagePart | FilePart): part is (ImagePart | FilePart) & { url: string } {
  return part.url !== undefined && part.data === undefined;
}

async function runJobs(jobs: MediaJob[], options: MediaOptions): Promise<void> {
  const cancel = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, cancel.signal]) : cancel.signal;
  const jobOptions: MediaOptions = { ...options, signal };
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      const media = await fetchMedia(job.url, jobOptions, job.param);
      job.part.data = media.data;
      // A client that named the file's type knows more than a server answering octet-stream.
      if (!(media.mediaType === OCTET_STREAM && job.part.mediaType)) job.part.mediaType = media.mediaType;
      delete job.part.url;
    }
  };
  const workers: Promise<void>[] = [];
  for (let n = 0; n < Math.min(CONCURRENCY, jobs.length); n++) workers.push(worker());
  try {
    await Promise.all(workers);
  } catch (error) {
    cancel.abort();
    throw error;
  }
}
