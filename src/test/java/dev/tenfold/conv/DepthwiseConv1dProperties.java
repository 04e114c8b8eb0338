package dev.tenfold.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tenfold.simd.Kernels;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The depthwise 1-D kernels (Vector API and scalar) against their naive double twin on random
 * slabs: odd lengths (vector tails), size-1 dims, the contiguous mode (inner = 1) and row modes,
 * strides 1..3, dilations 1..3, asymmetric padding, padding wider than the kernel, and data at
 * non-zero offsets inside larger arrays (bytes outside the target range must stay untouched).
 */
class DepthwiseConv1dProperties {
    private static final DepthwiseConv1d[] IMPLS = {
        new DepthwiseConv1d(DepthwiseKernels.get()), new DepthwiseConv1d(DepthwiseKernels.scalar())};

    @Test
    void vectorKernelsAreSelectedWhenTheModuleIsPresent() {
        String prop = System.getProperty(Kernels.PROPERTY, "auto");
        if (Kernels.vectorModulePresent() && !prop.equals("scalar")) {
            assertTrue(DepthwiseKernels.get().name().startsWith("panama-"), DepthwiseKernels.get().name());
        } else {
            assertEquals("scalar", DepthwiseKernels.get().name());
        }
    }

    /** A random pass; contiguous mode half of the time, long rows sometimes (main vector loop). */
    static DepthwiseConv1d.Pass randomPass(SplittableRandom rnd) {
        while (true) {
            int inner = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(20) : 1;
            int inLen = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(150) : 1 + rnd.nextInt(24);
            int outer = 1 + rnd.nextInt(inner == 1 ? 40 : 3);
            int k = 1 + rnd.nextInt(5);
            int s = 1 + rnd.nextInt(3);
            int d = 1 + rnd.nextInt(3);
            int pb = rnd.nextInt(5);
            int pa = rnd.nextInt(5);
            if (rnd.nextInt(3) == 0 && d * (k - 1) >= pb) {
                pa = d * (k - 1) - pb;   // output length = input length (the flat-rows path at stride 1)
                if (rnd.nextBoolean()) s = 1;
            }
            int span = inLen + pb + pa - d * (k - 1) - 1;
            if (span < 0) continue;
            return new DepthwiseConv1d.Pass(outer, inLen, span / s + 1, inner, k, s, pb, d);
        }
    }

    static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (rnd.nextDouble() * 2 - 1);
        return a;
    }

    private static void assertClose(double[] ref, float[] got, int off, double tol, String what) {
        for (int i = 0; i < ref.length; i++) {
            double err = Math.abs(ref[i] - got[off + i]);
            assertTrue(err <= tol * (1 + Math.abs(ref[i])), what + ": element " + i + " expected " + ref[i] + " got "
                    + got[off + i]);
        }
    }

    private static void assertSentinels(float[] a, int off, int len, String what) {
        for (int i = 0; i < a.length; i++) {
            if (i < off || i >= off + len) assertEquals(7f, a[i], what + ": wrote outside the range at " + i);
        }
    }

    @Test
    void forwardMatchesNaive() {
        qt().withExamples(400).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            DepthwiseConv1d.Pass p = randomPass(rnd);
            int inOff = rnd.nextInt(5);
            int wOff = rnd.nextInt(3);
            int outOff = rnd.nextInt(5);
            float[] in = random(rnd, inOff + p.inSize() + rnd.nextInt(3));
            float[] w = random(rnd, wOff + p.k());
            float[] kw = java.util.Arrays.copyOfRange(w, wOff, wOff + p.k());
            float[] inSlab = java.util.Arrays.copyOfRange(in, inOff, inOff + p.inSize());
            double[] ref = DepthwiseConv1dNaive.forward(inSlab, kw, p);
            for (DepthwiseConv1d dw : IMPLS) {
                float[] out = new float[outOff + p.outSize() + 3];
                java.util.Arrays.fill(out, 7f);
                dw.forward(in, inOff, w, wOff, p, out, outOff, new DepthwiseScratch());
                assertClose(ref, out, outOff, 1e-5, dw.kernels().name() + " forward " + p);
                assertSentinels(out, outOff, p.outSize(), dw.kernels().name() + " forward " + p);
            }
        });
    }

    @Test
    void backwardInputMatchesNaive() {
        qt().withExamples(400).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            DepthwiseConv1d.Pass p = randomPass(rnd);
            int gOff = rnd.nextInt(5);
            int ginOff = rnd.nextInt(5);
            float[] g = random(rnd, gOff + p.outSize());
            float[] w = random(rnd, p.k());
            double[] ref = DepthwiseConv1dNaive.backwardInput(java.util.Arrays.copyOfRange(g, gOff, g.length), w, p);
            for (DepthwiseConv1d dw : IMPLS) {
                float[] gin = new float[ginOff + p.inSize() + 2];
                java.util.Arrays.fill(gin, 7f);
                dw.backwardInput(g, gOff, w, 0, p, gin, ginOff, new DepthwiseScratch());
                assertClose(ref, gin, ginOff, 1e-5, dw.kernels().name() + " backwardInput " + p);
                assertSentinels(gin, ginOff, p.inSize(), dw.kernels().name() + " backwardInput " + p);
            }
        });
    }

    @Test
    void backwardWeightMatchesNaive() {
        qt().withExamples(400).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            DepthwiseConv1d.Pass p = randomPass(rnd);
            int gOff = rnd.nextInt(4);
            int inOff = rnd.nextInt(4);
            float[] g = random(rnd, gOff + p.outSize());
            float[] in = random(rnd, inOff + p.inSize());
            double[] ref = DepthwiseConv1dNaive.backwardWeight(java.util.Arrays.copyOfRange(g, gOff, g.length),
                    java.util.Arrays.copyOfRange(in, inOff, in.length), p);
            double tol = 1e-6 * p.outSize() + 1e-5;
            for (DepthwiseConv1d dw : IMPLS) {
                double[] gw = new double[p.k() + 2];
                gw[0] = 5;
                dw.backwardWeight(g, gOff, in, inOff, p, gw, 1, new DepthwiseScratch());
                assertEquals(5, gw[0], "backwardWeight must accumulate only into its K slots");
                assertEquals(0, gw[p.k() + 1], "backwardWeight must accumulate only into its K slots");
                for (int k = 0; k < p.k(); k++) {
                    assertEquals(ref[k], gw[1 + k], tol, dw.kernels().name() + " backwardWeight tap " + k + " " + p);
                }
            }
        });
    }

    @Test
    void combineHonoursTermRanges() {
        // out[x] = Σ_t w_t·src[off_t + x] for x in [lo_t, hi_t), against a direct loop.
        qt().withExamples(300).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            int n = 1 + rnd.nextInt(130);
            int terms = rnd.nextInt(6);
            float[] src = random(rnd, 400);
            int[] off = new int[terms];
            int[] lo = new int[terms];
            int[] hi = new int[terms];
            float[] w = random(rnd, terms);
            for (int t = 0; t < terms; t++) {
                lo[t] = rnd.nextInt(n + 3) - 2;
                hi[t] = lo[t] + rnd.nextInt(n + 4) - 1;
                int a = Math.max(0, lo[t]);
                off[t] = 150 - a + rnd.nextInt(50);
            }
            float[] base = random(rnd, n + 4);
            double[] ref = new double[n];
            for (int x = 0; x < n; x++) {
                ref[x] = 0;
                for (int t = 0; t < terms; t++) if (x >= lo[t] && x < hi[t]) ref[x] += (double) w[t] * src[off[t] + x];
            }
            for (DepthwiseConv1d dw : IMPLS) {
                float[] out = base.clone();
                dw.kernels().combine(out, 2, n, src, off, lo, hi, w, terms);
                assertClose(ref, out, 2, 1e-5, dw.kernels().name() + " combine n=" + n + " terms=" + terms);
                assertEquals(base[0], out[0]);
                assertEquals(base[1], out[1]);
                assertEquals(base[n + 2], out[n + 2]);
                assertEquals(base[n + 3], out[n + 3]);
            }
        });
    }

    @Test
    void periodicKernelsMatchDirectLoops() {
        qt().withExamples(300).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            int period = 1 + rnd.nextInt(40);
            int n = 1 + rnd.nextInt(300);
            int terms = rnd.nextInt(5);
            float[] src = random(rnd, 800);
            int[] off = new int[terms];
            int[] lo = new int[terms];
            int[] hi = new int[terms];
            for (int t = 0; t < terms; t++) {
                lo[t] = rnd.nextInt(n + 3) - 2;
                hi[t] = lo[t] + rnd.nextInt(n + 4) - 1;
                off[t] = 350 - Math.max(0, lo[t]) + rnd.nextInt(50);
            }
            int phase = rnd.nextInt(period);
            for (DepthwiseConv1d dw : IMPLS) {
                int stride = period + dw.kernels().patternTail();
                float[] pattern = new float[Math.max(1, terms) * stride];
                float[] one = random(rnd, period);
                for (int t = 0; t < Math.max(1, terms); t++) {
                    for (int m = 0; m < stride; m++) pattern[t * stride + m] = (t + 1) * one[m % period];
                }
                double[] ref = new double[n];
                for (int x = 0; x < n; x++) {
                    for (int t = 0; t < terms; t++) {
                        if (x >= lo[t] && x < hi[t]) ref[x] += (double) pattern[t * stride + x % period] * src[off[t] + x];
                    }
                }
                float[] out = random(rnd, n + 4);
                float guard0 = out[0];
                float guardN = out[n + 3];
                dw.kernels().combinePeriodic(out, 1, n, src, off, lo, hi, pattern, stride, period, terms);
                assertClose(ref, out, 1, 1e-5, dw.kernels().name() + " combinePeriodic n=" + n + " period=" + period);
                assertEquals(guard0, out[0]);
                assertEquals(guardN, out[n + 3]);
                int aOff = rnd.nextInt(5);
                float[] a = random(rnd, aOff + n);
                float[] b = random(rnd, n + 3);
                double dref = 0;
                for (int i = 0; i < n; i++) dref += (double) a[aOff + i] * b[3 + i] * pattern[(phase + i) % period];
                float got = dw.kernels().dotPeriodic(a, aOff, b, 3, n, pattern, 0, period, phase);
                assertEquals(dref, got, 1e-5 * (n + 1), dw.kernels().name() + " dotPeriodic n=" + n + " period=" + period);
            }
        });
    }
}
