import { GatewayError } from "../../ir/errors.ts";

/** An upstream's 2xx JSON answer, read whole: a cut body or one that is not JSON fails the attempt (retryable). */
export async function readJsonAnswer(response: Response, redact: (text: string) => string): Promise<unknown> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new GatewayError("upstream", "the upstream's answer broke off before it was complete", { retryable: true, cause: error });
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new GatewayError("upstream", `the upstream answered with something that is not JSON: ${redact(text.slice(0, 200))}`, { retryable: true });
  }
}
