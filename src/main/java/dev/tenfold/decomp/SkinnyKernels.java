package dev.tenfold.decomp;

import dev.tenfold.simd.Kernels;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Kernels for the two products with a skinny factor that dominate CP-ALS and HOOI — a pass over
 * a big float32 matrix X held off-heap, read once, in place (no packing copy):
 * <ul>
 *   <li>{@link #rowsTimesFactor}: out[r, j] = Σ_i X[j, i]·U[i, r] (X rows contiguous along the
 *       reduction index i);</li>
 *   <li>{@link #factorTimesRows}: out[r, j] = Σ_i U[i, r]·X[i, j] (X rows contiguous along the
 *       output index j).</li>
 * </ul>
 * U (k × R) comes as a heap array packed by the caller: row i at {@code i·rp}, columns
 * R … rp−1 zero ({@link #paddedRank}). Output: (R × n) row-major at {@code outOff} with row
 * stride {@code outStride}; only columns [j0, j1) are written. Each output element is reduced
 * over i in increasing order by one thread, so results do not depend on the thread split.
 * Offsets count floats. The Vector API implementation is loaded reflectively (as
 * {@link Kernels}) so a JVM without {@code jdk.incubator.vector} runs {@link #SCALAR}.
 */
interface SkinnyKernels {
    /** out[r, j] = Σ_{i<k} X[j, i]·U[i, r] for j in [j0, j1), r &lt; R; X row j at xOff + j·xStride. */
    void rowsTimesFactor(MemorySegment x, long xOff, long xStride, int k, float[] u, int rank, int rp,
                         MemorySegment out, long outOff, long outStride, int j0, int j1);

    /** out[r, j] = Σ_{i<k} U[i, r]·X[i, j] for j in [j0, j1), r &lt; R; X row i at xOff + i·xStride. */
    void factorTimesRows(MemorySegment x, long xOff, long xStride, int k, float[] u, int rank, int rp,
                         MemorySegment out, long outOff, long outStride, int j0, int j1);

    /** Row length of the packed U this implementation wants for rank R. */
    int paddedRank(int rank);

    /** Plain loops (float accumulation in the same order as the vector kernels' lanes). */
    SkinnyKernels SCALAR = new SkinnyKernels() {
        private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

        @Override
        public void rowsTimesFactor(MemorySegment x, long xOff, long xStride, int k, float[] u, int rank, int rp,
                                    MemorySegment out, long outOff, long outStride, int j0, int j1) {
            float[] acc = new float[rank];
            for (int j = j0; j < j1; j++) {
                java.util.Arrays.fill(acc, 0);
                long row = xOff + j * xStride;
                for (int i = 0; i < k; i++) {
                    float xv = x.getAtIndex(F32, row + i);
                    for (int r = 0; r < rank; r++) acc[r] += xv * u[i * rp + r];
                }
                for (int r = 0; r < rank; r++) out.setAtIndex(F32, outOff + r * outStride + j, acc[r]);
            }
        }

        @Override
        public void factorTimesRows(MemorySegment x, long xOff, long xStride, int k, float[] u, int rank, int rp,
                                    MemorySegment out, long outOff, long outStride, int j0, int j1) {
            float[] acc = new float[j1 - j0];
            for (int r = 0; r < rank; r++) {
                java.util.Arrays.fill(acc, 0);
                for (int i = 0; i < k; i++) {
                    float w = u[i * rp + r];
                    long row = xOff + i * xStride;
                    for (int j = j0; j < j1; j++) acc[j - j0] += w * x.getAtIndex(F32, row + j);
                }
                for (int j = j0; j < j1; j++) out.setAtIndex(F32, outOff + r * outStride + j, acc[j - j0]);
            }
        }

        @Override
        public int paddedRank(int rank) {
            return rank;
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
            if (Kernels.get().vectorBitSize() == 32 || !Kernels.vectorModulePresent()) return SCALAR;
            try {
                var lookup = MethodHandles.lookup();
                Class<?> cls = lookup.findClass("dev.tenfold.decomp.PanamaSkinnyKernels");
                return (SkinnyKernels) lookup.findConstructor(cls, MethodType.methodType(void.class)).invoke();
            } catch (Throwable t) {
                System.getLogger("dev.tenfold.decomp").log(System.Logger.Level.WARNING,
                        "Vector API decomposition kernels could not be loaded (" + t + "); using scalar loops.");
                return SCALAR;
            }
        }
    }
}
