package dev.tenfold.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Tucker convs: both forms equal the dense double oracle on the reconstructed kernel; gradients
 * equal the dense gradient pulled back through W = G ×_0 U_T ×_1 U_C and central finite
 * differences.
 */
class TuckerConvProperties {

    static TuckerConvWeights randomWeights(TensorScope scope, ConvSpec spec, int rt, int rc, long seed) {
        return TuckerConvWeights.random(scope, spec, rt, rc, seed);
    }

    static ConvFormOracle.Tucker oracle(TuckerConvWeights w) {
        return new ConvFormOracle.Tucker(w.rankT(), w.rankC(), ConvFormOracle.toDouble(w.core().toArray()),
                ConvFormOracle.toDouble(w.uT().toArray()), ConvFormOracle.toDouble(w.uC().toArray()));
    }

    private static void check(String failure, String what, Object c) {
        assertNull(failure, () -> what + " for " + c + ": " + failure);
    }

    @Test
    void bothFormsEqualTheDenseOracle() {
        qt().withExamples(60).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            ConvFormCases c = ConvFormCases.random(rnd, false);
            int rt = 1 + rnd.nextInt(4);
            int rc = 1 + rnd.nextInt(4);
            try (TensorScope scope = TensorScope.open()) {
                TuckerConvWeights w = randomWeights(scope, c.spec(), rt, rc, seed);
                Tensor x = scope.uniform(seed + 7, -1f, 1f, c.inputDims());
                ConvFormOracle.Geo g = c.geo();
                double[] ref = ConvFormOracle.forward(g, ConvFormOracle.toDouble(x.toArray()), oracle(w).reconstruct(g),
                        w.bias() == null ? null : ConvFormOracle.toDouble(w.bias().toArray()));
                check(ConvFormCases.compare(oracle(w).reconstruct(g), w.reconstruct().toArray(), 1e-6), "reconstruct", c);
                for (ConvForm form : new ConvForm[] {ConvForm.FACTORIZED, ConvForm.RECONSTRUCTED}) {
                    Tensor y = TuckerConv.forward(c.spec(), w, x, form);
                    assertEquals(c.spec().outputShape(x.shape()), y.shape());
                    check(ConvFormCases.compare(ref, y.toArray(), 2e-5), form + " ranks " + rt + "x" + rc, c);
                    // into a preallocated y full of NaN: every element overwritten, the same bits
                    Tensor into = scope.zeros(y.dims()).fill(Float.NaN);
                    TuckerConv.forward(c.spec(), w, x, form, into);
                    assertArrayEquals(y.toArray(), into.toArray(), form + " into y, " + c);
                }
            }
        });
    }

    @Test
    void gradientsEqualTheDenseGradientPulledBack() {
        qt().withExamples(60).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            ConvFormCases c = ConvFormCases.random(rnd, false);
            try (TensorScope scope = TensorScope.open()) {
                TuckerConvWeights w = randomWeights(scope, c.spec(), 1 + rnd.nextInt(4), 1 + rnd.nextInt(4), seed);
                Tensor x = scope.uniform(seed + 7, -1f, 1f, c.inputDims());
                Tensor gy = scope.uniform(seed + 8, -1f, 1f, c.spec().outputShape(x.shape()).dims());
                TuckerConvGradients got = TuckerConv.backward(c.spec(), w, x, gy);
                ConvFormOracle.Geo g = c.geo();
                ConvFormOracle.Tucker tk = oracle(w);
                double[] xd = ConvFormOracle.toDouble(x.toArray());
                double[] gyd = ConvFormOracle.toDouble(gy.toArray());
                double[][] ref = tk.pullBack(g, ConvFormOracle.backwardWeight(g, xd, gyd));
                check(ConvFormCases.compare(ConvFormOracle.backwardInput(g, gyd, tk.reconstruct(g)), got.x().toArray(), 2e-5), "dx", c);
                check(ConvFormCases.compare(ref[0], got.core().toArray(), 2e-5), "dcore", c);
                check(ConvFormCases.compare(ref[1], got.uT().toArray(), 2e-5), "dU_T", c);
                check(ConvFormCases.compare(ref[2], got.uC().toArray(), 2e-5), "dU_C", c);
                assertEquals(w.core().shape(), got.core().shape());
                if (c.spec().hasBias()) {
                    check(ConvFormCases.compare(ConvFormOracle.backwardBias(g, gyd), got.bias().toArray(), 2e-5), "dbias", c);
                } else {
                    assertNull(got.bias());
                }
            }
        });
    }

    @Test
    void gradientsEqualCentralFiniteDifferences() {
        qt().withExamples(20).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            ConvFormCases c = ConvFormCases.random(rnd, true);
            try (TensorScope scope = TensorScope.open()) {
                TuckerConvWeights w = randomWeights(scope, c.spec(), 1 + rnd.nextInt(2), 1 + rnd.nextInt(2), seed);
                Tensor x = scope.uniform(seed + 7, -1f, 1f, c.inputDims());
                Tensor gy = scope.uniform(seed + 8, -1f, 1f, c.spec().outputShape(x.shape()).dims());
                TuckerConvGradients got = TuckerConv.backward(c.spec(), w, x, gy);
                ConvFormOracle.Geo g = c.geo();
                ConvFormOracle.Tucker tk = oracle(w);
                double[] xd = ConvFormOracle.toDouble(x.toArray());
                double[] gyd = ConvFormOracle.toDouble(gy.toArray());
                double[] bias = w.bias() == null ? null : ConvFormOracle.toDouble(w.bias().toArray());
                java.util.function.DoubleSupplier loss =
                        () -> CpConvProperties.dot(gyd, ConvFormOracle.forward(g, xd, tk.reconstruct(g), bias));
                check(ConvFormCases.compare(CpConvProperties.finiteDifference(tk.core(), loss), got.core().toArray(), 1e-4), "FD core", c);
                check(ConvFormCases.compare(CpConvProperties.finiteDifference(tk.ut(), loss), got.uT().toArray(), 1e-4), "FD U_T", c);
                check(ConvFormCases.compare(CpConvProperties.finiteDifference(tk.uc(), loss), got.uC().toArray(), 1e-4), "FD U_C", c);
                check(ConvFormCases.compare(CpConvProperties.finiteDifference(xd, loss), got.x().toArray(), 1e-4), "FD x", c);
                if (bias != null) {
                    check(ConvFormCases.compare(CpConvProperties.finiteDifference(bias, loss), got.bias().toArray(), 1e-4), "FD bias", c);
                }
            }
        });
    }
}
