import { vi } from 'vitest';

/** Runs `work` with everything written to stdout, stderr and console.log captured; returns it and the result. */
export async function captureOutput<T>(work: () => Promise<T>): Promise<{ output: string; result: T }> {
  const lines: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  const log = vi.spyOn(console, 'log').mockImplementation((...args) => {
    lines.push(args.join(' '));
  });
  try {
    const result = await work();
    return { output: lines.join('\n'), result };
  } finally {
    out.mockRestore();
    err.mockRestore();
    log.mockRestore();
  }
}
