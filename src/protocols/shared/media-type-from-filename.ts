/** File name extensions a media type can be named for, when a file arrives without one. */
const extensionMediaTypes: Record<string, string> = {
  pdf: "application/pdf",
  txt: "text/plain",
  md: "text/markdown",
  csv: "text/csv",
  json: "application/json",
  html: "text/html",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  wav: "audio/wav",
  mp3: "audio/mpeg",
};

/** `report.PDF` → `application/pdf`; undefined for names without a known extension. */
export function mediaTypeFromFilename(filename: string | undefined): string | undefined {
  const dot = filename?.lastIndexOf(".") ?? -1;
  if (filename === undefined || dot === -1) return undefined;
  return extensionMediaTypes[filename.slice(dot + 1).toLowerCase()];
}
