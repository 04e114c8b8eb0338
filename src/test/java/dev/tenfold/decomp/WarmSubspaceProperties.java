package dev.tenfold.decomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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

class WarmSubspaceProperties {

    /**
     * From a perturbed start, the warm subspace iteration returns the exact leading singular
     * vectors (GRAM eigen decomposition in double) of unfoldings of low-rank-plus-noise tensors of
     * order 2 to 4 with odd sizes: same columns up to rounding, same sign convention.
     */
    @Test
    void convergesToTheExactLeadingVectorsFromAPerturbedStart() {
        qt().withExamples(25).forAll(integers().between(2, 4), longs().all()).checkAssert((order, seed) -> {
            Random rng = new Random(seed);
            try (TensorScope scope = TensorScope.open()) {
                int[] dims = new int[order], ranks = new int[order];
                for (int n = 0; n < order; n++) {
                    dims[n] = 3 + rng.nextInt(order == 2 ? 40 : 9);
                    ranks[n] = 1 + rng.nextInt(dims[n] - 1);
                }
                Tensor x = DecompTestSupport.withNoise(DecompTestSupport.randomTucker(scope, rng.nextLong(), dims, ranks).toTensor(), 0.01, rng.nextLong());
                int n = rng.nextInt(order), r = ranks[n];
                long m = x.size() / dims[n];
                long others = 1;
                for (int k = 0; k < order; k++) if (k != n) others *= ranks[k];
                if (r > m || r > others) return; // no spectral gap at r: slow convergence is allowed there
                // a small gap (σ_{r+1}/σ_r near 1, e.g. a weak r-th component under the noise) converges as slowly as it likes
                double[] sigma = dev.tenfold.linalg.Svd.decompose(dev.tenfold.linalg.DenseMatrix.fromTensor(x.unfold(n))).singularValues();
                if (r < sigma.length && sigma[r] > 0.3 * sigma[r - 1]) return;
                double[] exact = Hosvd.leading(x, n, r, LeadingSingularVectors.Options.defaults().withMethod(LeadingSingularVectors.Method.GRAM));
                double[] start = exact.clone();
                for (int i = 0; i < start.length; i++) start[i] += 0.05 * rng.nextGaussian();
                double[] got;
                try (TensorScope tmp = TensorScope.open()) { // all the steps it may need, whatever the exact method would cost
                    got = WarmSubspace.leading(x, n, r, start, false, new Workspace(tmp), WarmSubspace.MAX_STEPS);
                }
                String ctx = Arrays.toString(dims) + " ranks " + Arrays.toString(ranks) + " mode " + n;
                assertNotNull(got, "did not converge: " + ctx);
                // the same subspace (projectors U·Uᵀ agree; individual vectors are ill-defined for close singular values),
                // to what the stopping rule guarantees: a residual ‖AAᵀU − UH‖ ≤ TOL·‖H‖_F leaves an angle of at most
                // TOL·‖H‖_F / (σ_r² − σ_{r+1}²) (Davis–Kahan), which grows with σ_1/σ_r
                int rows = dims[n];
                double h = 0;
                for (int i = 0; i < r; i++) h += Math.pow(sigma[i], 4);
                double gap = sigma[r - 1] * sigma[r - 1] - (r < sigma.length ? sigma[r] * sigma[r] : 0);
                DecompTestSupport.assertSameSubspace(exact, got, rows, r, Math.max(1e-4, 4 * WarmSubspace.TOL * Math.sqrt(h) / gap), ctx);
                double[] g = FactorMath.gram(got, rows, r);
                for (int i = 0; i < r; i++) for (int j = 0; j < r; j++) assertEquals(i == j ? 1 : 0, g[i * r + j], 1e-6, "UᵀU of " + ctx);
            }
        });
    }

    @Test
    void notApplicableOrNotConvergedGivesNull() {
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = scope.normal(1, 0f, 1f, 5, 6, 7);
            assertEquals(null, WarmSubspace.leading(x, 0, 5, new double[25]), "r = I");
            assertEquals(null, WarmSubspace.leading(x, 0, 2, null), "no start");
            // a flat spectrum (pure noise) and an orthogonal start: no convergence in MAX_STEPS is allowed to return null,
            // and a non-null answer must still be orthonormal
            double[] u = WarmSubspace.leading(scope.normal(2, 0f, 1f, 40, 41), 0, 20, orthonormal(40, 20, 3));
            if (u != null) {
                double[] g = FactorMath.gram(u, 40, 20);
                for (int i = 0; i < 20; i++) for (int j = 0; j < 20; j++) assertEquals(i == j ? 1 : 0, g[i * 20 + j], 1e-6);
            }
        }
    }

    /** HOOI with the warm refinement reaches the fit of HOOI with exact GRAM vectors at every step. */
    @Test
    void hooiMatchesTheExactGramVariant() {
        qt().withExamples(10).forAll(integers().between(2, 4), longs().all()).checkAssert((order, seed) -> {
            Random rng = new Random(seed);
            try (TensorScope scope = TensorScope.open()) {
                int[] dims = new int[order], ranks = new int[order];
                for (int n = 0; n < order; n++) {
                    dims[n] = 3 + rng.nextInt(order == 2 ? 30 : 7);
                    ranks[n] = 1 + rng.nextInt(dims[n] - 1);
                }
                Tensor x = DecompTestSupport.withNoise(DecompTestSupport.randomTucker(scope, rng.nextLong(), dims, ranks).toTensor(), 0.05, rng.nextLong());
                TuckerResult warm = Hooi.fit(x, TuckerOptions.builder(ranks).maxIter(15).tol(0).build());
                TuckerResult gram = Hooi.fit(x, TuckerOptions.builder(ranks).maxIter(15).tol(0)
                        .svdOptions(LeadingSingularVectors.Options.defaults().withMethod(LeadingSingularVectors.Method.GRAM)).build());
                assertTrue(Math.abs(warm.relError() - gram.relError()) < 1e-4,
                        Arrays.toString(dims) + " ranks " + Arrays.toString(ranks) + ": " + warm.relError() + " vs " + gram.relError());
            }
        });
    }

    /**
     * Without a spectral gap (pure noise: the singular values of every projected unfolding lie
     * close together) subspace iteration crawls; the warm refinement must then not stop early
     * on a basis that has merely stopped moving, but converge for real or hand over to the
     * exact method, so HOOI reaches the fit of HOOI with exact vectors at every step (as
     * TensorLy's, which takes a full SVD each time).
     */
    @Test
    void hooiWithoutASpectralGapMatchesTheExactVariant() {
        qt().withExamples(8).forAll(integers().between(3, 4), longs().all()).checkAssert((order, seed) -> {
            Random rng = new Random(seed);
            try (TensorScope scope = TensorScope.open()) {
                int[] dims = new int[order], ranks = new int[order];
                for (int n = 0; n < order; n++) {
                    dims[n] = (order == 3 ? 14 : 7) + rng.nextInt(8);
                    ranks[n] = 2 + rng.nextInt(dims[n] / 2);
                }
                Tensor x = scope.normal(rng.nextLong(), 0f, 1f, dims);
                TuckerResult warm = Hooi.fit(x, TuckerOptions.builder(ranks).maxIter(10).tol(0).build());
                TuckerResult gram = Hooi.fit(x, TuckerOptions.builder(ranks).maxIter(10).tol(0)
                        .svdOptions(LeadingSingularVectors.Options.defaults().withMethod(LeadingSingularVectors.Method.GRAM)).build());
                assertTrue(Math.abs(warm.relError() - gram.relError()) < 1e-5,
                        "noise " + Arrays.toString(dims) + " ranks " + Arrays.toString(ranks) + ": " + warm.relError() + " vs " + gram.relError());
            }
        });
    }

    /**
     * The unfolding is read in place whatever the layout of Y — mode n slowest (as Hooi writes
     * Q ×_2 U_2ᵀ: a permuted view), fastest (transposed) — or copied: the result is the one for
     * a contiguous copy of the same values, to rounding.
     */
    @Test
    void permutedLayoutsGiveTheResultOfAContiguousCopy() {
        qt().withExamples(15).forAll(longs().all()).checkAssert(seed -> {
            Random rng = new Random(seed);
            try (TensorScope scope = TensorScope.open()) {
                int[] dims = {4 + rng.nextInt(9), 4 + rng.nextInt(9), 4 + rng.nextInt(9)};
                int[] ranks = {2, 2, 2};
                Tensor x = DecompTestSupport.withNoise(DecompTestSupport.randomTucker(scope, rng.nextLong(), dims, ranks).toTensor(), 0.01, rng.nextLong());
                int[] perm = {1, 0, 2};
                if (rng.nextBoolean()) perm = new int[] {2, 0, 1};
                // y holds x's values in the layout perm: y = stored.permute(inverse), stored contiguous
                Tensor stored = x.permute(perm).contiguous();
                int[] inv = new int[3];
                for (int j = 0; j < 3; j++) inv[perm[j]] = j;
                Tensor y = stored.permute(inv);
                for (int n = 0; n < 3; n++) {
                    double[] exact = Hosvd.leading(x, n, 2, LeadingSingularVectors.Options.defaults().withMethod(LeadingSingularVectors.Method.GRAM));
                    double[] a = WarmSubspace.leading(x, n, 2, exact), b = WarmSubspace.leading(y, n, 2, exact);
                    if (a == null || b == null) {
                        assertEquals(a == null, b == null, "converged in one layout only, mode " + n);
                        continue;
                    }
                    for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-5, "mode " + n + " perm " + Arrays.toString(perm) + " entry " + i);
                }
            }
        });
    }

    /** The eigen basis of V is V's left singular vectors (orthonormal, decreasing σ); null when VᵀV is ill-conditioned. */
    @Test
    void eigenBasisIsTheLeftSingularBasisOrNullWhenIllConditioned() {
        qt().withExamples(20).forAll(integers().between(1, 12), longs().all()).checkAssert((r, seed) -> {
            Random rng = new Random(seed);
            int rows = r + 1 + rng.nextInt(30);
            double[] v = new double[rows * r];
            for (int i = 0; i < v.length; i++) v[i] = rng.nextGaussian();
            double[] u = WarmSubspace.eigenBasis(v, rows, r);
            var svd = dev.tenfold.linalg.Svd.decompose(dev.tenfold.linalg.DenseMatrix.wrap(rows, r, v));
            double[] sigma = svd.singularValues();
            if ((sigma[r - 1] / sigma[0]) * (sigma[r - 1] / sigma[0]) < WarmSubspace.EIGEN_RCOND) {
                assertEquals(null, u);
                return;
            }
            assertNotNull(u);
            double[] g = FactorMath.gram(u, rows, r);
            for (int i = 0; i < r; i++) for (int j = 0; j < r; j++) assertEquals(i == j ? 1 : 0, g[i * r + j], 1e-10, "UᵀU");
            double[] want = svd.u().data();
            for (int c = 0; c < r; c++) {
                double dot = 0;
                for (int i = 0; i < rows; i++) dot += u[i * r + c] * want[i * r + c];
                if (c + 1 < r && sigma[c + 1] > 0.999 * sigma[c] || c > 0 && sigma[c] > 0.999 * sigma[c - 1]) continue; // not well defined
                assertEquals(1, Math.abs(dot), 1e-8, "column " + c + " of " + rows + " × " + r);
            }
        });
        double[] rankOne = new double[10 * 2];
        for (int i = 0; i < 10; i++) {
            rankOne[2 * i] = i + 1;
            rankOne[2 * i + 1] = 2 * (i + 1);
        }
        assertEquals(null, WarmSubspace.eigenBasis(rankOne, 10, 2), "rank-deficient V");
    }

    private static double[] orthonormal(int rows, int r, long seed) {
        Random rng = new Random(seed);
        double[] a = new double[rows * r];
        for (int i = 0; i < a.length; i++) a[i] = rng.nextGaussian();
        return dev.tenfold.linalg.QR.factor(dev.tenfold.linalg.DenseMatrix.wrap(rows, r, a)).q().data();
    }
}
