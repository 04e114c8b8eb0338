package dev.tenfold.conv;

import dev.tenfold.simd.Kernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API {@link DepthwiseKernels}; loaded only reflectively through
 * {@link DepthwiseKernels#get()}. {@code combine} vectorises along x: in the interior (where
 * every term is valid) four independent accumulators of L lanes each take one broadcast-weight
 * FMA per term; the borders and the tail run as masked vectors (a lane is loaded only where
 * its term is valid), so short rows are vectorised too.
 */
final class DepthwiseKernelsPanama implements DepthwiseKernels {
    static final VectorSpecies<Float> F = switch (System.getProperty(Kernels.PROPERTY, "auto").trim()) {
        case "128" -> FloatVector.SPECIES_128;
        case "256" -> FloatVector.SPECIES_256;
        case "512" -> FloatVector.SPECIES_512;
        default -> FloatVector.SPECIES_PREFERRED;
    };
    private static final int L = F.length();

    DepthwiseKernelsPanama() { }

    @Override
    public String name() {
        return "panama-" + F.vectorBitSize();
    }

    @Override
    public void combine(float[] out, int outOff, int n,
                        float[] src, int[] off, int[] lo, int[] hi, float[] w, int terms) {
        int a = 0;
        int b = n;
        for (int t = 0; t < terms; t++) {
            a = Math.max(a, lo[t]);
            b = Math.min(b, hi[t]);
        }
        if (b - a < L) {
            masked(out, outOff, 0, n, src, off, lo, hi, w, terms);
            return;
        }
        masked(out, outOff, 0, a, src, off, lo, hi, w, terms);
        int x = a;
        for (int bound = b - 4 * L; x <= bound; x += 4 * L) {
            FloatVector c0 = FloatVector.zero(F);
            FloatVector c1 = c0;
            FloatVector c2 = c0;
            FloatVector c3 = c0;
            int o = outOff + x;
            for (int t = 0; t < terms; t++) {
                FloatVector wv = FloatVector.broadcast(F, w[t]);
                int s = off[t] + x;
                c0 = FloatVector.fromArray(F, src, s).fma(wv, c0);
                c1 = FloatVector.fromArray(F, src, s + L).fma(wv, c1);
                c2 = FloatVector.fromArray(F, src, s + 2 * L).fma(wv, c2);
                c3 = FloatVector.fromArray(F, src, s + 3 * L).fma(wv, c3);
            }
            c0.intoArray(out, o);
            c1.intoArray(out, o + L);
            c2.intoArray(out, o + 2 * L);
            c3.intoArray(out, o + 3 * L);
        }
        for (int bound = b - L; x <= bound; x += L) {
            int o = outOff + x;
            FloatVector c = FloatVector.zero(F);
            for (int t = 0; t < terms; t++) {
                c = FloatVector.fromArray(F, src, off[t] + x).fma(FloatVector.broadcast(F, w[t]), c);
            }
            c.intoArray(out, o);
        }
        masked(out, outOff, x, n, src, off, lo, hi, w, terms);
    }

    /** x in [from, to) in masked vector chunks; term t loads only lanes with lo[t] ≤ x < hi[t]. */
    private static void masked(float[] out, int outOff, int from, int to,
                               float[] src, int[] off, int[] lo, int[] hi, float[] w, int terms) {
        for (int x0 = from; x0 < to; x0 += L) {
            VectorMask<Float> m = F.indexInRange(0, to - x0);
            FloatVector c = FloatVector.zero(F);
            for (int t = 0; t < terms; t++) {
                int a = lo[t];
                int b = hi[t];
                if (b <= a || b <= x0 || a >= x0 + L) continue;
                VectorMask<Float> mt = F.indexInRange(x0 - a, b - a).and(m);
                c = FloatVector.fromArray(F, src, off[t] + x0, mt).fma(FloatVector.broadcast(F, w[t]), c);
            }
            c.intoArray(out, outOff + x0, m);
        }
    }

    @Override
    public int patternTail() {
        return 4 * L;
    }

    @Override
    public void combinePeriodic(float[] out, int outOff, int n, float[] src, int[] off, int[] lo, int[] hi,
                                float[] pattern, int patternStride, int period, int terms) {
        int a = 0;
        int b = n;
        for (int t = 0; t < terms; t++) {
            a = Math.max(a, lo[t]);
            b = Math.min(b, hi[t]);
        }
        if (b - a < 4 * L) {
            maskedPeriodic(out, outOff, 0, n, src, off, lo, hi, pattern, patternStride, period, terms);
            return;
        }
        maskedPeriodic(out, outOff, 0, a, src, off, lo, hi, pattern, patternStride, period, terms);
        int x = a;
        int j = a % period;
        int step = (4 * L) % period;
        for (int bound = b - 4 * L; x <= bound; x += 4 * L) {
            FloatVector c0 = FloatVector.zero(F);
            FloatVector c1 = c0;
            FloatVector c2 = c0;
            FloatVector c3 = c0;
            for (int t = 0; t < terms; t++) {
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
        maskedPeriodic(out, outOff, x, n, src, off, lo, hi, pattern, patternStride, period, terms);
    }

    private static void maskedPeriodic(float[] out, int outOff, int from, int to, float[] src, int[] off, int[] lo,
                                       int[] hi, float[] pattern, int patternStride, int period, int terms) {
        for (int x0 = from; x0 < to; x0 += L) {
            VectorMask<Float> m = F.indexInRange(0, to - x0);
            int j = x0 % period;
            FloatVector c = FloatVector.zero(F);
            for (int t = 0; t < terms; t++) {
                int a = lo[t];
                int b = hi[t];
                if (b <= a || b <= x0 || a >= x0 + L) continue;
                VectorMask<Float> mt = F.indexInRange(x0 - a, b - a).and(m);
                c = FloatVector.fromArray(F, src, off[t] + x0, mt)
                        .fma(FloatVector.fromArray(F, pattern, t * patternStride + j), c);
            }
            c.intoArray(out, outOff + x0, m);
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
        return s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
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
        float s = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }
}
