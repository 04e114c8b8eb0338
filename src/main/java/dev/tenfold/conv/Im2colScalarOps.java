package dev.tenfold.conv;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Plain-loop {@link Im2colOps}: the fallback without the Vector API and the twin of {@code Im2colPanamaOps}. */
final class Im2colScalarOps implements Im2colOps {
    static final Im2colScalarOps INSTANCE = new Im2colScalarOps();
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

    private Im2colScalarOps() { }

    @Override
    public void add(float[] src, int from, float[] dst, int to, int len) {
        for (int i = 0; i < len; i++) dst[to + i] += src[from + i];
    }

    @Override
    public void addTo(float[] src, int from, MemorySegment dst, long to, int len) {
        for (int i = 0; i < len; i++) dst.setAtIndex(F32, to + i, dst.getAtIndex(F32, to + i) + src[from + i]);
    }

    @Override
    public void copyPlus(float[] src, int from, float s, MemorySegment dst, long to, int len) {
        for (int i = 0; i < len; i++) dst.setAtIndex(F32, to + i, src[from + i] + s);
    }
}
