package dev.tenfold.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The 1×1 kernels {@link DepthwiseKernels#pack} + {@link DepthwiseKernels#mixPacked} and {@link DepthwiseKernels#sumOuter} (Vector API
 * and scalar) against direct loops in double: row counts around the 4-row tiles (1..13), column
 * counts around the 4-vector strips and vector tails (1..300), offsets and row strides wider than
 * the block, with and without bias; nothing outside the output block may be written. Packing
 * from a native segment and writing the product off-heap must give the same bits.
 */
class PointwiseKernelsProperties {
    private static final DepthwiseKernels[] IMPLS = {DepthwiseKernels.get(), DepthwiseKernels.scalar()};

    private static int size(SplittableRandom rnd) {
        return rnd.nextInt(4) == 0 ? 1 : 1 + rnd.nextInt(13);
    }

    private static int columns(SplittableRandom rnd) {
        return rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(300) : 1 + rnd.nextInt(70);
    }

    @Test
    void packedMixMatchesDirectLoops() {
        qt().withExamples(400).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            int m = size(rnd);
            int k = size(rnd);
            int n = columns(rnd);
            int aOff = rnd.nextInt(4);
            int inOff = rnd.nextInt(5);
            int inStride = n + rnd.nextInt(7);
            int outOff = rnd.nextInt(5);
            int outStride = n + rnd.nextInt(7);
            float[] a = DepthwiseConv1dProperties.random(rnd, aOff + m * k);
            float[] in = DepthwiseConv1dProperties.random(rnd, inOff + k * inStride);
            float[] bias = rnd.nextBoolean() ? DepthwiseConv1dProperties.random(rnd, m) : null;
            for (DepthwiseKernels kern : IMPLS) {
                int w = kern.packWidth();
                int packedLength = (n + w - 1) / w * w * k;
                float[] packed = new float[packedLength + 5];
                java.util.Arrays.fill(packed, Float.NaN);
                kern.pack(in, inOff, inStride, k, n, packed);
                String what = kern.name() + " mix m=" + m + " k=" + k + " n=" + n + (bias == null ? "" : " +bias");
                for (int j = 0; j < packed.length; j++) {
                    int tile = j / (k * w), c = j % w, p = j / w % k, x = tile * w + c;
                    if (j >= packedLength) assertTrue(Float.isNaN(packed[j]), what + ": pack wrote past its block at " + j);
                    else assertEquals(x < n ? in[inOff + p * inStride + x] : 0f, packed[j], what + ": packed[" + j + "]");
                }
                float[] out = new float[outOff + m * outStride + 3];
                java.util.Arrays.fill(out, 7f);
                kern.mixPacked(a, aOff, m, k, packed, bias, out, null, outOff, outStride, n);
                for (int i = 0; i < m; i++) {
                    for (int x = 0; x < n; x++) {
                        double ref = bias == null ? 0 : bias[i];
                        for (int p = 0; p < k; p++) ref += (double) a[aOff + i * k + p] * in[inOff + p * inStride + x];
                        float got = out[outOff + i * outStride + x];
                        assertTrue(Math.abs(ref - got) <= 1e-5 * (k + 1), what + ": (" + i + ", " + x + ") expected " + ref
                                + " got " + got);
                    }
                }
                for (int j = 0; j < out.length; j++) {
                    int rel = j - outOff;
                    boolean inside = rel >= 0 && rel / outStride < m && rel % outStride < n;
                    if (!inside) assertEquals(7f, out[j], what + ": wrote outside the block at " + j);
                }
                // packed from an off-heap segment and written off-heap in place: the same bits
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment inSeg = arena.allocate((long) in.length * Float.BYTES).copyFrom(MemorySegment.ofArray(in));
                    float[] packed2 = new float[packedLength];
                    kern.pack(inSeg, inOff, inStride, k, n, packed2);
                    for (int j = 0; j < packedLength; j++) {
                        assertEquals(Float.floatToIntBits(packed[j]), Float.floatToIntBits(packed2[j]), what + " pack off-heap at " + j);
                    }
                    MemorySegment outSeg = arena.allocate((long) out.length * Float.BYTES);
                    outSeg.fill((byte) 0x7f);
                    float filler = outSeg.getAtIndex(ValueLayout.JAVA_FLOAT, 0);
                    kern.mixPacked(a, aOff, m, k, packed2, bias, null, outSeg, outOff, outStride, n);
                    for (int j = 0; j < out.length; j++) {
                        float got = outSeg.getAtIndex(ValueLayout.JAVA_FLOAT, j);
                        int rel = j - outOff;
                        boolean inside = rel >= 0 && rel / outStride < m && rel % outStride < n;
                        if (inside) assertEquals(Float.floatToIntBits(out[j]), Float.floatToIntBits(got), what + " off-heap at " + j);
                        else assertEquals(Float.floatToIntBits(filler), Float.floatToIntBits(got), what + " off-heap wrote outside at " + j);
                    }
                }
            }
        });
    }

    @Test
    void sumOuterMatchesDirectLoops() {
        qt().withExamples(400).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            int m = size(rnd);
            int k = size(rnd);
            int n = columns(rnd);
            int pOff = rnd.nextInt(5);
            int pStride = n + rnd.nextInt(7);
            int qOff = rnd.nextInt(5);
            int qStride = n + rnd.nextInt(7);
            int gOff = rnd.nextInt(4);
            float[] p = DepthwiseConv1dProperties.random(rnd, pOff + m * pStride);
            float[] q = DepthwiseConv1dProperties.random(rnd, qOff + k * qStride);
            for (DepthwiseKernels kern : IMPLS) {
                float[] g = new float[gOff + m * k + 2];
                java.util.Arrays.fill(g, 7f);
                kern.sumOuter(p, pOff, pStride, m, q, qOff, qStride, k, n, g, gOff);
                String what = kern.name() + " sumOuter m=" + m + " k=" + k + " n=" + n;
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < k; j++) {
                        double ref = 0;
                        for (int x = 0; x < n; x++) ref += (double) p[pOff + i * pStride + x] * q[qOff + j * qStride + x];
                        assertEquals(ref, g[gOff + i * k + j], 1e-5 * (n + 1), what + ": (" + i + ", " + j + ")");
                    }
                }
                for (int j = 0; j < g.length; j++) {
                    if (j < gOff || j >= gOff + m * k) assertEquals(7f, g[j], what + ": wrote outside the block at " + j);
                }
            }
        });
    }

    @Test
    void rowSumsMatchADoubleLoop() {
        qt().withExamples(300).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            int n = rnd.nextInt(4) == 0 ? rnd.nextInt(3) : columns(rnd) * (rnd.nextBoolean() ? 1 : 4);
            int off = rnd.nextInt(5);
            float[] a = DepthwiseConv1dProperties.random(rnd, off + n + rnd.nextInt(3));
            double want = 0, scale = 0;
            for (int i = 0; i < n; i++) {
                want += a[off + i];
                scale += Math.abs(a[off + i]);
            }
            for (DepthwiseKernels kern : IMPLS) {
                float got = kern.sum(a, off, n);
                assertTrue(Math.abs(got - want) <= 1e-6 * (1 + scale), kern.name() + " sum n=" + n + ": " + got + " vs " + want);
            }
        });
    }

    @Test
    void threeTapDotsMatchADoubleLoop() {
        qt().withExamples(300).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            int n = rnd.nextInt(4) == 0 ? rnd.nextInt(3) : columns(rnd);
            int step = rnd.nextInt(3) == 0 ? 1 : 1 + rnd.nextInt(40);
            int aOff = rnd.nextInt(5), bOff = rnd.nextInt(5);
            float[] a = DepthwiseConv1dProperties.random(rnd, aOff + n + rnd.nextInt(3));
            float[] b = DepthwiseConv1dProperties.random(rnd, bOff + 2 * step + n + rnd.nextInt(3));
            for (DepthwiseKernels kern : IMPLS) {
                float[] out = {7f, Float.NaN, Float.NaN, Float.NaN, 7f};
                kern.dot3(a, aOff, b, bOff, step, n, out, 1);
                assertEquals(7f, out[0], kern.name() + ": wrote before the output");
                assertEquals(7f, out[4], kern.name() + ": wrote after the output");
                for (int t = 0; t < 3; t++) {
                    double want = 0, scale = 0;
                    for (int i = 0; i < n; i++) {
                        double term = (double) a[aOff + i] * b[bOff + t * step + i];
                        want += term;
                        scale += Math.abs(term);
                    }
                    assertTrue(Math.abs(out[1 + t] - want) <= 1e-5 * (1 + scale),
                            kern.name() + " dot3 tap " + t + " n=" + n + " step=" + step + ": " + out[1 + t] + " vs " + want);
                }
            }
        });
    }

    @Test
    void blocksCoverTheExtentOnce() {
        qt().withExamples(300).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            int size = 1 + rnd.nextInt(rnd.nextBoolean() ? 40 : 5000);
            int max = 1 + rnd.nextInt(rnd.nextBoolean() ? 20 : PointwiseConv.MAX_BLOCK);
            PointwiseConv.Blocks b = PointwiseConv.Blocks.of(size, max);
            int next = 0;
            for (int j = 0; j < b.count(); j++) {
                assertEquals(next, b.start(j), b + " block " + j);
                assertTrue(b.length(j) >= 1 && b.length(j) <= max, b + " block " + j + " length " + b.length(j));
                next += b.length(j);
            }
            assertEquals(size, next, b.toString());
        });
    }

    @Test
    void stagedStridesAreLinesAndNeverMultiplesOfOneKiB() {
        for (int n = 1; n <= 3 * PointwiseConv.MAX_BLOCK + 300; n++) {
            int w = PointwiseConv.stagedStride(n);
            assertTrue(w >= n && w < n + 32, n + " -> " + w);
            assertEquals(0, w % 16, n + " -> " + w + " is not a whole number of 64-byte lines");
            assertTrue(w % 256 != 0, n + " -> " + w + " is a multiple of 1 KiB");
        }
        assertEquals(1040, PointwiseConv.stagedStride(1024));
        assertEquals(1040, PointwiseConv.stagedStride(1009));
        assertEquals(3136, PointwiseConv.stagedStride(3136));
    }
}
