package dev.tenfold.conv;

import static dev.tenfold.conv.DepthwiseKernelsPanama.F;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;

/**
 * Vector API bodies of {@link DepthwiseKernels#pack} and {@link DepthwiseKernels#mixPacked}, the
 * 1×1 product {@code out = A·X + bias} of the factorized convs on a column block whose X was packed
 * into tiles of {@link #W} columns (the {@link DepthwiseKernels#pack} layout). A register tile
 * then reads its k × W operand strip front to back, like GEMM's packed B: 25–40% faster than
 * walking the k rows of a staged block (in-cache probe on a Zen 3, k = 16..64).
 *
 * <p>Register tiles: 4 output rows × {@link #TILE} vectors (16 accumulators with 512-bit vectors,
 * 8 below: on AVX2's 16 registers 16-accumulator tiles spilled), one row × TILE vectors for rows
 * beyond a multiple of 4. A zero-padded last tile is computed whole into a small buffer and its
 * valid columns copied out. Every output element is its init plus the k terms added in p order
 * with FMAs, whatever the tile.
 */
final class PackedMixPanama {
    private static final int L = F.length();
    /** Vectors per tile row: 4 with 512-bit vectors, else 2. */
    static final int TILE = L >= 16 ? 4 : 2;
    /** Columns per packed tile. */
    static final int W = TILE * L;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);

    private PackedMixPanama() { }

    /**
     * {@link DepthwiseKernels#pack} from a heap array, tile by tile so that dst is written front
     * to back (in-cache probe, k = 16..32 rows × 1024 columns: twice as fast as row by row, whose
     * writes land rows·W floats apart).
     */
    static void pack(float[] src, int off, int stride, int rows, int n, float[] dst) {
        int full = n - n % W;
        int d = 0;
        for (int x = 0; x < full; x += W) { // tile by tile: dst is written front to back
            for (int p = 0, r = off + x; p < rows; p++, r += stride, d += W) {
                for (int v = 0; v < W; v += L) FloatVector.fromArray(F, src, r + v).intoArray(dst, d + v);
            }
        }
        for (int p = 0; full < n && p < rows; p++) {
            int r = off + p * stride;
            d = (full / W * rows + p) * W;
            for (int v = 0; v < W; v += L) {
                int count = n - full - v;
                FloatVector xv = count >= L ? FloatVector.fromArray(F, src, r + full + v)
                        : count > 0 ? FloatVector.fromArray(F, src, r + full + v, F.indexInRange(0, count))
                        : FloatVector.zero(F);
                xv.intoArray(dst, d + v);
            }
        }
    }

    /**
     * {@link DepthwiseKernels#pack} from an off-heap segment (offsets in floats), row by row:
     * rows of a conv activation lie a channel apart, and reading each one front to back (the
     * writes scattered over the tiles) ran the CP conv forward 5–10% faster than gathering each
     * tile from all rows at once, which the heap form does.
     */
    static void pack(MemorySegment src, long off, long stride, int rows, int n, float[] dst) {
        int full = n - n % W;
        for (int p = 0; p < rows; p++) {
            long r = (off + p * stride) * Float.BYTES;
            int d = p * W;
            for (int x = 0; x < full; x += W, d += rows * W) {
                for (int v = 0; v < W; v += L) {
                    FloatVector.fromMemorySegment(F, src, r + (long) (x + v) * Float.BYTES, LE).intoArray(dst, d + v);
                }
            }
            for (int v = 0; full < n && v < W; v += L) {
                int count = n - full - v;
                long at = r + (long) (full + v) * Float.BYTES;
                FloatVector xv = count >= L ? FloatVector.fromMemorySegment(F, src, at, LE)
                        : count > 0 ? FloatVector.fromMemorySegment(F, src, at, LE, F.indexInRange(0, count))
                        : FloatVector.zero(F);
                xv.intoArray(dst, d + v);
            }
        }
    }

    /** {@link DepthwiseKernels#mixPacked}: out is {@code outS} when not null, else {@code out}. */
    static void mixPacked(float[] a, int aOff, int m, int k, float[] pk, float[] bias,
                          float[] out, MemorySegment outS, long outOff, int outStride, int n) {
        float[] tmp = n % W == 0 ? null : new float[4 * W];
        for (int x = 0, base = 0; x < n; x += W, base += k * W) {
            int cols = Math.min(W, n - x);
            for (int i = 0; i < m; ) {
                int rows = m - i >= 4 ? 4 : 1;
                int a0 = aOff + i * k;
                // a whole tile goes straight to the output; the zero-padded last one into tmp first
                boolean whole = cols == W;
                float[] dst = whole ? out : tmp;
                MemorySegment dstS = whole ? outS : null;
                long o = whole ? outOff + (long) i * outStride + x : 0;
                int ds = whole ? outStride : W;
                if (rows == 1) row(a, a0, k, pk, base, bias, i, dst, dstS, o);
                else if (TILE == 4) tile4(a, a0, k, pk, base, bias, i, dst, dstS, o, ds);
                else tile2(a, a0, k, pk, base, bias, i, dst, dstS, o, ds);
                if (!whole) {
                    for (int r = 0; r < rows; r++) {
                        long to = outOff + (long) (i + r) * outStride + x;
                        if (outS == null) System.arraycopy(tmp, r * W, out, (int) to, cols);
                        else MemorySegment.copy(tmp, r * W, outS, F32, to * Float.BYTES, cols);
                    }
                }
                i += rows;
            }
        }
    }

    private static FloatVector init(float[] bias, int i) {
        return bias == null ? FloatVector.zero(F) : FloatVector.broadcast(F, bias[i]);
    }

    /** Rows i..i+3 × 4 vectors (512-bit vectors: 16 accumulators). */
    private static void tile4(float[] a, int a0, int k, float[] pk, int base, float[] bias, int i,
                              float[] out, MemorySegment outS, long o0, int os) {
        FloatVector c00 = init(bias, i), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = init(bias, i + 1), c11 = c10, c12 = c10, c13 = c10;
        FloatVector c20 = init(bias, i + 2), c21 = c20, c22 = c20, c23 = c20;
        FloatVector c30 = init(bias, i + 3), c31 = c30, c32 = c30, c33 = c30;
        int a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
        int s = base;
        for (int p = 0; p < k; p++, s += W) {
            FloatVector x0 = FloatVector.fromArray(F, pk, s);
            FloatVector x1 = FloatVector.fromArray(F, pk, s + L);
            FloatVector x2 = FloatVector.fromArray(F, pk, s + 2 * L);
            FloatVector x3 = FloatVector.fromArray(F, pk, s + 3 * L);
            FloatVector w = FloatVector.broadcast(F, a[a0 + p]);
            c00 = x0.fma(w, c00);
            c01 = x1.fma(w, c01);
            c02 = x2.fma(w, c02);
            c03 = x3.fma(w, c03);
            w = FloatVector.broadcast(F, a[a1 + p]);
            c10 = x0.fma(w, c10);
            c11 = x1.fma(w, c11);
            c12 = x2.fma(w, c12);
            c13 = x3.fma(w, c13);
            w = FloatVector.broadcast(F, a[a2 + p]);
            c20 = x0.fma(w, c20);
            c21 = x1.fma(w, c21);
            c22 = x2.fma(w, c22);
            c23 = x3.fma(w, c23);
            w = FloatVector.broadcast(F, a[a3 + p]);
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

    private static void store4(FloatVector v0, FloatVector v1, FloatVector v2, FloatVector v3, float[] out,
                               MemorySegment outS, long o) {
        if (outS == null) {
            int i = (int) o;
            v0.intoArray(out, i);
            v1.intoArray(out, i + L);
            v2.intoArray(out, i + 2 * L);
            v3.intoArray(out, i + 3 * L);
        } else {
            long b = o * Float.BYTES;
            v0.intoMemorySegment(outS, b, LE);
            v1.intoMemorySegment(outS, b + 4L * L, LE);
            v2.intoMemorySegment(outS, b + 8L * L, LE);
            v3.intoMemorySegment(outS, b + 12L * L, LE);
        }
    }

    /**
     * Rows i..i+3 × 2 vectors (8 accumulators: fits AVX2's 16 registers). Its stores test
     * array-or-segment inline: a store helper compiled on its own was too big to inline, and a call
     * per store slowed this tile (the AVX2 one); the test is loop-invariant.
     */
    private static void tile2(float[] a, int a0, int k, float[] pk, int base, float[] bias, int i,
                              float[] out, MemorySegment outS, long o0, int os) {
        FloatVector c00 = init(bias, i), c01 = c00;
        FloatVector c10 = init(bias, i + 1), c11 = c10;
        FloatVector c20 = init(bias, i + 2), c21 = c20;
        FloatVector c30 = init(bias, i + 3), c31 = c30;
        int a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
        int s = base;
        for (int p = 0; p < k; p++, s += W) {
            FloatVector x0 = FloatVector.fromArray(F, pk, s);
            FloatVector x1 = FloatVector.fromArray(F, pk, s + L);
            FloatVector w = FloatVector.broadcast(F, a[a0 + p]);
            c00 = x0.fma(w, c00);
            c01 = x1.fma(w, c01);
            w = FloatVector.broadcast(F, a[a1 + p]);
            c10 = x0.fma(w, c10);
            c11 = x1.fma(w, c11);
            w = FloatVector.broadcast(F, a[a2 + p]);
            c20 = x0.fma(w, c20);
            c21 = x1.fma(w, c21);
            w = FloatVector.broadcast(F, a[a3 + p]);
            c30 = x0.fma(w, c30);
            c31 = x1.fma(w, c31);
        }
        if (outS == null) {
            int o = (int) o0;
            c00.intoArray(out, o);
            c01.intoArray(out, o + L);
            c10.intoArray(out, o + os);
            c11.intoArray(out, o + os + L);
            c20.intoArray(out, o + 2 * os);
            c21.intoArray(out, o + 2 * os + L);
            c30.intoArray(out, o + 3 * os);
            c31.intoArray(out, o + 3 * os + L);
        } else {
            long b = o0 * Float.BYTES, rs = (long) os * Float.BYTES, v = (long) L * Float.BYTES;
            c00.intoMemorySegment(outS, b, LE);
            c01.intoMemorySegment(outS, b + v, LE);
            c10.intoMemorySegment(outS, b + rs, LE);
            c11.intoMemorySegment(outS, b + rs + v, LE);
            c20.intoMemorySegment(outS, b + 2 * rs, LE);
            c21.intoMemorySegment(outS, b + 2 * rs + v, LE);
            c30.intoMemorySegment(outS, b + 3 * rs, LE);
            c31.intoMemorySegment(outS, b + 3 * rs + v, LE);
        }
    }

    /** Row i × TILE vectors, one chain per vector. */
    private static void row(float[] a, int a0, int k, float[] pk, int base, float[] bias, int i,
                            float[] out, MemorySegment outS, long o) {
        for (int v = 0; v < TILE; v++) {
            FloatVector c = init(bias, i);
            int s = base + v * L;
            for (int p = 0; p < k; p++, s += W) c = FloatVector.fromArray(F, pk, s).fma(FloatVector.broadcast(F, a[a0 + p]), c);
            if (outS == null) c.intoArray(out, (int) o + v * L);
            else c.intoMemorySegment(outS, (o + (long) v * L) * Float.BYTES, LE);
        }
    }
}
