package dev.tenfold.linalg;

import static dev.tenfold.linalg.LinalgTestSupport.compose;
import static dev.tenfold.linalg.LinalgTestSupport.fro;
import static dev.tenfold.linalg.LinalgTestSupport.gaussian;
import static dev.tenfold.linalg.LinalgTestSupport.mul;
import static dev.tenfold.linalg.LinalgTestSupport.orthogonalityError;
import static dev.tenfold.linalg.LinalgTestSupport.randomOrthonormalColumns;
import static dev.tenfold.linalg.LinalgTestSupport.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tenfold.tensor.SplitMix64;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.extension.ExtendWith(KernelChoice.class)
class SvdProperties {




    /** Shapes, orthonormality, ordering, reconstruction ≤ tol relative. */
    private static Svd checkSvd(DenseMatrix a, double tol) {
        Svd svd = Svd.decompose(a);
        int k = Math.min(a.rows(), a.cols());
        DenseMatrix u = svd.u();
        DenseMatrix v = svd.v();
        double[] s = svd.singularValues();
        assertEquals(a.rows(), u.rows());
        assertEquals(k, u.cols());
        assertEquals(a.cols(), v.rows());
        assertEquals(k, v.cols());
        assertEquals(k, s.length);
        for (int i = 0; i < k; i++) {
            assertTrue(s[i] >= 0, "σ must be >= 0");
            if (i > 0) assertTrue(s[i - 1] >= s[i], "σ not descending: " + Arrays.toString(s));
        }
        assertTrue(orthogonalityError(u) <= 1e-13, "UᵀU = I off by " + orthogonalityError(u) + " for " + a.shape());
        assertTrue(orthogonalityError(v) <= 1e-13, "VᵀV = I off by " + orthogonalityError(v) + " for " + a.shape());
        double scale = Math.max(1e-300, fro(a));
        double err = fro(compose(u, s, v).minus(a)) / scale;
        assertTrue(err <= tol, "‖A − UΣVᵀ‖/‖A‖ = " + err + " for " + a.shape());
        assertTrue(fro(svd.reconstruct().minus(a)) / scale <= tol, "reconstruct()");
        for (int j = 0; j < k; j++) {
            double[] col = u.column(j);
            int best = 0;
            for (int i = 1; i < col.length; i++) if (Math.abs(col[i]) > Math.abs(col[best])) best = i;
            assertTrue(col[best] > 0, "sign convention: largest entry of U column " + j + " is positive");
        }
        return svd;
    }

    @Test
    void randomMatricesBothOrientations() {
        qt().withExamples(150).forAll(integers().between(1, 40), integers().between(1, 40), longs().all())
                .checkAssert((m, n, seed) -> checkSvd(gaussian(new SplitMix64(seed), m, n), 1e-13));
    }

    @Test
    void knownSingularValuesIncludingRankDeficient() {
        qt().withExamples(80).forAll(integers().between(1, 30), integers().between(1, 30), integers().between(0, 2),
                longs().all()).checkAssert((m, n, kind, seed) -> {
                    SplitMix64 rng = new SplitMix64(seed);
                    int k = Math.min(m, n);
                    double[] sigma = new double[k];
                    for (int i = 0; i < k; i++) {
                        sigma[i] = switch (kind) {
                            case 0 -> 1 + rng.nextDouble() * 9;               // well conditioned
                            case 1 -> i < (k + 1) / 2 ? 1 + rng.nextDouble() : 0; // rank deficient
                            default -> 1 + (i % 2);                           // repeated values
                        };
                    }
                    DenseMatrix a = compose(randomOrthonormalColumns(rng, m, k), sigma, randomOrthonormalColumns(rng, n, k));
                    Svd svd = checkSvd(a, 1e-13);
                    double[] expected = sigma.clone();
                    Arrays.sort(expected);
                    double[] got = svd.singularValues();
                    for (int i = 0; i < k; i++) assertEquals(expected[k - 1 - i], got[i], 1e-13 * 10, "σ_" + i);
                });
    }

    @Test
    void illConditionedStillReconstructsToRoundoff() {
        qt().withExamples(40).forAll(integers().between(2, 25), integers().between(2, 25), longs().all())
                .checkAssert((m, n, seed) -> {
                    SplitMix64 rng = new SplitMix64(seed);
                    int k = Math.min(m, n);
                    double[] sigma = new double[k];
                    for (int i = 0; i < k; i++) sigma[i] = Math.pow(10, -12.0 * i / Math.max(1, k - 1));
                    DenseMatrix a = compose(randomOrthonormalColumns(rng, m, k), sigma, randomOrthonormalColumns(rng, n, k));
                    Svd svd = checkSvd(a, 1e-13);
                    // one-sided Jacobi keeps small singular values to high relative accuracy here
                    double[] got = svd.singularValues();
                    for (int i = 0; i < k; i++) assertEquals(sigma[i], got[i], 1e-10 * sigma[i] + 1e-15, "σ_" + i);
                });
    }

    @Test
    void pseudoInverseSatisfiesThePenroseConditions() {
        qt().withExamples(60).forAll(integers().between(1, 20), integers().between(1, 20), integers().between(0, 6),
                longs().all()).checkAssert((m, n, rank, seed) -> {
                    SplitMix64 rng = new SplitMix64(seed);
                    int r = Math.min(rank, Math.min(m, n));
                    DenseMatrix a = r == 0 ? DenseMatrix.zeros(m, n) : mul(gaussian(rng, m, r), gaussian(rng, r, n));
                    DenseMatrix p = Svd.decompose(a).pseudoInverse(1e-10);
                    assertEquals(n, p.rows());
                    assertEquals(m, p.cols());
                    double sa = Math.max(1, a.maxAbs());
                    double sp = Math.max(1, p.maxAbs());
                    LinalgTestSupport.assertClose(a, mul(mul(a, p), a), 1e-10 * sp, "A A⁺ A = A");
                    LinalgTestSupport.assertClose(p, mul(mul(p, a), p), 1e-10 * sa * sp, "A⁺ A A⁺ = A⁺");
                    DenseMatrix ap = mul(a, p);
                    LinalgTestSupport.assertClose(t(ap), ap, 1e-10 * sp, "(A A⁺)ᵀ = A A⁺");
                    DenseMatrix pa = mul(p, a);
                    LinalgTestSupport.assertClose(t(pa), pa, 1e-10 * sp, "(A⁺ A)ᵀ = A⁺ A");
                });
    }

    @Test
    void tinyAndDegenerateCases() {
        Svd one = Svd.decompose(DenseMatrix.of(1, 1, -2));
        assertEquals(2, one.singularValues()[0], 0);
        assertEquals(1, one.u().get(0, 0), 0);
        assertEquals(-1, one.v().get(0, 0), 0);
        Svd zero = checkSvd(DenseMatrix.zeros(4, 3), 0);
        assertEquals("[0.0, 0.0, 0.0]", Arrays.toString(zero.singularValues()));
        assertEquals(0, zero.rank(1e-12));
        Svd row = checkSvd(DenseMatrix.of(1, 4, 0, 3, 0, 4), 1e-15);
        assertEquals(5, row.singularValues()[0], 1e-15);
        Svd col = checkSvd(DenseMatrix.of(3, 1, 0, -3, 4), 1e-15);
        assertEquals(5, col.singularValues()[0], 1e-15);
        assertEquals(1, col.rank(1e-12));
    }

    @Test
    void rankOneMatricesAtManyAnglesKeepOrthonormalU() {
        // exactly rank one: the second singular value can come out as subnormal dust
        for (int i = 0; i < 200; i++) {
            double c = Math.cos(i * 0.0317), s = Math.sin(i * 0.0317);
            double scale = Math.pow(10, (i % 9) - 4);
            DenseMatrix a = DenseMatrix.of(2, 2, scale * c * c, scale * c * s, scale * c * s, scale * s * s);
            Svd svd = checkSvd(a, 1e-14);
            assertEquals(scale, svd.singularValues()[0], 1e-14 * scale);
            assertTrue(svd.singularValues()[1] <= 1e-15 * scale);
        }
    }

    @Test
    void extremeScalesDoNotOverflowOrUnderflow() {
        for (double scale : new double[] {1e-300, 1e-160, 1e160, 1e300}) {
            DenseMatrix a = DenseMatrix.of(3, 2, 3, 0, 4, 0, 0, 1).scale(scale);
            Svd svd = Svd.decompose(a);
            assertEquals(5 * scale, svd.singularValues()[0], 1e-14 * 5 * scale, "σ₁ at scale " + scale);
            assertEquals(scale, svd.singularValues()[1], 1e-14 * scale, "σ₂ at scale " + scale);
            assertTrue(orthogonalityError(svd.u()) <= 1e-14);
        }
    }

    @Test
    void rejectsBadInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Svd.decompose(DenseMatrix.of(1, 3, 1, 2, Double.NaN)));
        assertTrue(e.getMessage().contains("(1, 3)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Svd.decompose(null));
        assertThrows(IllegalArgumentException.class, () -> Svd.decompose(DenseMatrix.diagonal(1, 2)).pseudoInverse(-1));
    }
}
