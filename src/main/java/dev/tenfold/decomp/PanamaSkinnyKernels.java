package dev.tenfold.decomp;

import dev.tenfold.simd.Kernels;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API {@link SkinnyKernels}; loaded only reflectively. Register tiles of 12 independent
 * accumulators, X read in place (or a few rows copied to a heap buffer); see each method for
 * its tile.
 */
final class PanamaSkinnyKernels implements SkinnyKernels {
    private static final VectorSpecies<Float> F = species(System.getProperty(Kernels.PROPERTY, "auto"));
    private static final int L = F.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;
    /**
     * Column vectors per register tile of {@link #panel}: 4 with 512-bit vectors (AVX-512: 32
     * registers hold {@link #fourByFive}'s 20 accumulators), else 2 ({@link #twoByFive}, 10
     * accumulators: on AVX2's 16 registers C2 spilled 22 values per step of the 4-vector tile).
     */
    private static final int PANEL_VECTORS = L >= 16 ? 4 : 2;

    PanamaSkinnyKernels() { }

    private static VectorSpecies<Float> species(String prop) {
        return switch (prop) {
            case "128" -> FloatVector.SPECIES_128;
            case "256" -> FloatVector.SPECIES_256;
            case "512" -> FloatVector.SPECIES_512;
            default -> FloatVector.SPECIES_PREFERRED;
        };
    }

    /** Per block: 4 vector accumulators, their lanes summed in double in lane order. */
    @Override
    public double squaredNorm(MemorySegment x, long off, long n) {
        double total = 0;
        float[] lanes = new float[L];
        for (long b = 0; b < n; b += NORM_BLOCK) {
            long e = Math.min(n, b + NORM_BLOCK), i = b;
            FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
            for (; i + 4 * L <= e; i += 4 * L) {
                long p = (off + i) * Float.BYTES;
                FloatVector v0 = FloatVector.fromMemorySegment(F, x, p, LE), v1 = FloatVector.fromMemorySegment(F, x, p + 4 * L, LE);
                FloatVector v2 = FloatVector.fromMemorySegment(F, x, p + 8 * L, LE), v3 = FloatVector.fromMemorySegment(F, x, p + 12 * L, LE);
                a0 = v0.fma(v0, a0);
                a1 = v1.fma(v1, a1);
                a2 = v2.fma(v2, a2);
                a3 = v3.fma(v3, a3);
            }
            for (; i < e; i += L) {
                VectorMask<Float> m = F.indexInRange(i, e);
                FloatVector v = FloatVector.fromMemorySegment(F, x, (off + i) * Float.BYTES, LE, m);
                a0 = v.fma(v, a0);
            }
            a0.add(a1).add(a2.add(a3)).intoArray(lanes, 0);
            double s = 0;
            for (int l = 0; l < L; l++) s += lanes[l];
            total += s;
        }
        return total;
    }

    /** Two vector accumulators per dot, a masked tail, the lanes summed in lane order. */
    @Override
    public void rowDots(MemorySegment src, long srcOff, long strideR, long strideP, int p0, int p1, int d, float[] w, int ldw,
                        MemorySegment out, long outOff, long outR, long outP, int r0, int r1) {
        int full = d / L * L;
        VectorMask<Float> tail = F.indexInRange(full, d);
        for (int p = p0; p < p1; p++) {
            for (int r = r0; r < r1; r++) {
                int wo = r * ldw;
                long b = (srcOff + r * strideR + p * strideP) * Float.BYTES;
                FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
                int c = 0;
                for (; c + 2 * L <= full; c += 2 * L) {
                    a0 = FloatVector.fromMemorySegment(F, src, b + (long) c * Float.BYTES, LE).fma(FloatVector.fromArray(F, w, wo + c), a0);
                    a1 = FloatVector.fromMemorySegment(F, src, b + (long) (c + L) * Float.BYTES, LE).fma(FloatVector.fromArray(F, w, wo + c + L), a1);
                }
                if (c < full) a0 = FloatVector.fromMemorySegment(F, src, b + (long) c * Float.BYTES, LE).fma(FloatVector.fromArray(F, w, wo + c), a0);
                if (full < d) {
                    a1 = FloatVector.fromMemorySegment(F, src, b + (long) full * Float.BYTES, LE, tail)
                            .fma(FloatVector.fromArray(F, w, wo + full, tail), a1);
                }
                out.setAtIndex(F32, outOff + r * outR + p * outP, laneSum(a0.add(a1)));
            }
        }
    }

    private static final VectorShuffle<Float> HALF = rotation(L / 2), QUARTER = rotation(L / 4), EIGHTH = rotation(L / 8),
            SIXTEENTH = rotation(L / 16);

    private static VectorShuffle<Float> rotation(int by) {
        return by == 0 ? null : VectorShuffle.fromOp(F, i -> (i + by) % L);
    }

    /**
     * Σ lanes of v by a butterfly of lane rotations and element-wise adds — a fixed order, so the
     * same bits interpreted or compiled (unlike {@code reduceLanes}).
     */
    private static float laneSum(FloatVector v) {
        v = v.add(v.rearrange(HALF));
        if (L >= 4) v = v.add(v.rearrange(QUARTER));
        if (L >= 8) v = v.add(v.rearrange(EIGHTH));
        if (L >= 16) v = v.add(v.rearrange(SIXTEENTH));
        return v.lane(0);
    }

    /** Column blocks of 4 vectors accumulated over i in registers, then single (masked) vectors. */
    @Override
    public void combineRows(MemorySegment src, long srcOff, long strideR, int d, int q, float[] w, int ldw,
                            MemorySegment out, long outOff, int r0, int r1) {
        long rowBytes = (long) q * Float.BYTES;
        for (int r = r0; r < r1; r++) {
            long base = (srcOff + r * strideR) * Float.BYTES, ob = (outOff + (long) r * q) * Float.BYTES;
            int wo = r * ldw;
            int j = 0;
            for (; j + 4 * L <= q; j += 4 * L) {
                FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
                long b = base + (long) j * Float.BYTES;
                for (int i = 0; i < d; i++, b += rowBytes) {
                    FloatVector wi = FloatVector.broadcast(F, w[wo + i]);
                    a0 = FloatVector.fromMemorySegment(F, src, b, LE).fma(wi, a0);
                    a1 = FloatVector.fromMemorySegment(F, src, b + 4 * L, LE).fma(wi, a1);
                    a2 = FloatVector.fromMemorySegment(F, src, b + 8 * L, LE).fma(wi, a2);
                    a3 = FloatVector.fromMemorySegment(F, src, b + 12 * L, LE).fma(wi, a3);
                }
                long o = ob + (long) j * Float.BYTES;
                a0.intoMemorySegment(out, o, LE);
                a1.intoMemorySegment(out, o + 4 * L, LE);
                a2.intoMemorySegment(out, o + 8 * L, LE);
                a3.intoMemorySegment(out, o + 12 * L, LE);
            }
            for (; j < q; j += L) {
                VectorMask<Float> m = F.indexInRange(j, q);
                FloatVector a = FloatVector.zero(F);
                long b = base + (long) j * Float.BYTES;
                for (int i = 0; i < d; i++, b += rowBytes) a = FloatVector.fromMemorySegment(F, src, b, LE, m).fma(FloatVector.broadcast(F, w[wo + i]), a);
                a.intoMemorySegment(out, ob + (long) j * Float.BYTES, LE, m);
            }
        }
    }

    /** Half-width float vectors, widened to doubles of the full width, for the double chain steps. */
    private static final VectorSpecies<Float> FH = VectorSpecies.of(float.class, jdk.incubator.vector.VectorShape.forBitSize(F.vectorBitSize() / 2));
    private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, F.vectorShape());
    private static final int LD = D.length();

    /** LD floats from src at byte offset b, widened to doubles. */
    private static DoubleVector widened(MemorySegment src, long b) {
        return (DoubleVector) FloatVector.fromMemorySegment(FH, src, b, LE).convertShape(VectorOperators.F2D, D, 0);
    }

    /** Two double accumulators of LD lanes over c, their lanes added in lane order, then a scalar tail. */
    @Override
    public void rowDotsToDoubles(MemorySegment src, long srcOff, long strideR, int p, int d, float[] w, int ldw, double[] out, int ldo,
                                 int r0, int r1) {
        int full = d / (2 * LD) * (2 * LD);
        double[] wd = new double[d], lanes = new double[LD];
        for (int r = r0; r < r1; r++) {
            for (int c = 0; c < d; c++) wd[c] = w[r * ldw + c];
            for (int q = 0; q < p; q++) {
                long o = srcOff + r * strideR + (long) q * d;
                DoubleVector a0 = DoubleVector.zero(D), a1 = DoubleVector.zero(D);
                for (int c = 0; c < full; c += 2 * LD) {
                    long b = (o + c) * Float.BYTES;
                    a0 = widened(src, b).fma(DoubleVector.fromArray(D, wd, c), a0);
                    a1 = widened(src, b + (long) LD * Float.BYTES).fma(DoubleVector.fromArray(D, wd, c + LD), a1);
                }
                a0.add(a1).intoArray(lanes, 0);
                double s = 0;
                for (int l = 0; l < LD; l++) s += lanes[l];
                for (int c = full; c < d; c++) s = Math.fma(src.getAtIndex(ValueLayout.JAVA_FLOAT, o + c), wd[c], s);
                out[q * ldo + r] = s;
            }
        }
    }

    /** A double row accumulator updated LD columns at a time, then written to its strided places. */
    @Override
    public void combineRowsToDoubles(MemorySegment src, long srcOff, long strideR, int d, int q, float[] w, int ldw, double[] out,
                                     int ldo, int r0, int r1) {
        int full = q / LD * LD;
        double[] acc = new double[q];
        for (int r = r0; r < r1; r++) {
            java.util.Arrays.fill(acc, 0);
            for (int i = 0; i < d; i++) {
                double wi = w[r * ldw + i];
                DoubleVector wv = DoubleVector.broadcast(D, wi);
                long o = srcOff + r * strideR + (long) i * q;
                int j = 0;
                for (; j < full; j += LD) widened(src, (o + j) * Float.BYTES).fma(wv, DoubleVector.fromArray(D, acc, j)).intoArray(acc, j);
                for (; j < q; j++) acc[j] = Math.fma(wi, src.getAtIndex(ValueLayout.JAVA_FLOAT, o + j), acc[j]);
            }
            for (int j = 0; j < q; j++) out[j * ldo + r] = acc[j];
        }
    }

    /** Components per register tile of {@link #panel}. */
    private static final int PC = 5;

    @Override
    public int panelRank(int rank) {
        return (rank + PC - 1) / PC * PC;
    }

    @Override
    public int panelWidth(int cols) {
        return (cols + L - 1) / L * L;
    }

    /**
     * Register tiles of 4 vectors of columns × 5 components (20 accumulators; per row i 4 loads of
     * the panel, 5 broadcasts of U, 20 FMAs; 2 vectors × 5 below 512-bit vectors), then single vectors × 10 components (× 5 for an odd
     * group) for the remaining columns: 5 accumulators alone wait on the FMA latency. A vector
     * reaching past the last column reads unmasked (those acc columns are scratch) except in the
     * rows where it would run past the segment (masked loads cost several times more). A strip of 4 vectors × kb rows serves every
     * group of components while it is in L1. Accumulators start from acc, or from zero registers
     * in the first block of rows (zero-filling acc first took 3.8–4.4% of the CP-ALS and HOOI 200³
     * samples in JFR), and are stored once per tile.
     */
    @Override
    public void panel(MemorySegment p, long pOff, long ldp, int kb, float[] u, int row0, int k, int rows, float[] acc, int lda,
                      int cols, boolean first) {
        int groupStride = k * PC; // component group g of row i at u[g·k·PC + i·PC]
        if (kb == 0) {
            if (first) for (int r = 0; r < rows; r++) java.util.Arrays.fill(acc, r * lda, r * lda + panelWidth(cols), 0f);
            return;
        }
        int c = 0;
        for (; c + PANEL_VECTORS * L <= cols; c += PANEL_VECTORS * L) {
            for (int rb = 0, ug = row0 * PC; rb < rows; rb += PC, ug += groupStride) {
                if (PANEL_VECTORS == 4) fourByFive(p, pOff + c, ldp, kb, u, ug, acc, rb * lda + c, lda, first);
                else twoByFive(p, pOff + c, ldp, kb, u, ug, acc, rb * lda + c, lda, first);
            }
        }
        for (; c < cols; c += L) {
            // a vector past the real columns is harmless (acc columns cols … width − 1 are scratch)
            // unless it runs past the segment: those rows (at the very end of X read in place) are
            // copied into a zero-padded native row first — masked loads cost several times more,
            // and the masked load in this loop ran through the Vector API's fallback code (JFR:
            // 2–6% of CP-ALS 100³ samples in AbstractMask/VectorSupport frames)
            long room = p.byteSize() / Float.BYTES - pOff - c - L;
            int plain = room < 0 ? 0 : (int) Math.min(kb, room / ldp + 1);
            if (plain > 0) tail(p, pOff + c, ldp, plain, u, row0 * PC, groupStride, rows, acc, c, lda, first);
            if (plain < kb) {
                int rest = kb - plain, valid = Math.min(L, cols - c);
                try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) { // native, like X: one segment type in the loop
                    MemorySegment pad = arena.allocate((long) rest * L * Float.BYTES, 64);
                    for (int i = 0; i < rest; i++) {
                        MemorySegment.copy(p, (pOff + c + (plain + i) * ldp) * Float.BYTES, pad, (long) i * L * Float.BYTES,
                                (long) valid * Float.BYTES);
                    }
                    tail(pad, 0, L, rest, u, (row0 + plain) * PC, groupStride, rows, acc, c, lda, first && plain == 0);
                }
            }
        }
    }

    /**
     * One vector of columns × every component group, over kb rows (group g's first row at
     * u[uo + g·groupStride]); the accumulators start from zero when {@code zero}, else from acc.
     */
    private static void tail(MemorySegment p, long po, long ldp, int kb, float[] u, int uo, int groupStride, int rows, float[] acc,
                             int c, int lda, boolean zero) {
        int rb = 0;
        for (; rb + 2 * PC <= rows; rb += 2 * PC, uo += 2 * groupStride) {
            oneByTen(p, po, ldp, kb, u, uo, uo + groupStride, acc, rb * lda + c, lda, false, zero);
        }
        if (rb < rows) oneByTen(p, po, ldp, kb, u, uo, uo, acc, rb * lda + c, lda, true, zero);
    }

    /** A tile's accumulator for acc[i … i + L): zero when {@code zero} (the first block of rows), else loaded. */
    private static FloatVector start(boolean zero, float[] acc, int i) {
        return zero ? FloatVector.zero(F) : FloatVector.fromArray(F, acc, i);
    }

    private static void fourByFive(MemorySegment p, long po, long ldp, int kb, float[] u, int ui, float[] acc, int ao, int lda,
                                   boolean zero) {
        FloatVector a00 = start(zero, acc, ao), a01 = start(zero, acc, ao + L);
        FloatVector a02 = start(zero, acc, ao + 2 * L), a03 = start(zero, acc, ao + 3 * L);
        FloatVector a10 = start(zero, acc, ao + lda), a11 = start(zero, acc, ao + lda + L);
        FloatVector a12 = start(zero, acc, ao + lda + 2 * L), a13 = start(zero, acc, ao + lda + 3 * L);
        FloatVector a20 = start(zero, acc, ao + 2 * lda), a21 = start(zero, acc, ao + 2 * lda + L);
        FloatVector a22 = start(zero, acc, ao + 2 * lda + 2 * L), a23 = start(zero, acc, ao + 2 * lda + 3 * L);
        FloatVector a30 = start(zero, acc, ao + 3 * lda), a31 = start(zero, acc, ao + 3 * lda + L);
        FloatVector a32 = start(zero, acc, ao + 3 * lda + 2 * L), a33 = start(zero, acc, ao + 3 * lda + 3 * L);
        FloatVector a40 = start(zero, acc, ao + 4 * lda), a41 = start(zero, acc, ao + 4 * lda + L);
        FloatVector a42 = start(zero, acc, ao + 4 * lda + 2 * L), a43 = start(zero, acc, ao + 4 * lda + 3 * L);
        long pb = po * Float.BYTES, step = ldp * Float.BYTES;
        for (int i = 0; i < kb; i++, pb += step, ui += PC) {
            FloatVector x0 = FloatVector.fromMemorySegment(F, p, pb, LE);
            FloatVector x1 = FloatVector.fromMemorySegment(F, p, pb + 4 * L, LE);
            FloatVector x2 = FloatVector.fromMemorySegment(F, p, pb + 8 * L, LE);
            FloatVector x3 = FloatVector.fromMemorySegment(F, p, pb + 12 * L, LE);
            FloatVector w = FloatVector.broadcast(F, u[ui]);
            a00 = x0.fma(w, a00);
            a01 = x1.fma(w, a01);
            a02 = x2.fma(w, a02);
            a03 = x3.fma(w, a03);
            w = FloatVector.broadcast(F, u[ui + 1]);
            a10 = x0.fma(w, a10);
            a11 = x1.fma(w, a11);
            a12 = x2.fma(w, a12);
            a13 = x3.fma(w, a13);
            w = FloatVector.broadcast(F, u[ui + 2]);
            a20 = x0.fma(w, a20);
            a21 = x1.fma(w, a21);
            a22 = x2.fma(w, a22);
            a23 = x3.fma(w, a23);
            w = FloatVector.broadcast(F, u[ui + 3]);
            a30 = x0.fma(w, a30);
            a31 = x1.fma(w, a31);
            a32 = x2.fma(w, a32);
            a33 = x3.fma(w, a33);
            w = FloatVector.broadcast(F, u[ui + 4]);
            a40 = x0.fma(w, a40);
            a41 = x1.fma(w, a41);
            a42 = x2.fma(w, a42);
            a43 = x3.fma(w, a43);
        }
        a00.intoArray(acc, ao);
        a01.intoArray(acc, ao + L);
        a02.intoArray(acc, ao + 2 * L);
        a03.intoArray(acc, ao + 3 * L);
        a10.intoArray(acc, ao + lda);
        a11.intoArray(acc, ao + lda + L);
        a12.intoArray(acc, ao + lda + 2 * L);
        a13.intoArray(acc, ao + lda + 3 * L);
        a20.intoArray(acc, ao + 2 * lda);
        a21.intoArray(acc, ao + 2 * lda + L);
        a22.intoArray(acc, ao + 2 * lda + 2 * L);
        a23.intoArray(acc, ao + 2 * lda + 3 * L);
        a30.intoArray(acc, ao + 3 * lda);
        a31.intoArray(acc, ao + 3 * lda + L);
        a32.intoArray(acc, ao + 3 * lda + 2 * L);
        a33.intoArray(acc, ao + 3 * lda + 3 * L);
        a40.intoArray(acc, ao + 4 * lda);
        a41.intoArray(acc, ao + 4 * lda + L);
        a42.intoArray(acc, ao + 4 * lda + 2 * L);
        a43.intoArray(acc, ao + 4 * lda + 3 * L);
    }

    /** {@link #fourByFive} for two vectors of columns (10 accumulators: fits 16 registers). */
    private static void twoByFive(MemorySegment p, long po, long ldp, int kb, float[] u, int ui, float[] acc, int ao, int lda,
                                  boolean zero) {
        FloatVector a00 = start(zero, acc, ao), a01 = start(zero, acc, ao + L);
        FloatVector a10 = start(zero, acc, ao + lda), a11 = start(zero, acc, ao + lda + L);
        FloatVector a20 = start(zero, acc, ao + 2 * lda), a21 = start(zero, acc, ao + 2 * lda + L);
        FloatVector a30 = start(zero, acc, ao + 3 * lda), a31 = start(zero, acc, ao + 3 * lda + L);
        FloatVector a40 = start(zero, acc, ao + 4 * lda), a41 = start(zero, acc, ao + 4 * lda + L);
        long pb = po * Float.BYTES, step = ldp * Float.BYTES;
        for (int i = 0; i < kb; i++, pb += step, ui += PC) {
            FloatVector x0 = FloatVector.fromMemorySegment(F, p, pb, LE);
            FloatVector x1 = FloatVector.fromMemorySegment(F, p, pb + 4 * L, LE);
            FloatVector w = FloatVector.broadcast(F, u[ui]);
            a00 = x0.fma(w, a00);
            a01 = x1.fma(w, a01);
            w = FloatVector.broadcast(F, u[ui + 1]);
            a10 = x0.fma(w, a10);
            a11 = x1.fma(w, a11);
            w = FloatVector.broadcast(F, u[ui + 2]);
            a20 = x0.fma(w, a20);
            a21 = x1.fma(w, a21);
            w = FloatVector.broadcast(F, u[ui + 3]);
            a30 = x0.fma(w, a30);
            a31 = x1.fma(w, a31);
            w = FloatVector.broadcast(F, u[ui + 4]);
            a40 = x0.fma(w, a40);
            a41 = x1.fma(w, a41);
        }
        a00.intoArray(acc, ao);
        a01.intoArray(acc, ao + L);
        a10.intoArray(acc, ao + lda);
        a11.intoArray(acc, ao + lda + L);
        a20.intoArray(acc, ao + 2 * lda);
        a21.intoArray(acc, ao + 2 * lda + L);
        a30.intoArray(acc, ao + 3 * lda);
        a31.intoArray(acc, ao + 3 * lda + L);
        a40.intoArray(acc, ao + 4 * lda);
        a41.intoArray(acc, ao + 4 * lda + L);
    }

    /**
     * One vector of columns × 10 components (or × 5 when {@code five}: the odd group of a rank
     * that is an odd multiple of 5). 10 independent accumulators hide the FMA latency that 5 do
     * not; the flag is loop-invariant, so the JIT unswitches the loop into the two forms.
     * Components 0–4 come from the group whose row i is at u[ui + 5i], 5–9 from the one at u[vi + 5i].
     */
    private static void oneByTen(MemorySegment p, long po, long ldp, int kb, float[] u, int ui, int vi, float[] acc, int ao, int lda,
                                 boolean five, boolean zero) {
        FloatVector z = FloatVector.zero(F);
        FloatVector a0 = start(zero, acc, ao), a1 = start(zero, acc, ao + lda);
        FloatVector a2 = start(zero, acc, ao + 2 * lda), a3 = start(zero, acc, ao + 3 * lda);
        FloatVector a4 = start(zero, acc, ao + 4 * lda);
        FloatVector a5 = five ? z : start(zero, acc, ao + 5 * lda), a6 = five ? z : start(zero, acc, ao + 6 * lda);
        FloatVector a7 = five ? z : start(zero, acc, ao + 7 * lda), a8 = five ? z : start(zero, acc, ao + 8 * lda);
        FloatVector a9 = five ? z : start(zero, acc, ao + 9 * lda);
        long pb = po * Float.BYTES, step = ldp * Float.BYTES;
        for (int i = 0; i < kb; i++, pb += step, ui += PC, vi += PC) {
            FloatVector x = FloatVector.fromMemorySegment(F, p, pb, LE);
            a0 = x.fma(FloatVector.broadcast(F, u[ui]), a0);
            a1 = x.fma(FloatVector.broadcast(F, u[ui + 1]), a1);
            a2 = x.fma(FloatVector.broadcast(F, u[ui + 2]), a2);
            a3 = x.fma(FloatVector.broadcast(F, u[ui + 3]), a3);
            a4 = x.fma(FloatVector.broadcast(F, u[ui + 4]), a4);
            if (five) continue;
            a5 = x.fma(FloatVector.broadcast(F, u[vi]), a5);
            a6 = x.fma(FloatVector.broadcast(F, u[vi + 1]), a6);
            a7 = x.fma(FloatVector.broadcast(F, u[vi + 2]), a7);
            a8 = x.fma(FloatVector.broadcast(F, u[vi + 3]), a8);
            a9 = x.fma(FloatVector.broadcast(F, u[vi + 4]), a9);
        }
        a0.intoArray(acc, ao);
        a1.intoArray(acc, ao + lda);
        a2.intoArray(acc, ao + 2 * lda);
        a3.intoArray(acc, ao + 3 * lda);
        a4.intoArray(acc, ao + 4 * lda);
        if (five) return;
        a5.intoArray(acc, ao + 5 * lda);
        a6.intoArray(acc, ao + 6 * lda);
        a7.intoArray(acc, ao + 7 * lda);
        a8.intoArray(acc, ao + 8 * lda);
        a9.intoArray(acc, ao + 9 * lda);
    }

    /** The 8-lane species of the 8 × 8 tiles of {@link #transpose} (AVX2 and AVX-512 alike). */
    private static final VectorSpecies<Float> T8 = FloatVector.SPECIES_256;
    /** Two-source shuffles of the 8 × 8 transpose (an index −8 + l takes lane l of the second vector). */
    private static final VectorShuffle<Float> PAIR_LO = VectorShuffle.fromValues(T8, 0, -8, 1, -7, 4, -4, 5, -3),
            PAIR_HI = VectorShuffle.fromValues(T8, 2, -6, 3, -5, 6, -2, 7, -1),
            QUAD_LO = VectorShuffle.fromValues(T8, 0, 1, -8, -7, 4, 5, -4, -3),
            QUAD_HI = VectorShuffle.fromValues(T8, 2, 3, -6, -5, 6, 7, -2, -1),
            HALF_LO = VectorShuffle.fromValues(T8, 0, 1, 2, 3, -8, -7, -6, -5),
            HALF_HI = VectorShuffle.fromValues(T8, 4, 5, 6, 7, -4, -3, -2, -1);

    /**
     * 8 × 8 tiles transposed in registers (three rounds of two-source shuffles: pairs, quads,
     * halves), 8 rows at a time along the columns (two tiles a column step, to write whole lines
     * of dst, ran 2–3× slower in C2); the rows and columns past the last multiple of 8 by the
     * scalar twin. With vectors under 8 lanes the scalar twin does it all.
     */
    @Override
    public void transpose(MemorySegment src, long sOff, long lds, MemorySegment dst, long dOff, long ldd, int rows, int cols) {
        if (L < 8) {
            SkinnyKernels.SCALAR.transpose(src, sOff, lds, dst, dOff, ldd, rows, cols);
            return;
        }
        int r8 = rows & ~7, c8 = cols & ~7;
        for (int i0 = 0; i0 < r8; i0 += 8) {
            for (int j = 0; j < c8; j += 8) {
                tile8(src, (sOff + i0 * lds + j) * Float.BYTES, lds * Float.BYTES, dst, (dOff + j * ldd + i0) * Float.BYTES, ldd * Float.BYTES);
            }
        }
        if (c8 < cols) SkinnyKernels.SCALAR.transpose(src, sOff + c8, lds, dst, dOff + c8 * ldd, ldd, r8, cols - c8);
        if (r8 < rows) SkinnyKernels.SCALAR.transpose(src, sOff + r8 * lds, lds, dst, dOff + r8, ldd, rows - r8, cols);
    }

    /** dst (8 rows, ldd bytes apart) = the transpose of src (8 rows of 8 floats, lds bytes apart); byte offsets. */
    private static void tile8(MemorySegment s, long so, long lds, MemorySegment d, long dofs, long ldd) {
        FloatVector r0 = FloatVector.fromMemorySegment(T8, s, so, LE), r1 = FloatVector.fromMemorySegment(T8, s, so + lds, LE);
        FloatVector r2 = FloatVector.fromMemorySegment(T8, s, so + 2 * lds, LE), r3 = FloatVector.fromMemorySegment(T8, s, so + 3 * lds, LE);
        FloatVector r4 = FloatVector.fromMemorySegment(T8, s, so + 4 * lds, LE), r5 = FloatVector.fromMemorySegment(T8, s, so + 5 * lds, LE);
        FloatVector r6 = FloatVector.fromMemorySegment(T8, s, so + 6 * lds, LE), r7 = FloatVector.fromMemorySegment(T8, s, so + 7 * lds, LE);
        FloatVector a0 = r0.rearrange(PAIR_LO, r1), a1 = r0.rearrange(PAIR_HI, r1), a2 = r2.rearrange(PAIR_LO, r3), a3 = r2.rearrange(PAIR_HI, r3);
        FloatVector a4 = r4.rearrange(PAIR_LO, r5), a5 = r4.rearrange(PAIR_HI, r5), a6 = r6.rearrange(PAIR_LO, r7), a7 = r6.rearrange(PAIR_HI, r7);
        FloatVector b0 = a0.rearrange(QUAD_LO, a2), b1 = a0.rearrange(QUAD_HI, a2), b2 = a1.rearrange(QUAD_LO, a3), b3 = a1.rearrange(QUAD_HI, a3);
        FloatVector b4 = a4.rearrange(QUAD_LO, a6), b5 = a4.rearrange(QUAD_HI, a6), b6 = a5.rearrange(QUAD_LO, a7), b7 = a5.rearrange(QUAD_HI, a7);
        b0.rearrange(HALF_LO, b4).intoMemorySegment(d, dofs, LE);
        b1.rearrange(HALF_LO, b5).intoMemorySegment(d, dofs + ldd, LE);
        b2.rearrange(HALF_LO, b6).intoMemorySegment(d, dofs + 2 * ldd, LE);
        b3.rearrange(HALF_LO, b7).intoMemorySegment(d, dofs + 3 * ldd, LE);
        b0.rearrange(HALF_HI, b4).intoMemorySegment(d, dofs + 4 * ldd, LE);
        b1.rearrange(HALF_HI, b5).intoMemorySegment(d, dofs + 5 * ldd, LE);
        b2.rearrange(HALF_HI, b6).intoMemorySegment(d, dofs + 6 * ldd, LE);
        b3.rearrange(HALF_HI, b7).intoMemorySegment(d, dofs + 7 * ldd, LE);
    }
}
