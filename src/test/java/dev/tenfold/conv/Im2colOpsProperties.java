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
                vec.copyPlus(src, from, s, ta.segment(), ta.offset() + to, len);
                sca.copyPlus(src, from, s, tb.segment(), tb.offset() + to, len);
                assertArrayEquals(tb.toArray(), ta.toArray(), "copyPlus len " + len);
                // the scalar twin against the definition
                MemorySegment m = tb.segment();
                for (int i = 0; i < len; i++) {
                    float want = src[from + i] + s;
                    float got = m.getAtIndex(ValueLayout.JAVA_FLOAT, tb.offset() + to + i);
                    if (want != got) throw new AssertionError("copyPlus element " + i + ": " + got + " != " + want);
                }
            }
        });
    }
}
