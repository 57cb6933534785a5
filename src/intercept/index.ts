export { isWarmupRequest } from "./detect-warmup.ts";
export { detectBackgroundTask, asBackgroundRequest, type BackgroundTask } from "./detect-background.ts";
export { warmupEvents } from "./warmup-answer.ts";
