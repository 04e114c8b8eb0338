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

    /**
     * Whole vectors, then (len ≥ one vector) the last vector of the row again, ending at len: it
     * rewrites a few elements with the same values instead of a scalar tail.
     */
    @Override
    public void storeRows(float[] src, int from, int srcPitch, int rows, int len, float[] bias, int biasFrom,
                          MemorySegment dst, long to, long dstStride) {
        int whole = F.loopBound(len);
        boolean overlap = whole < len && len >= L;
        for (int r = 0; r < rows; r++) {
            int f = from + r * srcPitch;
            long t = to + r * dstStride;
            FloatVector sv = FloatVector.broadcast(F, bias == null ? 0f : bias[biasFrom + r]);
            int j = 0;
            if (bias == null) {
                for (; j < whole; j += L) FloatVector.fromArray(F, src, f + j).intoMemorySegment(dst, (t + j) << 2, LE);
            } else {
                for (; j < whole; j += L) FloatVector.fromArray(F, src, f + j).add(sv).intoMemorySegment(dst, (t + j) << 2, LE);
            }
            if (overlap) {
                FloatVector v = FloatVector.fromArray(F, src, f + len - L);
                (bias == null ? v : v.add(sv)).intoMemorySegment(dst, (t + len - L) << 2, LE);
            } else {
                float s = bias == null ? 0f : bias[biasFrom + r];
                for (; j < len; j++) dst.setAtIndex(F32, t + j, bias == null ? src[f + j] : src[f + j] + s);
            }
        }
    }

    /** Whole vectors, then the row's last vector again ending at len (rows shorter than a vector: element by element). */
    @Override
    public void copyRows(MemorySegment src, long from, long srcPitch, int rows, int len, float[] dst, int to, int dstPitch) {
        int whole = F.loopBound(len);
        boolean overlap = whole < len && len >= L;
        for (int r = 0; r < rows; r++) {
            long f = from + r * srcPitch;
            int t = to + r * dstPitch;
            int j = 0;
            for (; j < whole; j += L) FloatVector.fromMemorySegment(F, src, (f + j) << 2, LE).intoArray(dst, t + j);
            if (overlap) {
                FloatVector.fromMemorySegment(F, src, (f + len - L) << 2, LE).intoArray(dst, t + len - L);
            } else {
                for (; j < len; j++) dst[t + j] = src.getAtIndex(F32, f + j);
            }
        }
    }

    /**
     * Per segment: the valid part is copied with whole vectors (a vector that would reach past
     * the segment's end takes the slow masked load), then the few padding entries before and
     * after it are zeroed one by one — no masks on the common path. A strided run (step &gt; 1)
     * is gathered element by element.
     */
    @Override
    public void packStrip(MemorySegment x, StripTable t, long xGroup, long inSpatial, int k0, int kc, float[] dst,
                          int off, int pitch) {
        int c = k0 / t.taps;
        int tap = k0 % t.taps;
        long lastWhole = x.byteSize() - 4L * L;
        for (int p = 0; p < kc; p++) {
            long channel = xGroup + c * inSpatial;
            int row = off + p * pitch;
            for (int s = 0, e = tap * t.maxSegments; s < t.segments; s++, e++) {
                int to = row + t.dst[s];
                int lead = t.lead[e], valid = t.valid[e], len = t.len[s];
                if (valid > 0) {
                    if (t.step == 1) {
                        copyRun(x, (channel + t.src[e]) << 2, valid, lastWhole, dst, to + lead);
                    } else {
                        gather(x, channel + t.src[e], t.step, valid, dst, to + lead);
                    }
                }
                for (int j = 0; j < lead; j++) dst[to + j] = 0f;
                for (int j = lead + valid; j < len; j++) dst[to + j] = 0f;
            }
            if (++tap == t.taps) {
                tap = 0;
                c++;
            }
        }
    }

    /** {@code len} floats from byte offset {@code o} into dst[to…], whole vectors (may write past len). */
    private static void copyRun(MemorySegment x, long o, int len, long lastWhole, float[] dst, int to) {
        for (int e = 0; e < len; e += L, o += 4L * L) {
            FloatVector v = o <= lastWhole ? FloatVector.fromMemorySegment(F, x, o, LE)
                    : FloatVector.fromMemorySegment(F, x, o, LE, F.indexInRange(e, len));
            v.intoArray(dst, to + e);
        }
    }

    private static void gather(MemorySegment x, long src, int step, int len, float[] dst, int to) {
        for (int e = 0; e < len; e++) dst[to + e] = x.getAtIndex(F32, src + (long) e * step);
    }
}
