package dev.tenfold.decomp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tenfold.linalg.Gemm;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SkinnyKernelsProperties {

    /** out[r, j] in double: Σ_i X[j, i]·U[i, r] (rowsOfX) or Σ_i U[i, r]·X[i, j]. */
    static double[][] naive(float[] x, int xRows, int xCols, float[] u, int k, int rank, boolean rowsOfX) {
        int n = rowsOfX ? xRows : xCols;
        double[][] out = new double[rank][n];
        for (int r = 0; r < rank; r++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int i = 0; i < k; i++) s += (double) u[i * rank + r] * (rowsOfX ? x[j * xCols + i] : x[i * xCols + j]);
                out[r][j] = s;
            }
        }
        return out;
    }

    @Test
    void bothKernelsMatchTheNaiveTwinOnOddShapesStridesAndThreads() {
        qt().withExamples(60).forAll(integers().between(1, 40), longs().all()).checkAssert((rank, seed) -> {
            Random rng = new Random(seed);
            int k = 1 + rng.nextInt(rng.nextBoolean() ? 37 : 230), n = 1 + rng.nextInt(6000 / (1 + rank / 4)), pad = rng.nextInt(3);
            boolean rowsOfX = rng.nextBoolean();
            int before = Gemm.threads();
            Gemm.setThreads(1 + rng.nextInt(2));
            try (TensorScope scope = TensorScope.open()) {
                int rows = rowsOfX ? n : k, cols = rowsOfX ? k : n;
                // a strided view: rows padded by `pad` floats, starting at an offset
                Tensor big = scope.normal(rng.nextLong(), 0f, 1f, rows + 1, cols + pad);
                Tensor x = big.narrow(0, 1, rows).narrow(1, 0, cols);
                Tensor u = scope.normal(rng.nextLong(), 0f, 1f, k, rank);
                Tensor out = scope.zeros(rank, n);
                double[][] want = naive(x.toArray(), rows, cols, u.toArray(), k, rank, rowsOfX);
                // 0: through SkinnyProducts (threads, small-product shortcut; X this small is read in
                // place); 3: the same with the panels copied; 1, 2: each kernel directly
                float[] direct = null;
                for (int variant = 0; variant < 4; variant++) {
                    out.fill(Float.NaN);
                    if (variant == 0 || variant == 3) {
                        long keep = SkinnyProducts.inPlaceMaxBytes;
                        SkinnyProducts.inPlaceMaxBytes = variant == 3 ? -1 : keep;
                        try {
                            if (rowsOfX) SkinnyProducts.rowsTimesFactor(x, u, out);
                            else SkinnyProducts.factorTimesRows(x, u, out);
                        } finally {
                            SkinnyProducts.inPlaceMaxBytes = keep;
                        }
                        if (variant == 0) direct = out.toArray();
                        else assertArrayEquals(direct, out.toArray(), "copied panels vs X in place: the same bits");
                    } else {
                        if (rowsOfX) { // tasks of rows through the vector kernel or its scalar twin
                            SkinnyProducts.rowsTimesFactor(x, u, out, variant == 1 ? LastModeKernels.get() : LastModeKernels.SCALAR);
                            if (variant == 2) assertArrayEquals(direct, out.toArray(), "rowsTimesFactor: scalar twin vs vector kernel, the same bits");
                        } else {
                            panelProduct(variant == 1 ? SkinnyKernels.get() : SkinnyKernels.SCALAR, x.toArray(), k, n, u.toArray(), rank, rng, out);
                        }
                    }
                    float[] got = out.toArray();
                    for (int r = 0; r < rank; r++) {
                        for (int j = 0; j < n; j++) {
                            double w = want[r][j];
                            assertTrue(Math.abs(got[r * n + j] - w) <= 1e-4 * (1 + Math.sqrt(k)),
                                    (rowsOfX ? "rowsTimesFactor" : "factorTimesRows") + " variant " + variant + " k=" + k + " n=" + n + " R=" + rank
                                            + " at (" + r + ", " + j + "): " + got[r * n + j] + " vs " + w);
                        }
                    }
                }
            } finally {
                Gemm.setThreads(before);
            }
        });
    }

    /**
     * out = Uᵀ·X through {@link SkinnyKernels#panel} as SkinnyProducts drives it: the rows split
     * into two blocks at a random row (the second block accumulates), a padded panel stride and
     * an accumulator row stride larger than the width.
     */
    private static void panelProduct(SkinnyKernels kern, float[] xv, int k, int n, float[] uv, int rank, Random rng, Tensor out) {
        int rows = kern.panelRank(rank), pw = kern.panelWidth(n), ldp = n + rng.nextInt(5), lda = pw + rng.nextInt(5);
        float[] up = SkinnyKernels.groupedFactor(uv, k, rank, rows);
        float[] acc = new float[rows * lda];
        java.util.Arrays.fill(acc, Float.NaN); // `first` must not read it
        int split = 1 + rng.nextInt(k);
        for (int[] block : new int[][] {{0, split}, {split, k}}) {
            int kb = block[1] - block[0];
            if (kb == 0) continue;
            // the panel as a native segment at an odd offset, the rows ldp apart (X in place or a copy)
            int off = rng.nextInt(7);
            try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
                MemorySegment panel = arena.allocate((long) (off + kb * ldp) * Float.BYTES, 64);
                for (int i = 0; i < kb; i++) MemorySegment.copy(xv, (block[0] + i) * n, panel, java.lang.foreign.ValueLayout.JAVA_FLOAT, (long) (off + i * ldp) * Float.BYTES, n);
                kern.panel(panel, off, ldp, kb, up, block[0], k, rows, acc, lda, n, block[0] == 0);
            }
        }
        float[] res = new float[rank * n];
        for (int r = 0; r < rank; r++) System.arraycopy(acc, r * lda, res, r * n, n);
        FactorMath.store(res, out);
    }

    @Test
    void modeZeroPassThenLastModeEqualsTheTwoProductsBitForBit() {
        // HOOI's pass 2: Q = Uᵀ·X and Q ×_2 V per block must give the bits of factorTimesRows and
        // LastModeProducts on Q; trailing extents below, near and above the panel widths
        qt().withExamples(25).forAll(integers().between(1, 24), longs().all()).checkAssert((rank, seed) -> {
            Random rng = new Random(seed);
            int k = 1 + rng.nextInt(40), rows = 1 + rng.nextInt(rng.nextBoolean() ? 4 : 60), r2 = 1 + rng.nextInt(24);
            int t = rng.nextInt(5) == 0 ? 600 + rng.nextInt(2600) : 1 + rng.nextInt(rng.nextBoolean() ? 20 : 300);
            int before = Gemm.threads();
            Gemm.setThreads(1 + rng.nextInt(2));
            try (TensorScope scope = TensorScope.open()) {
                Tensor x = scope.normal(rng.nextLong(), 0f, 1f, k, rows * t);
                Tensor u = scope.normal(rng.nextLong(), 0f, 1f, k, rank), v = scope.normal(rng.nextLong(), 0f, 1f, t, r2);
                Tensor q = scope.zeros(rank, rows * t), y = scope.zeros(rows, rank, r2);
                Tensor q2 = scope.zeros(rank, rows * t), y2 = scope.zeros(rows, rank, r2);
                oneCopiedOneInPlace(rng, () -> SkinnyProducts.factorTimesRowsThenLast(x, u, q, v, y), () -> SkinnyProducts.factorTimesRows(x, u, q2));
                LastModeProducts.product(q2.view(rank, rows, t), v, y2.permute(1, 0, 2));
                String ctx = "k=" + k + " rows=" + rows + " T=" + t + " R=" + rank + " R2=" + r2;
                assertArrayEquals(q2.toArray(), q.toArray(), "Q, " + ctx);
                assertArrayEquals(y2.toArray(), y.toArray(), "Q ×_2 V, " + ctx);
                float[] qv = q.toArray(), vv = v.toArray(), yv = y.toArray(); // Q itself is tied to the oracle by the tests above
                for (int i = 0; i < rows; i++) {
                    for (int r = 0; r < rank; r++) {
                        for (int c = 0; c < r2; c++) {
                            double want = 0, scale = 0;
                            for (int j = 0; j < t; j++) {
                                double term = (double) qv[r * rows * t + i * t + j] * vv[j * r2 + c];
                                want += term;
                                scale += Math.abs(term);
                            }
                            float g = yv[(i * rank + r) * r2 + c];
                            assertTrue(Math.abs(g - want) <= 1e-5 * scale + 1e-6, "oracle at (" + i + ", " + r + ", " + c + "), " + ctx);
                        }
                    }
                }
            } finally {
                Gemm.setThreads(before);
            }
        });
    }

    @Test
    void middleModeRankFirstIsTheMiddleModeProductTransposedBitForBit() {
        // the CP sweep's middle-mode partial (R, A, C) must hold the bits of middleMode's (A, R, C)
        // and be close to the double oracle; sizes cross the vector/scalar thresholds and the tails
        qt().withExamples(25).forAll(integers().between(1, 24), longs().all()).checkAssert((rank, seed) -> {
            Random rng = new Random(seed);
            int a = 1 + rng.nextInt(rng.nextBoolean() ? 5 : 160), k = 1 + rng.nextInt(40);
            int c = rng.nextInt(4) == 0 ? 640 : 1 + rng.nextInt(rng.nextBoolean() ? 20 : 300);
            int before = Gemm.threads();
            Gemm.setThreads(1 + rng.nextInt(2));
            try (TensorScope scope = TensorScope.open()) {
                Tensor x = scope.normal(rng.nextLong(), 0f, 1f, a, k, c);
                Tensor u = scope.normal(rng.nextLong(), 0f, 1f, k, rank);
                Tensor first = scope.zeros(rank, a * c), z = scope.zeros(a, rank, c);
                first.fill(Float.NaN);
                // one with X in place (this size), the other with copied panels, or the reverse
                oneCopiedOneInPlace(rng, () -> SkinnyProducts.middleModeRankFirst(x, u, first), () -> SkinnyProducts.middleMode(x, u, z));
                float[] got = first.toArray();
                String ctx = "A=" + a + " k=" + k + " C=" + c + " R=" + rank;
                assertArrayEquals(z.permute(1, 0, 2).toArray(), got, "rank first vs middleMode, " + ctx);
                float[] xv = x.toArray(), uv = u.toArray();
                for (int r = 0; r < rank; r++) {
                    for (int i = 0; i < a; i++) {
                        for (int j = 0; j < c; j += 1 + c / 7) {
                            double want = 0, scale = 0;
                            for (int b = 0; b < k; b++) {
                                double t = (double) uv[b * rank + r] * xv[(i * k + b) * c + j];
                                want += t;
                                scale += Math.abs(t);
                            }
                            float g = got[(r * a + i) * c + j];
                            assertTrue(Math.abs(g - want) <= 1e-5 * scale + 1e-6, "oracle at (" + r + ", " + i + ", " + j + "): " + g + " vs "
                                    + want + ", " + ctx);
                        }
                    }
                }
            } finally {
                Gemm.setThreads(before);
            }
        });
    }

    /**
     * Runs a fused pass and its reference, one of them with copied panels and the other with X
     * read in place (which one is drawn), so that both ways meet the reference.
     */
    private static void oneCopiedOneInPlace(Random rng, Runnable fused, Runnable reference) {
        boolean copyFused = rng.nextBoolean();
        long keep = SkinnyProducts.inPlaceMaxBytes;
        try {
            SkinnyProducts.inPlaceMaxBytes = copyFused ? -1 : keep;
            fused.run();
            SkinnyProducts.inPlaceMaxBytes = copyFused ? keep : -1;
            reference.run();
        } finally {
            SkinnyProducts.inPlaceMaxBytes = keep;
        }
    }
}
