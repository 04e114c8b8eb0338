package dev.tenfold.conv;

import static dev.tenfold.conv.DepthwiseKernelsPanama.F;

import jdk.incubator.vector.FloatVector;

/**
 * Vector API body of {@link DepthwiseKernels#sumOuter} (the weight gradient of a 1×1 pass of the
 * factorized convs on a column block; the product itself is {@link PackedMixPanama}); used only
 * by {@link DepthwiseKernelsPanama}, so it is loaded only when the Vector API is present.
 *
 * <p>Tiles of 2 p rows × 4 q rows (8 accumulators, five loads per eight FMAs) along x, the
 * accumulators stored and their lanes summed in order ({@link DepthwiseKernelsPanama#sumLanes})
 * after the loop, the column tail in scalar; leftover rows fall back to dot products.
 */
final class PointwiseKernelsPanama {
    private static final int L = F.length();
    private PointwiseKernelsPanama() { }

    /** {@link DepthwiseKernels#sumOuter}. */
    static void sumOuter(DepthwiseKernels kern, float[] p, int pOff, int pStride, int m, float[] q, int qOff,
                         int qStride, int k, int n, float[] g, int gOff) {
        float[] lanes = new float[8 * L];
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int pi = pOff + i * pStride;
            int j = 0;
            for (; j + 4 <= k; j += 4) {
                outer2(p, pi, pStride, q, qOff + j * qStride, qStride, n, g, gOff + i * k + j, k, lanes);
                outer2(p, pi + 2 * pStride, pStride, q, qOff + j * qStride, qStride, n, g, gOff + (i + 2) * k + j, k, lanes);
            }
            for (; j < k; j++) {
                for (int r = i; r < i + 4; r++) g[gOff + r * k + j] = kern.dot(p, pOff + r * pStride, q, qOff + j * qStride, n);
            }
        }
        for (; i < m; i++) {
            for (int j = 0; j < k; j++) g[gOff + i * k + j] = kern.dot(p, pOff + i * pStride, q, qOff + j * qStride, n);
        }
    }

    /**
     * g[r·k + c] for r in 0..1, c in 0..3 = Σ_x p row r · q row c over n columns: full vectors in
     * the loop (8 accumulators, 5 loads per 8 FMAs: fits AVX2's 16 registers; a 4 × 4 tile spilled
     * there), the last n mod L columns added in scalar after the lane reductions.
     */
    private static void outer2(float[] p, int p0, int ps, float[] q, int q0, int qs, int n, float[] g, int g0,
                               int k,
                               float[] lanes) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        int full = n - n % L;
        for (int x = 0; x < full; x += L) {
            FloatVector q0v = FloatVector.fromArray(F, q, q0 + x);
            FloatVector q1v = FloatVector.fromArray(F, q, q0 + qs + x);
            FloatVector q2v = FloatVector.fromArray(F, q, q0 + 2 * qs + x);
            FloatVector q3v = FloatVector.fromArray(F, q, q0 + 3 * qs + x);
            FloatVector pv = FloatVector.fromArray(F, p, p0 + x);
            c00 = pv.fma(q0v, c00);
            c01 = pv.fma(q1v, c01);
            c02 = pv.fma(q2v, c02);
            c03 = pv.fma(q3v, c03);
            pv = FloatVector.fromArray(F, p, p0 + ps + x);
            c10 = pv.fma(q0v, c10);
            c11 = pv.fma(q1v, c11);
            c12 = pv.fma(q2v, c12);
            c13 = pv.fma(q3v, c13);
        }
        store4(c00, c01, c02, c03, lanes, 0);
        store4(c10, c11, c12, c13, lanes, 4 * L);
        for (int e = 0; e < 8; e++) g[g0 + (e >> 2) * k + (e & 3)] = DepthwiseKernelsPanama.sumLanes(lanes, e * L);
        for (int r = 0; r < 2; r++) { // the last n mod L columns
            for (int c = 0; c < 4; c++) {
                float s = 0f;
                for (int x = full; x < n; x++) s += p[p0 + r * ps + x] * q[q0 + c * qs + x];
                g[g0 + r * k + c] += s;
            }
        }
    }

    private static void store4(FloatVector v0, FloatVector v1, FloatVector v2, FloatVector v3, float[] out, int o) {
        v0.intoArray(out, o);
        v1.intoArray(out, o + L);
        v2.intoArray(out, o + 2 * L);
        v3.intoArray(out, o + 3 * L);
    }
}
