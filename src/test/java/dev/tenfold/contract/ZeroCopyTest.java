package dev.tenfold.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The common layouts reach GEMM as strided views: no operand is copied. */
class ZeroCopyTest {

    private static long copies(Supplier<Tensor> op) {
        long before = Scratch.copiedElements();
        op.get();
        return Scratch.copiedElements() - before;
    }

    @Test
    void benchmarkShapesNeedNoCopy() {
        try (TensorScope scope = TensorScope.open()) {
            Random rng = new Random(1);
            Tensor a = Oracles.random(scope, rng, 6, 5, 4), b = Oracles.random(scope, rng, 5, 4, 3);
            assertEquals(0, copies(() -> Contraction.tensordot(a, b, new int[] {1, 2}, new int[] {0, 1})));
            assertEquals(0, copies(() -> Contraction.tensordot(a, b.permute(2, 0, 1), new int[] {1, 2}, new int[] {1, 2})));
            assertEquals(0, copies(() -> Einsum.einsum("ijk,jkl->il", a, b)));
            assertEquals(0, copies(() -> Einsum.einsum("ijk,jkl->li", a, b)));
            Tensor x = Oracles.random(scope, rng, 4, 5, 6), y = Oracles.random(scope, rng, 4, 6, 3);
            assertEquals(0, copies(() -> Einsum.einsum("bij,bjk->bik", x, y)));
            assertEquals(0, copies(() -> Einsum.einsum("bij,bkj->bki", x, y.transpose(1, 2))));
            Tensor cube = Oracles.random(scope, rng, 7, 7, 7), u = Oracles.random(scope, rng, 5, 7);
            for (int n = 0; n < 3; n++) {
                int mode = n;
                assertEquals(0, copies(() -> ModeProduct.modeProduct(cube, u, mode)));
                assertEquals(0, copies(() -> ModeProduct.modeProduct(cube, u.t(), mode, true)));
            }
            // the middle mode of a reversed-layout tensor is still (A, I_n, B) with one stride per group
            assertEquals(0, copies(() -> ModeProduct.modeProduct(cube.permute(2, 1, 0), u, 1)));
            List<Tensor> f = List.of(Oracles.random(scope, rng, 7, 3), Oracles.random(scope, rng, 7, 3), Oracles.random(scope, rng, 7, 3));
            for (int n = 0; n < 3; n++) {
                int mode = n;
                assertEquals(0, copies(() -> Mttkrp.compute(cube, f, mode)));
            }
        }
    }

    @Test
    void interleavedLayoutsCopyOnceEach() {
        try (TensorScope scope = TensorScope.open()) {
            Random rng = new Random(2);
            // a's contracted axes (j, l) are not adjacent in memory: one copy of a, none of b
            Tensor a = Oracles.random(scope, rng, 3, 4, 5, 6), b = Oracles.random(scope, rng, 4, 6, 2);
            long n = copies(() -> Einsum.einsum("ijkl,jlm->ikm", a, b));
            assertTrue(n == a.size(), "copied " + n);
        }
    }
}
