package dev.tenfold.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The forward that keeps Z = U_Cᵀ·x for the backward: on random layers (N = 1..4, strides,
 * dilations, paddings, odd and size-1 dims) it writes every element of z (z starts as NaN) with
 * Z within float rounding of the double oracle, leaves y bitwise as the plain forward does, and
 * the backward reading z gives bitwise the gradients of the backward that recomputes Z, on the
 * staged and the default path.
 */
class CpConvSavedZProperties {

    @Test
    void keptZIsTheFirstProductAndTheBackwardFromItIsBitwiseTheRecomputingOne() {
        qt().withExamples(60).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            ConvFormCases c = ConvFormCases.random(rnd, false);
            int rank = 1 + rnd.nextInt(6);
            try (TensorScope scope = TensorScope.open()) {
                CpConvWeights w = CpConvProperties.randomWeights(scope, c.spec(), rank, seed);
                Tensor x = scope.uniform(seed + 7, -1f, 1f, c.inputDims());
                int[] yd = c.spec().outputShape(x.shape()).dims();
                Tensor gy = scope.uniform(seed + 8, -1f, 1f, yd);
                int[] zd = c.inputDims();
                zd[1] = rank;
                Tensor z = scope.zeros(zd).fill(Float.NaN), y = scope.zeros(yd), plain = scope.zeros(yd);
                CpConv.forward(c.spec(), w, x, y, z);
                CpConv.forward(c.spec(), w, x, ConvForm.FACTORIZED, plain);
                assertArrayEquals(plain.toArray(), y.toArray(), "y, " + c);
                checkZ(x.toArray(), w.uC().toArray(), z.toArray(), c.batch(), c.spec().inChannels(), rank, c);
                for (CpConv.BackwardPath path : new CpConv.BackwardPath[] {CpConv.BackwardPath.STAGED, CpConv.BackwardPath.AUTO}) {
                    float[] want = CpConvFusedBackwardProperties.flat(CpConv.backward(c.spec(), w, x, gy, PointwiseConv.MAX_BLOCK, path, CpConvFusedBackward.STEP_COLUMNS));
                    float[] got = CpConvFusedBackwardProperties.flat(CpConv.backward(c.spec(), w, x, gy, null, z, path, CpConvFusedBackward.STEP_COLUMNS));
                    assertArrayEquals(want, got, path + " rank " + rank + ", " + c);
                }
                try (TensorScope into = TensorScope.open()) {
                    CpConvGradients pub = CpConv.backward(c.spec(), w, x, gy, z, null, into);
                    assertTrue(pub.x().scope() == into, "dL/dx allocated in into");
                    assertArrayEquals(CpConvFusedBackwardProperties.flat(CpConv.backward(c.spec(), w, x, gy)), CpConvFusedBackwardProperties.flat(pub), "public overload, " + c);
                }
            }
        });
    }

    /** z[b, r, s] against Σ_c U_C[c, r]·x[b, c, s] in double; every element written (no NaN left). */
    private static void checkZ(float[] x, float[] uc, float[] z, int batch, int channels, int rank, ConvFormCases c) {
        int size = x.length / (batch * channels);
        for (int b = 0; b < batch; b++) {
            for (int r = 0; r < rank; r++) {
                for (int s = 0; s < size; s++) {
                    double want = 0, scale = 0;
                    for (int ch = 0; ch < channels; ch++) {
                        double term = (double) uc[ch * rank + r] * x[(b * channels + ch) * size + s];
                        want += term;
                        scale += Math.abs(term);
                    }
                    float got = z[(b * rank + r) * size + s];
                    if (!(Math.abs(got - want) <= 1e-5 * (1 + scale))) {
                        throw new AssertionError("z[" + b + ", " + r + ", " + s + "] = " + got + " vs " + want + ", " + c);
                    }
                }
            }
        }
    }

    @Test
    void zMustBeASeparateContiguousTensorOfXsShapeWithRankChannels() {
        ConvSpec spec = ConvSpec.builder(4, 5, 3, 2).padding(1).build();
        try (TensorScope s = TensorScope.open()) {
            CpConvWeights w = CpConvWeights.random(s, spec, 3, 1);
            Tensor x = s.normal(3L, 0f, 1f, 2, 4, 6, 7);
            Tensor y = s.zeros(spec.outputShape(x.shape()).dims());
            Tensor gy = s.normal(4L, 0f, 1f, spec.outputShape(x.shape()).dims());
            rejects(() -> CpConv.forward(spec, w, x, y, null), "z", "null");
            rejects(() -> CpConv.forward(spec, w, x, (Tensor) null, s.zeros(2, 3, 6, 7)), "y", "null");
            rejects(() -> CpConv.forward(spec, w, x, y, s.zeros(2, 4, 6, 7)), "z of shape (2, 4, 6, 7)", "(2, 3, 6, 7)");
            rejects(() -> CpConv.forward(spec, w, x, y, s.zeros(2, 3, 7, 6).transpose(2, 3)), "not contiguous");
            Tensor yz = s.zeros(2, 5, 6, 8);
            rejects(() -> CpConv.forward(spec, w, x, yz, yz.view(-1).narrow(0, 0, 2 * 3 * 6 * 7).view(2, 3, 6, 7)), "overlap");
            Tensor xz = s.zeros(2, 4, 6, 7);
            rejects(() -> CpConv.forward(spec, w, xz, y, xz.view(-1).narrow(0, 0, 2 * 3 * 6 * 7).view(2, 3, 6, 7)), "overlap");
            try (TensorScope into = TensorScope.open()) {
                rejects(() -> CpConv.backward(spec, w, x, gy, null, null, into), "z", "null");
                rejects(() -> CpConv.backward(spec, w, x, gy, s.zeros(2, 2, 6, 7), null, into), "z of shape (2, 2, 6, 7)");
                rejects(() -> CpConv.backward(spec, w, x, gy, s.zeros(2, 3, 6, 7), x, into), "gradX", "overlap");
            }
            CpConvValidationTest.refusesAClosedScope(closed -> CpConv.backward(spec, w, x, gy, s.zeros(2, 3, 6, 7), null, closed));
        }
    }

    private static void rejects(Executable e, String... fragments) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        for (String f : fragments) assertTrue(ex.getMessage().contains(f), "message '" + ex.getMessage() + "' lacks '" + f + "'");
    }
}
