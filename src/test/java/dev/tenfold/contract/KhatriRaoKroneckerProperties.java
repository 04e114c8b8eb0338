package dev.tenfold.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tenfold.linalg.Gemm;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KhatriRaoKroneckerProperties {

    /** KR by definition: row (i_0, …, i_{M-1}) row-major, first index slowest. */
    static Tensor khatriRaoOracle(TensorScope scope, List<Tensor> mats) {
        int r = mats.get(0).dim(1);
        int rows = 1;
        for (Tensor u : mats) rows *= u.dim(0);
        float[] out = new float[rows * r];
        int[] idx = new int[mats.size()];
        for (int row = 0; row < rows; row++) {
            for (int c = 0; c < r; c++) {
                double p = 1;
                for (int m = 0; m < mats.size(); m++) p *= mats.get(m).get(idx[m], c);
                out[row * r + c] = (float) p;
            }
            for (int m = mats.size() - 1; m >= 0; m--) {
                if (++idx[m] < mats.get(m).dim(0)) break;
                idx[m] = 0;
            }
        }
        return scope.fromArray(out, rows, r);
    }

    @Test
    void khatriRaoMatchesDefinition() {
        qt().withExamples(60).forAll(integers().between(1, 4), longs().all()).checkAssert((count, seed) -> {
            Random rng = new Random(seed);
            try (TensorScope scope = TensorScope.open()) {
                int r = 1 + rng.nextInt(19);
                List<Tensor> mats = new ArrayList<>();
                for (int m = 0; m < count; m++) mats.add(Oracles.anyLayout(scope, rng, 1 + rng.nextInt(5), r));
                Tensor kr = KhatriRao.of(mats);
                Oracles.assertClose(khatriRaoOracle(scope, mats), kr, 1e-6, "KR of " + count + " R=" + r);
                // skip variant = the product of the others
                int skip = rng.nextInt(count);
                if (count > 1) {
                    List<Tensor> rest = new ArrayList<>(mats);
                    rest.remove(skip);
                    List<Tensor> withNull = new ArrayList<>(mats);
                    withNull.set(skip, null);
                    Oracles.assertClose(khatriRaoOracle(scope, rest), KhatriRao.of(withNull, skip), 1e-6, "skip " + skip);
                }
                // streamed rows equal the full product's rows
                List<Tensor> contiguous = mats.stream().map(Tensor::contiguous).toList();
                int from = rng.nextInt(kr.dim(0));
                int len = 1 + rng.nextInt(kr.dim(0) - from);
                Tensor block = scope.zeros(len, r);
                KhatriRao.rows(contiguous, from, len, block);
                Oracles.assertClose(kr.narrow(0, from, len), block, 1e-6, "rows " + from + "+" + len);
            }
        });
    }

    @Test
    void kroneckerMatchesDefinition() {
        qt().withExamples(60).forAll(longs().all()).checkAssert(seed -> {
            Random rng = new Random(seed);
            try (TensorScope scope = TensorScope.open()) {
                int m = 1 + rng.nextInt(4), n = 1 + rng.nextInt(4), p = 1 + rng.nextInt(5), q = 1 + rng.nextInt(19);
                Tensor a = Oracles.anyLayout(scope, rng, m, n);
                Tensor b = Oracles.anyLayout(scope, rng, p, q);
                Tensor k = Kronecker.of(a, b);
                assertArrayEquals(new int[] {m * p, n * q}, k.dims());
                for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) for (int x = 0; x < p; x++) for (int y = 0; y < q; y++) {
                    assertEquals(a.get(i, j) * b.get(x, y), k.get(i * p + x, j * q + y), 1e-6);
                }
                Tensor c = Oracles.anyLayout(scope, rng, 2, 1 + rng.nextInt(3));
                Tensor abc = Kronecker.of(List.of(a, b, c));
                Oracles.assertClose(Kronecker.of(k, c), abc, 1e-6, "a ⊗ b ⊗ c");
            }
        });
    }

    @Test
    void khatriRaoIsTheColumnWiseKronecker() {
        try (TensorScope scope = TensorScope.open()) {
            Random rng = new Random(11);
            Tensor a = Oracles.random(scope, rng, 3, 4), b = Oracles.random(scope, rng, 5, 4);
            Tensor kr = KhatriRao.of(List.of(a, b));
            for (int c = 0; c < 4; c++) {
                Tensor col = Kronecker.of(a.narrow(1, c, 1), b.narrow(1, c, 1));
                Oracles.assertClose(col, kr.narrow(1, c, 1), 1e-6, "column " + c);
            }
        }
    }

    /** The package's stated convention: unfold(X, n) = U_n · diag(λ) · khatri_rao(U_k, k ≠ n)ᵀ for a CP tensor. */
    @Test
    void unfoldingOfCpTensorFactorsThroughKhatriRao() {
        qt().withExamples(25).forAll(integers().between(2, 5), longs().all()).checkAssert((order, seed) -> {
            Random rng = new Random(seed);
            try (TensorScope scope = TensorScope.open()) {
                int r = 1 + rng.nextInt(4);
                int[] dims = Oracles.randomDims(rng, order, order <= 3 ? 5 : 3);
                List<Tensor> u = new ArrayList<>();
                for (int k = 0; k < order; k++) u.add(Oracles.random(scope, rng, dims[k], r));
                float[] lambda = new float[r];
                for (int c = 0; c < r; c++) lambda[c] = 0.5f + rng.nextFloat();
                Tensor x = cpTensor(scope, lambda, u, dims);
                for (int n = 0; n < order; n++) {
                    Tensor scaled = u.get(n).mul(scope.vector(lambda)); // U_n · diag(λ)
                    Tensor rebuilt = Gemm.matmul(scaled, KhatriRao.of(u, n).t());
                    Oracles.assertClose(x.unfold(n), rebuilt, 1e-5, "mode " + n + " of " + Arrays.toString(dims));
                }
            }
        });
    }

    /** X[i_0..i_{N-1}] = Σ_r λ_r Π_k U_k[i_k, r], by loops. */
    static Tensor cpTensor(TensorScope scope, float[] lambda, List<Tensor> u, int[] dims) {
        int size = 1;
        for (int d : dims) size *= d;
        float[] out = new float[size];
        int[] idx = new int[dims.length];
        for (int f = 0; f < size; f++) {
            double s = 0;
            for (int c = 0; c < lambda.length; c++) {
                double p = lambda[c];
                for (int k = 0; k < dims.length; k++) p *= u.get(k).get(idx[k], c);
                s += p;
            }
            out[f] = (float) s;
            for (int k = dims.length - 1; k >= 0; k--) {
                if (++idx[k] < dims[k]) break;
                idx[k] = 0;
            }
        }
        return scope.fromArray(out, dims);
    }

    @Test
    void badInputsAreRejected() {
        try (TensorScope scope = TensorScope.open()) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> KhatriRao.of(List.of(scope.zeros(2, 3), scope.zeros(4, 5))));
            assertTrue(e.getMessage().contains("(4, 5)") && e.getMessage().contains("3"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> KhatriRao.of(List.of(scope.zeros(2, 3, 1))));
            assertTrue(e.getMessage().contains("2-D"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Kronecker.of(scope.zeros(2), scope.zeros(2, 2)));
            assertTrue(e.getMessage().contains("(2,)"), e.getMessage());
        }
    }
}
