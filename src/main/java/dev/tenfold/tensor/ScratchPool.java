package dev.tenfold.tensor;

import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * A small thread-safe pool of heap {@code float[]} scratch buffers reused across calls of a
 * kernel, so steady-state calls allocate (and zero) nothing, and multi-MB buffers do not become
 * G1 "humongous" allocations per call. Buffers come back dirty: users must write every element
 * they later read. At most {@code maxPooled} buffers, none above {@code maxPooledFloats}, are kept.
 */
public final class ScratchPool {
    private final String what;
    private final int maxPooled;
    private final long maxPooledFloats;
    private final ConcurrentLinkedDeque<float[]> pool = new ConcurrentLinkedDeque<>();

    /**
     * @param what            name used in error messages (e.g. "GEMM scratch")
     * @param maxPooled       buffers kept at most
     * @param maxPooledFloats larger buffers are dropped instead of pooled
     */
    public ScratchPool(String what, int maxPooled, long maxPooledFloats) {
        if (maxPooled < 1 || maxPooledFloats < 1) {
            throw new IllegalArgumentException("ScratchPool: maxPooled=" + maxPooled + " and maxPooledFloats="
                    + maxPooledFloats + " must be >= 1");
        }
        this.what = what;
        this.maxPooled = maxPooled;
        this.maxPooledFloats = maxPooledFloats;
    }

    /** A buffer of at least {@code size} floats: the smallest pooled one that fits, else a new one. */
    public float[] take(long size) {
        if (size < 0 || size > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException(what + " of " + size + " floats exceeds the array limit");
        }
        for (;;) {
            float[] best = null;
            for (float[] b : pool) {
                if (b.length >= size && (best == null || b.length < best.length)) best = b;
            }
            if (best == null) return new float[(int) size];
            if (pool.removeFirstOccurrence(best)) return best;
        }
    }

    /** Returns buffers to the pool (nulls and oversized ones are skipped; the smallest are dropped when full). */
    public void give(float[]... buffers) {
        for (float[] b : buffers) {
            if (b == null || b.length > maxPooledFloats) continue;
            pool.addFirst(b);
        }
        while (pool.size() > maxPooled) {
            float[] smallest = null;
            for (float[] x : pool) if (smallest == null || x.length < smallest.length) smallest = x;
            pool.removeFirstOccurrence(smallest);
        }
    }
}
