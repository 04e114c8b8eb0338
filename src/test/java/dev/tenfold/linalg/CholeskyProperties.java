package dev.tenfold.linalg;

import static dev.tenfold.linalg.LinalgTestSupport.assertClose;
import static dev.tenfold.linalg.LinalgTestSupport.fro;
import static dev.tenfold.linalg.LinalgTestSupport.gaussian;
import static dev.tenfold.linalg.LinalgTestSupport.mul;
import static dev.tenfold.linalg.LinalgTestSupport.randomOrthogonal;
import static dev.tenfold.linalg.LinalgTestSupport.scaleColumns;
import static dev.tenfold.linalg.LinalgTestSupport.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tenfold.tensor.SplitMix64;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.extension.ExtendWith(KernelChoice.class)
class CholeskyProperties {




    /** V·diag(λ)·Vᵀ for a random orthogonal V, exactly symmetric. */
    private static DenseMatrix withSpectrum(SplitMix64 rng, double[] lambda) {
        int n = lambda.length;
        DenseMatrix v = randomOrthogonal(rng, n);
        return DenseMatrix.wrap(n, n, DenseMatrix.symmetricPart(mul(scaleColumns(v, lambda), t(v))));
    }

    /** The oracle: X = M·G⁺ with the pseudo-inverse from the SVD. */
    private static DenseMatrix pinvSolveRight(DenseMatrix g, DenseMatrix m) {
        return mul(m, Svd.decompose(g).pseudoInverse(1e-10));
    }

    private static double relDiff(DenseMatrix expected, DenseMatrix actual) {
        return fro(expected.minus(actual)) / Math.max(1e-300, fro(expected));
    }

    @Test
    void spdMatricesTakeThePlainCholeskyPath() {
        qt().withExamples(120).forAll(integers().between(1, 40), integers().between(1, 7), longs().all())
                .checkAssert((n, k, seed) -> {
                    SplitMix64 rng = new SplitMix64(seed);
                    DenseMatrix f = gaussian(rng, n + 3, n);
                    DenseMatrix a = DenseMatrix.wrap(n, n, DenseMatrix.symmetricPart(mul(t(f), f)));
                    Cholesky ch = Cholesky.factor(a);
                    DenseMatrix l = ch.lower();
                    for (int i = 0; i < n; i++) {
                        assertTrue(l.get(i, i) > 0);
                        for (int j = i + 1; j < n; j++) assertEquals(0.0, l.get(i, j), 0.0);
                    }
                    assertClose(a, mul(l, t(l)), 1e-13, "L·Lᵀ = A");

                    DenseMatrix b = gaussian(rng, n, k);
                    SpdSolution s = Cholesky.solve(a, b);
                    assertEquals(SpdSolution.Path.CHOLESKY, s.path());
                    assertEquals(n, s.rank());
                    assertEquals(0.0, s.ridge());
                    double res = fro(mul(a, s.solution()).minus(b)) / (fro(a) * fro(s.solution()) + fro(b));
                    assertTrue(res <= 1e-14, "A·X = B backward error " + res);
                    assertClose(s.solution(), ch.solve(b), 1e-12, "instance and static solve agree");

                    DenseMatrix m = gaussian(rng, k + 2, n);
                    SpdSolution r = Cholesky.solveRight(a, m);
                    assertEquals(SpdSolution.Path.CHOLESKY, r.path());
                    double resR = fro(mul(r.solution(), a).minus(m)) / (fro(a) * fro(r.solution()) + fro(m));
                    assertTrue(resR <= 1e-14, "X·G = M backward error " + resR);
                    assertTrue(relDiff(pinvSolveRight(a, m), r.solution()) <= 1e-8, "agrees with M·G⁻¹ by SVD");
                });
    }

    @Test
    void conditionEstimateBracketsTheTrueValue() {
        qt().withExamples(60).forAll(integers().between(1, 30), integers().between(0, 10), longs().all())
                .checkAssert((n, decades, seed) -> {
                    SplitMix64 rng = new SplitMix64(seed);
                    double[] lambda = new double[n];
                    for (int i = 0; i < n; i++) lambda[i] = Math.pow(10, -decades * rng.nextDouble());
                    lambda[0] = 1;
                    if (n > 1) lambda[n - 1] = Math.pow(10, -decades);
                    double trueRcond = n == 1 ? 1 : Math.pow(10, -decades);
                    double est = Cholesky.factor(withSpectrum(rng, lambda)).reciprocalConditionEstimate();
                    assertTrue(est >= trueRcond * (1 - 1e-6), "estimate " + est + " below true " + trueRcond);
                    assertTrue(est <= 100 * trueRcond, "estimate " + est + " far above true " + trueRcond);
                });
    }

    @Test
    void singularGramWhosePivotsLookHealthyIsNotAcceptedAsSpd() {
        // null vector nearly inside span(e1, e2): the leading 2×2 block is nearly singular, so the
        // last pivot of the exactly singular matrix is rounding noise amplified far above u·‖G‖
        qt().withExamples(100).forAll(integers().between(3, 12), longs().all()).checkAssert((n, seed) -> {
            SplitMix64 rng = new SplitMix64(seed);
            DenseMatrix f = gaussian(rng, n - 1, n); // rank n − 1
            for (int j = 0; j < n - 1; j++) f.set(j, 1, f.get(j, 0) * (1 + 1e-6 * rng.nextGaussian()));
            DenseMatrix g = DenseMatrix.wrap(n, n, DenseMatrix.symmetricPart(mul(t(f), f)));
            assertTrue(Cholesky.tryFactor(g).map(c -> c.reciprocalConditionEstimate() > Cholesky.RCOND_MIN).orElse(true));
            SpdSolution s = Cholesky.solve(g, gaussian(rng, n, 1));
            assertNotEquals(SpdSolution.Path.CHOLESKY, s.path());
        });
    }

    @Test
    void handComputedFactor() {
        Cholesky ch = Cholesky.factor(DenseMatrix.of(2, 2, 4, 2, 2, 3));
        assertClose(DenseMatrix.of(2, 2, 2, 0, 1, Math.sqrt(2)), ch.lower(), 1e-16, "L");
        // [[4,2],[2,3]]·x = (2, 1) → x = (0.5, 0)
        assertClose(DenseMatrix.of(2, 1, 0.5, 0), ch.solve(DenseMatrix.of(2, 1, 2, 1)), 1e-16, "x");
        assertClose(DenseMatrix.of(1, 2, 0.5, 0), ch.solveRight(DenseMatrix.of(1, 2, 2, 1)), 1e-16, "xᵀ");
        assertEquals(1, Cholesky.factor(DenseMatrix.of(1, 1, 9)).size());
        assertEquals(3, Cholesky.factor(DenseMatrix.of(1, 1, 9)).lower().get(0, 0), 0);
    }

    @Test
    void singularConsistentSystemGivesTheMinimumNormAnswer() {
        qt().withExamples(60).forAll(integers().between(2, 30), integers().between(1, 29), integers().between(1, 5),
                longs().all()).checkAssert((n, rank, k, seed) -> {
                    SplitMix64 rng = new SplitMix64(seed);
                    int r = Math.min(rank, n - 1);
                    double[] lambda = new double[n];
                    for (int i = 0; i < r; i++) lambda[i] = 1 + rng.nextDouble();
                    DenseMatrix v = randomOrthogonal(rng, n);
                    DenseMatrix g = DenseMatrix.wrap(n, n, DenseMatrix.symmetricPart(mul(scaleColumns(v, lambda), t(v))));
                    DenseMatrix m = mul(gaussian(rng, k, r), t(v.columns(0, r))); // rows in range(G): consistent
                    SpdSolution s = Cholesky.solveRight(g, m);
                    assertNotEquals(SpdSolution.Path.CHOLESKY, s.path(), "G is singular (rank " + r + " of " + n + ")");
                    // ridge δ = 1e-8·trace/n: deviation ≈ δ/λ⁺_min + u·λ_max/δ, below 1e-5 for this spectrum
                    double d = relDiff(pinvSolveRight(g, m), s.solution());
                    assertTrue(d <= 1e-5, s.path() + ": differs from M·G⁺ by " + d);
                });
    }

    @Test
    void singularInconsistentSystemFallsBackToThePseudoInverse() {
        qt().withExamples(60).forAll(integers().between(2, 30), integers().between(1, 29), integers().between(1, 5),
                longs().all()).checkAssert((n, rank, k, seed) -> {
                    SplitMix64 rng = new SplitMix64(seed);
                    int r = Math.min(rank, n - 1);
                    double[] lambda = new double[n];
                    for (int i = 0; i < r; i++) lambda[i] = 1 + rng.nextDouble();
                    DenseMatrix g = withSpectrum(rng, lambda);
                    DenseMatrix b = gaussian(rng, n, k); // has components outside range(G)
                    SpdSolution s = Cholesky.solve(g, b);
                    assertEquals(SpdSolution.Path.PSEUDO_INVERSE, s.path());
                    assertEquals(r, s.rank());
                    DenseMatrix expected = mul(Svd.decompose(g).pseudoInverse(1e-10), b);
                    double d = relDiff(expected, s.solution());
                    assertTrue(d <= 1e-10, "differs from G⁺·B by " + d);
                });
    }

    @Test
    void roundingIndefiniteGramIsRepairedByTheRidge() {
        // G = FᵀF with F 2×3 has rank 2; perturb the null direction by -1e-14 so it is slightly indefinite
        SplitMix64 rng = new SplitMix64(7);
        double[] lambda = {2, 1, -1e-14};
        DenseMatrix g = withSpectrum(rng, lambda);
        assertTrue(Cholesky.tryFactor(g).isEmpty());
        DenseMatrix m = mul(gaussian(rng, 4, 3), g);
        SpdSolution s = Cholesky.solveRight(g, m);
        assertEquals(SpdSolution.Path.CHOLESKY_RIDGE, s.path());
        assertTrue(s.ridge() > 0 && s.ridge() <= 1e-6 * g.trace(), "ridge " + s.ridge());
        assertTrue(relDiff(pinvSolveRight(g, m), s.solution()) <= 1e-5);
    }

    @Test
    void indefiniteAndZeroMatrices() {
        qt().withExamples(40).forAll(integers().between(1, 20), longs().all()).checkAssert((n, seed) -> {
            SplitMix64 rng = new SplitMix64(seed);
            double[] lambda = new double[n];
            for (int i = 0; i < n; i++) lambda[i] = (i % 2 == 0 ? -1 : 1) * (1 + rng.nextDouble());
            DenseMatrix a = withSpectrum(rng, lambda);
            DenseMatrix b = gaussian(rng, n, 2);
            SpdSolution s = Cholesky.solve(a, b);
            assertEquals(SpdSolution.Path.PSEUDO_INVERSE, s.path());
            assertEquals(n, s.rank());
            assertTrue(relDiff(mul(Svd.decompose(a).pseudoInverse(1e-10), b), s.solution()) <= 1e-10);
        });
        SpdSolution zero = Cholesky.solve(DenseMatrix.zeros(3, 3), DenseMatrix.of(3, 1, 1, 2, 3));
        assertEquals(SpdSolution.Path.PSEUDO_INVERSE, zero.path());
        assertEquals(0, zero.rank());
        assertEquals(0, zero.solution().maxAbs(), 0);
    }

    @Test
    void rejectsBadInputNamingTheShapes() {
        DenseMatrix spd = DenseMatrix.of(2, 2, 2, 0, 0, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Cholesky.solve(DenseMatrix.zeros(2, 3), DenseMatrix.zeros(2, 1)));
        assertTrue(e.getMessage().contains("(2, 3)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Cholesky.solve(spd, DenseMatrix.zeros(3, 1)));
        assertTrue(e.getMessage().contains("(2, 2)") && e.getMessage().contains("(3, 1)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Cholesky.solveRight(spd, DenseMatrix.zeros(2, 3)));
        assertTrue(e.getMessage().contains("(2, 2)") && e.getMessage().contains("(2, 3)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Cholesky.solve(spd, DenseMatrix.of(2, 1, 1, Double.NaN)));
        assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("(2, 1)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Cholesky.solveRight(DenseMatrix.of(2, 2, 1, 0, Double.NaN, 1), DenseMatrix.zeros(1, 2)));
        assertTrue(e.getMessage().contains("g of shape (2, 2)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Cholesky.factor(DenseMatrix.of(2, 2, 1, 5, 0, 1)));
        assertTrue(e.getMessage().contains("not symmetric"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Cholesky.factor(DenseMatrix.of(2, 2, 1, 2, 2, 1)));
        assertTrue(e.getMessage().contains("not numerically positive definite") && e.getMessage().contains("(2, 2)"),
                e.getMessage());
        Cholesky ch = Cholesky.factor(spd);
        e = assertThrows(IllegalArgumentException.class, () -> ch.solve(DenseMatrix.zeros(3, 2)));
        assertTrue(e.getMessage().contains("(3, 2)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ch.solveRight(DenseMatrix.zeros(3, 3)));
        assertTrue(e.getMessage().contains("(3, 3)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Cholesky.solve(null, spd));
        assertThrows(IllegalArgumentException.class, () -> Cholesky.solve(spd, null));
    }
}
