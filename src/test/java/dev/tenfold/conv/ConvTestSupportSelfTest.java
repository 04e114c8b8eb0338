package dev.tenfold.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The conv tests' own helpers are checked here, so a wrong oracle or a generator of invalid
 * cases cannot make the property tests pass vacuously: the naive oracles against hand-computed
 * values and their gradients against the adjoint identities ⟨conv(x), g⟩ = ⟨x, ∂x(g)⟩ = ⟨w, ∂w(g)⟩
 * and central differences; the case generators against the constraints they promise.
 */
class ConvTestSupportSelfTest {

    @Test
    void denseOracleMatchesAHandComputedConvolution() {
        // 1 item, 1 → 1 channel, input [1 2 3 4], kernel [1 0 -1], padding 1: y_o = x_{o-1} - x_{o+1}
        ConvSpec spec = ConvSpec.builder(1, 1, 3).padding(1).build();
        ConvFormOracle.Geo g = ConvFormOracle.Geo.of(spec, 1, new int[] {4});
        double[] y = ConvFormOracle.forward(g, new double[] {1, 2, 3, 4}, new double[] {1, 0, -1}, new double[] {0.5});
        assertArrayEquals(new double[] {-2 + 0.5, 1 - 3 + 0.5, 2 - 4 + 0.5, 3 + 0.5}, y, 0);
        assertArrayEquals(new double[] {3, 2}, ConvFormOracle.backwardBias(ConvFormOracle.Geo.of(ConvSpec.builder(1, 2, 1).bias(true).build(),
                1, new int[] {3}), new double[] {1, 1, 1, 0.5, 0.5, 1}), 0);
    }

    @Test
    void denseOracleGradientsAreTheAdjointsOfItsForward() {
        qt().withExamples(40).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            ConvFormCases c = ConvFormCases.random(rnd, true);
            ConvFormOracle.Geo g = ConvFormOracle.Geo.of(c.spec(), c.batch(), c.inDims());
            double[] x = random(rnd, g.b() * g.c() * g.inSize());
            double[] w = random(rnd, g.t() * g.c() * g.taps());
            double[] gy = random(rnd, g.b() * g.t() * g.outSize());
            double lhs = dot(ConvFormOracle.forward(g, x, w, null), gy);
            double scale = 1 + Math.abs(lhs) + g.taps() * g.c();
            assertEquals(lhs, dot(x, ConvFormOracle.backwardInput(g, gy, w)), 1e-9 * scale, c.toString());
            assertEquals(lhs, dot(w, ConvFormOracle.backwardWeight(g, x, gy)), 1e-9 * scale, c.toString());
        });
    }

    @Test
    void factorOraclesPullBackLikeCentralDifferences() {
        qt().withExamples(25).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            ConvFormCases c = ConvFormCases.random(rnd, true);
            ConvFormOracle.Geo g = ConvFormOracle.Geo.of(c.spec(), c.batch(), c.inDims());
            double[] dw = random(rnd, g.t() * g.c() * g.taps());
            int r = 1 + rnd.nextInt(3);
            double[][] uk = new double[g.n()][];
            for (int n = 0; n < g.n(); n++) uk[n] = random(rnd, g.k()[n] * r);
            ConvFormOracle.Cp cp = new ConvFormOracle.Cp(r, random(rnd, r), random(rnd, g.t() * r), random(rnd, g.c() * r), uk);
            checkPullBack(cp.params(), cp.pullBack(g, dw), () -> dot(dw, cp.reconstruct(g)), "CP " + c);
            int rt = 1 + rnd.nextInt(3), rc = 1 + rnd.nextInt(3);
            ConvFormOracle.Tucker tk = new ConvFormOracle.Tucker(rt, rc, random(rnd, rt * rc * g.taps()), random(rnd, g.t() * rt),
                    random(rnd, g.c() * rc));
            checkPullBack(new double[][] {tk.core(), tk.ut(), tk.uc()}, tk.pullBack(g, dw), () -> dot(dw, tk.reconstruct(g)),
                    "Tucker " + c);
        });
    }

    @Test
    void depthwiseNaiveTwinMatchesAHandComputedPassAndItsAdjoints() {
        // outer 1, inner 1, input [1 2 3 4 5], kernel [1 2], stride 2, pad 1: out_o = w0·x_{2o-1} + w1·x_{2o}
        DepthwiseConv1d.Pass p = new DepthwiseConv1d.Pass(1, 5, 3, 1, 2, 2, 1, 1);
        assertArrayEquals(new double[] {2 * 1, 2 + 2 * 3, 4 + 2 * 5}, DepthwiseConv1dNaive.forward(new float[] {1, 2, 3, 4, 5},
                new float[] {1, 2}, p), 0);
        SplittableRandom rnd = new SplittableRandom(3);
        for (int rep = 0; rep < 30; rep++) {
            int inLen = 1 + rnd.nextInt(12), k = 1 + rnd.nextInt(4), s = 1 + rnd.nextInt(3), d = 1 + rnd.nextInt(2), pad = rnd.nextInt(3);
            int outLen = (inLen + 2 * pad - d * (k - 1) - 1) / s + 1;
            if (outLen < 1) continue;
            DepthwiseConv1d.Pass q = new DepthwiseConv1d.Pass(1 + rnd.nextInt(3), inLen, outLen, 1 + rnd.nextInt(3), k, s, pad, d);
            float[] in = randomFloats(rnd, q.inSize()), w = randomFloats(rnd, k), gy = randomFloats(rnd, q.outSize());
            double lhs = dot(gy, DepthwiseConv1dNaive.forward(in, w, q));
            assertEquals(lhs, dot(in, DepthwiseConv1dNaive.backwardInput(gy, w, q)), 1e-9 * (1 + Math.abs(lhs)), q.toString());
            assertEquals(lhs, dot(w, DepthwiseConv1dNaive.backwardWeight(gy, in, q)), 1e-9 * (1 + Math.abs(lhs)), q.toString());
        }
    }

    @Test
    void caseGeneratorsOnlyMakeValidConfigurations() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int i = 0; i < 300; i++) {
            ConvFormCases c = ConvFormCases.random(rnd, i % 2 == 0);
            int n = c.spec().spatialDims();
            assertTrue(n >= 1 && n <= 4 && c.inDims().length == n && c.batch() >= 1, c.toString());
            for (int o : c.spec().outputSpatial(c.inDims())) assertTrue(o >= 1, c.toString());
        }
        qt().withExamples(300).forAll(DenseConvCase.cases(4)).checkAssert(c -> {
            ConvSpec s = c.spec();
            assertEquals(0, s.inChannels() % s.groups(), c.toString());
            assertEquals(0, s.outChannels() % s.groups(), c.toString());
            assertEquals(s.spatialDims() + 2, c.input().rank(), c.toString());
            assertEquals(s.inChannels(), c.input().dim(1), c.toString());
            assertNotNull(s.outputShape(c.input()), c.toString()); // throws when an output size is ≤ 0
        });
    }

    @Test
    void compareReportsOnlyRealDifferences() {
        assertNull(ConvFormCases.compare(new double[] {1, -2, 3}, new float[] {1, -2, 3}, 0));
        assertNull(ConvFormCases.compare(new double[] {1, 100}, new float[] {1.0001f, 100}, 1e-5));
        assertNotNull(ConvFormCases.compare(new double[] {1, 100}, new float[] {1.01f, 100}, 1e-5));
        assertNotNull(ConvFormCases.compare(new double[] {1, 2}, new float[] {1}, 1));
        assertNotNull(ConvFormCases.compare(new double[] {1}, new float[] {Float.NaN}, 1));
    }

    private static void checkPullBack(double[][] params, double[][] grads, java.util.function.DoubleSupplier f, String what) {
        double h = 1e-4;
        for (int a = 0; a < params.length; a++) {
            for (int i = 0; i < params[a].length; i++) {
                double keep = params[a][i];
                params[a][i] = keep + h;
                double up = f.getAsDouble();
                params[a][i] = keep - h;
                double down = f.getAsDouble();
                params[a][i] = keep;
                double fd = (up - down) / (2 * h); // exact up to rounding: f is linear in each entry
                assertEquals(fd, grads[a][i], 1e-6 * (1 + Math.abs(fd)), what + " parameter " + a + "[" + i + "]");
            }
        }
    }

    private static double[] random(SplittableRandom r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = r.nextDouble() * 2 - 1;
        return v;
    }

    private static float[] randomFloats(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextDouble() * 2 - 1);
        return v;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static double dot(float[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
