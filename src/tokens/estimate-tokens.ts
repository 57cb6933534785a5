import { RememberedEstimates } from "./remembered-estimates.ts";

/**
 * A fast, dependency-free estimate of how many tokens a BPE tokenizer makes
 * of a text, for upstreams without a counting endpoint.
 *
 * It mimics what a GPT-2-style pre-tokenizer (Claude's, tiktoken's) does:
 * the text falls into runs — words (an optional leading space included),
 * numbers, punctuation, whitespace — and the vocabulary then covers each run
 * with one or a few tokens. Each run gets a cost from its class and length;
 * the weights below were fitted against `@anthropic-ai/tokenizer` on English
 * prose, Markdown, TypeScript, Python and JSON (see estimate-tokens.test.ts
 * for the measured error). That is Anthropic's published (pre-Claude 3)
 * tokenizer; OpenAI's cl100k/o200k count 0–12 % fewer tokens on the same
 * samples, so the estimate errs a little on the high side for them.
 *
 * One pass over the UTF-16 code units, no allocation, about 2 ns a
 * character: the runs of lower-case letters that make most of
 * any text are scanned by a small function of its own, which the JIT
 * compiles far better than the main loop (4.4 ns a letter inside it, 0.6 in
 * its own function). A text of 256 characters or more is scanned once: its
 * estimate is remembered by its content (remembered-estimates.ts), as a
 * coding agent's session comes back whole every turn.
 */
export function estimateTextTokens(text: string): number {
  return text.length < REMEMBERED_FROM ? scanTextTokens(text) : remembered.of(text);
}

/** Texts this long or longer are remembered (remembered-estimates.ts): shorter ones cost less to scan than to look up. */
const REMEMBERED_FROM = 256;

/** The scan itself. */
function scanTextTokens(text: string): number {
  const length = text.length;
  if (length === 0) return 0;

  let total = 0;
  let run = RUN_NONE;
  let runLength = 0;
  // The current word part ("hump" of a camelCase word) and what it holds.
  let humpLength = 0;
  let humpUppers = 0;
  let humpNonAscii = 0;
  let previousUpper = false;
  // The last whitespace character of a whitespace run: a single trailing space joins the next run.
  let lastSpace = false;

  for (let index = 0; index < length; index += 1) {
    const code = text.charCodeAt(index);
    const kind = code < 0x80 ? ASCII_CLASSES[code]! : classify(code);

    if (kind <= CHAR_LETTER) {
      const upper = kind === CHAR_UPPER;
      if (run !== RUN_WORD) {
        total += flush(run, runLength, lastSpace, false);
        run = RUN_WORD;
        runLength = 0;
        humpLength = 0;
        humpUppers = 0;
        humpNonAscii = 0;
        previousUpper = false;
      } else if (upper && !previousUpper) {
        // camelCase: an upper-case letter after a lower-case one starts a new part.
        total += humpCost(humpLength, humpUppers, humpNonAscii);
        humpLength = 0;
        humpUppers = 0;
        humpNonAscii = 0;
      } else if (!upper && previousUpper && humpLength >= 2 && humpUppers === humpLength) {
        // "HTMLParser": the last capital of an upper-case run starts the next part.
        total += humpCost(humpLength - 1, humpUppers - 1, humpNonAscii);
        humpLength = 1;
        humpUppers = 1;
        humpNonAscii = 0;
      }
      if (kind === CHAR_LOWER && !previousUpper) {
        // A word part's lower-case letters only lengthen it (most of any text): the run of them at once.
        const end = lowerCaseEnd(text, index + 1);
        humpLength += end - index;
        runLength += end - index;
        index = end - 1;
        continue;
      }
      humpLength += 1;
      runLength += 1;
      if (upper) humpUppers += 1;
      if (kind === CHAR_LETTER) humpNonAscii += 1;
      previousUpper = upper;
      continue;
    }

    if (run === RUN_WORD) total += humpCost(humpLength, humpUppers, humpNonAscii);

    switch (kind) {
      case CHAR_SPACE:
      case CHAR_NEWLINE:
        if (run !== RUN_SPACE) {
          if (run !== RUN_WORD) total += flush(run, runLength, lastSpace, false);
          run = RUN_SPACE;
          runLength = 0;
        }
        runLength += 1;
        lastSpace = kind === CHAR_SPACE;
        break;
      case CHAR_DIGIT:
        if (run !== RUN_DIGITS) {
          if (run !== RUN_WORD) total += flush(run, runLength, lastSpace, false);
          run = RUN_DIGITS;
          runLength = 0;
        }
        runLength += 1;
        break;
      case CHAR_PUNCTUATION:
        // An apostrophe inside a word ("don't", "it's") merges with the suffix.
        if (code === 0x27 && run === RUN_WORD && isAsciiLetter(text.charCodeAt(index + 1))) {
          run = RUN_NONE;
          break;
        }
        if (run !== RUN_PUNCTUATION) {
          if (run !== RUN_WORD) total += flush(run, runLength, lastSpace, false);
          run = RUN_PUNCTUATION;
          runLength = 0;
        }
        runLength += 1;
        break;
      default:
        // CJK, emoji and other symbols stand alone: each costs its own weight.
        if (run !== RUN_WORD) total += flush(run, runLength, lastSpace, false);
        run = RUN_NONE;
        runLength = 0;
        if (kind === CHAR_HIGH_SURROGATE) {
          total += ASTRAL_COST;
          index += 1;
        } else {
          total += kind === CHAR_CJK ? CJK_COST : kind === CHAR_MARK ? MARK_COST : SYMBOL_COST;
        }
    }
  }
  total += run === RUN_WORD ? humpCost(humpLength, humpUppers, humpNonAscii) : flush(run, runLength, lastSpace, true);
  return Math.max(1, Math.round(total));
}

// ── Weights ────────────────────────────────────────────────────────────────

/** A CJK ideograph, kana or hangul syllable. */
const CJK_COST = 1.2;
/** A character outside the BMP (emoji, rare ideographs): several byte-level tokens. */
const ASTRAL_COST = 2.5;
/** A BMP symbol (arrows, dingbats, box drawing, typographic signs). */
const SYMBOL_COST = 1.5;
/** A joiner or variation selector inside an emoji sequence. */
const MARK_COST = 1;
/** Extra cost of each non-ASCII letter in a word (accents, Cyrillic, Greek…). */
const NON_ASCII_LETTER_COST = 0.4;

/** One part of a word: common words are one token, long ones grow slowly, upper-case runs split often. */
function humpCost(length: number, uppers: number, nonAscii: number): number {
  if (length === 0) return 0;
  const extra = nonAscii * NON_ASCII_LETTER_COST;
  if (uppers === length && length > 1) return 1 + (length - 2) * 0.2 + extra;
  return (length <= 7 ? 1 : 1 + (length - 7) * 0.1) + extra;
}

/** The cost of a finished non-word run. */
function flush(run: number, length: number, lastSpace: boolean, atEnd: boolean): number {
  switch (run) {
    case RUN_SPACE:
      // "\s+(?!\S)": all but the last character are one token; a last plain space joins the next word.
      if (atEnd) return 1 + (length >> 6);
      return (length > 1 ? 1 + (length >> 6) : 0) + (lastSpace ? 0 : 1);
    case RUN_DIGITS:
      return Math.ceil(length / 3);
    case RUN_PUNCTUATION:
      return length <= 2 ? 1 : 1 + (length - 2) * 0.4;
    default:
      return 0;
  }
}

// ── Character classes ──────────────────────────────────────────────────────

const RUN_NONE = 0;
const RUN_WORD = 1;
const RUN_SPACE = 2;
const RUN_DIGITS = 3;
const RUN_PUNCTUATION = 4;

const CHAR_LOWER = 0;
const CHAR_UPPER = 1;
/** A letter outside ASCII that words are written in (Latin with accents, Greek, Cyrillic, Arabic…). */
const CHAR_LETTER = 2;
const CHAR_DIGIT = 3;
const CHAR_SPACE = 4;
const CHAR_NEWLINE = 5;
const CHAR_PUNCTUATION = 6;
const CHAR_CJK = 7;
const CHAR_HIGH_SURROGATE = 8;
const CHAR_SYMBOL = 9;
const CHAR_MARK = 10;

/** `classify` of every ASCII code, looked up rather than branched on. */
const ASCII_CLASSES = Uint8Array.from({ length: 0x80 }, (_, code) => classify(code));

function classify(code: number): number {
  if (code < 0x80) {
    if (code >= 0x61 && code <= 0x7a) return CHAR_LOWER;
    if (code >= 0x41 && code <= 0x5a) return CHAR_UPPER;
    if (code >= 0x30 && code <= 0x39) return CHAR_DIGIT;
    if (code === 0x20) return CHAR_SPACE;
    if (code === 0x0a || code === 0x0d || code === 0x09 || code === 0x0b || code === 0x0c) return CHAR_NEWLINE;
    return code < 0x20 || code === 0x7f ? CHAR_SYMBOL : CHAR_PUNCTUATION;
  }
  if (code === 0xa0 || code === 0x3000 || (code >= 0x2000 && code <= 0x200a)) return CHAR_SPACE;
  if (code >= 0xc0 && code <= 0x2af && code !== 0xd7 && code !== 0xf7) return CHAR_LETTER;
  if (code < 0xc0) return CHAR_PUNCTUATION; // Latin-1 signs: «», °, §, ©…
  if (code >= 0x300 && code <= 0x36f) return CHAR_MARK; // combining accents
  if (code >= 0x370 && code <= 0x1fff) return CHAR_LETTER; // Greek … Ethiopic, Latin Extended Additional
  if (code === 0x200d || (code >= 0xfe00 && code <= 0xfe0f)) return CHAR_MARK;
  if (code >= 0x2010 && code <= 0x206f) return CHAR_PUNCTUATION; // dashes, quotes, ellipsis
  if (code >= 0xd800 && code <= 0xdbff) return CHAR_HIGH_SURROGATE;
  if (code >= 0xdc00 && code <= 0xdfff) return CHAR_MARK; // a lone low surrogate
  if (
    (code >= 0x2e80 && code <= 0x9fff) ||
    (code >= 0xac00 && code <= 0xd7af) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xff00 && code <= 0xffef)
  ) {
    return CHAR_CJK;
  }
  return CHAR_SYMBOL;
}

/** Where the run of ASCII lower-case letters starting at `from` ends. */
function lowerCaseEnd(text: string, from: number): number {
  let end = from;
  for (let next = text.charCodeAt(end); next >= 0x61 && next <= 0x7a; next = text.charCodeAt(++end));
  return end;
}

function isAsciiLetter(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
}

/** The long texts' estimates, for the whole process (every client key's requests alike). */
const remembered = new RememberedEstimates(4096, scanTextTokens);
