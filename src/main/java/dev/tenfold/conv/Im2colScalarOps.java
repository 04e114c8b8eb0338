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
    public void storeRows(float[] src, int from, int srcPitch, int rows, int len, float[] bias, int biasFrom,
                          MemorySegment dst, long to, long dstStride) {
        for (int r = 0; r < rows; r++) {
            float s = bias == null ? 0f : bias[biasFrom + r];
            for (int j = 0; j < len; j++) {
                float v = src[from + r * srcPitch + j];
                dst.setAtIndex(F32, to + r * dstStride + j, bias == null ? v : v + s);
            }
        }
    }

    @Override
    public void copyRows(MemorySegment src, long from, long srcPitch, int rows, int len, float[] dst, int to, int dstPitch) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < len; j++) dst[to + r * dstPitch + j] = src.getAtIndex(F32, from + r * srcPitch + j);
        }
    }

    @Override
    public void packStrip(MemorySegment x, StripTable t, long xGroup, long inSpatial, int k0, int kc, float[] dst,
                          int off, int pitch) {
        int c = k0 / t.taps;
        int tap = k0 % t.taps;
        for (int p = 0; p < kc; p++) {
            long channel = xGroup + c * inSpatial;
            int row = off + p * pitch;
            for (int s = 0, e = tap * t.maxSegments; s < t.segments; s++, e++) {
                int to = row + t.dst[s];
                for (int j = 0; j < t.len[s]; j++) {
                    int i = j - t.lead[e];
                    dst[to + j] = i >= 0 && i < t.valid[e] ? x.getAtIndex(F32, channel + t.src[e] + (long) i * t.step) : 0f;
                }
            }
            if (++tap == t.taps) {
                tap = 0;
                c++;
            }
        }
    }
}
