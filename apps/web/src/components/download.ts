/** Saves `text` as a file from memory: secrets never go into a URL the server could see or log. */
export function downloadText(text: string, filename: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.click();
  // The click has handed the blob to the download; nothing else needs it.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
