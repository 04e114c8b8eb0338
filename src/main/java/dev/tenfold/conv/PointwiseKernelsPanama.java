package dev.tenfold.conv;

import static dev.tenfold.conv.DepthwiseKernelsPanama.F;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
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
 *   <li>sumOuter: tiles of 2 p rows × 4 q rows (8 accumulators, five loads per eight FMAs)
 *       along x, the accumulators stored and their lanes summed in order ({@link DepthwiseKernelsPanama#sumLanes}) after the loop, the column tail in scalar; leftover
 *       rows fall back to dot products.</li>
 * </ul>
 */
final class PointwiseKernelsPanama {
    private static final int L = F.length();
    /**
     * Tile width of mix in vectors: 4 with 512-bit vectors
     * (AVX-512's 32 registers hold 16 accumulators and their operands), else 2 (on AVX2's 16
     * registers the 16-accumulator tiles spilled 12–16 values per step). Every output element
     * keeps its own accumulation order, so the bits do not depend on the tile.
     */
    private static final int TILE = L >= 16 ? 4 : 2;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private PointwiseKernelsPanama() { }

    // Inputs are heap arrays (staged blocks or padded intermediates, see PointwiseConv) walked with
    // int offsets. The output of mix is a heap array (outS null) or an off-heap segment; the
    // stores test which, written out in each kernel rather than in a helper: a helper is compiled
    // on its own into a method too big to inline, and a call per access ran the loops at half
    // speed. The test is loop-invariant, so the branch is free.

    /** {@link DepthwiseKernels#mixAt}: out is {@code outS} when not null, else {@code out}. */
    static void mix(float[] a, int aOff, int m, int k, float[] in, int inOff, int inStride, float[] bias,
                    float[] out, MemorySegment outS, long outOff, int outStride, int n) {
        int x = 0;
        for (int bound = n - TILE * L; x <= bound; x += TILE * L) {
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                long o = outOff + (long) i * outStride + x;
                if (TILE == 4) mix4(a, aOff + i * k, k, in, inOff + x, inStride, bias, i, out, outS, o, outStride);
                else mix2(a, aOff + i * k, k, in, inOff + x, inStride, bias, i, out, outS, o, outStride);
            }
            for (; i < m; i++) {
                for (int v = 0; v < TILE * L; v += L) {
                    mixRow(a, aOff + i * k, k, in, inOff + x + v, inStride, bias, i, out, outS,
                            outOff + (long) i * outStride + x + v, L);
                }
            }
        }
        for (; x < n; x += L) {
            int count = Math.min(L, n - x);
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                mixRows4(a, aOff + i * k, k, in, inOff + x, inStride, bias, i, out, outS,
                        outOff + (long) i * outStride + x, outStride, count);
            }
            for (; i < m; i++) {
                mixRow(a, aOff + i * k, k, in, inOff + x, inStride, bias, i, out, outS, outOff + (long) i * outStride + x, count);
            }
        }
    }

    /**
     * Rows i..i+3 × one vector of {@code count ≤ L} columns: four independent chains. Loads and
     * stores are masked only when count &lt; L (a masked segment access costs several plain ones).
     */
    private static void mixRows4(float[] a, int a0, int k, float[] in, int s0, int is, float[] bias, int i,
                                 float[] out, MemorySegment outS, long o0, int os, int count) {
        VectorMask<Float> mask = F.indexInRange(0, count);
        boolean full = count == L;
        FloatVector c0 = init(bias, i);
        FloatVector c1 = init(bias, i + 1);
        FloatVector c2 = init(bias, i + 2);
        FloatVector c3 = init(bias, i + 3);
        int s = s0;
        for (int p = 0; p < k; p++, s += is) {
            FloatVector xv = full ? FloatVector.fromArray(F, in, s) : FloatVector.fromArray(F, in, s, mask);
            c0 = xv.fma(FloatVector.broadcast(F, a[a0 + p]), c0);
            c1 = xv.fma(FloatVector.broadcast(F, a[a0 + k + p]), c1);
            c2 = xv.fma(FloatVector.broadcast(F, a[a0 + 2 * k + p]), c2);
            c3 = xv.fma(FloatVector.broadcast(F, a[a0 + 3 * k + p]), c3);
        }
        storeRow(c0, out, outS, o0, mask, full);
        storeRow(c1, out, outS, o0 + os, mask, full);
        storeRow(c2, out, outS, o0 + 2L * os, mask, full);
        storeRow(c3, out, outS, o0 + 3L * os, mask, full);
    }

    /** One vector to out at index o (array, or segment when outS is not null), masked unless full. */
    private static void storeRow(FloatVector v, float[] out, MemorySegment outS, long o, VectorMask<Float> mask, boolean full) {
        if (outS == null) {
            if (full) v.intoArray(out, (int) o);
            else v.intoArray(out, (int) o, mask);
        } else if (full) {
            v.intoMemorySegment(outS, o * Float.BYTES, LE);
        } else {
            v.intoMemorySegment(outS, o * Float.BYTES, LE, mask);
        }
    }

    private static FloatVector init(float[] bias, int i) {
        return bias == null ? FloatVector.zero(F) : FloatVector.broadcast(F, bias[i]);
    }

    /** Rows i..i+3 (a rows at a0, a0+k, …) × 4 full vectors of columns. */
    private static void mix4(float[] a, int a0, int k, float[] in, int s0, int is, float[] bias, int i,
                             float[] out, MemorySegment outS, long o0, int os) {
        FloatVector c00 = init(bias, i), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = init(bias, i + 1), c11 = c10, c12 = c10, c13 = c10;
        FloatVector c20 = init(bias, i + 2), c21 = c20, c22 = c20, c23 = c20;
        FloatVector c30 = init(bias, i + 3), c31 = c30, c32 = c30, c33 = c30;
        int s = s0;
        for (int p = 0; p < k; p++, s += is) {
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
        store4(c00, c01, c02, c03, out, outS, o0);
        store4(c10, c11, c12, c13, out, outS, o0 + os);
        store4(c20, c21, c22, c23, out, outS, o0 + 2L * os);
        store4(c30, c31, c32, c33, out, outS, o0 + 3L * os);
    }

    /** Rows i..i+3 × 2 full vectors of columns ({@link #mix4} for 16 registers). */
    private static void mix2(float[] a, int a0, int k, float[] in, int s0, int is, float[] bias, int i,
                             float[] out, MemorySegment outS, long o0, int os) {
        FloatVector c00 = init(bias, i), c01 = c00;
        FloatVector c10 = init(bias, i + 1), c11 = c10;
        FloatVector c20 = init(bias, i + 2), c21 = c20;
        FloatVector c30 = init(bias, i + 3), c31 = c30;
        int s = s0;
        for (int p = 0; p < k; p++, s += is) {
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
        if (outS == null) c00.intoArray(out, (int) (o0));
        else c00.intoMemorySegment(outS, (o0) * Float.BYTES, LE);
        if (outS == null) c01.intoArray(out, (int) (o0 + L));
        else c01.intoMemorySegment(outS, (o0 + L) * Float.BYTES, LE);
        if (outS == null) c10.intoArray(out, (int) (o0 + os));
        else c10.intoMemorySegment(outS, (o0 + os) * Float.BYTES, LE);
        if (outS == null) c11.intoArray(out, (int) (o0 + os + L));
        else c11.intoMemorySegment(outS, (o0 + os + L) * Float.BYTES, LE);
        if (outS == null) c20.intoArray(out, (int) (o0 + 2L * os));
        else c20.intoMemorySegment(outS, (o0 + 2L * os) * Float.BYTES, LE);
        if (outS == null) c21.intoArray(out, (int) (o0 + 2L * os + L));
        else c21.intoMemorySegment(outS, (o0 + 2L * os + L) * Float.BYTES, LE);
        if (outS == null) c30.intoArray(out, (int) (o0 + 3L * os));
        else c30.intoMemorySegment(outS, (o0 + 3L * os) * Float.BYTES, LE);
        if (outS == null) c31.intoArray(out, (int) (o0 + 3L * os + L));
        else c31.intoMemorySegment(outS, (o0 + 3L * os + L) * Float.BYTES, LE);
    }

    private static void store4(FloatVector v0, FloatVector v1, FloatVector v2, FloatVector v3, float[] out, MemorySegment outS,
                               long o) {
        if (outS == null) {
            store4(v0, v1, v2, v3, out, (int) o);
            return;
        }
        long b = o * Float.BYTES;
        v0.intoMemorySegment(outS, b, LE);
        v1.intoMemorySegment(outS, b + 4L * L, LE);
        v2.intoMemorySegment(outS, b + 8L * L, LE);
        v3.intoMemorySegment(outS, b + 12L * L, LE);
    }

    private static void store4(FloatVector v0, FloatVector v1, FloatVector v2, FloatVector v3, float[] out, int o) {
        v0.intoArray(out, o);
        v1.intoArray(out, o + L);
        v2.intoArray(out, o + 2 * L);
        v3.intoArray(out, o + 3 * L);
    }

    /** Row i × one vector of {@code count ≤ L} columns (masked when shorter). */
    private static void mixRow(float[] a, int a0, int k, float[] in, int s0, int is, float[] bias, int i,
                               float[] out, MemorySegment outS, long o0, int count) {
        VectorMask<Float> mask = F.indexInRange(0, count);
        boolean full = count == L;
        FloatVector c = init(bias, i);
        int s = s0;
        for (int p = 0; p < k; p++, s += is) {
            FloatVector xv = full ? FloatVector.fromArray(F, in, s) : FloatVector.fromArray(F, in, s, mask);
            c = xv.fma(FloatVector.broadcast(F, a[a0 + p]), c);
        }
        storeRow(c, out, outS, o0, mask, full);
    }

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
}
