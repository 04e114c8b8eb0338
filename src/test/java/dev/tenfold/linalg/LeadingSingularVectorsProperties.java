package dev.tenfold.linalg;

import static dev.tenfold.linalg.LinalgTestSupport.alignSigns;
import static dev.tenfold.linalg.LinalgTestSupport.compose;
import static dev.tenfold.linalg.LinalgTestSupport.orthogonalityError;
import static dev.tenfold.linalg.LinalgTestSupport.randomOrthonormalColumns;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tenfold.linalg.LeadingSingularVectors.Method;
import dev.tenfold.linalg.LeadingSingularVectors.Options;
import dev.tenfold.linalg.LeadingSingularVectors.Result;
import dev.tenfold.tensor.SplitMix64;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.extension.ExtendWith(KernelChoice.class)
class LeadingSingularVectorsProperties {



    private static final Options GRAM = Options.defaults().withMethod(Method.GRAM);
    private static final Options RANDOMIZED = Options.defaults().withMethod(Method.RANDOMIZED);

    /** I×J matrix U·diag(s)·Vᵀ with s_i = decay^i, rounded to float (so the tensor holds it exactly). */
    private static DenseMatrix spectrumMatrix(SplitMix64 rng, int rows, int cols, int rank, double decay) {
        int k = Math.min(rank, Math.min(rows, cols));
        double[] s = new double[k];
        for (int i = 0; i < k; i++) s[i] = 10 * Math.pow(decay, i);
        DenseMatrix x = compose(randomOrthonormalColumns(rng, rows, k), s, randomOrthonormalColumns(rng, cols, k));
        for (int i = 0; i < x.data().length; i++) x.data()[i] = (float) x.data()[i];
        return x;
    }

    /**
     * Shape and orthonormality of the result; its vectors j match the SVD of the same (double)
     * matrix up to sign wherever σ_j is well above the Gram noise floor and separated.
     */
    private static void checkAgainstSvd(DenseMatrix x, int r, Result res, double vectorTol) {
        int k = Math.min(r, x.rows());
        assertEquals(x.rows(), res.vectors().rows());
        assertEquals(k, res.vectors().cols());
        assertEquals(k, res.singularValues().length);
        assertTrue(orthogonalityError(res.vectors()) <= 1e-12, "orthonormal columns: " + orthogonalityError(res.vectors()));
        Svd svd = Svd.decompose(x);
        double[] sigma = svd.singularValues();
        int compare = 0;
        while (compare < Math.min(k, sigma.length) && sigma[compare] >= 1e-3 * sigma[0]) compare++;
        if (compare == 0) return;
        DenseMatrix expected = svd.u().columns(0, compare);
        DenseMatrix got = alignSigns(expected, res.vectors().columns(0, compare));
        LinalgTestSupport.assertClose(expected, got, vectorTol, "leading vectors vs SVD (" + res.method() + ")");
        for (int j = 0; j < compare; j++) {
            assertEquals(sigma[j], res.singularValues()[j], 1e-7 * sigma[0], "σ_" + j + " (" + res.method() + ")");
        }
    }

    @Test
    void gramMethodMatchesTheSvdIncludingROverIAndManyBlocks() {
        qt().withExamples(80).forAll(integers().between(1, 40), integers().between(1, 200), integers().between(1, 45),
                longs().all()).checkAssert((rows, cols, r, seed) -> {
                    SplitMix64 rng = new SplitMix64(seed);
                    DenseMatrix x = spectrumMatrix(rng, rows, cols, Math.min(rows, cols), 0.7);
                    int width = 1 + rng.nextInt(40); // forces several blocks and ragged tails
                    Result res = LeadingSingularVectors.of(rows, cols, denseSource(x), r, GRAM, width);
                    assertEquals(Method.GRAM, res.method());
                    checkAgainstSvd(x, r, res, 1e-8);
                });
    }

    /**
     * A Gram large enough to be split over the compute pool: the same bits for one thread and
     * three, and the same vectors and singular values, up to the rounding of the summation order,
     * as the one-thread accumulation of a plain source (which the SVD checks above cover).
     */
    @Test
    void largeTensorGramIsSplitOverThreadsWithTheSameBitsForAnyThreadCount() {
        qt().withExamples(6).forAll(integers().between(40, 64), integers().between(0, 3000), longs().all()).checkAssert((rows, extra, seed) -> {
            SplitMix64 rng = new SplitMix64(seed);
            int cols = (int) Math.ceil(2 * LeadingSingularVectors.PARALLEL_GRAM_FMAS / ((double) rows * rows)) + extra;
            DenseMatrix x = spectrumMatrix(rng, rows, cols, rows, 0.8);
            int r = 1 + rng.nextInt(rows);
            int width = 1 + rng.nextInt(cols / LeadingSingularVectors.GRAM_PARTS); // at least GRAM_PARTS blocks, a ragged tail
            String ctx = rows + " × " + cols + ", r " + r + ", blocks of " + width;
            try (TensorScope scope = TensorScope.open()) {
                ColumnBlockSource tensor = new TensorColumnBlocks(x.toTensor(scope));
                Result plain = LeadingSingularVectors.of(rows, cols, denseSource(x), r, GRAM, width);
                int threads = Gemm.threads();
                Result one, three;
                try {
                    Gemm.setThreads(1);
                    one = LeadingSingularVectors.of(rows, cols, tensor, r, GRAM, width);
                    Gemm.setThreads(3);
                    three = LeadingSingularVectors.of(rows, cols, tensor, r, GRAM, width);
                } finally {
                    Gemm.setThreads(threads);
                }
                org.junit.jupiter.api.Assertions.assertArrayEquals(one.vectors().data(), three.vectors().data(), ctx);
                org.junit.jupiter.api.Assertions.assertArrayEquals(one.singularValues(), three.singularValues(), ctx);
                int sharp = 0; // vectors well above the Gram's rounding: σ_j ≥ 1e-2·σ_0 (gaps 0.36·σ_j²)
                while (sharp < r && plain.singularValues()[sharp] >= 1e-2 * plain.singularValues()[0]) sharp++;
                LinalgTestSupport.assertClose(plain.vectors().columns(0, sharp), one.vectors().columns(0, sharp), 1e-9, ctx);
                for (int j = 0; j < sharp; j++) {
                    assertEquals(plain.singularValues()[j], one.singularValues()[j], 1e-12 * plain.singularValues()[0], ctx + " σ_" + j);
                }
            }
        });
    }

    @Test
    void randomizedMethodIsAccurateWhenTheRankFitsTheSketch() {
        qt().withExamples(60).forAll(integers().between(2, 60), integers().between(1, 300), integers().between(1, 8),
                longs().all()).checkAssert((rows, cols, rank, seed) -> {
                    SplitMix64 rng = new SplitMix64(seed);
                    DenseMatrix x = spectrumMatrix(rng, rows, cols, rank, 0.6);
                    int r = 1 + rng.nextInt(rank);
                    Options o = RANDOMIZED.withPowerIterations(rng.nextInt(3)).withSeed(seed);
                    Result res = LeadingSingularVectors.of(rows, cols, denseSource(x), r, o, 1 + rng.nextInt(64));
                    assertEquals(Method.RANDOMIZED, res.method());
                    // exact rank ≤ l, but the float rounding of x adds ~1e-7 noise outside the sketch
                    checkAgainstSvd(x, r, res, 1e-6);
                });
    }

    @Test
    void randomizedMethodWithPowerIterationsOnAFastDecayingFullRankSpectrum() {
        qt().withExamples(30).forAll(integers().between(30, 80), integers().between(100, 400), integers().between(1, 5),
                longs().all()).checkAssert((rows, cols, r, seed) -> {
                    SplitMix64 rng = new SplitMix64(seed);
                    DenseMatrix x = spectrumMatrix(rng, rows, cols, rows, 0.3);
                    Result res = LeadingSingularVectors.of(rows, cols, denseSource(x), r,
                            RANDOMIZED.withOversampling(8).withPowerIterations(2), 0);
                    checkAgainstSvd(x, r, res, 1e-6);
                });
    }

    @Test
    void stridedTensorViewsAndUnfoldingsReadTheSameMatrix() {
        qt().withExamples(40).forAll(integers().between(1, 9), integers().between(1, 9), integers().between(1, 9),
                longs().all()).checkAssert((a, b, c, seed) -> {
                    try (TensorScope scope = TensorScope.open()) {
                        Tensor x = scope.normal(seed, 0f, 1f, a, b, c, 2);
                        int r = 1 + (int) Math.floorMod(seed, 4L);
                        for (int mode = 0; mode < 4; mode++) {
                            Tensor unfolded = x.unfold(mode); // contiguous copy: the reference
                            Result expected = LeadingSingularVectors.of(unfolded, r, GRAM);
                            Result fused = LeadingSingularVectors.ofUnfolding(x, mode, r, GRAM);
                            LinalgTestSupport.assertClose(expected.vectors(), fused.vectors(), 1e-12, "mode " + mode);
                        }
                        // a transposed (column-strided) 2-D view equals its contiguous copy
                        Tensor m = x.reshape(a * b, c * 2).t();
                        Result strided = LeadingSingularVectors.of(m, r, GRAM);
                        Result contiguous = LeadingSingularVectors.of(m.contiguous(), r, GRAM);
                        LinalgTestSupport.assertClose(contiguous.vectors(), strided.vectors(), 1e-12, "transposed view");
                        // every other column (stride 2 along the columns)
                        Tensor wide = x.reshape(a, b * c * 2);
                        if (wide.dim(1) >= 2) {
                            Tensor sliced = wide.slice(1, 0, wide.dim(1), 2);
                            LinalgTestSupport.assertClose(LeadingSingularVectors.of(sliced.contiguous(), r, GRAM).vectors(),
                                    LeadingSingularVectors.of(sliced, r, GRAM).vectors(), 1e-12, "sliced view");
                        }
                    }
                });
    }

    @Test
    void tensorInputMatchesTheSvdOfItsDenseCopy() {
        try (TensorScope scope = TensorScope.open()) {
            SplitMix64 rng = new SplitMix64(11);
            DenseMatrix x = spectrumMatrix(rng, 12, 500, 12, 0.7);
            Tensor t = x.toTensor(scope);
            checkAgainstSvd(x, 5, LeadingSingularVectors.of(t, 5), 1e-8);
            checkAgainstSvd(x, 5, LeadingSingularVectors.of(t, 5, RANDOMIZED.withOversampling(7)), 1e-8);
        }
    }

    @Test
    void autoPicksGramForFewRowsAndRandomizedForMany() {
        SplitMix64 rng = new SplitMix64(3);
        DenseMatrix x = spectrumMatrix(rng, 30, 50, 3, 0.5);
        Options auto = Options.defaults().withGramMaxRows(20);
        assertEquals(Method.RANDOMIZED, LeadingSingularVectors.of(30, 50, denseSource(x), 2, auto).method());
        assertEquals(Method.GRAM, LeadingSingularVectors.of(30, 50, denseSource(x), 2, Options.defaults()).method());
        // the sketch would cover all rows: AUTO takes the exact method
        assertEquals(Method.GRAM, LeadingSingularVectors.of(30, 50, denseSource(x), 25, auto).method());
    }

    @Test
    void sameSeedSameResultAndBlockWidthDoesNotChangeTheTestMatrix() {
        SplitMix64 rng = new SplitMix64(5);
        DenseMatrix x = spectrumMatrix(rng, 25, 333, 25, 0.9); // slow decay: the result depends on Ω
        Options o = RANDOMIZED.withPowerIterations(0).withOversampling(2).withSeed(42);
        Result a = LeadingSingularVectors.of(25, 333, denseSource(x), 4, o, 0);
        Result b = LeadingSingularVectors.of(25, 333, denseSource(x), 4, o, 0);
        Result c = LeadingSingularVectors.of(25, 333, denseSource(x), 4, o, 7);
        Result d = LeadingSingularVectors.of(25, 333, denseSource(x), 4, o.withSeed(43), 0);
        LinalgTestSupport.assertClose(a.vectors(), b.vectors(), 1e-13, "same seed");
        LinalgTestSupport.assertClose(a.vectors(), c.vectors(), 1e-11, "other block width");
        assertTrue(a.vectors().maxAbsDifference(d.vectors()) > 1e-6, "another seed gives another sketch");
    }

    @Test
    void badInputIsRejected() {
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = scope.normal(1, 0f, 1f, 3, 4);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LeadingSingularVectors.of(scope.zeros(2, 3, 4), 1));
            assertTrue(e.getMessage().contains("(2, 3, 4)"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> LeadingSingularVectors.of(x, 0));
            assertThrows(IllegalArgumentException.class, () -> LeadingSingularVectors.ofUnfolding(x, 2, 1, GRAM));
            assertThrows(IllegalArgumentException.class, () -> LeadingSingularVectors.ofUnfolding(scope.zeros(5), 0, 1, GRAM));
            x.set(Float.NaN, 1, 2);
            e = assertThrows(IllegalArgumentException.class, () -> LeadingSingularVectors.of(x, 2));
            assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("(3, 4)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> LeadingSingularVectors.of(x, 2, RANDOMIZED));
            assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("(3, 4)"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> LeadingSingularVectors.of(0, 5, (c0, w, dst) -> { }, 1, GRAM));
            assertThrows(IllegalArgumentException.class, () -> LeadingSingularVectors.of(2, 5, null, 1, GRAM));
            assertThrows(IllegalArgumentException.class, () -> Options.defaults().withOversampling(-1));
            assertThrows(IllegalArgumentException.class, () -> Options.defaults().withMethod(null));
        }
        TensorScope closed = TensorScope.open();
        Tensor y = closed.ones(2, 3);
        closed.close();
        assertThrows(IllegalStateException.class, () -> LeadingSingularVectors.of(y, 1));
    }

    private static ColumnBlockSource denseSource(DenseMatrix x) {
        return (c0, w, dst) -> {
            for (int i = 0; i < x.rows(); i++) {
                for (int c = 0; c < w; c++) dst[i * w + c] = x.get(i, (int) c0 + c);
            }
        };
    }
}
