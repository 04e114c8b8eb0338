package dev.tenfold.linalg;

import static dev.tenfold.linalg.MicroKernels.F;
import static dev.tenfold.linalg.MicroKernels.L;
import static dev.tenfold.linalg.MicroKernels.NR;

import java.util.function.IntFunction;
import jdk.incubator.vector.FloatVector;

/**
 * {@link WindowGemm} on the {@link GemmStreamed} driver (Vector API engine). A column strip is
 * cut once into segments (the pieces of the runs it covers: a strip of 32 columns over 16-wide
 * runs is two segments); then each packed k row is one whole-vector copy per segment from
 * {@code src}. The packed strip is shared by every row panel of A from L1. (Reading the windows
 * in place from the kernel instead made every row panel re-read them from L2: two thirds of the
 * speed.)
 *
 * <p>A segment's copy writes whole vectors, so it may spill up to a vector past its end: into
 * the next segment (written after it), the next row (written after it) or the strip's slack.
 */
final class WindowStream implements StreamedGemm.Stream {
    private final WindowGemm.Windows b;
    private final WindowGemm.TileSink sink;
    private long stripCol0 = -1;
    private int stripWidth;
    private int segments;
    private final int[] segDst;
    private final int[] segSrc;
    private final int[] segLen;
    /** Offset of B row k from a column's window start: tapOffsets[k / depth] + (k % depth)·pitch. */
    private final int[] rowOffsets;

    private WindowStream(WindowGemm.Windows b, WindowGemm.TileSink sink, int[] rowOffsets) {
        this.b = b;
        this.sink = sink;
        this.rowOffsets = rowOffsets;
        int max = StreamedGemm.maxStripWidth();
        this.segDst = new int[max];
        this.segSrc = new int[max];
        this.segLen = new int[max];
    }

    static void run(int m, int k, GemmOperand a, WindowGemm.Windows b, IntFunction<? extends WindowGemm.TileSink> sinks,
                    int threads) {
        int[] rows = new int[k];
        for (int p = 0; p < k; p++) rows[p] = b.tapOffsets()[p / b.depth()] + (p % b.depth()) * b.pitch();
        GemmStreamed.run(m, (long) b.runLength() * b.runs(), k, a, id -> new WindowStream(b, sinks.apply(id), rows), threads,
                b.prologue());
    }

    @Override
    public void packColumns(long col0, int width, int k0, int kc, float[] dst, int off, int pitch) {
        if (col0 != stripCol0 || width != stripWidth) plan(col0, width);
        float[] src = b.src();
        int[] rows = rowOffsets;
        // The common shapes get straight-line loops (a third faster than the general one).
        if (segments == 1 && pitch == NR && segLen[0] > L) {
            int s0 = segSrc[0];
            for (int p = 0; p < kc; p++) {
                int from = s0 + rows[k0 + p], to = off + p * NR;
                FloatVector.fromArray(F, src, from).intoArray(dst, to);
                FloatVector.fromArray(F, src, from + L).intoArray(dst, to + L);
            }
        } else if (segments == 2 && pitch == NR) {
            int s0 = segSrc[0], s1 = segSrc[1], d1 = segDst[1];
            boolean wide0 = segLen[0] > L, wide1 = segLen[1] > L;
            for (int p = 0; p < kc; p++) {
                int base = rows[k0 + p], to = off + p * NR;
                FloatVector.fromArray(F, src, s0 + base).intoArray(dst, to);
                if (wide0) FloatVector.fromArray(F, src, s0 + base + L).intoArray(dst, to + L);
                FloatVector.fromArray(F, src, s1 + base).intoArray(dst, to + d1);
                if (wide1) FloatVector.fromArray(F, src, s1 + base + L).intoArray(dst, to + d1 + L);
            }
        } else {
            for (int p = 0; p < kc; p++) {
                int base = rows[k0 + p], row = off + p * pitch;
                for (int s = 0; s < segments; s++) {
                    int from = segSrc[s] + base, to = row + segDst[s];
                    for (int e = 0, len = segLen[s]; e < len; e += L) {
                        FloatVector.fromArray(F, src, from + e).intoArray(dst, to + e);
                    }
                }
            }
        }
    }

    /** Cuts columns [col0, col0 + width) into pieces of runs. */
    private void plan(long col0, int width) {
        stripCol0 = col0;
        stripWidth = width;
        int runLength = b.runLength();
        int run = (int) (col0 / runLength);
        int at = (int) (col0 - (long) run * runLength);
        segments = 0;
        for (int d = 0; d < width; ) {
            int len = Math.min(runLength - at, width - d);
            segDst[segments] = d;
            segSrc[segments] = b.runOrigins()[run] + at;
            segLen[segments++] = len;
            d += len;
            run++;
            at = 0;
        }
    }

    @Override
    public void storeTile(int row0, int rows, long col0, int width, float[] tile, int off, int pitch) {
        sink.storeTile(row0, rows, col0, width, tile, off, pitch);
    }
}
