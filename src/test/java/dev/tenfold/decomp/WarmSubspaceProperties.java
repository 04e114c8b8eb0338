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
                double[] exact = Hosvd.leading(x, n, r, LeadingSingularVectors.Options.defaults().withMethod(LeadingSingularVectors.Method.GRAM));
                double[] start = exact.clone();
                for (int i = 0; i < start.length; i++) start[i] += 0.05 * rng.nextGaussian();
                double[] got = WarmSubspace.leading(x, n, r, start);
                String ctx = Arrays.toString(dims) + " ranks " + Arrays.toString(ranks) + " mode " + n;
                assertNotNull(got, "did not converge: " + ctx);
                // the same subspace (projectors U·Uᵀ agree; individual vectors are ill-defined for close singular values)
                int rows = dims[n];
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < rows; j++) {
                        double pe = 0, pg = 0;
                        for (int c = 0; c < r; c++) {
                            pe += exact[i * r + c] * exact[j * r + c];
                            pg += got[i * r + c] * got[j * r + c];
                        }
                        assertEquals(pe, pg, 1e-4, "projector (" + i + ", " + j + ") of " + ctx);
                    }
                }
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

    private static double[] orthonormal(int rows, int r, long seed) {
        Random rng = new Random(seed);
        double[] a = new double[rows * r];
        for (int i = 0; i < a.length; i++) a[i] = rng.nextGaussian();
        return dev.tenfold.linalg.QR.factor(dev.tenfold.linalg.DenseMatrix.wrap(rows, r, a)).q().data();
    }
}
