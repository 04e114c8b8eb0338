package dev.tenfold.linalg;

import static dev.tenfold.linalg.LinalgTestSupport.assertClose;
import static dev.tenfold.linalg.LinalgTestSupport.gaussian;
import static dev.tenfold.linalg.LinalgTestSupport.mul;
import static dev.tenfold.linalg.LinalgTestSupport.t;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tenfold.tensor.SplitMix64;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.extension.ExtendWith(KernelChoice.class)
class DenseMatrixTest {




    @Test
    void productsMatchNaiveLoops() {
        qt().withExamples(100).forAll(integers().between(1, 40), integers().between(1, 40), integers().between(1, 40),
                longs().all()).checkAssert((m, k, n, seed) -> {
                    SplitMix64 rng = new SplitMix64(seed);
                    DenseMatrix a = gaussian(rng, m, k);
                    DenseMatrix b = gaussian(rng, k, n);
                    DenseMatrix expected = mul(a, b);
                    assertClose(expected, a.multiply(b), 1e-13 * k, "multiply");
                    assertClose(expected, a.multiplyTransposed(t(b)), 1e-13 * k, "multiplyTransposed");
                    assertClose(expected, t(a).transposeMultiply(b), 1e-13 * k, "transposeMultiply");
                    assertClose(t(a), a.transpose(), 0, "transpose");
                });
    }

    @Test
    void factoriesAccessorsAndArithmetic() {
        DenseMatrix m = DenseMatrix.fromRows(new double[] {1, 2, 3}, new double[] {4, 5, 6});
        assertEquals("(2, 3)", m.shape());
        assertEquals(6, m.get(1, 2), 0);
        assertArrayEquals(new double[] {2, 5}, m.column(1), 0);
        assertArrayEquals(new double[] {4, 5, 6}, m.row(1), 0);
        assertArrayEquals(new double[] {2, 3, 5, 6}, m.columns(1, 3).data(), 0);
        assertEquals(Math.sqrt(91), m.frobeniusNorm(), 1e-15);
        assertEquals(6, m.maxAbs(), 0);
        assertArrayEquals(new double[] {0, 0, 0, 0, 0, 0}, m.minus(m).data(), 0);
        assertArrayEquals(new double[] {2, 4, 6, 8, 10, 12}, m.plus(m).data(), 0);
        assertArrayEquals(m.plus(m).data(), m.scale(2).data(), 0);
        assertEquals(3, DenseMatrix.identity(3).trace(), 0);
        assertEquals(-1, DenseMatrix.diagonal(1, -2).trace(), 0);
        double[] backing = {1, 2};
        DenseMatrix w = DenseMatrix.wrap(1, 2, backing);
        w.set(0, 1, 7);
        assertEquals(7, backing[1], 0);
        DenseMatrix c = DenseMatrix.of(1, 2, backing);
        c.set(0, 0, 9);
        assertEquals(1, backing[0], 0);
        assertEquals(1e200 * Math.sqrt(2), DenseMatrix.of(1, 2, 1e200, 1e200).frobeniusNorm(), 1e186);
        assertTrue(m.toString().contains("(2, 3)"));
    }

    @Test
    void tensorRoundTripReadsAnyStrides() {
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = scope.arange(6).reshape(2, 3);
            DenseMatrix m = DenseMatrix.fromTensor(x.t());
            assertEquals("(3, 2)", m.shape());
            assertArrayEquals(new double[] {0, 3, 1, 4, 2, 5}, m.data(), 0);
            Tensor back = m.toTensor(scope);
            assertTrue(back.allClose(x.t().contiguous(), 0, 0));
            assertThrows(IllegalArgumentException.class, () -> DenseMatrix.fromTensor(scope.zeros(2, 2, 2)));
        }
    }

    @Test
    void badInputNamesTheShapes() {
        DenseMatrix a = DenseMatrix.zeros(2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.multiply(DenseMatrix.zeros(2, 3)));
        assertTrue(e.getMessage().contains("(2, 3)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> a.multiplyTransposed(DenseMatrix.zeros(3, 2)));
        assertTrue(e.getMessage().contains("(3, 2)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> a.transposeMultiply(DenseMatrix.zeros(3, 2)));
        assertTrue(e.getMessage().contains("(3, 2)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> a.minus(DenseMatrix.zeros(3, 2)));
        assertTrue(e.getMessage().contains("(2, 3)") && e.getMessage().contains("(3, 2)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DenseMatrix.wrap(2, 2, new double[3]));
        assertTrue(e.getMessage().contains("(2, 2)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> a.get(2, 0));
        assertTrue(e.getMessage().contains("(2, 3)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DenseMatrix.zeros(0, 3));
        assertThrows(IllegalArgumentException.class, () -> a.trace());
        assertThrows(IllegalArgumentException.class, () -> a.columns(2, 2));
        assertThrows(IllegalArgumentException.class, () -> DenseMatrix.fromRows(new double[] {1}, new double[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> a.multiply(null));
    }
}
