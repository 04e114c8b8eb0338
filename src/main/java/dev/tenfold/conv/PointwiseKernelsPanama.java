package dev.tenfold.conv;

import static dev.tenfold.conv.DepthwiseKernelsPanama.F;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Vector API bodies of {@link DepthwiseKernels#mix} and {@link DepthwiseKernels#sumOuter} (the
 * 1×1 passes of the factorized convs on a column block); used only by
 * {@link DepthwiseKernelsPanama}, so it is loaded only when the Vector API is present.
 *
 * <ul>
 *   <li>mix: register tiles of 4 output rows × 4 vectors (16 accumulators; 4 × 2 below 512-bit
 *       vectors, see {@link #TILE}): per k step four vector loads of the input row, four
 *       broadcasts of a, sixteen FMAs. The column tail runs
 *       as 4 rows × one (masked) vector, rows beyond a multiple of 4 one row × one vector at a time.</li>
 *   <li>sumOuter: tiles of 4 p rows × 4 q rows (16 accumulators, eight loads per sixteen FMAs;
 *       2 × 4 below 512-bit vectors)
 *       along x, the accumulators stored and their lanes summed in order ({@link DepthwiseKernelsPanama#sumLanes}) after the loop, the column tail in scalar; leftover
 *       rows fall back to dot products.</li>
 * </ul>
 */
final class PointwiseKernelsPanama {
    private static final int L = F.length();
    /**
     * Tile width of mix in vectors, and p rows per sumOuter tile: 4 with 512-bit vectors
     * (AVX-512's 32 registers hold 16 accumulators and their operands), else 2 (on AVX2's 16
     * registers the 16-accumulator tiles spilled 12–16 values per step). Every output element
     * keeps its own accumulation order, so the bits do not depend on the tile.
     */
    private static final int TILE = L >= 16 ? 4 : 2;

    private PointwiseKernelsPanama() { }

    static void mix(float[] a, int aOff, int m, int k, float[] in, int inOff, int inStride, float[] bias,
                    float[] out, int outOff, int outStride, int n) {
        int x = 0;
        for (int bound = n - TILE * L; x <= bound; x += TILE * L) {
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                if (TILE == 4) mix4(a, aOff + i * k, k, in, inOff + x, inStride, bias, i, out, outOff + i * outStride + x, outStride);
                else mix2(a, aOff + i * k, k, in, inOff + x, inStride, bias, i, out, outOff + i * outStride + x, outStride);
            }
            for (; i < m; i++) {
                for (int v = 0; v < TILE * L; v += L) {
                    mixRow(a, aOff + i * k, k, in, inOff + x + v, inStride, bias, i, out, outOff + i * outStride + x + v, L);
                }
            }
        }
        for (; x < n; x += L) {
            int count = Math.min(L, n - x);
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                mixRows4(a, aOff + i * k, k, in, inOff + x, inStride, bias, i, out, outOff + i * outStride + x,
                        outStride, count);
            }
            for (; i < m; i++) {
                mixRow(a, aOff + i * k, k, in, inOff + x, inStride, bias, i, out, outOff + i * outStride + x, count);
            }
        }
    }

    /** Rows i..i+3 × one vector of {@code count ≤ L} columns (masked when shorter): four independent chains. */
    private static void mixRows4(float[] a, int a0, int k, float[] in, int s0, int is, float[] bias, int i,
                                 float[] out, int o0, int os, int count) {
        VectorMask<Float> mask = F.indexInRange(0, count);
        FloatVector c0 = init(bias, i);
        FloatVector c1 = init(bias, i + 1);
        FloatVector c2 = init(bias, i + 2);
        FloatVector c3 = init(bias, i + 3);
        for (int p = 0; p < k; p++) {
            FloatVector xv = FloatVector.fromArray(F, in, s0 + p * is, mask);
            c0 = xv.fma(FloatVector.broadcast(F, a[a0 + p]), c0);
            c1 = xv.fma(FloatVector.broadcast(F, a[a0 + k + p]), c1);
            c2 = xv.fma(FloatVector.broadcast(F, a[a0 + 2 * k + p]), c2);
            c3 = xv.fma(FloatVector.broadcast(F, a[a0 + 3 * k + p]), c3);
        }
        c0.intoArray(out, o0, mask);
        c1.intoArray(out, o0 + os, mask);
        c2.intoArray(out, o0 + 2 * os, mask);
        c3.intoArray(out, o0 + 3 * os, mask);
    }

    private static FloatVector init(float[] bias, int i) {
        return bias == null ? FloatVector.zero(F) : FloatVector.broadcast(F, bias[i]);
    }

    /** Rows i..i+3 (a rows at a0, a0+k, …) × 4 full vectors of columns. */
    private static void mix4(float[] a, int a0, int k, float[] in, int s0, int is, float[] bias, int i,
                             float[] out, int o0, int os) {
        FloatVector c00 = init(bias, i), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = init(bias, i + 1), c11 = c10, c12 = c10, c13 = c10;
        FloatVector c20 = init(bias, i + 2), c21 = c20, c22 = c20, c23 = c20;
        FloatVector c30 = init(bias, i + 3), c31 = c30, c32 = c30, c33 = c30;
        for (int p = 0; p < k; p++) {
            int s = s0 + p * is;
            FloatVector x0 = FloatVector.fromArray(F, in, s);
            FloatVector x1 = FloatVector.fromArray(F, in, s + L);
            FloatVector x2 = FloatVector.fromArray(F, in, s + 2 * L);
            FloatVector x3 = FloatVector.fromArray(F, in, s + 3 * L);
            FloatVector w = FloatVector.broadcast(F, a[a0 + p]);
            c00 = x0.fma(w, c00);
            c01 = x1.fma(w, c01);
            c02 = x2.fma(w, c02);
            c03 = x3.fma(w, c03);
            w = FloatVector.broadcast(F, a[a0 + k + p]);
            c10 = x0.fma(w, c10);
            c11 = x1.fma(w, c11);
            c12 = x2.fma(w, c12);
            c13 = x3.fma(w, c13);
            w = FloatVector.broadcast(F, a[a0 + 2 * k + p]);
            c20 = x0.fma(w, c20);
            c21 = x1.fma(w, c21);
            c22 = x2.fma(w, c22);
            c23 = x3.fma(w, c23);
            w = FloatVector.broadcast(F, a[a0 + 3 * k + p]);
            c30 = x0.fma(w, c30);
            c31 = x1.fma(w, c31);
            c32 = x2.fma(w, c32);
            c33 = x3.fma(w, c33);
        }
        store4(c00, c01, c02, c03, out, o0);
        store4(c10, c11, c12, c13, out, o0 + os);
        store4(c20, c21, c22, c23, out, o0 + 2 * os);
        store4(c30, c31, c32, c33, out, o0 + 3 * os);
    }

    /** Rows i..i+3 × 2 full vectors of columns ({@link #mix4} for 16 registers). */
    private static void mix2(float[] a, int a0, int k, float[] in, int s0, int is, float[] bias, int i,
                             float[] out, int o0, int os) {
        FloatVector c00 = init(bias, i), c01 = c00;
        FloatVector c10 = init(bias, i + 1), c11 = c10;
        FloatVector c20 = init(bias, i + 2), c21 = c20;
        FloatVector c30 = init(bias, i + 3), c31 = c30;
        for (int p = 0; p < k; p++) {
            int s = s0 + p * is;
            FloatVector x0 = FloatVector.fromArray(F, in, s);
            FloatVector x1 = FloatVector.fromArray(F, in, s + L);
            FloatVector w = FloatVector.broadcast(F, a[a0 + p]);
            c00 = x0.fma(w, c00);
            c01 = x1.fma(w, c01);
            w = FloatVector.broadcast(F, a[a0 + k + p]);
            c10 = x0.fma(w, c10);
            c11 = x1.fma(w, c11);
            w = FloatVector.broadcast(F, a[a0 + 2 * k + p]);
            c20 = x0.fma(w, c20);
            c21 = x1.fma(w, c21);
            w = FloatVector.broadcast(F, a[a0 + 3 * k + p]);
            c30 = x0.fma(w, c30);
            c31 = x1.fma(w, c31);
        }
        c00.intoArray(out, o0);
        c01.intoArray(out, o0 + L);
        c10.intoArray(out, o0 + os);
        c11.intoArray(out, o0 + os + L);
        c20.intoArray(out, o0 + 2 * os);
        c21.intoArray(out, o0 + 2 * os + L);
        c30.intoArray(out, o0 + 3 * os);
        c31.intoArray(out, o0 + 3 * os + L);
    }

    private static void store4(FloatVector v0, FloatVector v1, FloatVector v2, FloatVector v3, float[] out, int o) {
        v0.intoArray(out, o);
        v1.intoArray(out, o + L);
        v2.intoArray(out, o + 2 * L);
        v3.intoArray(out, o + 3 * L);
    }

    /** Row i × one vector of {@code count ≤ L} columns (masked when shorter). */
    private static void mixRow(float[] a, int a0, int k, float[] in, int s0, int is, float[] bias, int i,
                               float[] out, int o0, int count) {
        VectorMask<Float> mask = F.indexInRange(0, count);
        FloatVector c = init(bias, i);
        for (int p = 0; p < k; p++) {
            c = FloatVector.fromArray(F, in, s0 + p * is, mask).fma(FloatVector.broadcast(F, a[a0 + p]), c);
        }
        c.intoArray(out, o0, mask);
    }

    static void sumOuter(DepthwiseKernels kern, float[] p, int pOff, int pStride, int m, float[] q, int qOff,
                         int qStride, int k, int n, float[] g, int gOff) {
        float[] lanes = new float[16 * L];
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int j = 0;
            for (; j + 4 <= k; j += 4) {
                if (TILE == 4) {
                    outer4(p, pOff + i * pStride, pStride, q, qOff + j * qStride, qStride, n, g, gOff + i * k + j, k, lanes);
                } else {
                    outer2(p, pOff + i * pStride, pStride, q, qOff + j * qStride, qStride, n, g, gOff + i * k + j, k, lanes);
                    outer2(p, pOff + (i + 2) * pStride, pStride, q, qOff + j * qStride, qStride, n, g, gOff + (i + 2) * k + j, k, lanes);
                }
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
     * g[r·k + c] for r, c in 0..3 = Σ_x p row r · q row c over n columns: full vectors in the loop,
     * the last n mod L columns added in scalar after the lane reductions.
     */
    private static void outer4(float[] p, int p0, int ps, float[] q, int q0, int qs, int n, float[] g, int g0, int k,
                               float[] lanes) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
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
            pv = FloatVector.fromArray(F, p, p0 + 2 * ps + x);
            c20 = pv.fma(q0v, c20);
            c21 = pv.fma(q1v, c21);
            c22 = pv.fma(q2v, c22);
            c23 = pv.fma(q3v, c23);
            pv = FloatVector.fromArray(F, p, p0 + 3 * ps + x);
            c30 = pv.fma(q0v, c30);
            c31 = pv.fma(q1v, c31);
            c32 = pv.fma(q2v, c32);
            c33 = pv.fma(q3v, c33);
        }
        store4(c00, c01, c02, c03, lanes, 0);
        store4(c10, c11, c12, c13, lanes, 4 * L);
        store4(c20, c21, c22, c23, lanes, 8 * L);
        store4(c30, c31, c32, c33, lanes, 12 * L);
        for (int e = 0; e < 16; e++) g[g0 + (e >> 2) * k + (e & 3)] = DepthwiseKernelsPanama.sumLanes(lanes, e * L);
        if (full < n) tail(p, p0, ps, q, q0, qs, full, n, g, g0, k, 4);
    }

    /** Rows r = 0..1 of {@link #outer4} (8 accumulators, for 16 registers). */
    private static void outer2(float[] p, int p0, int ps, float[] q, int q0, int qs, int n, float[] g, int g0, int k,
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
        if (full < n) tail(p, p0, ps, q, q0, qs, full, n, g, g0, k, 2);
    }

    /** Adds columns [from, n) of the rows × 4 tile in scalar. */
    private static void tail(float[] p, int p0, int ps, float[] q, int q0, int qs, int from, int n, float[] g, int g0,
                             int k, int rows) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < 4; c++) {
                float s = 0f;
                for (int x = from; x < n; x++) s += p[p0 + r * ps + x] * q[q0 + c * qs + x];
                g[g0 + r * k + c] += s;
            }
        }
    }
}
