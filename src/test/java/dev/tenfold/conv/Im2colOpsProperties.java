package dev.tenfold.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tenfold.simd.Kernels;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The Vector API {@link Im2colOps} against the scalar twin: bitwise equal on odd lengths and offsets. */
class Im2colOpsProperties {

    private static Im2colOps vector() {
        Assumptions.assumeTrue(Kernels.vectorModulePresent(), "no jdk.incubator.vector");
        return new Im2colPanamaOps();
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return v;
    }

    @Test
    void vectorLoopsMatchScalarLoops() {
        Im2colOps vec = vector();
        Im2colOps sca = Im2colScalarOps.INSTANCE;
        qt().withExamples(300).forAll(integers().between(0, 100), integers().between(0, 17), integers().between(0, 17),
                longs().all()).checkAssert((len, from, to, seed) -> {
            SplittableRandom r = new SplittableRandom(seed);
            float[] src = random(r, from + len + 3);
            float[] dst = random(r, to + len + 3);
            float s = (float) r.nextGaussian();

            float[] a = dst.clone();
            float[] b = dst.clone();
            vec.add(src, from, a, to, len);
            sca.add(src, from, b, to, len);
            assertArrayEquals(b, a, "add len " + len);

            try (TensorScope scope = TensorScope.open()) {
                Tensor ta = scope.fromArray(dst, dst.length);
                Tensor tb = scope.fromArray(dst, dst.length);
                vec.addTo(src, from, ta.segment(), ta.offset() + to, len);
                sca.addTo(src, from, tb.segment(), tb.offset() + to, len);
                assertArrayEquals(tb.toArray(), ta.toArray(), "addTo len " + len);
                int rows = 1 + r.nextInt(4);
                int pitch = len + r.nextInt(5);
                float[] tile = random(r, from + rows * pitch + 3);
                float[] bias = r.nextBoolean() ? random(r, rows + 2) : null;
                long stride = len + r.nextInt(7);
                Tensor ya = scope.zeros((int) (to + rows * stride + 3));
                Tensor yb = scope.zeros((int) (to + rows * stride + 3));
                vec.storeRows(tile, from, pitch, rows, len, bias, 1, ya.segment(), ya.offset() + to, stride);
                sca.storeRows(tile, from, pitch, rows, len, bias, 1, yb.segment(), yb.offset() + to, stride);
                assertArrayEquals(yb.toArray(), ya.toArray(), "storeRows len " + len);
                // the scalar twin against the definition
                MemorySegment m = yb.segment();
                for (int q = 0; q < rows; q++) {
                    for (int i = 0; i < len; i++) {
                        float want = tile[from + q * pitch + i] + (bias == null ? 0f : bias[1 + q]);
                        float got = m.getAtIndex(ValueLayout.JAVA_FLOAT, yb.offset() + to + q * stride + i);
                        if (want != got) throw new AssertionError("storeRows (" + q + ", " + i + "): " + got + " != " + want);
                    }
                }
                // copyRows: native rows into a heap copy; everything between the rows stays as it was
                int srcPitch = len + r.nextInt(5), dstPitch = len + r.nextInt(5);
                Tensor xs = scope.fromArray(random(r, from + rows * srcPitch + 3), from + rows * srcPitch + 3);
                float[] guard = random(r, to + rows * dstPitch + 3), ca = guard.clone(), cb = guard.clone();
                vec.copyRows(xs.segment(), xs.offset() + from, srcPitch, rows, len, ca, to, dstPitch);
                sca.copyRows(xs.segment(), xs.offset() + from, srcPitch, rows, len, cb, to, dstPitch);
                assertArrayEquals(cb, ca, "copyRows len " + len);
                float[] xv = xs.toArray(), want = guard.clone();
                for (int q = 0; q < rows; q++) System.arraycopy(xv, from + q * srcPitch, want, to + q * dstPitch, len);
                assertArrayEquals(want, cb, "copyRows (scalar) len " + len);
            }
        });
    }

    /**
     * packStrip: random segments (lengths, leads, valid counts, step 1 or 2, reads at the very end
     * of the segment); the vector version may spill past a segment, so each segment's final
     * contents are compared, and the scalar twin against the definition.
     */
    @Test
    void packStripMatchesScalarTwinAndDefinition() {
        Im2colOps vec = vector();
        Im2colOps sca = Im2colScalarOps.INSTANCE;
        qt().withExamples(200).forAll(integers().between(1, 5), integers().between(1, 4), integers().between(1, 40),
                longs().all()).checkAssert((taps, step, kc, seed) -> {
            SplittableRandom r = new SplittableRandom(seed);
            int maxSegments = 8;
            StripTable t = new StripTable(taps, maxSegments, step <= 2 ? step : 1);
            t.segments = 1 + r.nextInt(maxSegments);
            int col = 0;
            for (int s = 0; s < t.segments; s++) {
                t.dst[s] = col;
                t.len[s] = 1 + r.nextInt(20);
                col += t.len[s];
            }
            int pitch = col + r.nextInt(3);
            int inSpatial = 200;
            int channels = kc / taps + 2;
            int xSize = channels * inSpatial;
            for (int tap = 0; tap < taps; tap++) {
                for (int s = 0; s < t.segments; s++) {
                    int e = tap * maxSegments + s;
                    t.lead[e] = r.nextInt(t.len[s] + 1);
                    t.valid[e] = r.nextInt(t.len[s] - t.lead[e] + 1);
                    int span = Math.max(0, (t.valid[e] - 1) * t.step + 1);
                    // some runs end exactly at the last element of x (the masked-load path)
                    t.src[e] = r.nextInt(4) == 0 ? inSpatial - span : r.nextInt(inSpatial - span + 1);
                }
            }
            int k0 = r.nextInt(taps * 2);
            try (TensorScope scope = TensorScope.open()) {
                Tensor x = scope.fromArray(random(r, xSize), xSize);
                long xGroup = x.offset() + (long) (channels - 1 - (k0 + kc - 1) / taps) * inSpatial;
                float[] a = new float[kc * pitch + 64];
                float[] b = new float[kc * pitch + 64];
                java.util.Arrays.fill(a, Float.NaN);
                vec.packStrip(x.segment(), t, xGroup, inSpatial, k0, kc, a, 3, pitch);
                sca.packStrip(x.segment(), t, xGroup, inSpatial, k0, kc, b, 3, pitch);
                MemorySegment xs = x.segment();
                for (int p = 0; p < kc; p++) {
                    int c = (k0 + p) / taps, tap = (k0 + p) % taps;
                    for (int s = 0; s < t.segments; s++) {
                        int e = tap * maxSegments + s;
                        for (int j = 0; j < t.len[s]; j++) {
                            int at = 3 + p * pitch + t.dst[s] + j;
                            int i = j - t.lead[e];
                            float want = i >= 0 && i < t.valid[e]
                                    ? xs.getAtIndex(ValueLayout.JAVA_FLOAT, xGroup + (long) c * inSpatial + t.src[e] + (long) i * t.step)
                                    : 0f;
                            if (b[at] != want) throw new AssertionError("scalar packStrip row " + p + " seg " + s + " col " + j);
                            if (a[at] != want) throw new AssertionError("vector packStrip row " + p + " seg " + s + " col " + j
                                    + ": " + a[at] + " != " + want);
                        }
                    }
                }
            }
        });
    }
}
