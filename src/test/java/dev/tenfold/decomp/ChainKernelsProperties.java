package dev.tenfold.decomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The matrix-vector kernels of the CP chains and the squared norm against double-precision loops. */
class ChainKernelsProperties {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

    private static MemorySegment randomSegment(Arena arena, Random rng, long n) {
        MemorySegment s = arena.allocate(Math.max(1, n) * Float.BYTES, 64);
        for (long i = 0; i < n; i++) s.setAtIndex(F32, i, (float) rng.nextGaussian());
        return s;
    }

    @Test
    void rowDotsMatchTheNaiveTwin() {
        qt().withExamples(60).forAll(integers().between(1, 9), integers().between(1, 70), longs().all()).checkAssert((rank, p, seed) -> {
            Random rng = new Random(seed);
            int d = 1 + rng.nextInt(rng.nextBoolean() ? 40 : 230), off = rng.nextInt(5), gap = rng.nextInt(3);
            boolean rFirst = rng.nextBoolean(); // (R, P, d) or (P, R, d) with padded rows
            long strideP = rFirst ? d + gap : (long) rank * (d + gap), strideR = rFirst ? (long) p * (d + gap) : d + gap;
            float[] w = new float[rank * d + 3];
            for (int i = 0; i < w.length; i++) w[i] = (float) rng.nextGaussian();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment src = randomSegment(arena, rng, off + (long) rank * p * (d + gap));
                for (SkinnyKernels kern : new SkinnyKernels[] {SkinnyKernels.get(), SkinnyKernels.SCALAR}) {
                    MemorySegment out = arena.allocate((long) rank * p * Float.BYTES + 8);
                    int split = rng.nextInt(rank + 1), pSplit = rng.nextInt(p + 1); // four (r, p) ranges, as tasks
                    for (int[] rr : new int[][] {{0, split}, {split, rank}}) {
                        for (int[] pp : new int[][] {{0, pSplit}, {pSplit, p}}) {
                            kern.rowDots(src, off, strideR, strideP, pp[0], pp[1], d, w, d, out, 1, p, 1, rr[0], rr[1]);
                        }
                    }
                    for (int r = 0; r < rank; r++) {
                        for (int q = 0; q < p; q++) {
                            double s = 0;
                            for (int c = 0; c < d; c++) s += (double) src.getAtIndex(F32, off + r * strideR + q * strideP + c) * w[r * d + c];
                            float got = out.getAtIndex(F32, 1 + (long) r * p + q);
                            assertTrue(Math.abs(got - s) <= 1e-5 * (1 + Math.sqrt(d)), kern + " rowDots at " + r + "," + q + ": " + got + " vs " + s);
                        }
                    }
                }
            }
        });
    }

    @Test
    void combineRowsMatchTheNaiveTwin() {
        qt().withExamples(60).forAll(integers().between(1, 9), integers().between(1, 150), longs().all()).checkAssert((rank, q, seed) -> {
            Random rng = new Random(seed);
            int d = 1 + rng.nextInt(rng.nextBoolean() ? 20 : 120), off = rng.nextInt(5);
            float[] w = new float[rank * d];
            for (int i = 0; i < w.length; i++) w[i] = (float) rng.nextGaussian();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment src = randomSegment(arena, rng, off + (long) rank * d * q);
                for (SkinnyKernels kern : new SkinnyKernels[] {SkinnyKernels.get(), SkinnyKernels.SCALAR}) {
                    MemorySegment out = arena.allocate((long) (rank * q + 2) * Float.BYTES);
                    out.setAtIndex(F32, rank * q + 1, 42f);
                    int split = rng.nextInt(rank + 1);
                    kern.combineRows(src, off, (long) d * q, d, q, w, d, out, 1, 0, split);
                    kern.combineRows(src, off, (long) d * q, d, q, w, d, out, 1, split, rank);
                    assertEquals(42f, out.getAtIndex(F32, rank * q + 1), "wrote past the output");
                    for (int r = 0; r < rank; r++) {
                        for (int j = 0; j < q; j++) {
                            double s = 0;
                            for (int i = 0; i < d; i++) s += (double) w[r * d + i] * src.getAtIndex(F32, off + (long) r * d * q + (long) i * q + j);
                            float got = out.getAtIndex(F32, 1 + (long) r * q + j);
                            assertTrue(Math.abs(got - s) <= 1e-5 * (1 + Math.sqrt(d)), kern + " combineRows at " + r + "," + j + ": " + got + " vs " + s);
                        }
                    }
                }
            }
        });
    }

    @Test
    void doubleChainStepsMatchDoubleLoops() {
        // the last chain step of an MTTKRP: float inputs, double sums, written transposed (q × R)
        qt().withExamples(60).forAll(integers().between(1, 9), integers().between(1, 70), longs().all()).checkAssert((rank, p, seed) -> {
            Random rng = new Random(seed);
            int d = 1 + rng.nextInt(rng.nextBoolean() ? 19 : 230), off = rng.nextInt(5), ldo = rank + rng.nextInt(3);
            float[] w = new float[rank * d];
            for (int i = 0; i < w.length; i++) w[i] = (float) rng.nextGaussian();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment src = randomSegment(arena, rng, off + (long) rank * p * d);
                for (SkinnyKernels kern : new SkinnyKernels[] {SkinnyKernels.get(), SkinnyKernels.SCALAR}) {
                    for (boolean dots : new boolean[] {true, false}) { // (R, p, d) contracted over d, or (R, d, p) over d
                        double[] out = new double[p * ldo + 1];
                        java.util.Arrays.fill(out, Double.NaN);
                        int split = rng.nextInt(rank + 1);
                        for (int[] rr : new int[][] {{0, split}, {split, rank}}) {
                            if (dots) kern.rowDotsToDoubles(src, off, (long) p * d, p, d, w, d, out, ldo, rr[0], rr[1]);
                            else kern.combineRowsToDoubles(src, off, (long) d * p, d, p, w, d, out, ldo, rr[0], rr[1]);
                        }
                        for (int r = 0; r < rank; r++) {
                            for (int q = 0; q < p; q++) {
                                double want = 0, scale = 0;
                                for (int c = 0; c < d; c++) {
                                    long at = off + (long) r * p * d + (dots ? (long) q * d + c : (long) c * p + q);
                                    double t = (double) src.getAtIndex(F32, at) * w[r * d + c];
                                    want += t;
                                    scale += Math.abs(t);
                                }
                                double got = out[q * ldo + r];
                                assertTrue(Math.abs(got - want) <= 1e-13 * (1 + scale), kern + (dots ? " rowDotsToDoubles" : " combineRowsToDoubles")
                                        + " d=" + d + " p=" + p + " at " + r + "," + q + ": " + got + " vs " + want);
                            }
                        }
                        for (int q = 0; q < p; q++) for (int r = rank; r < ldo; r++) assertTrue(Double.isNaN(out[q * ldo + r]), "wrote a pad column");
                    }
                }
            }
        });
    }

    @Test
    void squaredNormMatchesTheNaiveTwinAndIsReproducible() {
        qt().withExamples(40).forAll(integers().between(0, 5000), longs().all()).checkAssert((n, seed) -> {
            Random rng = new Random(seed);
            int off = rng.nextInt(5);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment x = randomSegment(arena, rng, off + n);
                double want = 0;
                for (int i = 0; i < n; i++) want += (double) x.getAtIndex(F32, off + i) * x.getAtIndex(F32, off + i);
                for (SkinnyKernels kern : new SkinnyKernels[] {SkinnyKernels.get(), SkinnyKernels.SCALAR}) {
                    double got = kern.squaredNorm(x, off, n);
                    assertTrue(Math.abs(got - want) <= 1e-5 * (1 + want), kern + " squaredNorm n=" + n + ": " + got + " vs " + want);
                    assertEquals(got, kern.squaredNorm(x, off, n), "same bits on a second call");
                }
            }
        });
    }

    @Test
    void timesTransposedAndModeProductsMatchNaiveLoopsWhateverTheThreads() {
        qt().withExamples(30).forAll(integers().between(1, 7), integers().between(1, 60), longs().all()).checkAssert((rank, n, seed) -> {
            Random rng = new Random(seed);
            int k = 1 + rng.nextInt(90);
            int before = dev.tenfold.linalg.Gemm.threads();
            dev.tenfold.linalg.Gemm.setThreads(1 + rng.nextInt(2));
            try (dev.tenfold.tensor.TensorScope scope = dev.tenfold.tensor.TensorScope.open()) {
                dev.tenfold.tensor.Tensor x = scope.normal(rng.nextLong(), 0f, 1f, n, k), w = scope.normal(rng.nextLong(), 0f, 1f, rank, k);
                dev.tenfold.tensor.Tensor out = scope.zeros(rank, n).fill(Float.NaN);
                SkinnyProducts.timesTransposed(x, w, out);
                float[] xv = x.toArray(), wv = w.toArray(), got = out.toArray();
                for (int r = 0; r < rank; r++) {
                    for (int i = 0; i < n; i++) {
                        double s = 0;
                        for (int c = 0; c < k; c++) s += (double) wv[r * k + c] * xv[i * k + c];
                        assertTrue(Math.abs(got[r * n + i] - s) <= 1e-5 * (1 + Math.sqrt(k)), "timesTransposed at " + r + "," + i);
                    }
                }
                // Y ×_mode Uᵀ into a buffer, every mode of a 3-way Y with odd sizes
                int[] dims = {1 + rng.nextInt(6), 1 + rng.nextInt(40), 1 + rng.nextInt(30)};
                dev.tenfold.tensor.Tensor y = scope.normal(rng.nextLong(), 0f, 1f, dims);
                float[] yv = y.toArray();
                for (int mode = 0; mode < 3; mode++) {
                    dev.tenfold.tensor.Tensor u = scope.normal(rng.nextLong(), 0f, 1f, dims[mode], rank);
                    int[] od = dims.clone();
                    od[mode] = rank;
                    dev.tenfold.tensor.Tensor o = scope.zeros(od).fill(Float.NaN);
                    Projections.modeProductInto(y, u, mode, o);
                    float[] uv = u.toArray(), ov = o.toArray();
                    for (int i0 = 0; i0 < od[0]; i0++) for (int i1 = 0; i1 < od[1]; i1++) for (int i2 = 0; i2 < od[2]; i2++) {
                        double s = 0;
                        int[] idx = {i0, i1, i2};
                        int j = idx[mode];
                        for (int c = 0; c < dims[mode]; c++) {
                            idx[mode] = c;
                            s += (double) yv[(idx[0] * dims[1] + idx[1]) * dims[2] + idx[2]] * uv[c * rank + j];
                        }
                        float g = ov[(i0 * od[1] + i1) * od[2] + i2];
                        assertTrue(Math.abs(g - s) <= 1e-4 * (1 + Math.sqrt(dims[mode])), "mode " + mode + " product: " + g + " vs " + s);
                    }
                }
            } finally {
                dev.tenfold.linalg.Gemm.setThreads(before);
            }
        });
    }
}
