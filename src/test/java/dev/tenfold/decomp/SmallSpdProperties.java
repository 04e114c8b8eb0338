package dev.tenfold.decomp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tenfold.linalg.Cholesky;
import dev.tenfold.linalg.DenseMatrix;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SmallSpdProperties {

    private static double[] randomMatrix(Random rng, int rows, int cols) {
        double[] a = new double[rows * cols];
        for (int i = 0; i < a.length; i++) a[i] = rng.nextGaussian();
        return a;
    }

    @Test
    void gramMatchesTheNaiveTwin() {
        qt().withExamples(40).forAll(integers().between(1, 70), integers().between(1, 41), longs().all()).checkAssert((rows, r, seed) -> {
            double[] u = randomMatrix(new Random(seed), rows, r);
            double[] g = SmallSpd.gram(u, rows, r);
            for (int a = 0; a < r; a++) {
                for (int b = 0; b < r; b++) {
                    double s = 0;
                    for (int i = 0; i < rows; i++) s += u[i * r + a] * u[i * r + b];
                    assertTrue(Math.abs(g[a * r + b] - s) <= 1e-12 * (1 + Math.abs(s)), "G[" + a + "," + b + "]");
                }
            }
        });
    }

    @Test
    void wellConditionedSolvesMatchTheLinalgSolver() {
        qt().withExamples(40).forAll(integers().between(1, 40), integers().between(1, 60), longs().all()).checkAssert((r, rows, seed) -> {
            Random rng = new Random(seed);
            double[] a = randomMatrix(rng, r + 3 + rng.nextInt(40), r);
            double[] g = SmallSpd.gram(a, a.length / r, r);
            double[] m = randomMatrix(rng, rows, r);
            assertNotNull(SmallSpd.factor(g, r), "a Gram of a tall Gaussian matrix is well conditioned");
            double[] got = SmallSpd.solveRight(g, r, m, rows);
            double[] want = Cholesky.solveRight(DenseMatrix.wrap(r, r, g.clone()), DenseMatrix.wrap(rows, r, m)).solution().data();
            for (int i = 0; i < got.length; i++) {
                assertTrue(Math.abs(got[i] - want[i]) <= 1e-8 * (1 + Math.abs(want[i])), "entry " + i + ": " + got[i] + " vs " + want[i]);
            }
            // residual V·G = M
            for (int i = 0; i < rows; i++) {
                for (int c = 0; c < r; c++) {
                    double s = 0;
                    for (int k = 0; k < r; k++) s += got[i * r + k] * g[k * r + c];
                    assertTrue(Math.abs(s - m[i * r + c]) <= 1e-8 * (1 + Math.abs(m[i * r + c])), "residual");
                }
            }
        });
    }

    @Test
    void singularOrIllConditionedGramsGoToTheRobustSolver() {
        qt().withExamples(20).forAll(integers().between(2, 30), longs().all()).checkAssert((r, seed) -> {
            Random rng = new Random(seed);
            double[] a = randomMatrix(rng, r - 1, r); // rank r - 1
            double[] g = SmallSpd.gram(a, r - 1, r);
            assertNull(SmallSpd.factor(g, r));
            double[] m = new double[3 * r]; // rows in the range of G: a consistent system
            for (int i = 0; i < 3; i++) {
                double[] w = randomMatrix(rng, 1, r);
                for (int c = 0; c < r; c++) for (int k = 0; k < r; k++) m[i * r + c] += w[k] * g[k * r + c];
            }
            double[] want = Cholesky.solveRight(DenseMatrix.wrap(r, r, g.clone()), DenseMatrix.wrap(3, r, m)).solution().data();
            assertArrayEquals(want, SmallSpd.solveRight(g, r, m, 3));
        });
        assertNull(SmallSpd.factor(new double[] {0}, 1));
        assertNull(SmallSpd.factor(new double[] {1, 0, 0, 1e-16}, 2));
    }
}
