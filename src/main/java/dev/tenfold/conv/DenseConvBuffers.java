package dev.tenfold.conv;

import dev.tenfold.tensor.ScratchPool;

/**
 * The dense conv's pool of heap workspaces (see {@link ScratchPool}): column blocks are a few MB,
 * so calls take them here and give them back in a finally block. At most 8 kept, none above
 * 2^23 floats.
 */
final class DenseConvBuffers {
    private static final ScratchPool POOL = new ScratchPool("conv workspace", 8, 1 << 23);

    private DenseConvBuffers() { }

    /** A buffer of at least {@code size} floats (dirty). */
    static float[] take(long size) {
        return POOL.take(size);
    }

    /** Returns buffers to the pool. */
    static void give(float[]... buffers) {
        POOL.give(buffers);
    }
}
