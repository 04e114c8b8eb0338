package dev.tenfold.conv;

import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * A small pool of heap {@code float[]} workspaces reused across conv calls. Column blocks are
 * a few MB: allocating them per call makes them G1 "humongous" objects (slow to allocate, and
 * they bring GC cycles forward), so a call takes its buffers here and gives them back in a
 * finally block. Buffers come back dirty: users must write every element they later read. At
 * most {@link #MAX_POOLED} buffers, none above {@link #MAX_POOLED_FLOATS}, are kept.
 */
final class DenseConvBuffers {
    private static final int MAX_POOLED = 8;
    private static final int MAX_POOLED_FLOATS = 1 << 23;
    private static final ConcurrentLinkedDeque<float[]> POOL = new ConcurrentLinkedDeque<>();

    private DenseConvBuffers() { }

    /** A buffer of at least {@code size} floats: the smallest pooled one that fits, else a new one. */
    static float[] take(long size) {
        if (size > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("conv workspace of " + size + " floats exceeds the array limit");
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

    /** Returns buffers to the pool (nulls are skipped; the smallest are dropped when it is full). */
    static void give(float[]... buffers) {
        for (float[] b : buffers) {
            if (b == null || b.length > MAX_POOLED_FLOATS) continue;
            POOL.addFirst(b);
        }
        while (POOL.size() > MAX_POOLED) {
            float[] smallest = null;
            for (float[] x : POOL) if (smallest == null || x.length < smallest.length) smallest = x;
            POOL.removeFirstOccurrence(smallest);
        }
    }
}
