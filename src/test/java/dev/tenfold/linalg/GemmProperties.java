package dev.tenfold.linalg;

import static dev.tenfold.linalg.GemmTestSupport.assertClose;
import static dev.tenfold.linalg.GemmTestSupport.operand;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Property tests of {@link Gemm} against {@link GemmNaive} (double accumulation) on random
 * shapes with tails, size-1 dimensions, transposed and strided operands and alpha/beta variants.
 */
@ExtendWith(GemmTestSupport.ThreadsRestored.class)
class GemmProperties {
    private static final float[] ALPHAS = {1f, -0.5f, 2.25f, 1f};
    private static final float[] BETAS = {0f, 1f, 0.5f, 0f};
    @Test
    void sgemmMatchesNaiveOnRandomShapesAndLayouts() {
        qt().withExamples(150).forAll(integers().between(1, 150), integers().between(1, 150),
                integers().between(1, 150), integers().between(0, Integer.MAX_VALUE))
                .checkAssert((m, n, k, seed) -> checkAgainstNaive(m, n, k, seed));
    }

    @Test
    void sgemmMatchesNaiveOnSizeOneAndLongK() {
        qt().withExamples(60).forAll(integers().between(1, 3), integers().between(1, 70),
                integers().between(1, 700), integers().between(0, Integer.MAX_VALUE))
                .checkAssert((small, other, k, seed) -> {
                    checkAgainstNaive(small, other, k, seed);
                    checkAgainstNaive(other, small, k, seed + 1);
                    checkAgainstNaive(other, other, small, seed + 2);
                });
    }

    private static void checkAgainstNaive(int m, int n, int k, int seed) {
        int layoutA = seed & 3, layoutB = (seed >>> 2) & 3;
        float alpha = ALPHAS[(seed >>> 4) & 3], beta = BETAS[(seed >>> 6) & 3];
        try (TensorScope scope = TensorScope.open()) {
            Tensor a = operand(scope, seed, m, k, layoutA);
            Tensor b = operand(scope, seed + 7L, k, n, layoutB);
            Tensor c0 = scope.uniform(seed + 13L, -1, 1, m, n);
            Tensor expected = c0.copy();
            GemmNaive.sgemm(alpha, a, b, beta, expected);
            Tensor bound = c0.abs();
            GemmNaive.sgemm(Math.abs(alpha), a.abs(), b.abs(), Math.abs(beta), bound);
            Tensor actual = beta == 0f ? scope.full(Float.NaN, m, n) : c0.copy();
            Gemm.sgemm(alpha, a, b, beta, actual);
            assertClose(expected, actual, bound, k, "sgemm m=" + m + " n=" + n + " k=" + k + " layouts " + layoutA
                    + "/" + layoutB + " alpha=" + alpha + " beta=" + beta);
        }
    }

    @Test
    void resultsAreBitwiseIdenticalForOneTwoAndThreeThreads() {
        qt().withExamples(25).forAll(integers().between(1, 150), integers().between(1, 150),
                integers().between(1, 600), integers().between(0, Integer.MAX_VALUE))
                .checkAssert((m, n, k, seed) -> {
                    // Scale m and n up so that several threads really share the work.
                    checkThreadInvariance(m * 3, n * 2, k, seed);
                });
    }

    private static void checkThreadInvariance(int m, int n, int k, int seed) {
        try (TensorScope scope = TensorScope.open()) {
            Tensor a = operand(scope, seed, m, k, seed & 3);
            Tensor b = operand(scope, seed + 1L, k, n, (seed >>> 2) & 3);
            Tensor c0 = scope.uniform(seed + 2L, -1, 1, m, n);
            float[] reference = null;
            for (int t = 1; t <= 3; t++) {
                Gemm.setThreads(t);
                Tensor c = c0.copy();
                Gemm.sgemm(0.75f, a, b, 0.5f, c);
                if (reference == null) {
                    reference = c.toArray();
                } else {
                    assertArrayEquals(reference, c.toArray(), "threads=" + t + " m=" + m + " n=" + n + " k=" + k);
                }
            }
        }
    }

    @Test
    void batchedMatchesNaivePerItemWithBroadcastBatch() {
        qt().withExamples(40).forAll(integers().between(1, 40), integers().between(1, 40),
                integers().between(1, 60), integers().between(0, Integer.MAX_VALUE))
                .checkAssert((m, n, k, seed) -> {
                    int batch = 1 + (seed & 3);
                    int batchA = (seed & 16) != 0 ? 1 : batch, batchB = (seed & 32) != 0 ? 1 : batch;
                    try (TensorScope scope = TensorScope.open()) {
                        Tensor a = scope.uniform(seed, -1, 1, batchA, m, k);
                        Tensor b = (seed & 64) != 0 ? scope.uniform(seed + 1L, -1, 1, batchB, n, k).transpose(1, 2)
                                : scope.uniform(seed + 1L, -1, 1, batchB, k, n);
                        Tensor c = scope.uniform(seed + 2L, -1, 1, batch, m, n);
                        Tensor expected = c.copy();
                        Tensor bound = c.abs();
                        for (int i = 0; i < batch; i++) {
                            Tensor ai = a.select(0, batchA == 1 ? 0 : i), bi = b.select(0, batchB == 1 ? 0 : i);
                            GemmNaive.sgemm(-1.5f, ai, bi, 0.25f, expected.select(0, i));
                            GemmNaive.sgemm(1.5f, ai.abs(), bi.abs(), 0.25f, bound.select(0, i));
                        }
                        Gemm.sgemmBatched(-1.5f, a, b, 0.25f, c);
                        assertClose(expected, c, bound, k, "sgemmBatched " + a.shape() + " x " + b.shape());
                        Tensor product = Gemm.matmulBatched(a, b);
                        int productBatch = Math.max(batchA, batchB);
                        Tensor expectedProduct = scope.zeros(productBatch, m, n);
                        for (int i = 0; i < productBatch; i++) {
                            GemmNaive.sgemm(1f, a.select(0, batchA == 1 ? 0 : i), b.select(0, batchB == 1 ? 0 : i),
                                    0f, expectedProduct.select(0, i));
                        }
                        assertClose(expectedProduct, product, bound.narrow(0, 0, productBatch), k, "matmulBatched " + a.shape() + " x " + b.shape());
                    }
                });
    }
}
