package dev.tenfold.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ContractionProperties {

    @Test
    void tensordotMatchesLoopOracle() {
        qt().withExamples(200).forAll(longs().all()).checkAssert(seed -> {
            Random rng = new Random(seed);
            try (TensorScope scope = TensorScope.open()) {
                int ra = 1 + rng.nextInt(4), rb = 1 + rng.nextInt(4);
                int k = rng.nextInt(Math.min(ra, rb) + 1);
                int[] pa = Oracles.shuffled(rng, ra), pb = Oracles.shuffled(rng, rb);
                int[] axesA = new int[k], axesB = new int[k];
                char[] la = new char[ra], lb = new char[rb];
                int[] da = new int[ra], db = new int[rb];
                char next = 'a';
                for (int i = 0; i < ra; i++) {
                    la[i] = next++;
                    da[i] = 1 + rng.nextInt(4);
                }
                for (int i = 0; i < rb; i++) {
                    lb[i] = next++;
                    db[i] = 1 + rng.nextInt(4);
                }
                for (int q = 0; q < k; q++) {
                    axesA[q] = pa[q];
                    axesB[q] = pb[q];
                    lb[pb[q]] = la[pa[q]];
                    db[pb[q]] = da[pa[q]];
                }
                StringBuilder out = new StringBuilder();
                for (char c : la) if (new String(lb).indexOf(c) < 0) out.append(c);
                for (char c : lb) if (new String(la).indexOf(c) < 0) out.append(c);
                Tensor a = Oracles.anyLayout(scope, rng, da), b = Oracles.anyLayout(scope, rng, db);
                if (rng.nextBoolean()) { // negative axes are accepted
                    for (int q = 0; q < k; q++) axesA[q] -= ra;
                }
                String expr = new String(la) + "," + new String(lb) + "->" + out;
                Tensor got = Contraction.tensordot(a, b, axesA, axesB);
                assertTrue(got.isContiguous());
                Oracles.assertClose(Oracles.einsum(expr, a, b), got, expr);
            }
        });
    }

    @Test
    void tensordotWithAxisCountAndTransposedViews() {
        try (TensorScope scope = TensorScope.open()) {
            Random rng = new Random(2);
            Tensor a = Oracles.random(scope, rng, 3, 4, 5), b = Oracles.random(scope, rng, 4, 5, 6);
            Oracles.assertClose(Oracles.einsum("ijk,jkl->il", a, b), Contraction.tensordot(a, b, 2), "axes=2");
            Oracles.assertClose(Oracles.einsum("ijk,lmn->ijklmn", a, b), Contraction.tensordot(a, b, 0), "axes=0");
            Tensor at = Oracles.random(scope, rng, 7, 3).t(); // (3, 7), column-major
            Tensor bt = Oracles.random(scope, rng, 2, 7).t(); // (7, 2)
            Oracles.assertClose(Oracles.einsum("ij,jk->ik", at, bt), Contraction.tensordot(at, bt, 1), "transposed views");
            Tensor full = Contraction.tensordot(a, a, new int[] {0, 1, 2}, new int[] {0, 1, 2});
            assertEquals(0, full.rank());
            assertEquals(a.dot(a), full.item(), 1e-3);
        }
    }

    @Test
    void tensordotRejectsBadAxes() {
        try (TensorScope scope = TensorScope.open()) {
            Tensor a = scope.zeros(2, 3), b = scope.zeros(3, 4);
            var e = assertThrows(IllegalArgumentException.class, () -> Contraction.tensordot(a, b, new int[] {0}, new int[] {0}));
            assertTrue(e.getMessage().contains("(2, 3)") && e.getMessage().contains("(3, 4)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Contraction.tensordot(a, b, new int[] {1}, new int[] {0, 1}));
            assertTrue(e.getMessage().contains("same length"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Contraction.tensordot(a, b, new int[] {2}, new int[] {0}));
            assertTrue(e.getMessage().contains("out of range"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> Contraction.tensordot(a, scope.zeros(3, 3), new int[] {1, 1}, new int[] {0, 1}));
            assertTrue(e.getMessage().contains("repeated"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Contraction.tensordot(a, b, 3));
            assertTrue(e.getMessage().contains("axes=3"), e.getMessage());
        }
    }
}
