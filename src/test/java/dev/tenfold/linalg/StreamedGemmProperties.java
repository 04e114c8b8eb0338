package dev.tenfold.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Property tests of {@link StreamedGemm} and {@link WindowGemm} against double-accumulated
 * oracles written here (plain loops over the defining formulas), on odd sizes: tails of the
 * strips and row panels, k across several KC blocks, size-1 dims, several runs per strip. Every
 * C element must be delivered exactly once, and results must not depend on the thread count.
 */
@ExtendWith(GemmTestSupport.ThreadsRestored.class)
class StreamedGemmProperties {
    @Test
    void streamedMatchesOracleAndIsThreadInvariant() {
        qt().withExamples(80).forAll(integers().between(1, 40), integers().between(1, 150),
                integers().between(0, 700), integers().between(0, Integer.MAX_VALUE))
                .checkAssert((m, n, k, seed) -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    float[] a = random(r, m * k + 3);
                    float[] bm = random(r, k * n);
                    int aOff = seed % 3;
                    double[] expected = new double[m * n];
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            double acc = 0;
                            for (int p = 0; p < k; p++) acc += (double) a[aOff + i * k + p] * bm[p * n + j];
                            expected[i * n + j] = acc;
                        }
                    }
                    float[] one = streamed(1, m, n, k, a, aOff, bm);
                    assertClose(expected, one, k, "streamed m=" + m + " n=" + n + " k=" + k);
                    assertArrayEquals(one, streamed(3, m, n, k, a, aOff, bm), "thread count changed the bits");
                });
    }

    @Test
    void windowedMatchesOracleAndIsThreadInvariant() {
        qt().withExamples(80).forAll(integers().between(1, 30), integers().between(1, 6),
                integers().between(1, 40), integers().between(0, Integer.MAX_VALUE))
                .checkAssert((m, taps, depth, seed) -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    int runs = 1 + r.nextInt(5);
                    int runLength = 1 + r.nextInt(70);
                    int pitch = runLength + r.nextInt(9);
                    int[] tapOffsets = new int[taps];
                    for (int t = 0; t < taps; t++) tapOffsets[t] = r.nextInt(2 * pitch + 3);
                    int[] origins = new int[runs];
                    int span = depth * pitch + 3 * pitch;
                    for (int q = 0; q < runs; q++) origins[q] = r.nextInt(span);
                    float[] src = random(r, 2 * span + depth * pitch + runLength + WindowGemm.READ_SLACK + 3 * pitch);
                    int k = taps * depth;
                    float[] a = random(r, m * k);
                    int n = runs * runLength;
                    double[] expected = new double[m * n];
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            int origin = origins[j / runLength] + j % runLength;
                            double acc = 0;
                            for (int t = 0; t < taps; t++) {
                                for (int c = 0; c < depth; c++) {
                                    acc += (double) a[i * k + t * depth + c] * src[origin + tapOffsets[t] + c * pitch];
                                }
                            }
                            expected[i * n + j] = acc;
                        }
                    }
                    float[] one = windowed(1, m, a, src, tapOffsets, depth, pitch, origins, runLength);
                    assertClose(expected, one, k, "windowed m=" + m + " taps=" + taps + " depth=" + depth);
                    assertArrayEquals(one, windowed(2, m, a, src, tapOffsets, depth, pitch, origins, runLength),
                            "thread count changed the bits");
                    // src filled by a prologue on the GEMM's threads: the same bits, every job once
                    for (int threads = 1; threads <= 2; threads++) {
                        assertArrayEquals(one, windowedAfterPrologue(threads, m, a, src, tapOffsets, depth, pitch, origins, runLength),
                                "src made by the prologue, " + threads + " threads");
                    }
                    // the plain twin (the engine without the Vector API) agrees as well
                    float[] naive = new float[m * n];
                    GemmNaive.INSTANCE.windowed(m, k, new GemmOperand(MemorySegment.ofArray(a), 0, k, 1),
                            new WindowGemm.Windows(src, tapOffsets, depth, pitch, origins, runLength, null),
                            id -> collector(naive, n, new int[m * n]), 1);
                    assertClose(expected, naive, k, "naive windowed");
                    float[] naiveSrc = new float[src.length], naiveAfter = new float[m * n];
                    GemmNaive.INSTANCE.windowed(m, k, new GemmOperand(MemorySegment.ofArray(a), 0, k, 1),
                            new WindowGemm.Windows(naiveSrc, tapOffsets, depth, pitch, origins, runLength, copying(src, naiveSrc, null)),
                            id -> collector(naiveAfter, n, new int[m * n]), 1);
                    assertArrayEquals(naive, naiveAfter, "naive windowed after its prologue");
                });
    }

    @Test
    void badArgumentsAreRejectedWithShapes() {
        float[] a = new float[6];
        float[] src = new float[10];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                WindowGemm.multiply(2, MemorySegment.ofArray(a), 0, 3, 1, src, new int[] {0, 1, 2}, 1, 4,
                        new int[] {0}, 5, id -> (r0, rs, c0, w, t, o, p) -> { }));
        assertTrue(e.getMessage().contains("src has 10 floats"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () ->
                WindowGemm.multiply(3, MemorySegment.ofArray(a), 0, 3, 1, new float[100], new int[] {0, 1, 2}, 1, 4,
                        new int[] {0}, 5, id -> (r0, rs, c0, w, t, o, p) -> { }));
        assertTrue(e.getMessage().contains("A (3x3"), e.getMessage());
        // a failing prologue job surfaces as the exception (no thread left waiting on it)
        for (int threads = 1; threads <= 2; threads++) {
            Gemm.setThreads(threads);
            IllegalStateException f = assertThrows(IllegalStateException.class, () ->
                    WindowGemm.multiply(64, MemorySegment.ofArray(new float[64 * 24]), 0, 24, 1, new float[4000], new int[] {0, 1, 2}, 8, 4,
                            new int[] {0, 100, 200, 300}, 300, id -> (r0, rs, c0, w, t, o, p) -> { },
                            new WindowGemm.Prologue(8, j -> {
                                if (j == 5) throw new IllegalStateException("job 5 failed");
                            })));
            assertEquals("job 5 failed", f.getMessage());
        }
        e = assertThrows(IllegalArgumentException.class, () ->
                StreamedGemm.multiply(2, -1, 3, MemorySegment.ofArray(a), 0, 3, 1, id -> null));
        assertTrue(e.getMessage().contains("n = -1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () ->
                StreamedGemm.multiply(2, 4, 3, MemorySegment.ofArray(a), 0, 3, 1, null));
    }

    // ------------------------------------------------------------------ helpers

    private static float[] streamed(int threads, int m, int n, int k, float[] a, int aOff, float[] bm) {
        Gemm.setThreads(threads);
        float[] c = new float[m * n];
        int[] hits = new int[m * n];
        StreamedGemm.multiply(m, n, k, MemorySegment.ofArray(a), aOff, k, 1, id -> new StreamedGemm.Stream() {
            @Override
            public void packColumns(long col0, int width, int k0, int kc, float[] dst, int off, int pitch) {
                assertTrue(width >= 1 && width <= pitch, "width " + width + " pitch " + pitch);
                for (int p = 0; p < kc; p++) {
                    for (int j = 0; j < width; j++) dst[off + p * pitch + j] = bm[(k0 + p) * n + (int) col0 + j];
                }
            }

            @Override
            public void storeTile(int row0, int rows, long col0, int width, float[] tile, int off, int pitch) {
                collect(c, n, hits, row0, rows, col0, width, tile, off, pitch);
            }
        });
        for (int h : hits) assertEquals(1, h, "every C element is stored exactly once");
        return c;
    }

    private static float[] windowed(int threads, int m, float[] a, float[] src, int[] taps, int depth, int pitch,
                                    int[] origins, int runLength) {
        Gemm.setThreads(threads);
        int n = origins.length * runLength;
        float[] c = new float[m * n];
        int[] hits = new int[m * n];
        WindowGemm.multiply(m, MemorySegment.ofArray(a), 0, (long) taps.length * depth, 1, src, taps, depth, pitch,
                origins, runLength, id -> collector(c, n, hits));
        for (int h : hits) assertEquals(1, h, "every C element is stored exactly once");
        return c;
    }

    /** {@link #windowed} on a zeroed copy of src that a prologue of many small copy jobs fills first. */
    private static float[] windowedAfterPrologue(int threads, int m, float[] a, float[] src, int[] taps, int depth, int pitch,
                                                 int[] origins, int runLength) {
        Gemm.setThreads(threads);
        int n = origins.length * runLength;
        float[] c = new float[m * n], dst = new float[src.length];
        int[] hits = new int[m * n];
        java.util.concurrent.atomic.AtomicIntegerArray runs = new java.util.concurrent.atomic.AtomicIntegerArray((src.length + 96) / 97);
        WindowGemm.multiply(m, MemorySegment.ofArray(a), 0, (long) taps.length * depth, 1, dst, taps, depth, pitch,
                origins, runLength, id -> collector(c, n, hits), copying(src, dst, runs));
        for (int h : hits) assertEquals(1, h, "every C element is stored exactly once");
        for (int j = 0; j < runs.length(); j++) assertEquals(1, runs.get(j), "prologue job " + j + " runs once");
        return c;
    }

    /** A prologue copying src into dst in jobs of 97 floats (counted in {@code runs} when given). */
    private static WindowGemm.Prologue copying(float[] src, float[] dst, java.util.concurrent.atomic.AtomicIntegerArray runs) {
        return new WindowGemm.Prologue((src.length + 96) / 97, j -> {
            System.arraycopy(src, j * 97, dst, j * 97, Math.min(97, src.length - j * 97));
            if (runs != null) runs.incrementAndGet(j);
        });
    }

    private static WindowGemm.TileSink collector(float[] c, int n, int[] hits) {
        return (row0, rows, col0, width, tile, off, pitch) -> collect(c, n, hits, row0, rows, col0, width, tile, off, pitch);
    }

    private static synchronized void collect(float[] c, int n, int[] hits, int row0, int rows, long col0, int width,
                                             float[] tile, int off, int pitch) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < width; j++) {
                int at = (row0 + r) * n + (int) col0 + j;
                c[at] = tile[off + r * pitch + j];
                hits[at]++;
            }
        }
    }

    private static float[] random(SplittableRandom r, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    private static void assertClose(double[] expected, float[] actual, int k, String what) {
        double tol = 1e-5 * Math.sqrt(k + 1) + 1e-6;
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(expected[i] - actual[i]);
            assertTrue(err <= tol * (1 + Math.abs(expected[i])), what + ": element " + i + " is " + actual[i]
                    + ", oracle " + expected[i]);
        }
    }
}
