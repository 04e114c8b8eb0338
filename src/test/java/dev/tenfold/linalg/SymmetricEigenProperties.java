package dev.tenfold.linalg;

import static dev.tenfold.linalg.LinalgTestSupport.gaussian;
import static dev.tenfold.linalg.LinalgTestSupport.mul;
import static dev.tenfold.linalg.LinalgTestSupport.orthogonalityError;
import static dev.tenfold.linalg.LinalgTestSupport.randomOrthogonal;
import static dev.tenfold.linalg.LinalgTestSupport.scaleColumns;
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
class SymmetricEigenProperties {




    /** A·V = V·Λ, VᵀV = I, values descending, largest entry of each vector positive. */
    private static void checkDecomposition(DenseMatrix a, SymmetricEigen eig) {
        int n = a.rows();
        double[] lambda = eig.values();
        DenseMatrix v = eig.vectors();
        for (int i = 1; i < n; i++) assertTrue(lambda[i - 1] >= lambda[i], "not descending: " + Arrays.toString(lambda));
        assertTrue(orthogonalityError(v) <= 1e-13, "VᵀV = I off by " + orthogonalityError(v));
        double scale = Math.max(1e-300, LinalgTestSupport.fro(a));
        double err = LinalgTestSupport.fro(mul(a, v).minus(scaleColumns(v, lambda))) / scale;
        assertTrue(err <= 1e-13, "‖AV − VΛ‖/‖A‖ = " + err + " for n = " + n);
        for (int j = 0; j < n; j++) {
            double[] col = v.column(j);
            int best = 0;
            for (int i = 1; i < n; i++) if (Math.abs(col[i]) > Math.abs(col[best])) best = i;
            assertTrue(col[best] > 0, "sign convention for vector " + j);
        }
    }

    @Test
    void randomSymmetricMatrices() {
        qt().withExamples(120).forAll(integers().between(1, 40), longs().all()).checkAssert((n, seed) -> {
            DenseMatrix g = gaussian(new SplitMix64(seed), n, n);
            DenseMatrix a = g.plus(t(g));
            checkDecomposition(a, SymmetricEigen.decompose(a));
        });
    }

    @Test
    void knownSpectraUnderRandomRotations() {
        qt().withExamples(80).forAll(integers().between(1, 30), integers().between(0, 3), longs().all())
                .checkAssert((n, kind, seed) -> {
                    SplitMix64 rng = new SplitMix64(seed);
                    double[] spectrum = new double[n];
                    for (int i = 0; i < n; i++) {
                        spectrum[i] = switch (kind) {
                            case 0 -> rng.nextGaussian() * 10;              // generic, signed
                            case 1 -> i % 3;                                  // repeated values
                            case 2 -> i < n / 2 ? 0 : rng.nextDouble() + 1;   // rank deficient PSD
                            default -> Math.pow(10, -rng.nextInt(12));        // wide dynamic range
                        };
                    }
                    DenseMatrix q = randomOrthogonal(rng, n);
                    DenseMatrix a = mul(scaleColumns(q, spectrum), t(q));
                    a = DenseMatrix.wrap(n, n, DenseMatrix.symmetricPart(a));
                    SymmetricEigen eig = SymmetricEigen.decompose(a);
                    double[] expected = spectrum.clone();
                    Arrays.sort(expected);
                    double maxAbs = 0;
                    for (double s : spectrum) maxAbs = Math.max(maxAbs, Math.abs(s));
                    double[] got = eig.values();
                    for (int i = 0; i < n; i++) {
                        assertEquals(expected[n - 1 - i], got[i], 1e-13 * Math.max(1, maxAbs) * n, "eigenvalue " + i);
                    }
                    checkDecomposition(a, eig);
                });
    }

    @Test
    void diagonalAndTinyCases() {
        SymmetricEigen d = SymmetricEigen.decompose(DenseMatrix.diagonal(2, -5, 7, 0));
        assertEquals("[7.0, 2.0, 0.0, -5.0]", Arrays.toString(d.values()));
        // eigenvector of 7 is e_2, of 2 is e_0, of 0 is e_3, of -5 is e_1
        int[] where = {2, 0, 3, 1};
        for (int j = 0; j < 4; j++) assertEquals(1.0, d.vectors().get(where[j], j), 0.0);
        SymmetricEigen one = SymmetricEigen.decompose(DenseMatrix.of(1, 1, -4.5));
        assertEquals(-4.5, one.values()[0], 0);
        assertEquals(1, one.vectors().get(0, 0), 0);
        SymmetricEigen zero = SymmetricEigen.decompose(DenseMatrix.zeros(3, 3));
        assertEquals("[0.0, 0.0, 0.0]", Arrays.toString(zero.values()));
        assertTrue(orthogonalityError(zero.vectors()) == 0);
        // [[2, 1], [1, 2]] has eigenvalues 3, 1 with vectors (1, 1)/√2, (1, -1)/√2 up to sign
        SymmetricEigen two = SymmetricEigen.decompose(DenseMatrix.of(2, 2, 2, 1, 1, 2));
        assertEquals(3, two.values()[0], 1e-15);
        assertEquals(1, two.values()[1], 1e-15);
        assertEquals(Math.sqrt(0.5), Math.abs(two.vectors().get(1, 0)), 1e-15);
        DenseMatrix lead = two.leadingVectors(1);
        assertEquals(2, lead.rows());
        assertEquals(1, lead.cols());
    }

    @Test
    void rejectsBadInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SymmetricEigen.decompose(DenseMatrix.zeros(2, 3)));
        assertTrue(e.getMessage().contains("(2, 3)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SymmetricEigen.decompose(DenseMatrix.of(2, 2, 1, 2, 3, 4)));
        assertTrue(e.getMessage().contains("not symmetric") && e.getMessage().contains("(2, 2)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SymmetricEigen.decompose(DenseMatrix.of(2, 2, 1, Double.NaN, Double.NaN, 4)));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.decompose(null));
        assertThrows(IllegalArgumentException.class,
                () -> SymmetricEigen.decompose(DenseMatrix.diagonal(1, 2)).leadingVectors(3));
    }
}
