/** Splits a byte stream into text lines (ffmpeg ends progress lines with \r); overlong lines are cut. */
export function lineSplitter(onLine: (line: string) => void, maxLine = 400): { push(chunk: Buffer): void; flush(): void } {
  let partial = '';
  return {
    push(chunk) {
      const text = partial + chunk.toString('utf8');
      const lines = text.split(/\r\n|\r|\n/);
      partial = lines.pop() ?? '';
      if (partial.length > maxLine * 4) partial = partial.slice(0, maxLine);
      for (const line of lines) if (line.trim() !== '') onLine(line.length > maxLine ? `${line.slice(0, maxLine)}…` : line);
    },
    flush() {
      if (partial.trim() !== '') onLine(partial.slice(0, maxLine));
      partial = '';
    },
  };
}
