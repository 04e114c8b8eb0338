package dev.tenfold.conv;

import java.lang.foreign.MemorySegment;

/**
 * Writes finished GEMM tiles of a forward conv into the output: tile rows are output channels
 * of one group, tile columns are (batch item, output position) in row-major order, so a tile is
 * at most a few contiguous pieces per channel (it splits only where a batch item ends). Shared
 * by {@link ConvWindows} and {@link ConvColumns}; one instance per thread.
 */
final class OutputTiles {
    private final Im2colOps ops = Im2colOps.get();
    private final MemorySegment y;
    private final long yGroup;
    private final long positions;
    private final long itemStride;
    private final float[] bias;
    private final int biasOffset;

    /**
     * @param y    native output (B, T, O..) whose element {@code yOff} is (item 0, channel 0, position 0)
     * @param bias bias of all T channels, or null
     */
    OutputTiles(ConvGeometry g, MemorySegment y, long yOff, int group, float[] bias) {
        this.y = y;
        this.positions = g.outSpatial;
        this.itemStride = (long) g.outChannels * positions;
        this.yGroup = yOff + (long) group * g.tg * positions;
        this.bias = bias;
        this.biasOffset = group * g.tg;
    }

    /**
     * {@code y[item, group·T/groups + row0 + r, pos] = tile[off + r·pitch + j] + bias} for r &lt;
     * rows, j &lt; width, where (item, pos) = divmod(col0 + j, ∏O).
     */
    void store(int row0, int rows, long col0, int width, float[] tile, int off, int pitch) {
        for (int j = 0; j < width; ) {
            long col = col0 + j;
            long item = col / positions;
            long pos = col - item * positions;
            int len = (int) Math.min(width - j, positions - pos);
            long to = yGroup + item * itemStride + row0 * positions + pos;
            ops.storeRows(tile, off + j, pitch, rows, len, bias, biasOffset + row0, y, to, positions);
            j += len;
        }
    }
}
