package dev.tenfold.conv;

import dev.tenfold.linalg.Gemm;
import dev.tenfold.simd.FloatKernels;
import dev.tenfold.simd.Kernels;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.SoftReference;
import java.util.Arrays;

/**
 * 1×1 convolutions of a batch of (channels × spatial) matrices on raw memory (offsets and
 * strides in elements). Activations are contiguous (B, channels, S) blocks: item b's matrix
 * starts at {@code off + b·channels·S}.
 *
 * <p>Two levels: whole-batch GEMMs (heap or off-heap segments), and column-block jobs for the CP
 * conv (the {@link Blocks} of one item: the block's rows of the off-heap activation are copied
 * into a per-thread heap buffer that stays in cache, then {@link DepthwiseKernels#mix} /
 * {@link DepthwiseKernels#sumOuter} run on heap arrays only, and an output block is copied back).
 * A block job computes every output element it owns completely, so results do not depend on
 * which thread runs it; weight-gradient blocks give per-block partial sums that the caller
 * adds in block order.
 */
final class PointwiseConv {
    private static final FloatKernels K = Kernels.get();
    private static final DepthwiseKernels KERN = DepthwiseKernels.get();
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;
    /** Columns of a block: one block of 64 rows (the staging buffer) stays within a 1 MB L2. */
    static final int MAX_BLOCK = 1024;
    private static final float[] ONES = filledOnes(MAX_BLOCK);
    private static final ThreadLocal<SoftReference<float[]>> STAGE = new ThreadLocal<>();

    private PointwiseConv() { }

    private static float[] filledOnes(int n) {
        float[] a = new float[n];
        Arrays.fill(a, 1f);
        return a;
    }

    /**
     * The spatial extent {@code size} of one item cut into {@code count} blocks of {@code width}
     * columns (the last one may be shorter); the cut depends on the size only.
     */
    record Blocks(int size, int width, int count) {
        /** Near-equal blocks of at most {@code maxWidth} (≤ {@link #MAX_BLOCK}) columns, widths rounded to 16 when that fits. */
        static Blocks of(int size, int maxWidth) {
            if (maxWidth < 1 || maxWidth > MAX_BLOCK) throw new IllegalArgumentException("block width " + maxWidth + " not in [1, " + MAX_BLOCK + "]");
            int count = (size + maxWidth - 1) / maxWidth;
            int width = (size + count - 1) / count;
            int rounded = (width + 15) / 16 * 16;
            if (rounded <= maxWidth) width = rounded;
            return new Blocks(size, width, (size + width - 1) / width);
        }

        int start(int j) { return j * width; }

        int length(int j) { return Math.min(width, size - j * width); }
    }

    /** This thread's staging buffer of at least {@code floats} floats (contents unspecified). */
    private static float[] stage(int floats) {
        SoftReference<float[]> ref = STAGE.get();
        float[] a = ref == null ? null : ref.get();
        if (a == null || a.length < floats) {
            a = new float[floats];
            STAGE.set(new SoftReference<>(a));
        }
        return a;
    }

    /** dst (rows × n, compact) = columns [s0, s0 + n) of the off-heap (rows × size) matrix at off. */
    private static void load(MemorySegment src, long off, int size, int rows, int s0, int n, float[] dst) {
        for (int i = 0; i < rows; i++) MemorySegment.copy(src, F32, (off + (long) i * size + s0) * 4, dst, i * n, n);
    }

    /** Columns [s0, s0 + n) of the off-heap (rows × size) matrix at off = src (rows × n, compact). */
    private static void store(float[] src, int rows, int n, MemorySegment dst, long off, int size, int s0) {
        for (int i = 0; i < rows; i++) MemorySegment.copy(src, i * n, dst, F32, (off + (long) i * size + s0) * 4, n);
    }

    /**
     * Block j of out (heap, m × size at outOff) = A·X with A row-major (m × k) and X the off-heap
     * (k × size) matrix at xOff.
     */
    static void mixIn(float[] a, int m, int k, MemorySegment x, long xOff, Blocks bl, int j, float[] out, int outOff) {
        mixInColumns(a, m, k, x, xOff, bl.size(), bl.start(j), bl.length(j), out, outOff + bl.start(j), bl.size());
    }

    /**
     * out (heap, m × n at outOff, row stride outStride) = A·X[:, s0 .. s0 + n) with A row-major
     * (m × k) and X the off-heap (k × size) matrix at xOff (n ≤ {@link #MAX_BLOCK} keeps the
     * staged columns cache-resident).
     */
    static void mixInColumns(float[] a, int m, int k, MemorySegment x, long xOff, int size, int s0, int n,
                             float[] out, int outOff, int outStride) {
        float[] st = stage(k * n);
        load(x, xOff, size, k, s0, n, st);
        KERN.mix(a, 0, m, k, st, 0, n, null, out, outOff, outStride, n);
    }

    /**
     * Block j of the off-heap (m × size) matrix at yOff = A·H + bias (bias[i] on row i, none when
     * null), A row-major (m × k), H the heap (k × size) matrix at hOff.
     */
    static void mixOut(float[] a, int m, int k, float[] h, int hOff, float[] bias, MemorySegment y, long yOff,
                       Blocks bl, int j) {
        mixOutColumns(a, m, k, h, hOff + bl.start(j), bl.size(), bias, y, yOff, bl.size(), bl.start(j), bl.length(j));
    }

    /**
     * Columns [s0, s0 + n) of the off-heap (m × size) matrix at yOff = A·H + bias (bias[i] on
     * row i, none when null), A row-major (m × k), H the heap (k × n) matrix at hOff with row
     * stride hStride.
     */
    static void mixOutColumns(float[] a, int m, int k, float[] h, int hOff, int hStride, float[] bias,
                              MemorySegment y, long yOff, int size, int s0, int n) {
        float[] st = stage(m * n);
        KERN.mix(a, 0, m, k, h, hOff, hStride, bias, st, 0, n, n);
        store(st, m, n, y, yOff, size, s0);
    }

    /**
     * Block j of a 1×1 weight gradient: part[partOff + i·k + r] = Σ over the block's columns s of
     * P[i, s]·Q[r, s] (P the off-heap (m × size) matrix at pOff, Q the heap (k × size) matrix at
     * qOff); with {@code rowSums} non-null also rowSums[rowOff + i] = Σ_s P[i, s]. When
     * {@code a} is non-null, then also block j of the off-heap (m × size) matrix at outOff =
     * A·Q with A row-major (m × k) (the input gradient of the same 1×1).
     */
    static void gradient(MemorySegment p, long pOff, int m, float[] q, int qOff, int k, Blocks bl, int j,
                         float[] part, int partOff, float[] rowSums, int rowOff,
                         float[] a, MemorySegment out, long outOff) {
        int s0 = bl.start(j);
        int n = bl.length(j);
        float[] st = stage(m * n);
        load(p, pOff, bl.size(), m, s0, n, st);
        KERN.sumOuter(st, 0, n, m, q, qOff + s0, bl.size(), k, n, part, partOff);
        if (rowSums != null) {
            for (int i = 0; i < m; i++) rowSums[rowOff + i] = KERN.dot(st, i * n, ONES, 0, n);
        }
        if (a != null) {
            KERN.mix(a, 0, m, k, q, qOff + s0, bl.size(), null, st, 0, n, n);
            store(st, m, n, out, outOff, bl.size(), s0);
        }
    }

    /**
     * For each b: Y_b (m × S) = A (m × k) · X_b (k × S) + beta·Y_b. A has the given row / column
     * strides (so a transposed factor is just swapped strides).
     */
    static void forward(int batch, int m, int k, long spatial,
                        MemorySegment a, long aOff, long aRow, long aCol,
                        MemorySegment x, long xOff, float beta, MemorySegment y, long yOff) {
        int n = checkedSpatial(spatial);
        for (int b = 0; b < batch; b++) {
            Gemm.sgemm(m, n, k, 1f, a, aOff, aRow, aCol,
                    x, xOff + (long) b * k * n, n, 1,
                    beta, y, yOff + (long) b * m * n, n, 1);
        }
    }

    /**
     * G (m × k) (+)= Σ_b P_b (m × S) · Q_bᵀ (S × k), with P_b at {@code pOff + b·m·S} and Q_b at
     * {@code qOff + b·k·S}; the batch sum is accumulated in a fixed order (b = 0, 1, …), onto the
     * old G when {@code accumulate}, else starting from zero.
     */
    static void sumOuter(int batch, int m, int k, long spatial,
                         MemorySegment p, long pOff, MemorySegment q, long qOff,
                         MemorySegment g, long gOff, long gRow, long gCol, boolean accumulate) {
        int n = checkedSpatial(spatial);
        for (int b = 0; b < batch; b++) {
            Gemm.sgemm(m, k, n, 1f, p, pOff + (long) b * m * n, n, 1,
                    q, qOff + (long) b * k * n, 1, n,
                    b == 0 && !accumulate ? 0f : 1f, g, gOff, gRow, gCol);
        }
    }

    /** Sets every (b, t) plane of a contiguous (B, T, S) block to bias[t]. */
    static void fillBias(MemorySegment y, long yOff, int batch, int t, long spatial, float[] bias) {
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < t; c++) K.fill(y, yOff + ((long) b * t + c) * spatial, spatial, bias[c]);
        }
    }

    /** db[t] = Σ_{b, s} gY[b, t, s] over a contiguous (B, T, S) block, accumulated in double. */
    static float[] biasGradient(MemorySegment gy, long gyOff, int batch, int t, long spatial) {
        double[] acc = new double[t];
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < t; c++) acc[c] += K.sum(gy, gyOff + ((long) b * t + c) * spatial, spatial);
        }
        float[] r = new float[t];
        for (int c = 0; c < t; c++) r[c] = (float) acc[c];
        return r;
    }

    private static int checkedSpatial(long spatial) {
        if (spatial > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("1x1 conv: spatial size " + spatial + " exceeds " + Integer.MAX_VALUE);
        }
        return (int) spatial;
    }
}
