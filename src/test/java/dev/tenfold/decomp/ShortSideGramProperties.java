package dev.tenfold.decomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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

class ShortSideGramProperties {

    /** The blocked Gram equals AᵀA summed in double by plain loops, across block boundaries and odd widths. */
    @Test
    void blockedGramMatchesPlainLoops() {
        qt().withExamples(30).forAll(integers().between(1, 60), longs().all()).checkAssert((m, seed) -> {
            Random rng = new Random(seed);
            int rows = 1 + rng.nextInt(rng.nextBoolean() ? 20 : 3000);
            double[] a = new double[rows * m];
            for (int i = 0; i < a.length; i++) a[i] = rng.nextGaussian();
            double[] g = ShortSideGram.gram(a, rows, m);
            for (int p = 0; p < m; p++) {
                for (int q = 0; q < m; q++) {
                    double s = 0, mag = 0;
                    for (int i = 0; i < rows; i++) {
                        s += a[i * m + p] * a[i * m + q];
                        mag += Math.abs(a[i * m + p] * a[i * m + q]);
                    }
                    assertEquals(s, g[p * m + q], 1e-13 * (1 + mag), "G[" + p + "," + q + "] rows " + rows + " m " + m);
                }
            }
        });
    }

    /**
     * On tall unfoldings (I &gt; m) of tensors of order 2–3 with odd sizes, the short-side Gram
     * gives the subspace and the sign convention of the I × I Gram method of
     * {@link LeadingSingularVectors}, with orthonormal columns.
     */
    @Test
    void matchesTheLongSideGramMethodOnTallUnfoldings() {
        qt().withExamples(25).forAll(integers().between(2, 3), longs().all()).checkAssert((order, seed) -> {
            Random rng = new Random(seed);
            try (TensorScope scope = TensorScope.open()) {
                int[] dims = new int[order];
                for (int k = 0; k < order; k++) dims[k] = 2 + rng.nextInt(order == 2 ? 12 : 5);
                int n = rng.nextInt(order);
                dims[n] = 1;
                int others = 1;
                for (int d : dims) others *= d;
                dims[n] = others + 3 + rng.nextInt(90); // the tall mode: I > m
                Tensor x = scope.normal(rng.nextLong(), 0f, 1f, dims);
                int rows = dims[n];
                int m = (int) (x.size() / rows);
                int r = 1 + rng.nextInt(m);
                String ctx = Arrays.toString(dims) + " mode " + n + " r " + r;
                double[] got = ShortSideGram.leading(x, n, r);
                assertNotNull(got, ctx);
                double[] want = LeadingSingularVectors.ofUnfolding(x, n, r,
                        LeadingSingularVectors.Options.defaults().withMethod(LeadingSingularVectors.Method.GRAM)).vectors().data();
                double[] sigma = dev.tenfold.linalg.Svd.decompose(dev.tenfold.linalg.DenseMatrix.fromTensor(x.unfold(n))).singularValues();
                boolean gap = r == sigma.length || sigma[r] < 0.9 * sigma[r - 1]; // else the r-th vector is ill-defined
                if (gap) DecompTestSupport.assertSameSubspace(want, got, rows, r, 1e-6, ctx);
                for (int c = 0; c < r; c++) { // columns with a clear gap on both sides agree with their signs
                    boolean isolated = (c == 0 || sigma[c] < 0.95 * sigma[c - 1]) && (c + 1 >= sigma.length || sigma[c + 1] < 0.95 * sigma[c]);
                    if (!isolated) continue;
                    for (int i = 0; i < rows; i++) assertEquals(want[i * r + c], got[i * r + c], 1e-5, "column " + c + " of " + ctx);
                }
                double[] g = FactorMath.gram(got, rows, r);
                for (int i = 0; i < r; i++) for (int j = 0; j < r; j++) assertEquals(i == j ? 1 : 0, g[i * r + j], 1e-9, "UᵀU of " + ctx);
            }
        });
    }

    @Test
    void declinesWhereItDoesNotApply() {
        try (TensorScope scope = TensorScope.open()) {
            assertNull(ShortSideGram.leading(scope.normal(1, 0f, 1f, 6, 7), 0, 2), "m ≥ I");
            assertNull(ShortSideGram.leading(scope.normal(2, 0f, 1f, 3, 40), 1, 4), "r > m");
            // rank 1 data asked for 2 vectors: λ_2 is rounding noise
            Tensor u = scope.normal(3, 0f, 1f, 50, 1), v = scope.normal(4, 0f, 1f, 1, 4);
            assertNull(ShortSideGram.leading(dev.tenfold.linalg.Gemm.matmul(u, v), 0, 2), "rank-deficient");
            assertTrue(ShortSideGram.applies(5000, 100) && !ShortSideGram.applies(100, 100) && !ShortSideGram.applies(100_000, 100));
        }
    }
}
