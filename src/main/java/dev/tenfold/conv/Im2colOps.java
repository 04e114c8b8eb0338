package dev.tenfold.conv;

import dev.tenfold.simd.Kernels;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;

/**
 * The element-wise loops of col2im, of the conv output tiles and of the streamed im2col packing, on a heap {@code float[]}
 * source. Segment destinations are native (off-heap) float32 memory; offsets and lengths count
 * floats. Two implementations: {@link Im2colScalarOps} (plain loops, the naive twin) and a
 * Vector API one loaded reflectively when {@link Kernels#get()} is a vector provider — so a
 * JVM without {@code jdk.incubator.vector} (or {@code -Dtenfold.simd=scalar}) runs the scalar
 * loops. The Vector API kernels read the heap side with {@code fromArray} and only ever see
 * native segments, so every call site keeps one segment kind (mixed heap/native segments at
 * one vector call site fell back to boxed vectors, ~10× slower).
 */
interface Im2colOps {

    /** dst[to + i] += src[from + i] for i in [0, len). */
    void add(float[] src, int from, float[] dst, int to, int len);

    /** dst[to + i] += src[from + i] (native dst). */
    void addTo(float[] src, int from, MemorySegment dst, long to, int len);

    /**
     * {@code dst[to + r·dstStride + j] = src[from + r·srcPitch + j] + (bias == null ? 0 : bias[biasFrom + r])}
     * for r &lt; rows, j &lt; len (native dst): the rows of a GEMM tile into the output channels.
     */
    void storeRows(float[] src, int from, int srcPitch, int rows, int len, float[] bias, int biasFrom,
                   MemorySegment dst, long to, long dstStride);

    /**
     * {@code dst[to + r·dstPitch + j] = src[from + r·srcPitch + j]} for r &lt; rows, j &lt; len (native
     * src, heap dst, float indices): input rows into a padded copy. Only those elements are
     * written (the padding around them is left as it is).
     */
    void copyRows(MemorySegment src, long from, long srcPitch, int rows, int len, float[] dst, int to, int dstPitch);

    /**
     * Packs {@code kc} rows of a column strip of the streamed im2col matrix (see
     * {@link ConvColumns}): for p &lt; kc, row k = k0 + p is input channel {@code k / taps} through
     * tap {@code k % taps}; for every segment s of the table, {@code dst[off + p·pitch +
     * t.dst[s] + e]} (e &lt; t.len[s]) becomes 0 for e &lt; lead and e ≥ lead + valid (entry
     * (tap, s)), else {@code x[channel + src + (e − lead)·step]} with channel =
     * {@code xGroup + c·inSpatial} (native x, float indices). The vector version writes whole
     * vectors, so up to one vector past a segment may be overwritten (later segments and rows
     * overwrite it again; the last row needs that much slack in dst).
     */
    void packStrip(MemorySegment x, StripTable t, long xGroup, long inSpatial, int k0, int kc, float[] dst, int off,
                   int pitch);

    /** The implementation for this JVM (see the interface comment). */
    static Im2colOps get() {
        return Loader.OPS;
    }

    /** Holds the implementation chosen once. */
    final class Loader {
        static final Im2colOps OPS = load();

        private Loader() { }

        private static Im2colOps load() {
            return Kernels.provider(MethodHandles.lookup(), "dev.tenfold.conv.Im2colPanamaOps", Im2colOps.class,
                    Im2colScalarOps.INSTANCE, "im2col loops");
        }
    }
}
