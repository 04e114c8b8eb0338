package dev.tenfold.decomp;

import dev.tenfold.simd.Kernels;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API {@link LastModeKernels}; loaded only reflectively. The output columns go in blocks
 * of three vectors while more than two vectors of columns are left, then one block of two or
 * one. Per block, register tiles of 3 rows × 3 vectors (9 accumulators; per i: 3 loads of a U
 * row from L1, 3 broadcasts of X read in place, 9 FMAs — 13–15 registers, within AVX2's 16),
 * or 4 rows × 2 vectors (8 accumulators, 2 loads, 4 broadcasts) or 4 rows × 1 vector, then one
 * row at a time. Stores past the rank are masked. For rank 20 with 8 lanes the 3 × 3 tile
 * reads each X element once instead of twice (a 2-vector block and a 1-vector block): a
 * (3000 × 200)·(200 × 20) product ran at 38–57 GFLOP/s on one Zen 3 core against 24–38
 * before (medians of 60 calls in three rounds after warm-up, the two alternating). (Six-row tiles were no faster once compiled, and C1 ran out of registers on them,
 * which left the method in boxed tier-2 code for good in some runs.)
 *
 * <p>A tile's rows are spread over the block — of {@code rows} = 3m + e rows, tile t takes rows
 * t, t + m and t + 2m (4-row tiles likewise) — so X is read as three (four) sequential streams
 * that the hardware prefetcher runs ahead of, not as adjacent rows whose reads jump 3 rows
 * (2.4 KB) every tile. Reading a 32 MB X from memory that ran the (40000 × 200)·(200 × 20) pass
 * 1.59× faster on one thread (median of 25 alternating rounds; no change when X sat in the
 * last-level cache) and 1.25–1.40× faster on two (against the first-mode pass in the same JVM,
 * four JVMs); every element is still one fixed-order sum.
 */
final class PanamaLastModeKernels implements LastModeKernels {
    /** The vector width of the float kernels in use (so {@code -Dtenfold.simd=128|256|512} applies here too). */
    private static final VectorSpecies<Float> F = VectorSpecies.of(float.class, VectorShape.forBitSize(Kernels.get().vectorBitSize()));
    private static final int L = F.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;
    /** Rows per register tile. */
    private static final int MR = 4;
    private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, F.vectorShape());
    private static final int DL = D.length();

    PanamaLastModeKernels() { }

    @Override
    public int paddedRank(int rank) {
        return (rank + L - 1) / L * L;
    }

    @Override
    public void product(MemorySegment x, long xOff, long xStride, int rows, int k, float[] u, int ldu, int rank,
                        MemorySegment out, long outOff, long outStride) {
        int c = 0;
        for (; rank - c > 2 * L; c += 3 * L) { // three vectors of columns, the third maybe partial
            VectorMask<Float> m2 = F.indexInRange(c + 2 * L, rank);
            int m = rows / 3; // tile t: rows t, t + m, t + 2m (three sequential streams, see the class comment)
            for (int t = 0; t < m; t++) {
                threeByThree(x, xOff + t * xStride, m * xStride, k, u, c, ldu, out, outOff + t * outStride + c, m * outStride, m2);
            }
            for (int j = 3 * m; j < rows; j++) oneRowThree(x, xOff + j * xStride, k, u, c, ldu, out, outOff + j * outStride + c, m2);
        }
        for (; c < rank; c += 2 * L) {
            boolean two = c + L < rank;
            VectorMask<Float> m0 = F.indexInRange(c, rank), m1 = F.indexInRange(c + L, rank);
            int m = rows / MR; // tile t: rows t, t + m, t + 2m, t + 3m
            long xs = m * xStride, os = m * outStride;
            for (int t = 0; t < m; t++) {
                long xo = xOff + t * xStride, oo = outOff + t * outStride + c;
                if (two) fourByTwo(x, xo, xs, k, u, c, ldu, out, oo, os, m0, m1);
                else fourByOne(x, xo, xs, k, u, c, ldu, out, oo, os, m0);
            }
            for (int j = MR * m; j < rows; j++) oneRow(x, xOff + j * xStride, k, u, c, ldu, out, outOff + j * outStride + c, two, m0, m1);
        }
    }

    private static void threeByThree(MemorySegment x, long xo, long xs, int k, float[] u, int c, int ldu,
                                     MemorySegment out, long oo, long os, VectorMask<Float> m2) {
        FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F), a02 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F), a11 = FloatVector.zero(F), a12 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F), a21 = FloatVector.zero(F), a22 = FloatVector.zero(F);
        for (int i = 0, ui = c; i < k; i++, ui += ldu) {
            FloatVector u0 = FloatVector.fromArray(F, u, ui), u1 = FloatVector.fromArray(F, u, ui + L), u2 = FloatVector.fromArray(F, u, ui + 2 * L);
            long p = xo + i;
            FloatVector b = FloatVector.broadcast(F, x.getAtIndex(F32, p));
            a00 = b.fma(u0, a00);
            a01 = b.fma(u1, a01);
            a02 = b.fma(u2, a02);
            b = FloatVector.broadcast(F, x.getAtIndex(F32, p + xs));
            a10 = b.fma(u0, a10);
            a11 = b.fma(u1, a11);
            a12 = b.fma(u2, a12);
            b = FloatVector.broadcast(F, x.getAtIndex(F32, p + 2 * xs));
            a20 = b.fma(u0, a20);
            a21 = b.fma(u1, a21);
            a22 = b.fma(u2, a22);
        }
        storeThreeByThree(out, oo * Float.BYTES, os * Float.BYTES, a00, a01, a02, a10, a11, a12, a20, a21, a22, m2);
    }

    /**
     * The stores of a {@link #threeByThree} tile, in a method of their own (so in
     * {@link #fourByTwo}'s): C1 force-inlines the Vector API's masked-store code, and with it
     * inside the loop's method its profiled OSR compile ran out of virtual registers ("COMPILE
     * SKIPPED: out of virtual registers in linear scan"), after which HotSpot left the kernel in
     * C1 code that runs the vector operations through their Java fallback — CP-ALS 100³ at
     * 35–44 ms per iteration instead of ~1.2 in 3 of 5 runs. C2 inlines this method back.
     */
    private static void storeThreeByThree(MemorySegment out, long b0, long step, FloatVector a00, FloatVector a01, FloatVector a02,
                                          FloatVector a10, FloatVector a11, FloatVector a12, FloatVector a20, FloatVector a21,
                                          FloatVector a22, VectorMask<Float> m2) {
        long v = (long) L * Float.BYTES;
        a00.intoMemorySegment(out, b0, LE);
        a01.intoMemorySegment(out, b0 + v, LE);
        a02.intoMemorySegment(out, b0 + 2 * v, LE, m2);
        a10.intoMemorySegment(out, b0 + step, LE);
        a11.intoMemorySegment(out, b0 + step + v, LE);
        a12.intoMemorySegment(out, b0 + step + 2 * v, LE, m2);
        a20.intoMemorySegment(out, b0 + 2 * step, LE);
        a21.intoMemorySegment(out, b0 + 2 * step + v, LE);
        a22.intoMemorySegment(out, b0 + 2 * step + 2 * v, LE, m2);
    }

    /** One row, three vectors of columns (the rows left over by {@link #threeByThree}). */
    private static void oneRowThree(MemorySegment x, long xo, int k, float[] u, int c, int ldu, MemorySegment out, long oo,
                                    VectorMask<Float> m2) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F);
        for (int i = 0, ui = c; i < k; i++, ui += ldu) {
            FloatVector b = FloatVector.broadcast(F, x.getAtIndex(F32, xo + i));
            a0 = b.fma(FloatVector.fromArray(F, u, ui), a0);
            a1 = b.fma(FloatVector.fromArray(F, u, ui + L), a1);
            a2 = b.fma(FloatVector.fromArray(F, u, ui + 2 * L), a2);
        }
        long b0 = oo * Float.BYTES, v = (long) L * Float.BYTES;
        a0.intoMemorySegment(out, b0, LE);
        a1.intoMemorySegment(out, b0 + v, LE);
        a2.intoMemorySegment(out, b0 + 2 * v, LE, m2);
    }

    private static void fourByTwo(MemorySegment x, long xo, long xs, int k, float[] u, int c, int ldu,
                                  MemorySegment out, long oo, long os, VectorMask<Float> m0, VectorMask<Float> m1) {
        FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F), a10 = FloatVector.zero(F), a11 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F), a21 = FloatVector.zero(F), a30 = FloatVector.zero(F), a31 = FloatVector.zero(F);
        for (int i = 0, ui = c; i < k; i++, ui += ldu) {
            FloatVector u0 = FloatVector.fromArray(F, u, ui), u1 = FloatVector.fromArray(F, u, ui + L);
            long p = xo + i;
            FloatVector b = FloatVector.broadcast(F, x.getAtIndex(F32, p));
            a00 = b.fma(u0, a00);
            a01 = b.fma(u1, a01);
            b = FloatVector.broadcast(F, x.getAtIndex(F32, p + xs));
            a10 = b.fma(u0, a10);
            a11 = b.fma(u1, a11);
            b = FloatVector.broadcast(F, x.getAtIndex(F32, p + 2 * xs));
            a20 = b.fma(u0, a20);
            a21 = b.fma(u1, a21);
            b = FloatVector.broadcast(F, x.getAtIndex(F32, p + 3 * xs));
            a30 = b.fma(u0, a30);
            a31 = b.fma(u1, a31);
        }
        storeFourByTwo(out, oo * Float.BYTES, os * Float.BYTES, a00, a01, a10, a11, a20, a21, a30, a31, m0, m1);
    }

    /** The stores of a {@link #fourByTwo} tile, out of its method (see {@link #storeThreeByThree}). */
    private static void storeFourByTwo(MemorySegment out, long b0, long step, FloatVector a00, FloatVector a01, FloatVector a10,
                                       FloatVector a11, FloatVector a20, FloatVector a21, FloatVector a30, FloatVector a31,
                                       VectorMask<Float> m0, VectorMask<Float> m1) {
        long b1 = b0 + (long) L * Float.BYTES;
        a00.intoMemorySegment(out, b0, LE, m0);
        a01.intoMemorySegment(out, b1, LE, m1);
        a10.intoMemorySegment(out, b0 + step, LE, m0);
        a11.intoMemorySegment(out, b1 + step, LE, m1);
        a20.intoMemorySegment(out, b0 + 2 * step, LE, m0);
        a21.intoMemorySegment(out, b1 + 2 * step, LE, m1);
        a30.intoMemorySegment(out, b0 + 3 * step, LE, m0);
        a31.intoMemorySegment(out, b1 + 3 * step, LE, m1);
    }

    private static void fourByOne(MemorySegment x, long xo, long xs, int k, float[] u, int c, int ldu,
                                  MemorySegment out, long oo, long os, VectorMask<Float> m0) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
        for (int i = 0, ui = c; i < k; i++, ui += ldu) {
            FloatVector u0 = FloatVector.fromArray(F, u, ui);
            long p = xo + i;
            a0 = FloatVector.broadcast(F, x.getAtIndex(F32, p)).fma(u0, a0);
            a1 = FloatVector.broadcast(F, x.getAtIndex(F32, p + xs)).fma(u0, a1);
            a2 = FloatVector.broadcast(F, x.getAtIndex(F32, p + 2 * xs)).fma(u0, a2);
            a3 = FloatVector.broadcast(F, x.getAtIndex(F32, p + 3 * xs)).fma(u0, a3);
        }
        a0.intoMemorySegment(out, oo * Float.BYTES, LE, m0);
        a1.intoMemorySegment(out, (oo + os) * Float.BYTES, LE, m0);
        a2.intoMemorySegment(out, (oo + 2 * os) * Float.BYTES, LE, m0);
        a3.intoMemorySegment(out, (oo + 3 * os) * Float.BYTES, LE, m0);
    }

    /** One row, one or two vectors of columns (separate loops: a vector assigned under a condition may be boxed). */
    private static void oneRow(MemorySegment x, long xo, int k, float[] u, int c, int ldu, MemorySegment out, long oo,
                               boolean two, VectorMask<Float> m0, VectorMask<Float> m1) {
        FloatVector a0 = FloatVector.zero(F);
        if (two) {
            FloatVector a1 = FloatVector.zero(F);
            for (int i = 0, ui = c; i < k; i++, ui += ldu) {
                FloatVector b = FloatVector.broadcast(F, x.getAtIndex(F32, xo + i));
                a0 = b.fma(FloatVector.fromArray(F, u, ui), a0);
                a1 = b.fma(FloatVector.fromArray(F, u, ui + L), a1);
            }
            a1.intoMemorySegment(out, (oo + L) * Float.BYTES, LE, m1);
        } else {
            for (int i = 0, ui = c; i < k; i++, ui += ldu) a0 = FloatVector.broadcast(F, x.getAtIndex(F32, xo + i)).fma(FloatVector.fromArray(F, u, ui), a0);
        }
        a0.intoMemorySegment(out, oo * Float.BYTES, LE, m0);
    }

    /**
     * Pairs of full vectors of output columns in tiles of 4 rows × 2 vectors (8 accumulators: two
     * FMA pipes × four cycles of latency), then single vectors in tiles of 4 rows, the last vector
     * masked when r is not a multiple of the lanes; leftover rows one at a time. Unmasked loads and
     * stores wherever the vector is full (masked array accesses cost several times more). A
     * (200 × 20)·(20 × 20) product ran at 3.6 GFMA/s with masked 4 × 1 tiles only.
     */
    @Override
    public void product(double[] a, int aRow, int aCol, int rows, int inner, double[] b, int r, double[] out) {
        int full = r / DL * DL, c = 0;
        for (; c + 2 * DL <= full; c += 2 * DL) {
            int j = 0;
            for (; j + 4 <= rows; j += 4) fourRowsTwoVectors(a, aRow, aCol, j, inner, b, r, c, out);
            for (; j < rows; j++) {
                DoubleVector a0 = DoubleVector.zero(D), a1 = DoubleVector.zero(D);
                for (int i = 0, ai = j * aRow, bi = c; i < inner; i++, ai += aCol, bi += r) {
                    DoubleVector av = DoubleVector.broadcast(D, a[ai]);
                    a0 = av.fma(DoubleVector.fromArray(D, b, bi), a0);
                    a1 = av.fma(DoubleVector.fromArray(D, b, bi + DL), a1);
                }
                a0.intoArray(out, j * r + c);
                a1.intoArray(out, j * r + c + DL);
            }
        }
        for (; c < r; c += DL) {
            VectorMask<Double> mask = D.indexInRange(c, r);
            int j = 0;
            for (; j + 4 <= rows; j += 4) {
                DoubleVector a0 = DoubleVector.zero(D), a1 = DoubleVector.zero(D), a2 = DoubleVector.zero(D), a3 = DoubleVector.zero(D);
                for (int i = 0, ai = j * aRow, bi = c; i < inner; i++, ai += aCol, bi += r) {
                    DoubleVector bv = c < full ? DoubleVector.fromArray(D, b, bi) : DoubleVector.fromArray(D, b, bi, mask);
                    a0 = DoubleVector.broadcast(D, a[ai]).fma(bv, a0);
                    a1 = DoubleVector.broadcast(D, a[ai + aRow]).fma(bv, a1);
                    a2 = DoubleVector.broadcast(D, a[ai + 2 * aRow]).fma(bv, a2);
                    a3 = DoubleVector.broadcast(D, a[ai + 3 * aRow]).fma(bv, a3);
                }
                a0.intoArray(out, j * r + c, mask);
                a1.intoArray(out, (j + 1) * r + c, mask);
                a2.intoArray(out, (j + 2) * r + c, mask);
                a3.intoArray(out, (j + 3) * r + c, mask);
            }
            for (; j < rows; j++) {
                DoubleVector a0 = DoubleVector.zero(D);
                for (int i = 0, ai = j * aRow; i < inner; i++, ai += aCol) {
                    a0 = DoubleVector.broadcast(D, a[ai]).fma(DoubleVector.fromArray(D, b, i * r + c, mask), a0);
                }
                a0.intoArray(out, j * r + c, mask);
            }
        }
    }

    /** out rows j … j+3, columns c … c + 2·DL − 1 (two full vectors): 8 accumulators over i. */
    private static void fourRowsTwoVectors(double[] a, int aRow, int aCol, int j, int inner, double[] b, int r, int c, double[] out) {
        DoubleVector a00 = DoubleVector.zero(D), a01 = DoubleVector.zero(D), a10 = DoubleVector.zero(D), a11 = DoubleVector.zero(D);
        DoubleVector a20 = DoubleVector.zero(D), a21 = DoubleVector.zero(D), a30 = DoubleVector.zero(D), a31 = DoubleVector.zero(D);
        for (int i = 0, ai = j * aRow, bi = c; i < inner; i++, ai += aCol, bi += r) {
            DoubleVector b0 = DoubleVector.fromArray(D, b, bi), b1 = DoubleVector.fromArray(D, b, bi + DL);
            DoubleVector av = DoubleVector.broadcast(D, a[ai]);
            a00 = av.fma(b0, a00);
            a01 = av.fma(b1, a01);
            av = DoubleVector.broadcast(D, a[ai + aRow]);
            a10 = av.fma(b0, a10);
            a11 = av.fma(b1, a11);
            av = DoubleVector.broadcast(D, a[ai + 2 * aRow]);
            a20 = av.fma(b0, a20);
            a21 = av.fma(b1, a21);
            av = DoubleVector.broadcast(D, a[ai + 3 * aRow]);
            a30 = av.fma(b0, a30);
            a31 = av.fma(b1, a31);
        }
        int o = j * r + c;
        a00.intoArray(out, o);
        a01.intoArray(out, o + DL);
        a10.intoArray(out, o + r);
        a11.intoArray(out, o + r + DL);
        a20.intoArray(out, o + 2 * r);
        a21.intoArray(out, o + 2 * r + DL);
        a30.intoArray(out, o + 3 * r);
        a31.intoArray(out, o + 3 * r + DL);
    }
}
