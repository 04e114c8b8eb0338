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

    /**
     * An unfolding above the old 4M-element cap (A was held whole as doubles), strided (mode 1 of
     * a 3-way tensor), with a nearly flat spectrum on the wanted subspace: the streamed blocks
     * give its exact left singular subspace (known factors).
     */
    @Test
    void streamsUnfoldingsAboveTheOldElementCap() {
        try (TensorScope scope = TensorScope.open()) {
            int rows = 30_000, a = 12, c = 12, r = 6; // unfold(x, 1): 30000 × 144 = 4.3M elements
            Random rng = new Random(7);
            double[] q = dev.tenfold.linalg.QR.factor(dev.tenfold.linalg.DenseMatrix.wrap(rows, r, gaussian(rng, rows * r))).q().data();
            double[] b = gaussian(rng, r * a * c);
            float[] x = new float[a * rows * c]; // x[i, j, k] = Σ_s q[j, s]·σ_s·b[s, (i, k)] + small noise, σ nearly flat
            for (int i = 0; i < a; i++) {
                for (int j = 0; j < rows; j++) {
                    for (int k = 0; k < c; k++) {
                        double v = 0;
                        for (int s = 0; s < r; s++) v += q[j * r + s] * (1 - 0.01 * s) * b[s * a * c + i * c + k];
                        x[(i * rows + j) * c + k] = (float) (v + 1e-4 * rng.nextGaussian() / Math.sqrt(rows));
                    }
                }
            }
            Tensor t = scope.fromArray(x, a, rows, c);
            assertTrue((long) rows * a * c > 1L << 22 && ShortSideGram.applies(rows, (long) a * c));
            double[] got = ShortSideGram.leading(t, 1, r);
            assertNotNull(got);
            double[] m = new double[r * r]; // Qᵀ·U: orthogonal exactly when the two orthonormal bases span the same space
            for (int j = 0; j < rows; j++) {
                for (int s1 = 0; s1 < r; s1++) for (int s2 = 0; s2 < r; s2++) m[s1 * r + s2] += q[j * r + s1] * got[j * r + s2];
            }
            double[] mtm = FactorMath.gram(m, r, r);
            for (int i = 0; i < r; i++) for (int j = 0; j < r; j++) assertEquals(i == j ? 1 : 0, mtm[i * r + j], 1e-6, "(QᵀU)ᵀ(QᵀU)");
            double[] g = FactorMath.gram(got, rows, r);
            for (int i = 0; i < r; i++) for (int j = 0; j < r; j++) assertEquals(i == j ? 1 : 0, g[i * r + j], 1e-9, "UᵀU");
        }
    }

    private static double[] gaussian(Random rng, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextGaussian();
        return v;
    }

    @Test
    void declinesWhereItDoesNotApply() {
        try (TensorScope scope = TensorScope.open()) {
            assertNull(ShortSideGram.leading(scope.normal(1, 0f, 1f, 6, 7), 0, 2), "m ≥ I");
            assertNull(ShortSideGram.leading(scope.normal(2, 0f, 1f, 3, 40), 1, 4), "r > m");
            // rank 1 data asked for 2 vectors: λ_2 is rounding noise
            Tensor u = scope.normal(3, 0f, 1f, 50, 1), v = scope.normal(4, 0f, 1f, 1, 4);
            assertNull(ShortSideGram.leading(dev.tenfold.linalg.Gemm.matmul(u, v), 0, 2), "rank-deficient");
            assertTrue(ShortSideGram.applies(5000, 100) && ShortSideGram.applies(100_000, 100), "tall, within the flop cap");
            assertTrue(!ShortSideGram.applies(100, 100) && !ShortSideGram.applies(5000, 2000), "not tall, or too many columns");
            assertTrue(!ShortSideGram.applies(1_000_000, 1000), "I·m² above the cap");
        }
    }
}
