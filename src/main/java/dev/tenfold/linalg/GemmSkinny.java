package dev.tenfold.linalg;

import static dev.tenfold.linalg.MicroKernels.F;
import static dev.tenfold.linalg.MicroKernels.L;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Matrix-vector products for the Vector API engine: {@code y = alpha·A·x + beta·y} with A m×k.
 * GEMM calls with n == 1 map here directly, m == 1 through the transpose
 * ({@code Cᵀ = Bᵀ·Aᵀ}). Packing would cost as much as the product, so A is read in place:
 * <ul>
 *   <li>rows contiguous along k: dot form, four rows at a time, two accumulators per row;</li>
 *   <li>columns contiguous along m: axpy form, streaming column runs into a heap accumulator;</li>
 *   <li>other strides: each row is gathered into a heap buffer, then the dot form.</li>
 * </ul>
 * Each y element is reduced in a fixed order (lane partial sums combined in lane order, no
 * {@code reduceLanes}), so results do not depend on the thread count or on row grouping.
 */
final class GemmSkinny {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Rows handled by one work item of the dot form (a multiple of 4). */
    private static final int DOT_ROWS = 512;
    /** Rows handled by one work item of the axpy form (its accumulator stays in L1). */
    private static final int AXPY_ROWS = 2048;

    private GemmSkinny() { }

    /** y (m, stride y.rowStride()) = alpha·A·x + beta·y; x is column 0 of operand x (k×1). */
    static void gemv(int m, int k, float alpha, GemmOperand a, GemmOperand x, float beta, GemmOperand y,
                     int threads) {
        float[] xs = GemmBuffers.take(k + 2L * L);
        try {
            MemorySegment s = x.seg();
            for (int p = 0; p < k; p++) xs[p] = s.getAtIndex(F32, x.index(p, 0));
            boolean axpy = a.rowStride() == 1 && a.colStride() != 1;
            int taskRows = axpy ? AXPY_ROWS : DOT_ROWS;
            int tasks = GemmBlocked.ceilDiv(m, taskRows);
            int participants = (int) Math.min(Math.min(threads, tasks), Math.max(1, 2L * m * k / (1 << 20)));
            AtomicInteger next = new AtomicInteger();
            GemmThreads.parallel(participants, id -> {
                float[] row = axpy || a.colStride() == 1 ? null : GemmBuffers.take(k);
                float[] lanes = GemmBuffers.take(axpy ? AXPY_ROWS + L : 8L * L);
                try {
                    for (int t; (t = next.getAndIncrement()) < tasks; ) {
                        int r0 = t * taskRows, r1 = Math.min(m, r0 + taskRows);
                        if (axpy) {
                            axpyForm(r0, r1, k, alpha, a, xs, beta, y, lanes);
                        } else {
                            dotForm(r0, r1, k, alpha, a, xs, beta, y, row, lanes);
                        }
                    }
                } finally {
                    GemmBuffers.give(row);
                    GemmBuffers.give(lanes);
                }
            });
        } finally {
            GemmBuffers.give(xs);
        }
    }

    private static void dotForm(int r0, int r1, int k, float alpha, GemmOperand a, float[] xs, float beta,
                                GemmOperand y, float[] row, float[] lanes) {
        MemorySegment s = a.seg();
        int i = r0;
        if (row == null) {
            for (; i + 4 <= r1; i += 4) {
                dot4(s, a.index(i, 0), a.rowStride(), k, xs, lanes);
                for (int r = 0; r < 4; r++) store(y, i + r, alpha, beta, finish(lanes, r, s, a.index(i + r, 0), k, xs));
            }
        }
        for (; i < r1; i++) {
            long base = a.index(i, 0);
            if (row == null) {
                dot1(s, base, k, xs, lanes);
                store(y, i, alpha, beta, finish(lanes, 0, s, base, k, xs));
            } else {
                for (int p = 0; p < k; p++) row[p] = s.getAtIndex(F32, base + p * a.colStride());
                MemorySegment h = MemorySegment.ofArray(row);
                dot1(h, 0, k, xs, lanes);
                store(y, i, alpha, beta, finish(lanes, 0, h, 0, k, xs));
            }
        }
    }

    /** Lane sums of four rows (pitch rs) into lanes[r·2L …]: two accumulators per row over the full vectors. */
    private static void dot4(MemorySegment s, long base, long rs, int k, float[] xs, float[] lanes) {
        FloatVector z = FloatVector.zero(F);
        FloatVector a0 = z, b0 = z, a1 = z, b1 = z, a2 = z, b2 = z, a3 = z, b3 = z;
        long o0 = base << 2, o1 = (base + rs) << 2, o2 = (base + 2 * rs) << 2, o3 = (base + 3 * rs) << 2;
        int p = 0;
        for (; p + 2 * L <= k; p += 2 * L) {
            FloatVector x0 = FloatVector.fromArray(F, xs, p), x1 = FloatVector.fromArray(F, xs, p + L);
            long q = 4L * p;
            a0 = FloatVector.fromMemorySegment(F, s, o0 + q, LE).fma(x0, a0);
            b0 = FloatVector.fromMemorySegment(F, s, o0 + q + 4L * L, LE).fma(x1, b0);
            a1 = FloatVector.fromMemorySegment(F, s, o1 + q, LE).fma(x0, a1);
            b1 = FloatVector.fromMemorySegment(F, s, o1 + q + 4L * L, LE).fma(x1, b1);
            a2 = FloatVector.fromMemorySegment(F, s, o2 + q, LE).fma(x0, a2);
            b2 = FloatVector.fromMemorySegment(F, s, o2 + q + 4L * L, LE).fma(x1, b2);
            a3 = FloatVector.fromMemorySegment(F, s, o3 + q, LE).fma(x0, a3);
            b3 = FloatVector.fromMemorySegment(F, s, o3 + q + 4L * L, LE).fma(x1, b3);
        }
        if (p + L <= k) {
            FloatVector x0 = FloatVector.fromArray(F, xs, p);
            long q = 4L * p;
            a0 = FloatVector.fromMemorySegment(F, s, o0 + q, LE).fma(x0, a0);
            a1 = FloatVector.fromMemorySegment(F, s, o1 + q, LE).fma(x0, a1);
            a2 = FloatVector.fromMemorySegment(F, s, o2 + q, LE).fma(x0, a2);
            a3 = FloatVector.fromMemorySegment(F, s, o3 + q, LE).fma(x0, a3);
        }
        a0.intoArray(lanes, 0);
        b0.intoArray(lanes, L);
        a1.intoArray(lanes, 2 * L);
        b1.intoArray(lanes, 3 * L);
        a2.intoArray(lanes, 4 * L);
        b2.intoArray(lanes, 5 * L);
        a3.intoArray(lanes, 6 * L);
        b3.intoArray(lanes, 7 * L);
    }

    /** Same arithmetic as one row of {@link #dot4}, into lanes[0 … 2L). */
    private static void dot1(MemorySegment s, long base, int k, float[] xs, float[] lanes) {
        FloatVector a0 = FloatVector.zero(F), b0 = a0;
        long o0 = base << 2;
        int p = 0;
        for (; p + 2 * L <= k; p += 2 * L) {
            a0 = FloatVector.fromMemorySegment(F, s, o0 + 4L * p, LE).fma(FloatVector.fromArray(F, xs, p), a0);
            b0 = FloatVector.fromMemorySegment(F, s, o0 + 4L * (p + L), LE).fma(FloatVector.fromArray(F, xs, p + L), b0);
        }
        if (p + L <= k) {
            a0 = FloatVector.fromMemorySegment(F, s, o0 + 4L * p, LE).fma(FloatVector.fromArray(F, xs, p), a0);
        }
        a0.intoArray(lanes, 0);
        b0.intoArray(lanes, L);
    }

    /** Combines row r's lane sums in lane order, then adds the scalar tail k steps in order. */
    private static float finish(float[] lanes, int r, MemorySegment s, long base, int k, float[] xs) {
        float sum = 0f;
        int o = r * 2 * L;
        for (int l = 0; l < L; l++) sum += lanes[o + l] + lanes[o + L + l];
        for (int p = k / L * L; p < k; p++) sum = Math.fma(s.getAtIndex(F32, base + p), xs[p], sum);
        return sum;
    }

    /**
     * Columns contiguous along m: {@code acc[i] = fma(A[i,p], x[p], acc[i])} for p in order, each
     * step streaming one contiguous column run of A (DRAM-friendly) into an L1-resident heap
     * accumulator; the partial last vector is masked.
     */
    private static void axpyForm(int r0, int r1, int k, float alpha, GemmOperand a, float[] xs, float beta,
                                 GemmOperand y, float[] acc) {
        MemorySegment s = a.seg();
        int len = r1 - r0;
        int full = len / L * L;
        Arrays.fill(acc, 0, full + L, 0f);
        VectorMask<Float> tail = F.indexInRange(full, len);
        long lastWhole = s.byteSize() - 4L * L;
        long cs = a.colStride() << 2;
        int p = 0;
        for (; p + 4 <= k; p += 4) {
            // Four k steps per pass over the accumulator: the same fma chain, a quarter of the acc traffic.
            long o = a.index(r0, p) << 2;
            FloatVector x0 = FloatVector.broadcast(F, xs[p]), x1 = FloatVector.broadcast(F, xs[p + 1]);
            FloatVector x2 = FloatVector.broadcast(F, xs[p + 2]), x3 = FloatVector.broadcast(F, xs[p + 3]);
            for (int i = 0; i < full; i += L) {
                long q = o + 4L * i;
                FloatVector v = FloatVector.fromMemorySegment(F, s, q, LE).fma(x0, FloatVector.fromArray(F, acc, i));
                v = FloatVector.fromMemorySegment(F, s, q + cs, LE).fma(x1, v);
                v = FloatVector.fromMemorySegment(F, s, q + 2 * cs, LE).fma(x2, v);
                FloatVector.fromMemorySegment(F, s, q + 3 * cs, LE).fma(x3, v).intoArray(acc, i);
            }
            if (full < len) {
                long q = o + 4L * full;
                FloatVector v = Packing.loadPartial(s, q, tail, lastWhole).fma(x0, FloatVector.fromArray(F, acc, full));
                v = Packing.loadPartial(s, q + cs, tail, lastWhole).fma(x1, v);
                v = Packing.loadPartial(s, q + 2 * cs, tail, lastWhole).fma(x2, v);
                Packing.loadPartial(s, q + 3 * cs, tail, lastWhole).fma(x3, v).intoArray(acc, full);
            }
        }
        for (; p < k; p++) {
            long o = a.index(r0, p) << 2;
            FloatVector xp = FloatVector.broadcast(F, xs[p]);
            int i = 0;
            for (; i < full; i += L) {
                FloatVector.fromMemorySegment(F, s, o + 4L * i, LE).fma(xp, FloatVector.fromArray(F, acc, i))
                        .intoArray(acc, i);
            }
            if (i < len) {
                Packing.loadPartial(s, o + 4L * i, tail, lastWhole).fma(xp, FloatVector.fromArray(F, acc, i))
                        .intoArray(acc, i);
            }
        }
        for (int r = 0; r < len; r++) store(y, r0 + r, alpha, beta, acc[r]);
    }

    private static void store(GemmOperand y, int i, float alpha, float beta, float v) {
        long yi = y.index(i, 0);
        MemorySegment s = y.seg();
        float r = alpha == 1f ? v : alpha * v;
        if (beta != 0f) r = r + beta * s.getAtIndex(F32, yi);
        s.setAtIndex(F32, yi, r);
    }
}
