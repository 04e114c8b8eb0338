package dev.tenfold.decomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class DecompositionValidationTest {

    static void assertIae(Executable e, String... fragments) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        for (String f : fragments) assertTrue(ex.getMessage().contains(f), "'" + ex.getMessage() + "' should contain '" + f + "'");
    }

    @Test
    void badRanks() {
        assertIae(() -> CpOptions.builder(0), "rank", "0");
        assertIae(() -> CpOptions.builder(-3), "rank", "-3");
        assertIae(() -> NtfOptions.builder(0), "rank");
        assertIae(() -> TuckerOptions.builder(2, 0, 2), "ranks", "[2, 0, 2]", "mode 1");
        assertIae(() -> TuckerOptions.builder(), "ranks");
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = scope.normal(1, 0f, 1f, 4, 5, 6);
            assertIae(() -> Hooi.fit(x, TuckerOptions.builder(2, 2).build()), "ranks", "[2, 2]", "(4, 5, 6)");
            assertIae(() -> Hosvd.truncated(x, 2, 2, 2, 2), "ranks", "(4, 5, 6)");
            assertIae(() -> Hosvd.sequential(x, 5, 2, 2), "mode 0", "(4, 5, 6)");
            assertIae(() -> CpOptions.builder(3).init(CpTensor.random(scope, 1, 2, 4, 5, 6)), "rank 2", "rank 3");
            assertIae(() -> CpAls.fit(x, CpOptions.builder(2).init(CpTensor.random(scope, 1, 2, 4, 5, 7)).build()),
                    "(4, 5, 7)", "(4, 5, 6)");
        }
    }

    @Test
    void badOptionValues() {
        assertIae(() -> CpOptions.builder(2).tol(-1), "tol");
        assertIae(() -> CpOptions.builder(2).tol(Double.NaN), "tol");
        assertIae(() -> CpOptions.builder(2).maxIter(0), "maxIter");
        assertIae(() -> CpOptions.builder(2).l2(-0.5), "l2");
        assertIae(() -> CpOptions.builder(2).memoryBudgetBytes(0), "memoryBudgetBytes");
        assertIae(() -> TuckerOptions.builder(2, 2).maxIter(-1), "maxIter");
        assertIae(() -> NtfOptions.builder(2).innerSweeps(0), "innerSweeps");
    }

    @Test
    void nonFiniteTensorIsRejectedByEveryAlgorithm() {
        try (TensorScope scope = TensorScope.open()) {
            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                Tensor x = scope.normal(1, 0f, 1f, 4, 5, 6);
                x.set(bad, 1, 2, 3);
                assertIae(() -> CpAls.fit(x, CpOptions.builder(2).build()), "NaN or infinite", "(4, 5, 6)");
                assertIae(() -> CpHals.fit(x, NtfOptions.builder(2).build()), "NaN or infinite");
                assertIae(() -> Hosvd.truncated(x, 2, 2, 2), "NaN or infinite");
                assertIae(() -> Hooi.fit(x, TuckerOptions.builder(2, 2, 2).build()), "NaN or infinite");
            }
        }
    }

    @Test
    void maskFixedModesAndOrder() {
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = scope.normal(1, 0f, 1f, 4, 5, 6);
            assertIae(() -> CpAls.fit(x, CpOptions.builder(2).mask(scope.ones(4, 6, 5)).build()), "mask", "(4, 6, 5)", "(4, 5, 6)");
            assertIae(() -> CpAls.fit(x, CpOptions.builder(2).fixedModes(3).build()), "fixedModes", "3", "(4, 5, 6)");
            assertIae(() -> CpAls.fit(x, CpOptions.builder(2).fixedModes(-1).build()), "fixedModes", "-1");
            assertIae(() -> CpAls.fit(x, CpOptions.builder(2).fixedModes(1, 1).build()), "repeats mode 1");
            Tensor nanMask = scope.ones(4, 5, 6);
            nanMask.set(Float.NaN, 0, 0, 0);
            assertIae(() -> CpAls.fit(x, CpOptions.builder(2).mask(nanMask).build()), "mask", "NaN");
            Tensor vec = scope.normal(2, 0f, 1f, 7);
            assertIae(() -> CpAls.fit(vec, CpOptions.builder(1).build()), "N >= 2", "(7,)");
            assertIae(() -> CpHals.fit(vec, NtfOptions.builder(1).build()), "N >= 2");
            assertIae(() -> Hooi.fit(vec, TuckerOptions.builder(1).build()), "N >= 2");
            assertIae(() -> Hosvd.truncated(vec, 1), "N >= 2");
            assertIae(() -> CpAls.fit(null, CpOptions.builder(1).build()), "x");
            assertIae(() -> CpAls.fit(x, null), "options");
            assertIae(() -> new CpTensor(scope.ones(2), List.of(scope.ones(3, 2))), "at least 2 factors");
            assertIae(() -> new CpTensor(scope.ones(2), List.of(scope.ones(3, 2), scope.ones(4, 3))), "factor 1", "(4, 3)");
            assertIae(() -> new TuckerTensor(scope.ones(2, 3), List.of(scope.ones(5, 2), scope.ones(6, 2))), "factor 1", "(6, 2)");
            assertIae(() -> CpTensor.random(scope, 1, 2, 1, 2).inner(scope.ones(2, 1)), "(2, 1)", "(1, 2)");
        }
    }

    @Test
    void memoryBudgetRefusesBeforeAllocating() {
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = scope.normal(1, 0f, 1f, 30, 40, 50);
            Tensor ones = scope.ones(30, 40, 50);
            long live = TensorScope.liveBytes();
            long allocated = scope.allocatedBytes();
            assertIae(() -> CpAls.fit(x, CpOptions.builder(5).memoryBudgetBytes(1 << 20).build()),
                    "CpAls.fit", "budget is 1.0 MiB", "MiB", "smaller rank", "init RANDOM");
            assertIae(() -> CpAls.fit(x, CpOptions.builder(5).mask(ones).memoryBudgetBytes(1 << 20).build()),
                    "mask buffers");
            assertIae(() -> CpHals.fit(x, NtfOptions.builder(5).memoryBudgetBytes(1 << 20).build()), "CpHals.fit", "budget");
            assertIae(() -> Hooi.fit(x, TuckerOptions.builder(5, 5, 5).memoryBudgetBytes(1 << 20).build()), "Hooi.fit", "smaller ranks");
            assertIae(() -> Hosvd.truncated(x, TuckerOptions.builder(5, 5, 5).memoryBudgetBytes(1 << 20).build()), "Hosvd.truncated");
            assertEquals(live, TensorScope.liveBytes(), "nothing allocated before the refusal");
            assertEquals(allocated, scope.allocatedBytes());
            // the same fits pass with a budget that covers the estimate
            assertTrue(CpAls.fit(x, CpOptions.builder(5).maxIter(2).memoryBudgetBytes(64L << 20).build()).iterations() == 2);
            assertTrue(MemoryBudget.defaultBytes() > 0);
        }
    }
}
