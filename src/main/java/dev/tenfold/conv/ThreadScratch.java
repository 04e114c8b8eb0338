package dev.tenfold.conv;

import java.lang.ref.SoftReference;

/**
 * Per-thread reusable heap scratch of this package, by slot: large arrays are not re-allocated
 * and re-zeroed on every call, and every use overwrites the part it reads (contents are
 * unspecified). Soft references let the GC reclaim them under memory pressure. Each user owns
 * its slots, so a thread that runs both a caller's stage and a worker's block job (the caller
 * takes part in {@link DepthwiseParallel#forEach}) never hands one array to both.
 */
final class ThreadScratch {
    /** The CP conv's per-chunk intermediates ({@link CpConv}). */
    static final int Z = 0, H = 1, GRAD_H = 2, GRAD_Z = 3;
    /** A 1×1 block job's copied rows and packed block ({@link PointwiseConv}). */
    static final int ROWS = 4, PACKED = 5;
    /** One slab of a kept Z, copied for the depthwise chain ({@link CpConv}). */
    static final int Z_SLAB = 6;
    private static final int SLOTS = 7;

    private static final ThreadLocal<SoftReference<float[]>[]> SLOT_ARRAYS = ThreadLocal.withInitial(ThreadScratch::empty);

    private ThreadScratch() { }

    @SuppressWarnings("unchecked")
    private static SoftReference<float[]>[] empty() {
        return new SoftReference[SLOTS];
    }

    /** This thread's array for {@code slot}, at least {@code size} floats long. */
    static float[] floats(int slot, long size) {
        SoftReference<float[]>[] slots = SLOT_ARRAYS.get();
        float[] a = slots[slot] == null ? null : slots[slot].get();
        if (a == null || a.length < size) {
            a = new float[Math.toIntExact(size)];
            slots[slot] = new SoftReference<>(a);
        }
        return a;
    }
}
