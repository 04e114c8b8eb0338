package dev.tenfold.conv;

import dev.tenfold.linalg.WindowGemm;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The dense forward conv as one {@link WindowGemm} per channel group: the GEMM packs its column
 * strips from windows of a zero-padded copy of the input, so there is no im2col matrix.
 *
 * <p>Steps, per chunk of batch items (the padded copy stays under {@link #MAX_PADDED_FLOATS}):
 * <ol>
 *   <li>pad: copy each input channel into a heap buffer of the padded extents
 *       E_j = (O_j − 1)·s_j + (K_j − 1)·d_j + 1 with the padding as zeros (a job per
 *       (item, channel), run by the threads of the chunk's first GEMM as its prologue). With a
 *       stride s &gt; 1 along the last dim each padded row is stored de-interleaved as s phases (column q at (q mod s)·⌈E/s⌉ + q div s), so that the inputs
 *       one tap meets along an output row are again contiguous;</li>
 *   <li>multiply: k runs tap-major, {@code (tap, c)}, so that within a tap consecutive channels
 *       are one plane ({@code pitch}) apart; tap offsets are Σ k_j·d_j·(padded stride j). The
 *       weight is reordered once to (T/groups, ∏K, C/groups) to match;</li>
 *   <li>a run is one output row (its windows are contiguous in the padded copy), so the GEMM
 *       columns are exactly the output positions (item-major): no junk columns;</li>
 *   <li>{@link OutputTiles} writes each tile into y (NCHW…), adding the bias.</li>
 * </ol>
 */
final class ConvWindows {
    /** Upper bound on the padded copy (floats, 2 MB: the chunk stays in cache while it is packed) unless a single item is larger. */
    static final long MAX_PADDED_FLOATS = 1L << 19;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;
    private static final Im2colOps OPS = Im2colOps.get();

    private final ConvGeometry g;
    private final int n;
    private final int last;
    private final int[] ext;
    /** Stride along the last dim, and the phase layout of a padded row: step phases of phaseWidth floats. */
    private final int step;
    private final int phaseWidth;
    private final int rowWidth;
    private final long[] pstride;
    private final int plane;
    private final long itemFloats;
    private final int runsPerItem;
    private final int[] tapOffsets;
    private final int slack;

    private ConvWindows(ConvGeometry g) {
        this.g = g;
        this.n = g.n;
        this.last = n - 1;
        this.ext = new int[n];
        this.pstride = new long[n];
        for (int j = 0; j < n; j++) ext[j] = (g.out[j] - 1) * g.stride[j] + (g.kernel[j] - 1) * g.dilation[j] + 1;
        this.step = g.stride[last];
        this.phaseWidth = (ext[last] + step - 1) / step;
        this.rowWidth = step * phaseWidth;
        long st = 1;
        for (int j = last; j >= 0; j--) {
            pstride[j] = st;
            st *= j == last ? rowWidth : ext[j];
        }
        this.plane = (int) Math.min(Integer.MAX_VALUE, st);
        this.itemFloats = st * g.inChannels;
        this.runsPerItem = (int) (g.outSpatial / g.out[last]);
        this.tapOffsets = new int[g.kernelSize];
        int[] k = new int[n];
        for (int t = 0; t < g.kernelSize; t++) {
            Im2col.unflatten(t, g.kernel, k);
            long off = 0;
            for (int j = 0; j < last; j++) off += (long) k[j] * g.dilation[j] * pstride[j];
            int q = k[last] * g.dilation[last]; // padded column of output 0 through this tap
            tapOffsets[t] = (int) (off + (long) (q % step) * phaseWidth + q / step);
        }
        this.slack = WindowGemm.READ_SLACK + g.out[last];
    }

    /** True when this path runs the forward conv of {@code g}: items whose padded copy fits an int-indexed array. */
    static boolean applies(ConvGeometry g) {
        long planeFloats = 1;
        for (int j = 0; j < g.n; j++) {
            long e = (long) (g.out[j] - 1) * g.stride[j] + (long) (g.kernel[j] - 1) * g.dilation[j] + 1;
            planeFloats *= j == g.n - 1 ? (e + g.stride[j] - 1) / g.stride[j] * g.stride[j] : e;
        }
        return planeFloats * g.inChannels < Integer.MAX_VALUE / 2;
    }

    /**
     * y (contiguous native, at element yOff) = conv(x, w) + bias for contiguous x (at element
     * xOff) and contiguous w (T, C/groups, K..) at element wOff.
     */
    static void forward(ConvGeometry g, MemorySegment x, long xOff, MemorySegment w, long wOff, float[] bias,
                        MemorySegment y, long yOff) {
        new ConvWindows(g).run(x, xOff, w, wOff, bias, y, yOff);
    }

    private void run(MemorySegment x, long xOff, MemorySegment w, long wOff, float[] bias, MemorySegment y, long yOff) {
        float[][] wr = new float[g.groups][];
        for (int grp = 0; grp < g.groups; grp++) wr[grp] = reorderWeight(w, wOff, grp);
        int chunk = (int) Math.max(1, Math.min(g.batch, MAX_PADDED_FLOATS / itemFloats));
        float[] padded = DenseConvBuffers.take(chunk * itemFloats + slack);
        try {
            Arrays.fill(padded, (int) (chunk * itemFloats), (int) (chunk * itemFloats + slack), 0f);
            for (int b0 = 0; b0 < g.batch; b0 += chunk) {
                int items = Math.min(chunk, g.batch - b0);
                WindowGemm.Prologue pad = pad(x, xOff, b0, items, padded, b0 == 0);
                for (int grp = 0; grp < g.groups; grp++) {
                    int[] origins = runOrigins(items, grp);
                    int first = b0, group = grp;
                    // the first group's GEMM threads make the padded copy (one parallel region per chunk)
                    WindowGemm.multiply(g.tg, MemorySegment.ofArray(wr[grp]), 0, (long) g.kernelSize * g.cg, 1,
                            padded, tapOffsets, g.cg, plane, origins, g.out[last],
                            id -> sink(new OutputTiles(g, y, yOff, group, bias), (long) first * g.outSpatial), grp == 0 ? pad : null);
                }
            }
        } finally {
            DenseConvBuffers.give(padded);
        }
    }

    /** The tile sink of a chunk whose first batch item is at column {@code firstColumn} of the whole output. */
    private static WindowGemm.TileSink sink(OutputTiles out, long firstColumn) {
        return (row0, rows, col0, width, tile, off, pitch) -> out.store(row0, rows, firstColumn + col0, width, tile, off, pitch);
    }

    /** w_g (T/groups, C/groups, ∏K) → (T/groups, ∏K, C/groups): the tap-major k order of the windows. */
    private float[] reorderWeight(MemorySegment w, long wOff, int grp) {
        int taps = g.kernelSize, cg = g.cg;
        float[] src = new float[g.tg * cg * taps];
        MemorySegment.copy(w, F32, (wOff + (long) grp * src.length) << 2, src, 0, src.length);
        float[] dst = new float[src.length];
        int to = 0;
        for (int t = 0; t < g.tg; t++) {
            int row = t * cg * taps;
            for (int tap = 0; tap < taps; tap++) {
                for (int c = 0, from = row + tap; c < cg; c++, from += taps) dst[to++] = src[from];
            }
        }
        return dst;
    }

    /**
     * The padded copies of items [b0, b0 + items) into {@code padded}: one job per (item, channel).
     * The first chunk ({@code clear}) zeroes each plane first; with stride 1 along the last dim
     * every later chunk writes the same interior cells, so the padding stays zero and only the
     * input rows are copied.
     */
    private WindowGemm.Prologue pad(MemorySegment x, long xOff, int b0, int items, float[] padded, boolean clear) {
        int channels = g.inChannels;
        return new WindowGemm.Prologue(items * channels, ic -> {
            long src = xOff + ((long) (b0 + ic / channels) * channels + ic % channels) * g.inSpatial;
            int dst = (int) ((long) ic * plane);
            if (clear && step == 1) Arrays.fill(padded, dst, dst + plane, 0f);
            padPlane(x, src, padded, dst, new int[n]);
        });
    }

    /**
     * One channel: every padded row gets its input row when inside the input (stride 1 along the
     * last dim: the zeros around it are already there), or its zeros and phases (stride &gt; 1);
     * with a stride s along the last dim the row is stored as s phases (padded column q at
     * {@code (q mod s)·phaseWidth + q div s}).
     */
    private void padPlane(MemorySegment x, long src, float[] padded, int dst, int[] q) {
        int width = ext[last];
        int padL = g.padBefore[last];
        int copy = Math.max(0, Math.min(g.in[last], width - padL));
        int rows = plane / rowWidth;
        float[] line = step == 1 ? null : new float[copy];
        Arrays.fill(q, 0);
        for (int r = 0; r < rows; r++) {
            int row = dst + r * rowWidth;
            long input = 0;
            boolean inside = true;
            for (int j = 0; j < last; j++) {
                int i = q[j] - g.padBefore[j];
                inside &= i >= 0 && i < g.in[j];
                input = input * g.in[j] + i;
            }
            if (!inside || copy == 0) {
                if (step != 1) Arrays.fill(padded, row, row + rowWidth, 0f);
            } else if (step == 1) { // the zeros around the row are there since the first chunk
                OPS.copyRows(x, src + input * g.in[last], 0, 1, copy, padded, row + padL, 0);
            } else {
                Arrays.fill(padded, row, row + rowWidth, 0f);
                MemorySegment.copy(x, F32, (src + input * g.in[last]) << 2, line, 0, copy);
                for (int phase = 0; phase < step; phase++) {
                    // padded column idx·step + phase holds input column idx·step + phase − padL
                    int first = Math.max(0, (padL - phase + step - 1) / step);
                    int to = row + phase * phaseWidth;
                    for (int idx = first, i = first * step + phase - padL; idx < phaseWidth && i < copy; idx++, i += step) {
                        padded[to + idx] = line[i];
                    }
                }
            }
            for (int j = last - 1; j >= 0; j--) {
                if (++q[j] < ext[j]) break;
                q[j] = 0;
            }
        }
    }

    /** Start of each run in the padded chunk, item-major then outer output index. */
    private int[] runOrigins(int items, int grp) {
        int[] origins = new int[items * runsPerItem];
        int outerDims = n - 1;
        int[] o = new int[Math.max(1, outerDims)];
        for (int i = 0; i < items; i++) {
            long base = i * itemFloats + (long) grp * g.cg * plane;
            Arrays.fill(o, 0);
            for (int r = 0; r < runsPerItem; r++) {
                long off = base;
                for (int j = 0; j < outerDims; j++) off += (long) o[j] * g.stride[j] * pstride[j];
                origins[i * runsPerItem + r] = (int) off;
                for (int j = outerDims - 1; j >= 0; j--) {
                    if (++o[j] < g.out[j]) break;
                    o[j] = 0;
                }
            }
        }
        return origins;
    }
}
