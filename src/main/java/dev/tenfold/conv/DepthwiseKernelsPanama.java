package dev.tenfold.conv;

import dev.tenfold.simd.Kernels;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API {@link DepthwiseKernels}; loaded only reflectively through
 * {@link DepthwiseKernels#get()}. {@code combine} vectorises along x: the range is cut into
 * segments at every term boundary (lo / hi), so inside a segment each term is valid everywhere
 * or nowhere; four independent accumulators of L lanes take one broadcast-weight FMA per valid
 * term, and only one masked tail vector per segment remains; a segment with exactly three valid
 * terms (a 3-tap kernel away from the borders, the common case) runs a loop with the offsets and
 * weights (or pattern bases) in registers and the same per-element arithmetic. Lane sums use the fixed tree of
 * {@link #sumLanes}. The 1×1 kernels live in
 * {@link PointwiseKernelsPanama}.
 */
final class DepthwiseKernelsPanama implements DepthwiseKernels {
    static final VectorSpecies<Float> F = switch (System.getProperty(Kernels.PROPERTY, "auto").trim()) {
        case "128" -> FloatVector.SPECIES_128;
        case "256" -> FloatVector.SPECIES_256;
        case "512" -> FloatVector.SPECIES_512;
        default -> FloatVector.SPECIES_PREFERRED;
    };
    private static final int L = F.length();
    /**
     * Σ of {@code lanes[off .. off + L)} in lane order. Kernels store their accumulators to a heap
     * array and sum them here rather than with {@code reduceLanes(ADD)}, whose order may differ
     * between the intrinsic and the Java fallback: results are then bitwise the same before and
     * after JIT compilation, so they cannot depend on which thread (warm or cold) runs a job.
     */
    static float sumLanes(float[] lanes, int off) {
        float s = 0f;
        for (int i = 0; i < L; i++) s += lanes[off + i];
        return s;
    }

    DepthwiseKernelsPanama() { }

    @Override
    public String name() {
        return "panama-" + F.vectorBitSize();
    }

    @Override
    public void combine(float[] out, int outOff, int n,
                        float[] src, int[] off, int[] lo, int[] hi, float[] w, int terms) {
        for (int s0 = 0, s1; s0 < n; s0 = s1) {
            s1 = nextCut(s0, n, lo, hi, terms);
            segment(out, outOff, s0, s1, src, off, lo, hi, w, terms);
        }
    }

    /**
     * The end of the segment starting at s0: the next term boundary (some lo or hi) or n. Inside a
     * segment every term is either valid everywhere or nowhere, so no per-lane masks are needed.
     */
    private static int nextCut(int s0, int n, int[] lo, int[] hi, int terms) {
        int s1 = n;
        for (int t = 0; t < terms; t++) {
            if (lo[t] > s0 && lo[t] < s1) s1 = lo[t];
            if (hi[t] > s0 && hi[t] < s1) s1 = hi[t];
        }
        return s1;
    }

    /**
     * The terms valid on all of [s0, s1) (lo ≤ s0 and hi ≥ s1): their count (at most 0xFFFF) in
     * bits 0–15 and the indices of the first three in bits 16–31, 32–47 and 48–63 (0xFFFF when
     * absent).
     */
    private static long validTerms(int s0, int s1, int[] lo, int[] hi, int terms) {
        long found = 0xFFFF_FFFF_FFFF_0000L;
        int valid = 0;
        for (int t = 0; t < terms; t++) {
            if (lo[t] > s0 || hi[t] < s1) continue;
            if (valid < 3) found = (found & ~(0xFFFFL << (16 * (valid + 1)))) | ((long) t << (16 * (valid + 1)));
            valid++;
        }
        return found & ~0xFFFFL | Math.min(valid, 0xFFFF);
    }

    /** Index i (0–2) of {@link #validTerms}' result, or -1. */
    private static int term(long found, int i) {
        int t = (int) ((found >>> (16 * (i + 1))) & 0xFFFF);
        return t == 0xFFFF ? -1 : t;
    }

    /** out[x] = Σ over terms valid on all of [s0, s1) of w·src[off + x]; four accumulators, masked tail. */
    private static void segment(float[] out, int outOff, int s0, int s1, float[] src, int[] off, int[] lo, int[] hi,
                                float[] w, int terms) {
        long found = validTerms(s0, s1, lo, hi, terms);
        int valid = (int) (found & 0xFFFF);
        int t0 = term(found, 0), t1 = term(found, 1), t2 = term(found, 2);
        if (valid == 3) {
            segment3(out, outOff, s0, s1, src, off[t0], off[t1], off[t2], w[t0], w[t1], w[t2]);
            return;
        }
        int x = s0;
        for (int bound = s1 - 4 * L; x <= bound; x += 4 * L) {
            FloatVector c0 = FloatVector.zero(F);
            FloatVector c1 = c0;
            FloatVector c2 = c0;
            FloatVector c3 = c0;
            for (int t = 0; t < terms; t++) {
                if (lo[t] > s0 || hi[t] < s1) continue;
                FloatVector wv = FloatVector.broadcast(F, w[t]);
                int s = off[t] + x;
                c0 = FloatVector.fromArray(F, src, s).fma(wv, c0);
                c1 = FloatVector.fromArray(F, src, s + L).fma(wv, c1);
                c2 = FloatVector.fromArray(F, src, s + 2 * L).fma(wv, c2);
                c3 = FloatVector.fromArray(F, src, s + 3 * L).fma(wv, c3);
            }
            int o = outOff + x;
            c0.intoArray(out, o);
            c1.intoArray(out, o + L);
            c2.intoArray(out, o + 2 * L);
            c3.intoArray(out, o + 3 * L);
        }
        for (; x < s1; x += L) {
            VectorMask<Float> m = F.indexInRange(0, s1 - x);
            FloatVector c = FloatVector.zero(F);
            for (int t = 0; t < terms; t++) {
                if (lo[t] > s0 || hi[t] < s1) continue;
                c = FloatVector.fromArray(F, src, off[t] + x, m).fma(FloatVector.broadcast(F, w[t]), c);
            }
            c.intoArray(out, outOff + x, m);
        }
    }

    /**
     * {@link #segment} with exactly three valid terms, their offsets and weights in registers; the
     * same arithmetic per element (from zero, one FMA per term in term order).
     */
    private static void segment3(float[] out, int outOff, int s0, int s1, float[] src, int o0, int o1, int o2,
                                 float w0, float w1, float w2) {
        FloatVector v0 = FloatVector.broadcast(F, w0);
        FloatVector v1 = FloatVector.broadcast(F, w1);
        FloatVector v2 = FloatVector.broadcast(F, w2);
        FloatVector zero = FloatVector.zero(F);
        int x = s0;
        for (int bound = s1 - 2 * L; x <= bound; x += 2 * L) {
            FloatVector a = FloatVector.fromArray(F, src, o0 + x).fma(v0, zero);
            FloatVector b = FloatVector.fromArray(F, src, o0 + x + L).fma(v0, zero);
            a = FloatVector.fromArray(F, src, o1 + x).fma(v1, a);
            b = FloatVector.fromArray(F, src, o1 + x + L).fma(v1, b);
            a = FloatVector.fromArray(F, src, o2 + x).fma(v2, a);
            b = FloatVector.fromArray(F, src, o2 + x + L).fma(v2, b);
            a.intoArray(out, outOff + x);
            b.intoArray(out, outOff + x + L);
        }
        for (; x < s1; x += L) {
            VectorMask<Float> m = F.indexInRange(0, s1 - x);
            FloatVector a = FloatVector.fromArray(F, src, o0 + x, m).fma(v0, zero);
            a = FloatVector.fromArray(F, src, o1 + x, m).fma(v1, a);
            a = FloatVector.fromArray(F, src, o2 + x, m).fma(v2, a);
            a.intoArray(out, outOff + x, m);
        }
    }

    @Override
    public int packWidth() {
        return PackedMixPanama.W;
    }

    @Override
    public void pack(float[] src, int off, int stride, int rows, int n, float[] dst) {
        PackedMixPanama.pack(src, off, stride, rows, n, dst);
    }

    @Override
    public void pack(MemorySegment src, long off, long stride, int rows, int n, float[] dst) {
        PackedMixPanama.pack(src, off, stride, rows, n, dst);
    }

    @Override
    public void mixPacked(float[] a, int aOff, int m, int k, float[] packed, float[] bias,
                          float[] out, MemorySegment outSegment, long outOff, int outStride, int n) {
        PackedMixPanama.mixPacked(a, aOff, m, k, packed, bias, out, outSegment, outOff, outStride, n);
    }

    @Override
    public void sumOuter(float[] p, int pOff, int pStride, int m, float[] q, int qOff,
                         int qStride, int k, int n, float[] g, int gOff) {
        PointwiseKernelsPanama.sumOuter(this, p, pOff, pStride, m, q, qOff, qStride, k, n, g, gOff);
    }

    @Override
    public int patternTail() {
        return 4 * L;
    }

    @Override
    public void combinePeriodic(float[] out, int outOff, int n, float[] src, int[] off, int[] lo, int[] hi,
                                float[] pattern, int patternStride, int period, int terms) {
        for (int s0 = 0, s1; s0 < n; s0 = s1) {
            s1 = nextCut(s0, n, lo, hi, terms);
            segmentPeriodic(out, outOff, s0, s1, src, off, lo, hi, pattern, patternStride, period, terms);
        }
    }

    /** {@link #segment} with the weight of lane x read from the pattern at column x mod period. */
    private static void segmentPeriodic(float[] out, int outOff, int s0, int s1, float[] src, int[] off, int[] lo,
                                        int[] hi, float[] pattern, int patternStride, int period, int terms) {
        long found = validTerms(s0, s1, lo, hi, terms);
        int valid = (int) (found & 0xFFFF);
        int t0 = term(found, 0), t1 = term(found, 1), t2 = term(found, 2);
        if (valid == 3) {
            segmentPeriodic3(out, outOff, s0, s1, src, off[t0], off[t1], off[t2], pattern, t0 * patternStride,
                    t1 * patternStride, t2 * patternStride, period);
            return;
        }
        int x = s0;
        int j = s0 % period;
        int step = (4 * L) % period;
        for (int bound = s1 - 4 * L; x <= bound; x += 4 * L) {
            FloatVector c0 = FloatVector.zero(F);
            FloatVector c1 = c0;
            FloatVector c2 = c0;
            FloatVector c3 = c0;
            for (int t = 0; t < terms; t++) {
                if (lo[t] > s0 || hi[t] < s1) continue;
                int s = off[t] + x;
                int p = t * patternStride + j;
                c0 = FloatVector.fromArray(F, src, s).fma(FloatVector.fromArray(F, pattern, p), c0);
                c1 = FloatVector.fromArray(F, src, s + L).fma(FloatVector.fromArray(F, pattern, p + L), c1);
                c2 = FloatVector.fromArray(F, src, s + 2 * L).fma(FloatVector.fromArray(F, pattern, p + 2 * L), c2);
                c3 = FloatVector.fromArray(F, src, s + 3 * L).fma(FloatVector.fromArray(F, pattern, p + 3 * L), c3);
            }
            int o = outOff + x;
            c0.intoArray(out, o);
            c1.intoArray(out, o + L);
            c2.intoArray(out, o + 2 * L);
            c3.intoArray(out, o + 3 * L);
            j += step;
            if (j >= period) j -= period;
        }
        for (; x < s1; x += L) {
            VectorMask<Float> m = F.indexInRange(0, s1 - x);
            FloatVector c = FloatVector.zero(F);
            for (int t = 0; t < terms; t++) {
                if (lo[t] > s0 || hi[t] < s1) continue;
                c = FloatVector.fromArray(F, src, off[t] + x, m).fma(FloatVector.fromArray(F, pattern, t * patternStride + j), c);
            }
            c.intoArray(out, outOff + x, m);
            j = (j + L) % period;
        }
    }

    /**
     * {@link #segmentPeriodic} with exactly three valid terms (offsets and pattern bases in
     * registers); the same arithmetic per element.
     */
    private static void segmentPeriodic3(float[] out, int outOff, int s0, int s1, float[] src, int o0, int o1, int o2,
                                         float[] pattern, int p0, int p1, int p2, int period) {
        FloatVector zero = FloatVector.zero(F);
        int x = s0;
        int j = s0 % period;
        int step = (2 * L) % period;
        if (step == 0) {
            // The period divides 2·L: the pattern vectors are the same on every iteration.
            FloatVector q0 = FloatVector.fromArray(F, pattern, p0 + j);
            FloatVector r0 = FloatVector.fromArray(F, pattern, p0 + j + L);
            FloatVector q1 = FloatVector.fromArray(F, pattern, p1 + j);
            FloatVector r1 = FloatVector.fromArray(F, pattern, p1 + j + L);
            FloatVector q2 = FloatVector.fromArray(F, pattern, p2 + j);
            FloatVector r2 = FloatVector.fromArray(F, pattern, p2 + j + L);
            for (int bound = s1 - 2 * L; x <= bound; x += 2 * L) {
                FloatVector a = FloatVector.fromArray(F, src, o0 + x).fma(q0, zero);
                FloatVector b = FloatVector.fromArray(F, src, o0 + x + L).fma(r0, zero);
                a = FloatVector.fromArray(F, src, o1 + x).fma(q1, a);
                b = FloatVector.fromArray(F, src, o1 + x + L).fma(r1, b);
                a = FloatVector.fromArray(F, src, o2 + x).fma(q2, a);
                b = FloatVector.fromArray(F, src, o2 + x + L).fma(r2, b);
                a.intoArray(out, outOff + x);
                b.intoArray(out, outOff + x + L);
            }
        }
        for (int bound = s1 - 2 * L; x <= bound; x += 2 * L) {
            FloatVector a = FloatVector.fromArray(F, src, o0 + x).fma(FloatVector.fromArray(F, pattern, p0 + j), zero);
            FloatVector b = FloatVector.fromArray(F, src, o0 + x + L).fma(FloatVector.fromArray(F, pattern, p0 + j + L), zero);
            a = FloatVector.fromArray(F, src, o1 + x).fma(FloatVector.fromArray(F, pattern, p1 + j), a);
            b = FloatVector.fromArray(F, src, o1 + x + L).fma(FloatVector.fromArray(F, pattern, p1 + j + L), b);
            a = FloatVector.fromArray(F, src, o2 + x).fma(FloatVector.fromArray(F, pattern, p2 + j), a);
            b = FloatVector.fromArray(F, src, o2 + x + L).fma(FloatVector.fromArray(F, pattern, p2 + j + L), b);
            a.intoArray(out, outOff + x);
            b.intoArray(out, outOff + x + L);
            j += step;
            if (j >= period) j -= period;
        }
        for (; x < s1; x += L) {
            VectorMask<Float> m = F.indexInRange(0, s1 - x);
            FloatVector a = FloatVector.fromArray(F, src, o0 + x, m).fma(FloatVector.fromArray(F, pattern, p0 + j), zero);
            a = FloatVector.fromArray(F, src, o1 + x, m).fma(FloatVector.fromArray(F, pattern, p1 + j), a);
            a = FloatVector.fromArray(F, src, o2 + x, m).fma(FloatVector.fromArray(F, pattern, p2 + j), a);
            a.intoArray(out, outOff + x, m);
            j = (j + L) % period;
        }
    }

    @Override
    public float dotPeriodic(float[] a, int aOff, float[] b, int bOff, int n, float[] pattern, int patternOff,
                             int period, int phase) {
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        int j = phase % period;
        int step4 = (4 * L) % period;
        int i = 0;
        for (int bound = n - 4 * L; i <= bound; i += 4 * L) {
            int p = patternOff + j;
            s0 = FloatVector.fromArray(F, a, aOff + i).mul(FloatVector.fromArray(F, pattern, p))
                    .fma(FloatVector.fromArray(F, b, bOff + i), s0);
            s1 = FloatVector.fromArray(F, a, aOff + i + L).mul(FloatVector.fromArray(F, pattern, p + L))
                    .fma(FloatVector.fromArray(F, b, bOff + i + L), s1);
            s2 = FloatVector.fromArray(F, a, aOff + i + 2 * L).mul(FloatVector.fromArray(F, pattern, p + 2 * L))
                    .fma(FloatVector.fromArray(F, b, bOff + i + 2 * L), s2);
            s3 = FloatVector.fromArray(F, a, aOff + i + 3 * L).mul(FloatVector.fromArray(F, pattern, p + 3 * L))
                    .fma(FloatVector.fromArray(F, b, bOff + i + 3 * L), s3);
            j += step4;
            if (j >= period) j -= period;
        }
        for (; i < n; i += L) {
            VectorMask<Float> m = F.indexInRange(0, n - i);
            s0 = FloatVector.fromArray(F, a, aOff + i, m).mul(FloatVector.fromArray(F, pattern, patternOff + j))
                    .fma(FloatVector.fromArray(F, b, bOff + i, m), s0);
            j = (j + L) % period;
        }
        float[] lanes = new float[L];
        s0.add(s1).add(s2.add(s3)).intoArray(lanes, 0);
        return sumLanes(lanes, 0);
    }

    /** Two chains per tap (6 accumulators), each vector of a loaded once for the three taps. */
    @Override
    public void dot3(float[] a, int aOff, float[] b, int bOff, int step, int n, float[] out, int outOff) {
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, t0 = s0, t1 = s0, t2 = s0;
        int b1 = bOff + step, b2 = bOff + 2 * step;
        int i = 0;
        for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
            FloatVector x = FloatVector.fromArray(F, a, aOff + i);
            FloatVector y = FloatVector.fromArray(F, a, aOff + i + L);
            s0 = x.fma(FloatVector.fromArray(F, b, bOff + i), s0);
            s1 = x.fma(FloatVector.fromArray(F, b, b1 + i), s1);
            s2 = x.fma(FloatVector.fromArray(F, b, b2 + i), s2);
            t0 = y.fma(FloatVector.fromArray(F, b, bOff + i + L), t0);
            t1 = y.fma(FloatVector.fromArray(F, b, b1 + i + L), t1);
            t2 = y.fma(FloatVector.fromArray(F, b, b2 + i + L), t2);
        }
        float[] lanes = new float[3 * L];
        s0.add(t0).intoArray(lanes, 0);
        s1.add(t1).intoArray(lanes, L);
        s2.add(t2).intoArray(lanes, 2 * L);
        float r0 = sumLanes(lanes, 0), r1 = sumLanes(lanes, L), r2 = sumLanes(lanes, 2 * L);
        for (; i < n; i++) {
            float x = a[aOff + i];
            r0 += x * b[bOff + i];
            r1 += x * b[b1 + i];
            r2 += x * b[b2 + i];
        }
        out[outOff] = r0;
        out[outOff + 1] = r1;
        out[outOff + 2] = r2;
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        int i = 0;
        for (int bound = n - 4 * L; i <= bound; i += 4 * L) {
            s0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), s0);
            s1 = FloatVector.fromArray(F, a, aOff + i + L).fma(FloatVector.fromArray(F, b, bOff + i + L), s1);
            s2 = FloatVector.fromArray(F, a, aOff + i + 2 * L).fma(FloatVector.fromArray(F, b, bOff + i + 2 * L), s2);
            s3 = FloatVector.fromArray(F, a, aOff + i + 3 * L).fma(FloatVector.fromArray(F, b, bOff + i + 3 * L), s3);
        }
        for (int bound = n - L; i <= bound; i += L) {
            s0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), s0);
        }
        float[] lanes = new float[L];
        s0.add(s1).add(s2.add(s3)).intoArray(lanes, 0);
        float s = sumLanes(lanes, 0);
        for (; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }
}
