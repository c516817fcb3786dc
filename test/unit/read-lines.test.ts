import { describe, expect, it } from 'vitest';
import { readLines } from '../../cli/store-commands.ts';

async function lines(...chunks: (string | number[])[]): Promise<(string | undefined)[]> {
  const input = (async function* () {
    for (const chunk of chunks) yield typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk);
  })();
  const out: (string | undefined)[] = [];
  for await (const line of readLines(input)) out.push(line);
  return out;
}

describe('readLines (dunghan replay)', () => {
  it("drops the file's byte order mark, even split across chunks, and CRLF line ends", async () => {
    expect(await lines([0xef], [0xbb, 0xbf], '{"a":1}\r\n{"b":2}\r\n')).toEqual(['{"a":1}', '{"b":2}']);
    expect(await lines('\uFEFF{"a":1}')).toEqual(['{"a":1}']);
  });

  it('keeps a U+FEFF that is not at the start of the file', async () => {
    expect(await lines('{"a":1}\n\uFEFF{"b":2}\n')).toEqual(['{"a":1}', '\uFEFF{"b":2}']);
  });
});
