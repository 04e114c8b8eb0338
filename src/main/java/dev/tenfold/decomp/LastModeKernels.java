package dev.tenfold.decomp;

import dev.tenfold.simd.Kernels;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;

/**
 * The kernel of the products whose reduction runs along contiguous rows: out = X·U for X
 * (rows × k) read in place, rows contiguous along the reduction index, and a small factor U
 * (k × R) — a mode product on the last mode of a HOOI partial (Y viewed as (∏ others × I)
 * times U_n) and the A·W step of {@link WarmSubspace}. The output keeps the row order of X
 * (no transpose), each row R contiguous floats. Double twins on heap arrays serve the small
 * (I × r)·(r × r) products and r × r cross products of the bases in {@link WarmSubspace}.
 *
 * <p>Every output element is accumulated by fused multiply-adds over i in increasing order,
 * starting from 0, so the Vector API implementation gives the same bits as {@link #SCALAR} and
 * results do not depend on how rows are split over threads. Offsets count floats. The Vector
 * API implementation is loaded reflectively (as {@link Kernels}) so a JVM without
 * {@code jdk.incubator.vector} runs {@link #SCALAR}.
 */
interface LastModeKernels {
    /**
     * out[outOff + j·outStride + c] = Σ_{i&lt;k} X[xOff + j·xStride + i]·u[i·ldu + c] for j &lt; rows,
     * c &lt; rank; u holds zeros in columns rank … ldu − 1, ldu ≥ {@link #paddedRank}(rank); out is
     * written only at those elements.
     */
    void product(MemorySegment x, long xOff, long xStride, int rows, int k, float[] u, int ldu, int rank,
                 MemorySegment out, long outOff, long outStride);

    /** Row length of the packed U this implementation reads for rank R (R rounded up to whole vectors). */
    int paddedRank(int rank);

    /**
     * Floats an output should have past its last element: {@link #product}'s masked store of a
     * last row then stays inside the segment (three vectors of up to 16 lanes). A masked vector
     * that would run past the segment takes the Vector API's Java path
     * (AbstractMask.checkIndexByLane: 4.3% of CP-ALS 100³ samples, 1.7% of HOOI 200³, when the
     * task blocks and workspace slots had none).
     */
    int OUTPUT_SLACK = 3 * 16;

    /**
     * The double twin of {@link #product} on heap arrays, for the small bases of
     * {@link WarmSubspace}: out[j·r + c] = Σ_{i&lt;inner} a[j·aRow + i·aCol]·b[i·r + c] for
     * j &lt; rows, c &lt; r (out and b row-major and dense; A = X row-major with aRow = inner,
     * aCol = 1, or A = Xᵀ for X (inner × rows) with aRow = 1, aCol = rows), fused multiply-adds
     * over i in increasing order.
     */
    void product(double[] a, int aRow, int aCol, int rows, int inner, double[] b, int r, double[] out);

    /** X·M for row-major X (rows × k) and M (k × r) into out (rows × r). */
    default void product(double[] x, int rows, int k, double[] m, int r, double[] out) {
        product(x, k, 1, rows, k, m, r, out);
    }

    /** AᵀB (r × r) for row-major (rows × r) A and B into c. */
    default void transposedProduct(double[] a, double[] b, int rows, int r, double[] c) {
        product(a, 1, r, r, rows, b, r, c);
    }

    /** Plain loops: the naive twin (the same fma order as the vector kernel). */
    LastModeKernels SCALAR = new LastModeKernels() {
        private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

        @Override
        public void product(MemorySegment x, long xOff, long xStride, int rows, int k, float[] u, int ldu, int rank,
                            MemorySegment out, long outOff, long outStride) {
            float[] acc = new float[rank];
            for (int j = 0; j < rows; j++) {
                java.util.Arrays.fill(acc, 0f);
                long xo = xOff + j * xStride;
                for (int i = 0; i < k; i++) {
                    float xv = x.getAtIndex(F32, xo + i);
                    for (int c = 0; c < rank; c++) acc[c] = Math.fma(xv, u[i * ldu + c], acc[c]);
                }
                for (int c = 0; c < rank; c++) out.setAtIndex(F32, outOff + j * outStride + c, acc[c]);
            }
        }

        @Override
        public int paddedRank(int rank) {
            return rank;
        }

        @Override
        public void product(double[] a, int aRow, int aCol, int rows, int inner, double[] b, int r, double[] out) {
            // a row of r sums at a time, i outermost: r independent fma chains instead of one (each
            // sum still runs over i in increasing order, so the bits are those of one chain per
            // element and of the vector kernel)
            double[] acc = new double[r];
            for (int j = 0; j < rows; j++) {
                java.util.Arrays.fill(acc, 0);
                for (int i = 0, ai = j * aRow, bi = 0; i < inner; i++, ai += aCol, bi += r) {
                    double av = a[ai];
                    for (int c = 0; c < r; c++) acc[c] = Math.fma(av, b[bi + c], acc[c]);
                }
                System.arraycopy(acc, 0, out, j * r, r);
            }
        }
    };

    /** Multiply-adds below which the double products run {@link #SCALAR}'s loops (no vector warm-up for tiny ones). */
    long DOUBLE_SMALL_FMAS = 4096;

    /**
     * The kernels for a double product of {@code fmas} multiply-adds (the small bases of
     * {@link WarmSubspace}, the R×R solves and Grams of CP-ALS, {@code ShortSideGram}): the vector
     * kernel from {@link #DOUBLE_SMALL_FMAS} on, the plain loops below — the same bits either way.
     */
    static LastModeKernels forDoubles(long fmas) {
        return fmas < DOUBLE_SMALL_FMAS ? SCALAR : get();
    }

    /** The implementation for this JVM (Vector API when available, else {@link #SCALAR}). */
    static LastModeKernels get() {
        return Holder.INSTANCE;
    }

    /** Lazy holder: the Panama class is touched only when the module is present. */
    final class Holder {
        static final LastModeKernels INSTANCE = lookup();

        private Holder() { }

        private static LastModeKernels lookup() {
            return Kernels.provider(MethodHandles.lookup(), "dev.tenfold.decomp.PanamaLastModeKernels", LastModeKernels.class, SCALAR,
                    "last-mode kernels");
        }
    }
}
