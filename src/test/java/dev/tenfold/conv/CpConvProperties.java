package dev.tenfold.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The core promise of CP convs: every form equals a dense conv with the reconstructed kernel
 * (independent double oracle {@link ConvFormOracle}), and every factorized gradient equals the
 * dense gradient pulled back through the factorization and central finite differences.
 */
class CpConvProperties {

    static CpConvWeights randomWeights(TensorScope scope, ConvSpec spec, int rank, long seed) {
        int[] k = spec.kernel();
        List<Tensor> uk = new ArrayList<>();
        for (int n = 0; n < k.length; n++) uk.add(scope.uniform(seed + 10 + n, -1f, 1f, k[n], rank));
        return new CpConvWeights(scope.uniform(seed, 0.5f, 1.5f, rank),
                scope.uniform(seed + 1, -1f, 1f, spec.outChannels(), rank),
                scope.uniform(seed + 2, -1f, 1f, spec.inChannels(), rank), uk,
                spec.hasBias() ? scope.uniform(seed + 3, -1f, 1f, spec.outChannels()) : null);
    }

    static ConvFormOracle.Cp oracle(CpConvWeights w) {
        double[][] uk = new double[w.uK().size()][];
        for (int n = 0; n < uk.length; n++) uk[n] = ConvFormOracle.toDouble(w.uK(n).toArray());
        return new ConvFormOracle.Cp(w.rank(), ConvFormOracle.toDouble(w.lambda().toArray()),
                ConvFormOracle.toDouble(w.uT().toArray()), ConvFormOracle.toDouble(w.uC().toArray()), uk);
    }

    private static void check(String failure, String what, Object c) {
        assertNull(failure, () -> what + " for " + c + ": " + failure);
    }

    @Test
    void everyFormEqualsTheDenseOracle() {
        qt().withExamples(120).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            ConvFormCases c = ConvFormCases.random(rnd, false);
            int rank = 1 + rnd.nextInt(6);
            try (TensorScope scope = TensorScope.open()) {
                CpConvWeights w = randomWeights(scope, c.spec(), rank, seed);
                Tensor x = scope.uniform(seed + 7, -1f, 1f, c.inputDims());
                ConvFormOracle.Geo g = c.geo();
                ConvFormOracle.Cp cp = oracle(w);
                double[] ref = ConvFormOracle.forward(g, ConvFormOracle.toDouble(x.toArray()), cp.reconstruct(g),
                        w.bias() == null ? null : ConvFormOracle.toDouble(w.bias().toArray()));
                Tensor reused = scope.zeros(c.spec().outputShape(x.shape()));
                for (ConvForm form : ConvForm.values()) {
                    Tensor y = CpConv.forward(c.spec(), w, x, form);
                    assertEquals(c.spec().outputShape(x.shape()), y.shape());
                    check(ConvFormCases.compare(ref, y.toArray(), 2e-5), form + " rank " + rank, c);
                    reused.fill(Float.NaN);
                    CpConv.forward(c.spec(), w, x, form, reused);
                    check(ConvFormCases.compare(ref, reused.toArray(), 2e-5), form + " into a reused y", c);
                }
            }
        });
    }

    @Test
    void reconstructMatchesTheOracleKernel() {
        qt().withExamples(60).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            ConvFormCases c = ConvFormCases.random(rnd, false);
            try (TensorScope scope = TensorScope.open()) {
                CpConvWeights w = randomWeights(scope, c.spec(), 1 + rnd.nextInt(6), seed);
                Tensor dense = w.reconstruct();
                assertEquals(c.spec().weightShape(), dense.shape());
                check(ConvFormCases.compare(oracle(w).reconstruct(c.geo()), dense.toArray(), 1e-6), "reconstruct", c);
            }
        });
    }

    @Test
    void gradientsEqualTheDenseGradientPulledBack() {
        qt().withExamples(100).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            ConvFormCases c = ConvFormCases.random(rnd, false);
            int rank = 1 + rnd.nextInt(6);
            try (TensorScope scope = TensorScope.open()) {
                CpConvWeights w = randomWeights(scope, c.spec(), rank, seed);
                Tensor x = scope.uniform(seed + 7, -1f, 1f, c.inputDims());
                Tensor gy = scope.uniform(seed + 8, -1f, 1f, c.spec().outputShape(x.shape()).dims());
                checkGradients(c, w, x, gy, CpConv.backward(c.spec(), w, x, gy), "rank " + rank);
            }
        });
    }

    /** Every gradient in {@code got} equals the dense gradient pulled back through the factors. */
    static void checkGradients(ConvFormCases c, CpConvWeights w, Tensor x, Tensor gy, CpConvGradients got, String what) {
        ConvFormOracle.Geo g = c.geo();
        ConvFormOracle.Cp cp = oracle(w);
        double[] xd = ConvFormOracle.toDouble(x.toArray());
        double[] gyd = ConvFormOracle.toDouble(gy.toArray());
        double[][] ref = cp.pullBack(g, ConvFormOracle.backwardWeight(g, xd, gyd));
        check(ConvFormCases.compare(ConvFormOracle.backwardInput(g, gyd, cp.reconstruct(g)), got.x().toArray(), 2e-5),
                "dx " + what, c);
        check(ConvFormCases.compare(ref[0], got.lambda().toArray(), 2e-5), "dlambda " + what, c);
        check(ConvFormCases.compare(ref[1], got.uT().toArray(), 2e-5), "dU_T " + what, c);
        check(ConvFormCases.compare(ref[2], got.uC().toArray(), 2e-5), "dU_C " + what, c);
        for (int n = 0; n < c.inDims().length; n++) {
            check(ConvFormCases.compare(ref[3 + n], got.uK().get(n).toArray(), 2e-5), "dU_K[" + n + "] " + what, c);
        }
        if (c.spec().hasBias()) {
            check(ConvFormCases.compare(ConvFormOracle.backwardBias(g, gyd), got.bias().toArray(), 2e-5), "dbias " + what, c);
        } else {
            assertNull(got.bias());
        }
    }

    @Test
    void gradientsEqualCentralFiniteDifferences() {
        qt().withExamples(25).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            ConvFormCases c = ConvFormCases.random(rnd, true);
            int rank = 1 + rnd.nextInt(3);
            try (TensorScope scope = TensorScope.open()) {
                CpConvWeights w = randomWeights(scope, c.spec(), rank, seed);
                Tensor x = scope.uniform(seed + 7, -1f, 1f, c.inputDims());
                Tensor gy = scope.uniform(seed + 8, -1f, 1f, c.spec().outputShape(x.shape()).dims());
                CpConvGradients got = CpConv.backward(c.spec(), w, x, gy);
                ConvFormOracle.Geo g = c.geo();
                ConvFormOracle.Cp cp = oracle(w);
                double[] xd = ConvFormOracle.toDouble(x.toArray());
                double[] gyd = ConvFormOracle.toDouble(gy.toArray());
                double[] bias = w.bias() == null ? null : ConvFormOracle.toDouble(w.bias().toArray());
                java.util.function.DoubleSupplier loss = () -> dot(gyd, ConvFormOracle.forward(g, xd, cp.reconstruct(g), bias));
                double[][] params = cp.params();
                List<float[]> mine = new ArrayList<>(List.of(got.lambda().toArray(), got.uT().toArray(), got.uC().toArray()));
                for (Tensor t : got.uK()) mine.add(t.toArray());
                for (int p = 0; p < params.length; p++) {
                    check(ConvFormCases.compare(finiteDifference(params[p], loss), mine.get(p), 1e-4), "FD param " + p, c);
                }
                check(ConvFormCases.compare(finiteDifference(xd, loss), got.x().toArray(), 1e-4), "FD x", c);
                if (bias != null) check(ConvFormCases.compare(finiteDifference(bias, loss), got.bias().toArray(), 1e-4), "FD bias", c);
            }
        });
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    /** Central differences of {@code loss} w.r.t. each entry of {@code p} (perturbed in place, then restored). */
    static double[] finiteDifference(double[] p, java.util.function.DoubleSupplier loss) {
        double h = 1e-3;
        double[] g = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            double v = p[i];
            p[i] = v + h;
            double up = loss.getAsDouble();
            p[i] = v - h;
            double down = loss.getAsDouble();
            p[i] = v;
            g[i] = (up - down) / (2 * h);
        }
        return g;
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        qt().withExamples(15).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            ConvFormCases c = ConvFormCases.random(rnd, false);
            int before = DepthwiseParallel.threads();
            try (TensorScope scope = TensorScope.open()) {
                CpConvWeights w = randomWeights(scope, c.spec(), 1 + rnd.nextInt(6), seed);
                Tensor x = scope.uniform(seed + 7, -1f, 1f, c.inputDims());
                Tensor gy = scope.uniform(seed + 8, -1f, 1f, c.spec().outputShape(x.shape()).dims());
                float[][] runs = new float[3][];
                float[][] grads = new float[3][];
                int[] threads = {1, 2, 3};
                for (int i = 0; i < threads.length; i++) {
                    DepthwiseParallel.setThreads(threads[i]);
                    runs[i] = CpConv.forward(c.spec(), w, x, ConvForm.FACTORIZED).toArray();
                    CpConvGradients gr = CpConv.backward(c.spec(), w, x, gy);
                    grads[i] = concat(gr.x().toArray(), gr.uC().toArray(), gr.uK().get(0).toArray(), gr.lambda().toArray());
                }
                for (int i = 1; i < threads.length; i++) {
                    assertArrayEquals(runs[0], runs[i], "forward with " + threads[i] + " threads, " + c);
                    assertArrayEquals(grads[0], grads[i], "backward with " + threads[i] + " threads, " + c);
                }
            } finally {
                DepthwiseParallel.setThreads(before);
            }
        });
    }

    /**
     * The 1×1 stages cut into column blocks of at most 1..40 columns (several blocks per item, a
     * short last block) still equal the oracle (forward in both factorized forms), and give bitwise the same results on 1, 2 and 3
     * threads (the per-block partial sums of the weight gradients are added in block order).
     */
    @Test
    void columnBlockedPassesEqualTheOracleOnAnyThreadCount() {
        qt().withExamples(40).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            ConvFormCases c = ConvFormCases.random(rnd, false);
            int rank = 1 + rnd.nextInt(6);
            int block = 1 + rnd.nextInt(40);
            ConvForm form = rnd.nextBoolean() ? ConvForm.FACTORIZED : ConvForm.MOBILENET;
            int before = DepthwiseParallel.threads();
            try (TensorScope scope = TensorScope.open()) {
                CpConvWeights w = randomWeights(scope, c.spec(), rank, seed);
                Tensor x = scope.uniform(seed + 7, -1f, 1f, c.inputDims());
                Tensor gy = scope.uniform(seed + 8, -1f, 1f, c.spec().outputShape(x.shape()).dims());
                ConvFormOracle.Geo g = c.geo();
                double[] yRef = ConvFormOracle.forward(g, ConvFormOracle.toDouble(x.toArray()), oracle(w).reconstruct(g),
                        w.bias() == null ? null : ConvFormOracle.toDouble(w.bias().toArray()));
                String what = form + " rank " + rank + " block " + block;
                float[][] runs = new float[3][];
                for (int i = 0; i < runs.length; i++) {
                    DepthwiseParallel.setThreads(i + 1);
                    Tensor y = scope.zeros(c.spec().outputShape(x.shape()));
                    CpConv.factorized(c.spec(), w, x, form, y, block);
                    CpConvGradients gr = CpConv.backward(c.spec(), w, x, gy, block);
                    List<float[]> parts = new ArrayList<>(List.of(y.toArray(), gr.x().toArray(), gr.lambda().toArray(),
                            gr.uT().toArray(), gr.uC().toArray()));
                    for (Tensor t : gr.uK()) parts.add(t.toArray());
                    if (gr.bias() != null) parts.add(gr.bias().toArray());
                    runs[i] = concat(parts.toArray(new float[0][]));
                    if (i > 0) {
                        assertArrayEquals(runs[0], runs[i], what + " with " + (i + 1) + " threads, " + c);
                        continue;
                    }
                    check(ConvFormCases.compare(yRef, y.toArray(), 2e-5), "y " + what, c);
                    checkGradients(c, w, x, gy, gr, what);
                }
            } finally {
                DepthwiseParallel.setThreads(before);
            }
        });
    }

    static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) n += p.length;
        float[] r = new float[n];
        int o = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, r, o, p.length);
            o += p.length;
        }
        return r;
    }

    @Test
    void stridedInputViewsAreAccepted() {
        try (TensorScope scope = TensorScope.open()) {
            ConvSpec spec = ConvSpec.builder(3, 4, 3, 2).padding(1).stride(2, 1).bias(true).build();
            CpConvWeights w = randomWeights(scope, spec, 3, 5);
            Tensor base = scope.uniform(9, -1f, 1f, 2, 7, 3, 9);   // (B, D1, C, D0) permuted to (B, C, D0, D1)
            Tensor x = base.permute(0, 2, 3, 1);
            Tensor y = CpConv.forward(spec, w, x, ConvForm.FACTORIZED);
            Tensor ref = CpConv.forward(spec, w, x.copy(), ConvForm.RECONSTRUCTED);
            check(ConvFormCases.compare(ConvFormOracle.toDouble(ref.toArray()), y.toArray(), 2e-5), "strided x", spec);
        }
    }
}
