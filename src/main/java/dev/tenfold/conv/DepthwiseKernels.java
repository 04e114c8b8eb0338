package dev.tenfold.conv;

import dev.tenfold.simd.Kernels;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;

/**
 * The primitives every depthwise (single-channel) and 1×1 pass of the factorized convs in this
 * package is built from, on heap {@code float[]} data (only {@link #pack} reads and
 * {@link #mixPacked} writes off-heap segments as well). All offsets and lengths count floats.
 *
 * <ul>
 *   <li>{@link #combine}: {@code out[x] = Σ_t w[t]·src[off[t] + x]} for x in [0, n), where term
 *       t only contributes for x in [lo[t], hi[t]) (outside it the source is zero padding). A
 *       shifted sum: a 1-D convolution along contiguous data (shift = k·d − p), or a weighted sum
 *       of whole rows (each term a row).</li>
 *   <li>{@link #dot}: {@code Σ_i a[i]·b[i]} (weight gradients).</li>
 *   <li>{@link #pack} + {@link #mixPacked}: the 1×1 product {@code A·X + bias} on a column
 *       block, X first packed into tiles of {@link #packWidth} columns (from a heap array or an
 *       off-heap segment); the result may be written off-heap in place.</li>
 *   <li>{@link #sumOuter}: {@code P·Qᵀ} over a column block (1×1 weight gradients).</li>
 * </ul>
 *
 * <p>{@link #get()} returns the Vector API implementation when the JVM has
 * {@code jdk.incubator.vector} (same selection rules as {@link Kernels}: {@code -Dtenfold.simd}),
 * otherwise {@link #scalar()}. The naive twin with double accumulation lives in the tests.
 */
interface DepthwiseKernels {

    /**
     * {@code out[outOff + x] = Σ_{t<terms, lo[t] ≤ x < hi[t]} w[t]·src[off[t] + x]} for x in [0, n)
     * (overwrites; 0 where no term is valid). Only indices {@code off[t] + x} with x in the
     * term's range are read.
     */
    void combine(float[] out, int outOff, int n,
                 float[] src, int[] off, int[] lo, int[] hi, float[] w, int terms);

    /** {@code Σ_{i<n} a[aOff + i]·b[bOff + i]} (float accumulators, several independent chains). */
    float dot(float[] a, int aOff, float[] b, int bOff, int n);

    /**
     * Three dot products sharing a in one pass over it: {@code out[outOff + t] =
     * Σ_{i<n} a[aOff + i]·b[bOff + t·step + i]} for t = 0, 1, 2 (the tap gradients of a 3-tap
     * correlation; float accumulators, several independent chains per tap).
     */
    void dot3(float[] a, int aOff, float[] b, int bOff, int step, int n, float[] out, int outOff);

    /**
     * {@code Σ_{i<n} a[aOff + i]}: row sums of a staged block, as {@link #dot} with ones over
     * pieces of at most 1024 (float accumulators per piece, several independent chains).
     */
    default float sum(float[] a, int aOff, int n) {
        float s = 0f;
        for (int i = 0; i < n; i += Ones.VALUES.length) s += dot(a, aOff + i, Ones.VALUES, 0, Math.min(Ones.VALUES.length, n - i));
        return s;
    }

    /** The ones {@link #sum} multiplies by. */
    final class Ones {
        static final float[] VALUES = new float[1024];

        static {
            java.util.Arrays.fill(VALUES, 1f);
        }

        private Ones() { }
    }

    /**
     * {@link #combine} (overwriting) whose term weights repeat with the column {@code x mod period}:
     * term t contributes {@code pattern[t·patternStride + (x mod period)]·src[off[t] + x]} for x in
     * [lo[t], hi[t]). The caller fills {@code pattern[t·patternStride + m]} for every m in
     * [0, period + {@link #patternTail()}) with the weight of column {@code m mod period}. Used for
     * many short rows along the contiguous axis: one flat loop over all rows, a tap's weight being
     * 0 in the columns where it would read across a row border.
     */
    void combinePeriodic(float[] out, int outOff, int n, float[] src, int[] off, int[] lo, int[] hi,
                         float[] pattern, int patternStride, int period, int terms);

    /**
     * {@code Σ_{i<n} a[aOff + i]·b[bOff + i]·pattern[(phase + i) mod period]}, with the pattern
     * filled for m in [0, period + {@link #patternTail()}) as in {@link #combinePeriodic}.
     */
    float dotPeriodic(float[] a, int aOff, float[] b, int bOff, int n, float[] pattern, int patternOff,
                      int period, int phase);

    /** Columns per tile of the {@link #pack} layout. */
    int packWidth();

    /**
     * Packs rows [0, rows) × columns [0, n) of a matrix X (row p at {@code off + p·stride}) for
     * {@link #mixPacked}: tile t (columns [t·W, t·W + W), W = {@link #packWidth}) at
     * {@code dst[t·rows·W]}, its row p at +p·W; columns ≥ n of the last tile are 0. dst needs
     * ⌈n/W⌉·rows·W floats.
     */
    void pack(float[] src, int off, int stride, int rows, int n, float[] dst);

    /** {@link #pack} from an off-heap segment (offset and stride in floats). */
    void pack(MemorySegment src, long off, long stride, int rows, int n, float[] dst);

    /**
     * {@code out[outOff + i·outStride + x] = init_i + Σ_{p<k} a[aOff + i·k + p]·X[p, x]} for i &lt; m,
     * x &lt; n (overwrites), with X given by {@link #pack} (rows = k), init_i = {@code bias[i]}, or 0
     * when bias is null; the terms are added in p order. a is a row-major (m × k) matrix. out is
     * written to {@code outSegment} when it is not null (in place, offsets in floats), else to the
     * array {@code out}.
     */
    void mixPacked(float[] a, int aOff, int m, int k, float[] packed, float[] bias,
                   float[] out, MemorySegment outSegment, long outOff, int outStride, int n);

    /**
     * {@code g[gOff + i·k + j] = Σ_{x<n} p[pOff + i·pStride + x]·q[qOff + j·qStride + x]} for i &lt; m,
     * j &lt; k (overwrites a row-major (m × k) block; float accumulators, several chains per entry).
     */
    void sumOuter(float[] p, int pOff, int pStride, int m, float[] q, int qOff, int qStride, int k, int n,
                  float[] g, int gOff);

    /** Extra pattern entries past one period that the periodic kernels may read. */
    int patternTail();

    /** Short name for logs and tests, e.g. {@code "scalar"} or {@code "panama-512"}. */
    String name();

    /** The implementation for this JVM (chosen once). */
    static DepthwiseKernels get() {
        return Holder.INSTANCE;
    }

    /** The scalar implementation (always available). */
    static DepthwiseKernels scalar() {
        return DepthwiseKernelsScalar.INSTANCE;
    }

    /** Lazy, reflective lookup so the Panama class is never loaded without the module. */
    final class Holder {
        static final DepthwiseKernels INSTANCE = lookup();

        private Holder() { }

        private static DepthwiseKernels lookup() {
            return Kernels.provider(MethodHandles.lookup(), "dev.tenfold.conv.DepthwiseKernelsPanama", DepthwiseKernels.class,
                    DepthwiseKernelsScalar.INSTANCE, "depthwise kernels");
        }
    }
}
