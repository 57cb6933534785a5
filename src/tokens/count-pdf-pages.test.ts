import { describe, expect, test } from "bun:test";
import { countPdfPages } from "./count-pdf-pages.ts";

const base64 = (text: string) => Buffer.from(text, "latin1").toString("base64");

function pdf(pages: number, padding = 0): string {
  let body = "%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Count " + pages + " >> endobj\n";
  for (let page = 0; page < pages; page += 1) {
    body += `${page + 3} 0 obj << /Type /Page /Parent 2 0 R >> endobj\n` + "x".repeat(padding);
  }
  return body + "%%EOF\n";
}

describe("countPdfPages", () => {
  test("counts page objects, not the page tree", () => {
    expect(countPdfPages(base64(pdf(1)))).toBe(1);
    expect(countPdfPages(base64(pdf(7)))).toBe(7);
    expect(countPdfPages(base64(pdf(3).replaceAll("/Type /Page ", "/Type/Page/")))).toBe(3);
  });

  test("finds pages across chunk boundaries in a large file", () => {
    // Odd padding puts some page objects across the 48 KB decoded chunks.
    for (const padding of [4093, 12_289, 49_151]) expect(countPdfPages(base64(pdf(40, padding)))).toBe(40);
  });

  test("a match cut at a chunk's end is decided by the next chunk", () => {
    const chunkBytes = 49_152; // 64 Ki base64 characters
    const tree = "/Type /Page";
    const cutBeforeS = "%".repeat(chunkBytes - tree.length) + tree + "s /Count 1 >> << /Type /Page >>";
    expect(countPdfPages(base64(cutBeforeS))).toBe(1);
    const cutInside = "%".repeat(chunkBytes - 5) + "/Type /Page >> << /Type /Page >>";
    expect(countPdfPages(base64(cutInside))).toBe(2);
  });

  test("without visible page objects the size gives a guess, at least 1", () => {
    expect(countPdfPages(base64("%PDF-1.7 compressed"))).toBe(1);
    expect(countPdfPages(base64("%PDF-1.7\n" + "z".repeat(1_000_000)))).toBe(10);
  });
});
