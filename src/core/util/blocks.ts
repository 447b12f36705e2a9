/**
 * A long pass over n values as calls on [from, to) blocks, the block function's loop small and called
 * often: V8 optimises such a function early, where one long loop runs its first ~100 ms in
 * on-stack-replaced code (twice as slow on a 256³ map). The first block is short so that every
 * statement of the block function has run before its loop gets hot: code compiled in the middle of the
 * first call has no feedback for the stores after the loop, and where compilation is synchronous (the
 * job workers) V8 re-entered that code and threw it away there on every call — 2.7× slower.
 */
export function forEachBlock(n: number, visit: (from: number, to: number) => void): void {
  for (let from = 0, to = Math.min(n, FIRST_BLOCK); from < n; from = to, to = Math.min(n, to + BLOCK)) visit(from, to);
}

const FIRST_BLOCK = 64;
const BLOCK = 1 << 16;
