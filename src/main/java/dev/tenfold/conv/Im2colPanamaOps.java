package dev.tenfold.conv;

import dev.tenfold.simd.Kernels;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API {@link Im2colOps}, loaded only reflectively by {@link Im2colOps.Loader}. The
 * species follows {@code -Dtenfold.simd=128|256|512} like the simd kernels, else the preferred
 * shape. Loop template: full vectors, then a scalar tail.
 */
final class Im2colPanamaOps implements Im2colOps {
    static final VectorSpecies<Float> F = switch (System.getProperty(Kernels.PROPERTY, "auto").trim()) {
        case "128" -> FloatVector.SPECIES_128;
        case "256" -> FloatVector.SPECIES_256;
        case "512" -> FloatVector.SPECIES_512;
        default -> FloatVector.SPECIES_PREFERRED;
    };
    private static final int L = F.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

    Im2colPanamaOps() { }

    @Override
    public void add(float[] src, int from, float[] dst, int to, int len) {
        int i = 0;
        for (int b = F.loopBound(len); i < b; i += L) {
            FloatVector.fromArray(F, dst, to + i).add(FloatVector.fromArray(F, src, from + i)).intoArray(dst, to + i);
        }
        for (; i < len; i++) dst[to + i] += src[from + i];
    }

    @Override
    public void addTo(float[] src, int from, MemorySegment dst, long to, int len) {
        int i = 0;
        for (int b = F.loopBound(len); i < b; i += L) {
            long at = (to + i) << 2;
            FloatVector.fromMemorySegment(F, dst, at, LE).add(FloatVector.fromArray(F, src, from + i)).intoMemorySegment(dst, at, LE);
        }
        for (; i < len; i++) dst.setAtIndex(F32, to + i, dst.getAtIndex(F32, to + i) + src[from + i]);
    }

    @Override
    public void copyPlus(float[] src, int from, float s, MemorySegment dst, long to, int len) {
        FloatVector sv = FloatVector.broadcast(F, s);
        int i = 0;
        for (int b = F.loopBound(len); i < b; i += L) {
            FloatVector.fromArray(F, src, from + i).add(sv).intoMemorySegment(dst, (to + i) << 2, LE);
        }
        for (; i < len; i++) dst.setAtIndex(F32, to + i, src[from + i] + s);
    }
}
