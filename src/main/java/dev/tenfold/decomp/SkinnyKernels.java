package dev.tenfold.decomp;

import dev.tenfold.simd.Kernels;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;

/**
 * Kernels for the products with a skinny factor that dominate CP-ALS and HOOI — passes over
 * a big float32 matrix X held off-heap: {@link #panel}, acc[r, c] += Σ_i U[i, r]·P[i, c] on a
 * panel P of rows of X (X rows contiguous along the output index c, read in place or copied by
 * {@code SkinnyProducts}), and the batched dot and vector-matrix products of the CP chains.
 * (Products whose reduction runs along X's contiguous rows go through {@link LastModeKernels}.)
 * Each output element is reduced over i in increasing order by one thread, so results do not
 * depend on the thread split.
 * Offsets count floats. The Vector API implementation is loaded reflectively (as
 * {@link Kernels}) so a JVM without {@code jdk.incubator.vector} runs {@link #SCALAR}.
 */
interface SkinnyKernels {
    /**
     * The panel kernel of the passes over X: acc[r, c] = (first ? 0 : acc[r, c]) +
     * Σ_{i&lt;kb} U[row0 + i, r]·P[pOff + i·ldp + c] (fused multiply-adds) for r &lt; rows and
     * c &lt; cols, each element accumulated over i in increasing order, so a reduction split into
     * blocks of rows gives the same bits as one call. P is read only at those elements (rows of X
     * in place, or a copy). U (k × rows) comes in the grouped layout of {@link #groupedFactor}:
     * component r of row i at u[(r / {@link #PANEL_GROUP})·k·PANEL_GROUP + i·PANEL_GROUP + r % PANEL_GROUP],
     * so a register tile walks its group's rows with a constant stride (the JIT then drops the
     * bounds checks on U and the index multiply from the loop). {@code rows} must be
     * {@link #panelRank}(rank) (u holds zeros past the rank); acc rows are {@code lda} ≥
     * {@link #panelWidth}(cols) apart, and columns cols … panelWidth(cols) − 1 of acc are scratch.
     */
    void panel(MemorySegment p, long pOff, long ldp, int kb, float[] u, int row0, int k, int rows, float[] acc, int lda,
               int cols, boolean first);

    /** Components per group of the factor layout {@link #panel} reads (its register tiles' height). */
    int PANEL_GROUP = 5;

    /**
     * U (k × rank, row-major values) in the grouped layout of {@link #panel}, {@code rows} =
     * {@link #panelRank}(rank) components, zeros past the rank.
     */
    static float[] groupedFactor(float[] u, int k, int rank, int rows) {
        float[] g = new float[k * rows];
        for (int i = 0; i < k; i++) {
            for (int r = 0; r < rank; r++) g[(r / PANEL_GROUP) * k * PANEL_GROUP + i * PANEL_GROUP + r % PANEL_GROUP] = u[i * rank + r];
        }
        return g;
    }

    /** Rows of U and of the accumulator block {@link #panel} touches for rank R (R rounded up to its component tile). */
    int panelRank(int rank);

    /** {@code cols} rounded up to the column granularity of {@link #panel}. */
    int panelWidth(int cols);

    /**
     * Batched dot products (the matrix-vector steps of the CP chains, and products whose
     * reduction runs along contiguous rows): out[outOff + r·outR + p·outP] =
     * Σ_{c&lt;d} src[srcOff + r·strideR + p·strideP + c]·w[r·ldw + c] for p in [p0, p1) and r in
     * [r0, r1) (p outer, so a row of src shared by every r is read once); each sum in a fixed
     * order (no JIT-dependent reductions).
     */
    void rowDots(MemorySegment src, long srcOff, long strideR, long strideP, int p0, int p1, int d, float[] w, int ldw,
                 MemorySegment out, long outOff, long outR, long outP, int r0, int r1);

    /**
     * Batched vector-matrix products: out[outOff + r·q + j] = Σ_{i&lt;d} w[r·ldw + i]·src[srcOff + r·strideR + i·q + j]
     * for r in [r0, r1), j &lt; q, accumulated over i in increasing order.
     */
    void combineRows(MemorySegment src, long srcOff, long strideR, int d, int q, float[] w, int ldw,
                     MemorySegment out, long outOff, int r0, int r1);

    /**
     * {@link #rowDots} for the last step of an MTTKRP chain, accumulated and returned in double:
     * out[q·ldo + r] = Σ_{c&lt;d} src[srcOff + r·strideR + q·d + c]·w[r·ldw + c] for q &lt; p and r in
     * [r0, r1). (Float sums there made the CP error estimate, which reads the last mode's MTTKRP,
     * jitter by ~2·10⁻⁶ between sweeps at a 1% fit; double sums leave the float partial's rounding.)
     */
    void rowDotsToDoubles(MemorySegment src, long srcOff, long strideR, int p, int d, float[] w, int ldw, double[] out, int ldo,
                          int r0, int r1);

    /**
     * {@link #combineRows} for the last step of an MTTKRP chain, in double (see
     * {@link #rowDotsToDoubles}): out[j·ldo + r] = Σ_{i&lt;d} w[r·ldw + i]·src[srcOff + r·strideR + i·q + j]
     * for j &lt; q and r in [r0, r1), accumulated over i in increasing order.
     */
    void combineRowsToDoubles(MemorySegment src, long srcOff, long strideR, int d, int q, float[] w, int ldw, double[] out, int ldo,
                              int r0, int r1);

    /**
     * Σ x² over n floats from {@code off}, in double, in a fixed order whatever the JIT state
     * (float partial sums over blocks of {@link #NORM_BLOCK} elements, added in double block by
     * block) — unlike a vector {@code reduceLanes}, whose lane order may differ between the
     * interpreter and compiled code.
     */
    double squaredNorm(MemorySegment x, long off, long n);

    /** Elements per float partial sum of {@link #squaredNorm}. */
    int NORM_BLOCK = 1024;

    /**
     * A block transposed: dst[dOff + j·ldd + i] = src[sOff + i·lds + j] for i &lt; rows and
     * j &lt; cols (offsets and strides in floats). Values are moved, never computed, so every
     * implementation writes the same bits. Used for {@link ModeLayouts}.
     */
    void transpose(MemorySegment src, long sOff, long lds, MemorySegment dst, long dOff, long ldd, int rows, int cols);

    /**
     * Plain loops, the naive twins: the panel in float in the vector kernel's order; the chain
     * steps summed in double (rounded to float where the output is float).
     */
    SkinnyKernels SCALAR = new SkinnyKernels() {
        private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

        @Override
        public double squaredNorm(MemorySegment x, long off, long n) {
            double total = 0;
            for (long b = 0; b < n; b += NORM_BLOCK) {
                float s = 0;
                for (long i = b, e = Math.min(n, b + NORM_BLOCK); i < e; i++) {
                    float v = x.getAtIndex(F32, off + i);
                    s = Math.fma(v, v, s);
                }
                total += s;
            }
            return total;
        }

        @Override
        public void rowDots(MemorySegment src, long srcOff, long strideR, long strideP, int p0, int p1, int d, float[] w, int ldw,
                            MemorySegment out, long outOff, long outR, long outP, int r0, int r1) {
            for (int p = p0; p < p1; p++) {
                for (int r = r0; r < r1; r++) {
                    out.setAtIndex(F32, outOff + r * outR + p * outP, (float) dot(src, srcOff + r * strideR + p * strideP, w, r * ldw, d));
                }
            }
        }

        /**
         * Σ_{c&lt;d} src[o + c]·w[wr + c] in double, as four interleaved partial sums (c mod 4)
         * added pairwise at the end: four independent FMA chains instead of one latency-bound
         * chain (in-cache probe, R = 10, d = 100, float sums: 1.44 → 0.58 ns per FMA; eight: 0.65).
         */
        private static double dot(MemorySegment src, long o, float[] w, int wr, int d) {
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int c = 0;
            for (; c + 4 <= d; c += 4) {
                s0 = Math.fma(src.getAtIndex(F32, o + c), w[wr + c], s0);
                s1 = Math.fma(src.getAtIndex(F32, o + c + 1), w[wr + c + 1], s1);
                s2 = Math.fma(src.getAtIndex(F32, o + c + 2), w[wr + c + 2], s2);
                s3 = Math.fma(src.getAtIndex(F32, o + c + 3), w[wr + c + 3], s3);
            }
            for (; c < d; c++) s0 = Math.fma(src.getAtIndex(F32, o + c), w[wr + c], s0);
            return (s0 + s1) + (s2 + s3);
        }

        @Override
        public void combineRows(MemorySegment src, long srcOff, long strideR, int d, int q, float[] w, int ldw,
                                MemorySegment out, long outOff, int r0, int r1) {
            double[] acc = new double[q];
            for (int r = r0; r < r1; r++) {
                combine(src, srcOff + r * strideR, d, q, w, r * ldw, acc);
                for (int j = 0; j < q; j++) out.setAtIndex(F32, outOff + (long) r * q + j, (float) acc[j]);
            }
        }

        /** acc[j] = Σ_{i&lt;d} w[wr + i]·src[o + i·q + j] for j &lt; q, in double, over i in increasing order. */
        private static void combine(MemorySegment src, long o, int d, int q, float[] w, int wr, double[] acc) {
            java.util.Arrays.fill(acc, 0);
            for (int i = 0; i < d; i++) {
                double wi = w[wr + i];
                long oi = o + (long) i * q;
                for (int j = 0; j < q; j++) acc[j] = Math.fma(wi, src.getAtIndex(F32, oi + j), acc[j]);
            }
        }

        @Override
        public void rowDotsToDoubles(MemorySegment src, long srcOff, long strideR, int p, int d, float[] w, int ldw, double[] out,
                                     int ldo, int r0, int r1) {
            for (int r = r0; r < r1; r++) {
                for (int q = 0; q < p; q++) {
                    out[q * ldo + r] = dot(src, srcOff + r * strideR + (long) q * d, w, r * ldw, d);
                }
            }
        }

        @Override
        public void combineRowsToDoubles(MemorySegment src, long srcOff, long strideR, int d, int q, float[] w, int ldw, double[] out,
                                         int ldo, int r0, int r1) {
            double[] acc = new double[q];
            for (int r = r0; r < r1; r++) {
                combine(src, srcOff + r * strideR, d, q, w, r * ldw, acc);
                for (int j = 0; j < q; j++) out[j * ldo + r] = acc[j];
            }
        }

        @Override
        public void panel(MemorySegment p, long pOff, long ldp, int kb, float[] u, int row0, int k, int rows, float[] acc, int lda,
                          int cols, boolean first) {
            for (int r = 0; r < rows; r++) {
                int a = r * lda, ur = (r / PANEL_GROUP) * k * PANEL_GROUP + r % PANEL_GROUP;
                if (first) java.util.Arrays.fill(acc, a, a + cols, 0f);
                for (int i = 0; i < kb; i++) {
                    float w = u[ur + (row0 + i) * PANEL_GROUP];
                    long pi = pOff + i * ldp;
                    for (int c = 0; c < cols; c++) acc[a + c] = Math.fma(w, p.getAtIndex(F32, pi + c), acc[a + c]);
                }
            }
        }

        @Override
        public int panelRank(int rank) {
            return (rank + PANEL_GROUP - 1) / PANEL_GROUP * PANEL_GROUP;
        }

        @Override
        public int panelWidth(int cols) {
            return cols;
        }

        @Override
        public void transpose(MemorySegment src, long sOff, long lds, MemorySegment dst, long dOff, long ldd, int rows, int cols) {
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) dst.setAtIndex(F32, dOff + j * ldd + i, src.getAtIndex(F32, sOff + i * lds + j));
            }
        }
    };

    /** The implementation for this JVM (Vector API when available, else {@link #SCALAR}). */
    static SkinnyKernels get() {
        return Holder.INSTANCE;
    }

    /** Lazy holder: the Panama class is touched only when the module is present. */
    final class Holder {
        static final SkinnyKernels INSTANCE = lookup();

        private Holder() { }

        private static SkinnyKernels lookup() {
            return Kernels.provider(MethodHandles.lookup(), "dev.tenfold.decomp.PanamaSkinnyKernels", SkinnyKernels.class, SCALAR,
                    "decomposition kernels");
        }
    }
}
