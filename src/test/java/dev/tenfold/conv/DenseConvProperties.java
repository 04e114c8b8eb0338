package dev.tenfold.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.tenfold.linalg.Gemm;
import dev.tenfold.linalg.WindowGemm;
import dev.tenfold.tensor.Shape;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link DenseConv} (blocked im2col + GEMM) against {@link DenseConvNaive} (plain loops in
 * double) on random N-D configurations, and {@link DenseConvNaive}'s backward against central
 * finite differences of L = Σ y·g.
 */
class DenseConvProperties {

    /**
     * max |a − b| ≤ 1e-4 · max |ref| + 1e-5: float32 rounding of short sums, far below one
     * missing tap (inputs are O(1)). The absolute part covers outputs that are near-cancelling
     * sums, e.g. a single weight gradient of size 1e-3 summed from O(1) terms, whose rounding
     * error is set by the terms, not by the result (seen with 256-bit vectors).
     */
    static void assertClose(String what, Tensor ref, Tensor actual, Object config) {
        assertEquals(ref.shape(), actual.shape(), what + " shape");
        float[] r = ref.toArray();
        float[] a = actual.toArray();
        double max = 0;
        for (float v : r) max = Math.max(max, Math.abs(v));
        double tol = 1e-4 * max + 1e-5;
        for (int i = 0; i < r.length; i++) {
            double err = Math.abs(r[i] - a[i]);
            if (!(err <= tol)) {
                throw new AssertionError(what + ": element " + i + " is " + a[i] + ", oracle " + r[i] + " (tol " + tol
                        + ") for " + config);
            }
        }
    }

    @Test
    void fastPathMatchesNaiveForwardAndBackward() {
        qt().withExamples(250).withShrinkCycles(50).forAll(DenseConvCase.cases(4)).checkAssert(c -> {
            try (TensorScope scope = TensorScope.open()) {
                Tensor x = c.x(scope);
                Tensor w = c.w(scope);
                Tensor b = c.b(scope);
                Tensor gy = c.gradY(scope);
                int block = c.blockPositions();

                Tensor yRef = DenseConvNaive.forward(c.spec(), x, w, b);
                Tensor y = scope.zeros(c.outputShape()).fill(Float.NaN);
                DenseConv.forward(c.spec(), x, w, b, y);
                assertClose("forward", yRef, y, c);
                assertClose("forward (new tensor)", yRef, DenseConv.forward(c.spec(), x, w, b), c);
                assertClose("forward (streamed columns)", yRef, DenseConv.forwardThroughStreamedColumns(c.spec(), x, w, b), c);

                assertClose("backwardInput", DenseConvNaive.backwardInput(c.spec(), gy, w, c.input()),
                        DenseConv.backwardInput(c.spec(), gy, w, c.input(), block), c);
                assertClose("backwardWeight", DenseConvNaive.backwardWeight(c.spec(), x, gy),
                        DenseConv.backwardWeight(c.spec(), x, gy, block), c);
                assertClose("backwardBias", DenseConvNaive.backwardBias(c.spec(), gy),
                        DenseConv.backwardBias(c.spec(), gy), c);
            }
        });
    }

    /** Fixed configurations that each take one code path: widened rows, exact rows, pointwise, col2im. */
    @Test
    void eachPathMatchesNaiveOnAFixedCase() {
        ConvSpec[] specs = {
            ConvSpec.builder(4, 6, 3, 3).padding(1).groups(2).bias(true).build(),            // widened rows
            ConvSpec.builder(4, 6, 3, 2).stride(1, 2).padding(1).groups(2).bias(true).build(), // exact rows, col2im
            ConvSpec.builder(4, 6, 1, 1).groups(2).bias(true).build(),                        // pointwise
            ConvSpec.builder(4, 6, 3).dilation(2).paddingSame().groups(2).bias(true).build(), // N = 1
        };
        Shape[] inputs = {Shape.of(2, 4, 7, 6), Shape.of(2, 4, 7, 9), Shape.of(2, 4, 5, 3), Shape.of(3, 4, 11)};
        for (int i = 0; i < specs.length; i++) {
            DenseConvCase c = new DenseConvCase(specs[i], inputs[i], i == 0 ? 7 : -1, false, 100 + i);
            try (TensorScope scope = TensorScope.open()) {
                Tensor x = c.x(scope);
                Tensor w = c.w(scope);
                Tensor b = c.b(scope);
                Tensor gy = c.gradY(scope);
                assertClose("forward", DenseConvNaive.forward(c.spec(), x, w, b), DenseConv.forward(c.spec(), x, w, b), c);
                assertClose("backwardInput", DenseConvNaive.backwardInput(c.spec(), gy, w, c.input()),
                        DenseConv.backwardInput(c.spec(), gy, w, c.input(), c.blockPositions()), c);
                assertClose("backwardWeight", DenseConvNaive.backwardWeight(c.spec(), x, gy),
                        DenseConv.backwardWeight(c.spec(), x, gy, c.blockPositions()), c);
            }
        }
    }

    @Test
    void forwardIntoStridedOutputMatchesNaive() {
        qt().withExamples(60).forAll(DenseConvCase.cases(3)).checkAssert(c -> {
            try (TensorScope scope = TensorScope.open()) {
                Tensor x = c.x(scope);
                Tensor w = c.w(scope);
                Tensor b = c.b(scope);
                Shape out = c.outputShape();
                int[] wide = out.dims();
                wide[1] *= 2;
                Tensor y = scope.zeros(wide).slice(1, 0, wide[1], 2); // every second output channel
                DenseConv.forward(c.spec(), x, w, b, y);
                assertClose("forward into strided y", DenseConvNaive.forward(c.spec(), x, w, b), y, c);
                Tensor yNaive = scope.zeros(wide).slice(1, 0, wide[1], 2);
                DenseConvNaive.forward(c.spec(), x, w, b, yNaive);
                assertClose("naive forward into strided y", DenseConvNaive.forward(c.spec(), x, w, b), yNaive, c);
            }
        });
    }

    /**
     * Items larger than half the padded-copy bound run one chunk at a time, each chunk's padding
     * relying on the zeros the first chunk wrote; the pooled buffer it gets is full of NaN, so a
     * cell the first chunk did not clear would show.
     */
    @Test
    void severalChunksAfterADifferentConvMatchNaive() {
        try (TensorScope scope = TensorScope.open()) {
            // the pool hands out the smallest buffer that fits: this one, of exactly the size the
            // conv below takes (padded planes 9 x 9002, 4 channels, one item, + slack), full of NaN
            float[] dirty = new float[4 * 9 * 9002 + WindowGemm.READ_SLACK + 9000];
            java.util.Arrays.fill(dirty, Float.NaN);
            DenseConvBuffers.give(dirty);
            ConvSpec spec = ConvSpec.builder(4, 3, 3, 3).padding(1).bias(true).build();
            Tensor x = scope.normal(7, 0f, 1f, 3, 4, 7, 9000), w = scope.normal(8, 0f, 1f, 3, 4, 3, 3), b = scope.normal(9, 0f, 1f, 3);
            assertTrue(4L * 9 * 9002 > ConvWindows.MAX_PADDED_FLOATS / 2, "one item per chunk");
            assertClose("3 chunks", DenseConvNaive.forward(spec, x, w, b), DenseConv.forward(spec, x, w, b), spec);
        }
    }

    /** Every output is reduced in a fixed order: bitwise the same for 1 and 2 GEMM threads. */
    @Test
    void resultsDoNotDependOnGemmThreadCount() {
        int saved = Gemm.threads();
        try {
            qt().withExamples(30).forAll(DenseConvCase.cases(3)).checkAssert(c -> {
                try (TensorScope scope = TensorScope.open()) {
                    Tensor x = c.x(scope);
                    Tensor w = c.w(scope);
                    Tensor gy = c.gradY(scope);
                    Tensor[] one = run(c, x, w, gy, 1);
                    Tensor[] two = run(c, x, w, gy, 2);
                    for (int i = 0; i < one.length; i++) {
                        assertTrue(one[i].allClose(two[i], 0, 0), "result " + i + " differs between 1 and 2 threads for " + c);
                    }
                }
            });
        } finally {
            Gemm.setThreads(saved);
        }
    }

    private static Tensor[] run(DenseConvCase c, Tensor x, Tensor w, Tensor gy, int threads) {
        Gemm.setThreads(threads);
        return new Tensor[] {
            DenseConv.forward(c.spec(), x, w, c.b(x.scope())),
            DenseConv.backwardInput(c.spec(), gy, w, c.input()),
            DenseConv.backwardWeight(c.spec(), x, gy),
        };
    }

    /**
     * The naive backward against central differences of L(x, w, b) = Σ y·g. The conv is linear in
     * each argument, so the difference quotient is exact up to float rounding of y.
     */
    @Test
    void naiveBackwardMatchesFiniteDifferences() {
        qt().withExamples(40).forAll(DenseConvCase.cases(3)).checkAssert(c -> {
            try (TensorScope scope = TensorScope.open()) {
                ConvSpec spec = c.spec();
                float[] xv = c.x(scope).toArray();
                float[] wv = c.w(scope).toArray();
                Tensor b0 = c.b(scope);
                float[] bv = b0 == null ? null : b0.toArray();
                Tensor g = c.gradY(scope).contiguous();
                float[] dx = DenseConvNaive.backwardInput(spec, g, scope.fromArray(wv, spec.weightShape().dims()), c.input()).toArray();
                float[] dw = DenseConvNaive.backwardWeight(spec, scope.fromArray(xv, c.input().dims()), g).toArray();
                float[] db = DenseConvNaive.backwardBias(spec, g).toArray();
                SplittableRandom rnd = new SplittableRandom(c.seed());
                Loss loss = (xa, wa, ba) -> {
                    Tensor y = DenseConvNaive.forward(spec, scope.fromArray(xa, c.input().dims()),
                            scope.fromArray(wa, spec.weightShape().dims()), ba == null ? null : scope.vector(ba));
                    return y.dot(g);
                };
                // Σ|y·g| bounds the float rounding error of L.
                Tensor y0 = DenseConvNaive.forward(spec, scope.fromArray(xv, c.input().dims()),
                        scope.fromArray(wv, spec.weightShape().dims()), bv == null ? null : scope.vector(bv));
                double scale = 1 + y0.abs().dot(g.abs());
                for (int probe = 0; probe < 5; probe++) {
                    int i = rnd.nextInt(xv.length);
                    checkDifference("dL/dx[" + i + "]", dx[i], xv, i, a -> loss.of(a, wv, bv), scale, c);
                    int k = rnd.nextInt(wv.length);
                    checkDifference("dL/dw[" + k + "]", dw[k], wv, k, a -> loss.of(xv, a, bv), scale, c);
                    if (bv != null) {
                        int t = rnd.nextInt(bv.length);
                        checkDifference("dL/db[" + t + "]", db[t], bv, t, a -> loss.of(xv, wv, a), scale, c);
                    }
                }
            }
        });
    }

    private interface Loss {
        double of(float[] x, float[] w, float[] b);
    }

    private static void checkDifference(String what, float analytic, float[] values, int i,
                                        java.util.function.ToDoubleFunction<float[]> loss, double scale, Object config) {
        float h = 0.5f;
        float saved = values[i];
        float[] plus = values.clone();
        plus[i] = saved + h;
        float[] minus = values.clone();
        minus[i] = saved - h;
        double numeric = (loss.applyAsDouble(plus) - loss.applyAsDouble(minus)) / ((double) plus[i] - minus[i]);
        double tol = 1e-5 * scale;
        if (!(Math.abs(numeric - analytic) <= tol)) {
            throw new AssertionError(what + ": analytic " + analytic + ", finite difference " + numeric + " (tol " + tol
                    + ") for " + config);
        }
    }
}
