package dev.tenfold.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenfold.simd.Kernels;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** Example-based tests of {@link Gemm}: conventions, degenerate cases and argument errors. */
class GemmTest {

    @Test
    void smallProductIsExact() {
        try (TensorScope scope = TensorScope.open()) {
            Tensor a = scope.matrix(new float[] {1, 2, 3}, new float[] {4, 5, 6});
            Tensor b = scope.matrix(new float[] {7, 8}, new float[] {9, 10}, new float[] {11, 12});
            assertArrayEquals(new float[] {58, 64, 139, 154}, Gemm.matmul(a, b).toArray());
            assertArrayEquals(new float[] {58, 64, 139, 154}, GemmNaive.matmul(a, b).toArray());
        }
    }

    @Test
    void engineFollowsTheSimdProperty() {
        String prop = System.getProperty(Kernels.PROPERTY, "auto");
        if (prop.equals("scalar") || !Kernels.vectorModulePresent()) {
            assertEquals("naive", Gemm.engineName());
        } else if (!prop.equals("auto")) {
            assertEquals("panama-" + prop, Gemm.engineName());
        } else {
            assertTrue(Gemm.engineName().startsWith("panama-"), Gemm.engineName());
        }
    }

    @Test
    void betaZeroNeverReadsC() {
        try (TensorScope scope = TensorScope.open()) {
            for (int[] s : new int[][] {{37, 41, 300}, {1, 50, 20}, {50, 1, 20}, {5, 7, 1}}) {
                Tensor a = scope.uniform(1, -1, 1, s[0], s[2]);
                Tensor b = scope.uniform(2, -1, 1, s[2], s[1]);
                Tensor c = scope.full(Float.NaN, s[0], s[1]);
                Gemm.sgemm(1f, a, b, 0f, c);
                assertTrue(c.allClose(GemmNaive.matmul(a, b), 1e-5, 1e-5), "shape " + java.util.Arrays.toString(s));
            }
        }
    }

    @Test
    void alphaZeroScalesCWithoutReadingAOrB() {
        try (TensorScope scope = TensorScope.open()) {
            Tensor a = scope.full(Float.NaN, 20, 30);
            Tensor b = scope.full(Float.POSITIVE_INFINITY, 30, 40);
            Tensor c = scope.full(2f, 20, 40);
            Gemm.sgemm(0f, a, b, 0.5f, c);
            assertTrue(c.allClose(scope.full(1f, 20, 40)));
            Gemm.sgemm(0f, a, b, 0f, c);
            assertTrue(c.allClose(scope.zeros(20, 40)));
        }
    }

    @Test
    void outputOverlappingAnInputIsComputedFromTheOriginalInput() {
        try (TensorScope scope = TensorScope.open()) {
            Tensor a = scope.uniform(3, -1, 1, 40, 40);
            Tensor b = scope.uniform(4, -1, 1, 40, 40);
            Tensor expected = GemmNaive.matmul(a, b);
            Gemm.sgemm(1f, a, b, 0f, a); // a := a·b
            assertTrue(a.allClose(expected, 1e-5, 1e-5));
        }
    }

    @Test
    void rawLevelHonoursOffsetsAndStrides() {
        try (Arena arena = Arena.ofConfined()) {
            int m = 5, n = 3, k = 4;
            MemorySegment a = arena.allocate(4L * 100), b = arena.allocate(4L * 100), c = arena.allocate(4L * 100);
            for (int i = 0; i < 100; i++) {
                a.setAtIndex(ValueLayout.JAVA_FLOAT, i, i % 7 - 3);
                b.setAtIndex(ValueLayout.JAVA_FLOAT, i, i % 5 - 2);
            }
            // A column-major at offset 3 (rowStride 1, colStride 6); B row-major with pitch 8 at offset 10;
            // C with pitch 10 at offset 20.
            Gemm.sgemm(m, n, k, 2f, a, 3, 1, 6, b, 10, 8, 1, 0f, c, 20, 10, 1);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        s += a.getAtIndex(ValueLayout.JAVA_FLOAT, 3 + i + 6L * p)
                                * b.getAtIndex(ValueLayout.JAVA_FLOAT, 10 + 8L * p + j);
                    }
                    assertEquals(2 * s, c.getAtIndex(ValueLayout.JAVA_FLOAT, 20 + 10L * i + j), 1e-4);
                }
            }
            assertEquals(0f, c.getAtIndex(ValueLayout.JAVA_FLOAT, 19));
        }
    }

    @Test
    void rawLevelWithKZeroScalesC() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment c = arena.allocate(4L * 6);
            for (int i = 0; i < 6; i++) c.setAtIndex(ValueLayout.JAVA_FLOAT, i, 4f);
            Gemm.sgemm(2, 3, 0, 1f, null, 0, 0, 0, null, 0, 0, 0, 0.25f, c, 0, 3, 1);
            for (int i = 0; i < 6; i++) assertEquals(1f, c.getAtIndex(ValueLayout.JAVA_FLOAT, i));
        }
    }

    @Test
    void badShapesThrowNamingTheShapes() {
        try (TensorScope scope = TensorScope.open()) {
            Tensor a = scope.zeros(3, 4), b = scope.zeros(5, 6), c = scope.zeros(3, 6);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gemm.matmul(a, b));
            assertTrue(e.getMessage().contains("(3, 4)") || e.getMessage().contains("[3, 4]"), e.getMessage());
            assertTrue(e.getMessage().contains("k=4") && e.getMessage().contains("k=5"), e.getMessage());
            Tensor b2 = scope.zeros(4, 6);
            e = assertThrows(IllegalArgumentException.class, () -> Gemm.sgemm(1f, a, b2, 0f, scope.zeros(3, 5)));
            assertTrue(e.getMessage().contains("c must have shape [3, 6]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Gemm.matmul(scope.zeros(2, 3, 4), b2));
            assertTrue(e.getMessage().contains("2-D"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Gemm.matmul(scope.zeros(4), b2));
            assertTrue(e.getMessage().contains("2-D"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> Gemm.sgemm(1f, a, b2, 1f, scope.zeros(1, 6).broadcastTo(3, 6)));
            assertTrue(e.getMessage().contains("broadcast"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Gemm.matmul(null, b2));
            assertThrows(IllegalArgumentException.class, () -> GemmNaive.matmul(a, b));
            assertThrows(IllegalArgumentException.class, () -> Gemm.sgemm(1f, a, b2, 0f, c.t()));
        }
    }

    @Test
    void badBatchedShapesThrowNamingTheShapes() {
        try (TensorScope scope = TensorScope.open()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Gemm.matmulBatched(scope.zeros(2, 3, 4), scope.zeros(3, 4, 5)));
            assertTrue(e.getMessage().contains("batch"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> Gemm.matmulBatched(scope.zeros(3, 4), scope.zeros(3, 4, 5)));
            assertTrue(e.getMessage().contains("3-D"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> Gemm.sgemmBatched(1f, scope.zeros(2, 3, 4), scope.zeros(1, 4, 5), 0f, scope.zeros(2, 3, 6)));
            assertTrue(e.getMessage().contains("c must have shape [2, 3, 5]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> Gemm.matmulBatched(scope.zeros(2, 3, 4), scope.zeros(2, 5, 5)));
            assertTrue(e.getMessage().contains("k=4") && e.getMessage().contains("k=5"), e.getMessage());
        }
    }

    @Test
    void rawLevelRejectsOutOfBoundsAndBadSizes() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(4L * 16);
            assertThrows(IllegalArgumentException.class,
                    () -> Gemm.sgemm(-1, 2, 2, 1f, s, 0, 2, 1, s, 0, 2, 1, 0f, s, 0, 2, 1));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Gemm.sgemm(4, 4, 4, 1f, s, 0, 4, 1, s, 0, 4, 1, 0f, s, 1, 4, 1));
            assertTrue(e.getMessage().contains("c "), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> Gemm.sgemm(2, 2, 2, 1f, s, 0, 2, 1, s, 0, 2, 1, 0f, s, 0, 0, 1));
        }
    }

    @Test
    void useAfterCloseThrowsIllegalState() {
        TensorScope scope = TensorScope.open();
        Tensor a = scope.zeros(2, 2);
        scope.close();
        assertThrows(IllegalStateException.class, () -> Gemm.matmul(a, a));
    }

    @Test
    void setThreadsRejectsZero() {
        assertThrows(IllegalArgumentException.class, () -> Gemm.setThreads(0));
    }

    @Test
    void nestedCallsFromBatchedItemsAgreeWithSequentialOnes() {
        int saved = Gemm.threads();
        try (TensorScope scope = TensorScope.open()) {
            Tensor a = scope.uniform(5, -1, 1, 6, 30, 40);
            Tensor b = scope.uniform(6, -1, 1, 6, 40, 20);
            Gemm.setThreads(1);
            float[] one = Gemm.matmulBatched(a, b).toArray();
            Gemm.setThreads(3);
            assertArrayEquals(one, Gemm.matmulBatched(a, b).toArray());
        } finally {
            Gemm.setThreads(saved);
        }
    }
}
