package dev.tenfold.decomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tenfold.linalg.LeadingSingularVectors;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TuckerTest {

    static void assertOrthonormal(TuckerTensor t) {
        for (Tensor u : t.factors()) {
            double[] g = FactorMath.gram(FactorMath.toDoubles(u), u.dim(0), u.dim(1));
            int r = u.dim(1);
            for (int i = 0; i < r; i++) {
                for (int j = 0; j < r; j++) assertEquals(i == j ? 1 : 0, g[i * r + j], 1e-5, "UᵀU of " + u.shape());
            }
        }
    }

    @Test
    void everyMethodIsExactAtTheTrueRanks() {
        qt().withExamples(15).forAll(integers().between(2, 4), longs().all()).checkAssert((order, seed) -> {
            Random rng = new Random(seed);
            try (TensorScope scope = TensorScope.open()) {
                int[] dims = new int[order], ranks = new int[order];
                for (int n = 0; n < order; n++) {
                    dims[n] = 2 + rng.nextInt(order == 2 ? 12 : 6);
                    ranks[n] = 1 + rng.nextInt(dims[n]);
                }
                Tensor x = DecompTestSupport.randomTucker(scope, rng.nextLong(), dims, ranks).toTensor();
                String ctx = Arrays.toString(dims) + " ranks " + Arrays.toString(ranks);
                for (TuckerTensor t : new TuckerTensor[] {Hosvd.truncated(x, ranks), Hosvd.sequential(x, ranks),
                        Hooi.fit(x, TuckerOptions.builder(ranks).maxIter(3).build()).tensor()}) {
                    assertOrthonormal(t);
                    assertTrue(DecompTestSupport.relError(x, DecompTestSupport.denseTucker(t)) < 1e-5, ctx);
                }
            }
        });
    }

    @Test
    void hooiImprovesOnHosvdAndReportsTheDenseError() {
        try (TensorScope scope = TensorScope.open()) {
            int[] dims = {14, 12, 10, 6}, ranks = {3, 4, 2, 3};
            Tensor x = DecompTestSupport.withNoise(DecompTestSupport.randomTucker(scope, 2, dims, ranks).toTensor(), 0.3, 7);
            TuckerTensor h = Hosvd.truncated(x, ranks);
            double hosvdErr = DecompTestSupport.relError(x, DecompTestSupport.denseTucker(h));
            for (TuckerOptions.Init init : TuckerOptions.Init.values()) {
                TuckerResult r = Hooi.fit(x, TuckerOptions.builder(ranks).init(init).seed(3).tol(0).maxIter(25).build());
                assertOrthonormal(r.tensor());
                double dense = DecompTestSupport.relError(x, DecompTestSupport.denseTucker(r.tensor()));
                assertEquals(dense, r.relError(), 1e-4, init.toString());
                assertTrue(dense <= hosvdErr + 1e-5, init + ": HOOI " + dense + " vs HOSVD " + hosvdErr);
                double[] e = r.trace().relErrors();
                for (int i = 1; i < e.length; i++) assertTrue(e[i] <= e[i - 1] + 1e-5, init + " error rose at " + i);
            }
        }
    }

    @Test
    void convergesListensAndAcceptsExactGramSingularVectors() {
        try (TensorScope scope = TensorScope.open()) {
            int[] dims = {20, 18, 16}, ranks = {4, 3, 5};
            Tensor x = DecompTestSupport.withNoise(DecompTestSupport.randomTucker(scope, 4, dims, ranks).toTensor(), 0.05, 1);
            int[] calls = {0};
            TuckerResult r = Hooi.fit(x, TuckerOptions.builder(ranks).tol(1e-6).maxIter(50)
                    .svdOptions(LeadingSingularVectors.Options.defaults().withMethod(LeadingSingularVectors.Method.GRAM))
                    .listener((it, err, ms, model) -> {
                        calls[0]++;
                        assertEquals(it, calls[0]);
                        assertEquals(3, model.order());
                    }).build());
            assertTrue(r.converged());
            assertEquals(r.iterations(), calls[0]);
            double dense = DecompTestSupport.relError(x, DecompTestSupport.denseTucker(r.tensor()));
            assertEquals(dense, r.relError(), 1e-4);
            assertTrue(dense < 0.06);
            // the given-init path: start from the result, one iteration keeps the error
            TuckerResult again = Hooi.fit(x, TuckerOptions.builder(ranks).init(r.tensor()).maxIter(1).build());
            assertEquals(r.relError(), again.relError(), 1e-4);
        }
    }

    @Test
    void nothingLeaksBeyondTheResult() {
        long before = TensorScope.liveBytes();
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = scope.normal(1, 0f, 1f, 9, 8, 7).permute(2, 0, 1); // strided input
            long held = TensorScope.liveBytes();
            TuckerResult r = Hooi.fit(x, TuckerOptions.builder(3, 2, 4).maxIter(4).build());
            long result = 4L * (3 * 2 * 4 + 7 * 3 + 9 * 2 + 8 * 4);
            assertEquals(held + result, TensorScope.liveBytes());
            assertEquals(result + held + 4L * (3 * 2 * 4 + 7 * 3 + 9 * 2 + 8 * 4),
                    sizeAfter(() -> Hosvd.sequential(x, 3, 2, 4)));
            assertTrue(r.relError() < 1);
        }
        assertEquals(before, TensorScope.liveBytes());
    }

    /**
     * A strided X makes its partials by tensordot (copied into the fit's workspace); a contiguous
     * copy by the SIMD passes read in place, fused with the next product for Q. Both reach the
     * same fit and subspaces.
     */
    @Test
    void stridedAndContiguousInputsGiveTheSameFit() {
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = DecompTestSupport.randomTucker(scope, 5, new int[] {21, 17, 30}, new int[] {4, 3, 5}).toTensor()
                    .add(scope.normal(6, 0f, 0.01f, 21, 17, 30));
            Tensor strided = scope.zeros(30, 21, 17).copyFrom(x.permute(2, 0, 1)).permute(1, 2, 0); // x's values, not contiguous
            assertTrue(!strided.isContiguous() && x.isContiguous());
            TuckerOptions o = TuckerOptions.builder(4, 3, 5).tol(0).maxIter(6).build();
            TuckerResult a = Hooi.fit(x, o), b = Hooi.fit(strided, o);
            assertEquals(a.relError(), b.relError(), 1e-6);
            for (int n = 0; n < 3; n++) {
                Tensor ua = a.tensor().factor(n), ub = b.tensor().factor(n);
                DecompTestSupport.assertSameSubspace(FactorMath.toDoubles(ua), FactorMath.toDoubles(ub), ua.dim(0), ua.dim(1), 1e-4,
                        "factor " + n);
            }
        }
    }

    /**
     * A fit large enough for every parallel product of an iteration (the passes, the last-mode
     * products of the partials) gives the same bits with 1 and 2 threads.
     */
    @Test
    void hooiIsBitwiseIndependentOfTheThreadCount() {
        int before = dev.tenfold.linalg.Gemm.threads();
        try (TensorScope scope = TensorScope.open()) {
            int[] dims = {170, 150, 161}, ranks = {16, 13, 17};
            Tensor x = DecompTestSupport.withNoise(DecompTestSupport.randomTucker(scope, 4, dims, ranks).toTensor(), 0.05, 5);
            TuckerResult[] fits = new TuckerResult[2];
            for (int t = 1; t <= 2; t++) {
                dev.tenfold.linalg.Gemm.setThreads(t);
                fits[t - 1] = Hooi.fit(x, TuckerOptions.builder(ranks).init(TuckerOptions.Init.RANDOM).tol(0).maxIter(3).build());
            }
            assertEquals(fits[0].relError(), fits[1].relError(), 0.0);
            assertTrue(Arrays.equals(fits[0].tensor().core().toArray(), fits[1].tensor().core().toArray()), "core");
            for (int n = 0; n < 3; n++) {
                assertTrue(Arrays.equals(fits[0].tensor().factor(n).toArray(), fits[1].tensor().factor(n).toArray()), "factor " + n);
            }
        } finally {
            dev.tenfold.linalg.Gemm.setThreads(before);
        }
    }

    private static long sizeAfter(Runnable r) {
        r.run();
        return TensorScope.liveBytes();
    }
}
