package dev.tenfold.linalg;

import static dev.tenfold.linalg.LinalgTestSupport.assertClose;
import static dev.tenfold.linalg.LinalgTestSupport.gaussian;
import static dev.tenfold.linalg.LinalgTestSupport.mul;
import static dev.tenfold.linalg.LinalgTestSupport.orthogonalityError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tenfold.tensor.SplitMix64;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.extension.ExtendWith(KernelChoice.class)
class QRProperties {




    private static void checkFactorization(DenseMatrix a) {
        QR qr = QR.factor(a);
        DenseMatrix q = qr.q();
        DenseMatrix r = qr.r();
        int k = Math.min(a.rows(), a.cols());
        assertEquals(a.rows(), q.rows());
        assertEquals(k, q.cols());
        assertEquals(k, r.rows());
        assertEquals(a.cols(), r.cols());
        assertTrue(orthogonalityError(q) <= 1e-13, "QᵀQ = I off by " + orthogonalityError(q) + " for " + a.shape());
        for (int i = 0; i < k; i++) {
            assertTrue(r.get(i, i) >= 0, "R diagonal must be non-negative");
            for (int j = 0; j < i; j++) assertEquals(0.0, r.get(i, j), 0.0, "R must be upper triangular");
        }
        double scale = Math.max(1e-300, LinalgTestSupport.fro(a));
        double err = LinalgTestSupport.fro(mul(q, r).minus(a)) / scale;
        assertTrue(err <= 1e-13, "‖A − QR‖/‖A‖ = " + err + " for " + a.shape());
    }

    @Test
    void reconstructsAndIsOrthonormalForRandomShapesBothOrientations() {
        qt().withExamples(150).forAll(integers().between(1, 40), integers().between(1, 40), longs().all())
                .checkAssert((m, n, seed) -> checkFactorization(gaussian(new SplitMix64(seed), m, n)));
    }

    @Test
    void rankDeficientInputStillGivesOrthonormalQ() {
        qt().withExamples(80).forAll(integers().between(1, 30), integers().between(1, 30), integers().between(0, 5),
                longs().all()).checkAssert((m, n, rank, seed) -> {
                    SplitMix64 rng = new SplitMix64(seed);
                    int r = Math.min(rank, Math.min(m, n));
                    DenseMatrix a = r == 0 ? DenseMatrix.zeros(m, n) : mul(gaussian(rng, m, r), gaussian(rng, r, n));
                    checkFactorization(a);
                });
    }

    @Test
    void knownSmallCases() {
        QR one = QR.factor(DenseMatrix.of(1, 1, -3));
        assertEquals(3, one.r().get(0, 0), 0);
        assertEquals(-1, one.q().get(0, 0), 0);
        // columns already orthogonal: Q = columns / norms, R = diag(norms)
        DenseMatrix a = DenseMatrix.fromRows(new double[] {3, 0}, new double[] {4, 0}, new double[] {0, 2});
        QR qr = QR.factor(a);
        assertClose(DenseMatrix.fromRows(new double[] {5, 0}, new double[] {0, 2}), qr.r(), 1e-15, "R");
        assertClose(DenseMatrix.fromRows(new double[] {0.6, 0}, new double[] {0.8, 0}, new double[] {0, 1}), qr.q(), 1e-15, "Q");
        // wide: 1×3
        QR wide = QR.factor(DenseMatrix.of(1, 3, 2, -1, 5));
        assertEquals(1, wide.q().cols());
        assertClose(DenseMatrix.of(1, 3, 2, -1, 5), mul(wide.q(), wide.r()), 1e-15, "1×3");
    }

    @Test
    void rejectsBadInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QR.factor(DenseMatrix.of(2, 2, 1, Double.NaN, 3, 4)));
        assertTrue(e.getMessage().contains("(2, 2)") && e.getMessage().contains("(0, 1)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> QR.factor(null));
        assertThrows(IllegalArgumentException.class,
                () -> QR.factor(DenseMatrix.of(1, 2, Double.POSITIVE_INFINITY, 0)));
    }
}
