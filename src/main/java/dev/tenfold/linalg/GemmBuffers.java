package dev.tenfold.linalg;

import dev.tenfold.tensor.ScratchPool;

/** The GEMM's pool of heap packing buffers (see {@link ScratchPool}): at most 8 kept, any size. */
final class GemmBuffers {
    private static final ScratchPool POOL = new ScratchPool("GEMM scratch", 8, Integer.MAX_VALUE);

    private GemmBuffers() { }

    /** A buffer of at least {@code size} floats (dirty). */
    static float[] take(long size) {
        return POOL.take(size);
    }

    /** Returns a buffer to the pool. */
    static void give(float[] b) {
        POOL.give(b);
    }
}
