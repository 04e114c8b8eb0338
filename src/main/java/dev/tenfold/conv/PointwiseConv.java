package dev.tenfold.conv;

import dev.tenfold.linalg.Gemm;
import dev.tenfold.simd.FloatKernels;
import dev.tenfold.simd.Kernels;
import java.lang.foreign.MemorySegment;

/**
 * 1×1 convolutions of a batch of (channels × spatial) matrices on raw memory (offsets and
 * strides in elements). Activations are contiguous (B, channels, S) blocks: item b's matrix
 * starts at {@code off + b·channels·S}.
 *
 * <p>Two levels: whole-batch GEMMs (heap or off-heap segments), and column-block jobs for the CP
 * conv (the {@link Blocks} of one item). A block job never runs a register tile over the rows of
 * an activation in place: the input of a product A·X is first {@link DepthwiseKernels#pack}ed
 * into a per-thread buffer (each tile's k × W strip contiguous, as GEMM packs B), and the rows a
 * weight gradient reads are copied into a buffer whose row stride is never a multiple of 1 KiB
 * ({@link #stagedStride}); the heap intermediates have such padded row strides too
 * ({@link Blocks#heapStride}). Activations with power-of-two spatial sizes put every channel
 * row in the same L1 sets, and the 1×1 tiles ran 20–40% slower on them in place (AVX2 Zen 3,
 * CP conv3d forward and backward); packing gained another 10–25% on the forward.
 * A block job computes every output element it owns completely, so results do not depend on
 * which thread runs it; weight-gradient blocks give per-block partial sums that the caller
 * adds in block order.
 */
final class PointwiseConv {
    private static final FloatKernels K = Kernels.get();
    private static final DepthwiseKernels KERN = DepthwiseKernels.get();
    /** Columns of a block: one block of 64 rows stays within a 1 MB L2. */
    static final int MAX_BLOCK = 1024;

    private PointwiseConv() { }

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

        /**
         * Row stride of a heap intermediate holding rows of this extent: the size padded off a
         * multiple of 1 KiB ({@link #stagedStride}), so its rows do not share L1 sets.
         */
        int heapStride() { return stagedStride(size); }

        int length(int j) { return Math.min(width, size - j * width); }
    }

    /**
     * Block j of out (heap, m × size at outOff) = A·X with A row-major (m × k) and X the off-heap
     * (k × size) matrix at xOff.
     */
    static void mixIn(float[] a, int m, int k, MemorySegment x, long xOff, Blocks bl, int j, float[] out, int outOff) {
        mixInColumns(a, m, k, x, xOff, bl.size(), bl.start(j), bl.length(j), out, outOff + bl.start(j), bl.heapStride());
    }

    /**
     * out (heap, m × n at outOff, row stride outStride) = A·X[:, s0 .. s0 + n) with A row-major
     * (m × k) and X the off-heap (k × size) matrix at xOff, packed first (n ≤ {@link #MAX_BLOCK}
     * keeps the packed block cache-resident).
     */
    static void mixInColumns(float[] a, int m, int k, MemorySegment x, long xOff, int size, int s0, int n,
                             float[] out, int outOff, int outStride) {
        float[] pk = packed(k, n);
        KERN.pack(x, xOff + s0, size, k, n, pk);
        KERN.mixPacked(a, 0, m, k, pk, null, out, null, outOff, outStride, n);
    }

    /**
     * Row stride of a staged block of n columns: n rounded up to 16 floats (a cache line), plus 16
     * when that is a multiple of 1 KiB. Rows a power-of-two apart (a 32³ volume's channels are
     * 128 KiB apart) fall into the same L1 sets and alias the tile's stores; read in place, they
     * ran the 1×1 tiles at about half the rate of rows 1040 floats apart (the decomposition panels
     * avoid 1 KiB multiples for the same reason).
     */
    static int stagedStride(int n) {
        int w = (n + 15) & ~15;
        return w % 256 == 0 ? w + 16 : w;
    }

    /** This thread's buffer for a {@link DepthwiseKernels#pack}ed block of k rows × n columns. */
    private static float[] packed(int k, int n) {
        int w = KERN.packWidth();
        return ThreadScratch.floats(ThreadScratch.PACKED, (long) (n + w - 1) / w * w * k);
    }

    /**
     * Rows [0, rows) × columns [0, n) of the off-heap matrix at off (row stride size), copied into
     * this thread's scratch with row stride {@link #stagedStride}.
     */
    private static float[] stageIn(MemorySegment src, long off, int size, int rows, int n) {
        int ss = stagedStride(n);
        float[] st = ThreadScratch.floats(ThreadScratch.ROWS, (long) rows * ss);
        for (int i = 0; i < rows; i++) {
            MemorySegment.copy(src, LE_FLOAT, (off + (long) i * size) * Float.BYTES, st, i * ss, n);
        }
        return st;
    }

    /** Little-endian floats at any alignment: the layout of the off-heap activations this package copies. */
    static final java.lang.foreign.ValueLayout.OfFloat LE_FLOAT =
            java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    /**
     * Block j of the off-heap (m × size) matrix at yOff = A·H + bias (bias[i] on row i, none when
     * null), A row-major (m × k), H the heap (k × size) matrix at hOff.
     */
    static void mixOut(float[] a, int m, int k, float[] h, int hOff, float[] bias, MemorySegment y, long yOff,
                       Blocks bl, int j) {
        mixOutColumns(a, m, k, h, hOff + bl.start(j), bl.heapStride(), bias, y, yOff, bl.size(), bl.start(j), bl.length(j));
    }

    /**
     * Columns [s0, s0 + n) of the off-heap (m × size) matrix at yOff = A·H + bias (bias[i] on
     * row i, none when null), A row-major (m × k), H the heap (k × n) matrix at hOff with row
     * stride hStride.
     */
    static void mixOutColumns(float[] a, int m, int k, float[] h, int hOff, int hStride, float[] bias,
                              MemorySegment y, long yOff, int size, int s0, int n) {
        float[] pk = packed(k, n);
        KERN.pack(h, hOff, hStride, k, n, pk);
        KERN.mixPacked(a, 0, m, k, pk, bias, null, y, yOff + s0, size, n);
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
        gradientColumns(p, pOff, m, bl.size(), s0, bl.length(j), q, qOff + s0, bl.heapStride(), k, part, partOff,
                rowSums, rowOff, a, out, outOff);
    }

    /**
     * {@link #gradient} on columns [s0, s0 + n) (n ≤ {@link #MAX_BLOCK}) of the off-heap (m × size)
     * matrices P at pOff and out at outOff, with Q's column s0 at {@code q[qOff]} (row stride
     * qStride).
     */
    static void gradientColumns(MemorySegment p, long pOff, int m, int size, int s0, int n, float[] q, int qOff,
                                int qStride, int k, float[] part, int partOff, float[] rowSums, int rowOff,
                                float[] a, MemorySegment out, long outOff) {
        int ss = stagedStride(n);
        float[] st = stageIn(p, pOff + s0, size, m, n);
        KERN.sumOuter(st, 0, ss, m, q, qOff, qStride, k, n, part, partOff);
        if (rowSums != null) { // from the staged copy: the same values, already in cache
            for (int i = 0; i < m; i++) rowSums[rowOff + i] = KERN.sum(st, i * ss, n);
        }
        if (a != null) {
            float[] pk = packed(k, n);
            KERN.pack(q, qOff, qStride, k, n, pk);
            KERN.mixPacked(a, 0, m, k, pk, null, null, out, outOff + s0, size, n);
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
