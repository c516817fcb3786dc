/**
 * Bounds a JSON text before it is parsed (issue #32): its size in UTF-8 bytes and how deep its arrays and
 * objects nest, read in one pass without building anything. A body nested thousands deep parses, then
 * overflows the stack of whatever walks it next (the dead letter's marshalling did); it is refused here.
 * Returns why the text is out of bounds, or undefined.
 */
export function jsonOutOfBounds(text: string, limits: { maxBytes: number; maxDepth: number }): string | undefined {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxBytes) return `the body is ${bytes} bytes; at most ${limits.maxBytes} are taken`;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i += 1; // a backslash: the next character is escaped
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > limits.maxDepth) return `the body nests deeper than ${limits.maxDepth} levels`;
    } else if (c === 0x5d || c === 0x7d) depth -= 1;
  }
  return undefined;
}
