package dev.tenfold.conv;

import dev.tenfold.linalg.Gemm;
import dev.tenfold.simd.FloatKernels;
import dev.tenfold.simd.Kernels;
import java.lang.foreign.MemorySegment;

/**
 * 1×1 convolutions of a batch of (channels × spatial) matrices, as GEMMs on raw memory (heap
 * or off-heap segments; offsets and strides in elements). Activations are contiguous
 * (B, channels, S) blocks: item b's matrix starts at {@code off + b·channels·S}.
 */
final class PointwiseConv {
    private static final FloatKernels K = Kernels.get();

    private PointwiseConv() { }

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
