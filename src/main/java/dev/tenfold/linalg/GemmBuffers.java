package dev.tenfold.linalg;

import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * A small pool of heap {@code float[]} scratch buffers reused across GEMM calls, so a call
 * allocates (and zeroes) nothing in the steady state. Buffers come back dirty: users must
 * write every element they later read. At most {@link #MAX_POOLED} buffers are kept.
 */
final class GemmBuffers {
    private static final int MAX_POOLED = 8;
    private static final ConcurrentLinkedDeque<float[]> POOL = new ConcurrentLinkedDeque<>();

    private GemmBuffers() { }

    /** A buffer of at least {@code size} floats: the smallest pooled one that fits, else a new one. */
    static float[] take(long size) {
        if (size > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("GEMM scratch of " + size + " floats exceeds the array limit");
        }
        for (;;) {
            float[] best = null;
            for (float[] b : POOL) {
                if (b.length >= size && (best == null || b.length < best.length)) best = b;
            }
            if (best == null) return new float[(int) size];
            if (POOL.removeFirstOccurrence(best)) return best;
        }
    }

    /** Returns a buffer to the pool (drops the smallest one when the pool is full). */
    static void give(float[] b) {
        if (b == null) return;
        POOL.addFirst(b);
        while (POOL.size() > MAX_POOLED) {
            float[] smallest = null;
            for (float[] x : POOL) if (smallest == null || x.length < smallest.length) smallest = x;
            POOL.removeFirstOccurrence(smallest);
        }
    }
}
