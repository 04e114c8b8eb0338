package dev.tenfold.conv;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Blocked im2col / col2im for the backward passes ({@link DenseConv#backwardWeight},
 * strided {@link DenseConv#backwardInput}; the forward pass streams its columns instead, see
 * {@link ConvWindows} and {@link ConvColumns}) for one {@link ConvGeometry} and one channel group: the
 * column matrix {@code cols} (C/groups·∏K rows × {@link #columns()} columns, row-major) is built
 * for one block of consecutive output positions at a time, so the workspace stays bounded
 * whatever the volume size. Row {@code c·∏K + kf} of {@code cols} holds the input values that
 * kernel tap kf of channel c meets at each output position of the block (zero in the padding);
 * this is the row order of the weight (T, C/groups, K..) flattened to (T, C/groups·∏K).
 *
 * <p>How a block is built: per channel, the part of the input the block reads (a slab of rows
 * of dim 0, all of the other dims, zero-padded) is copied once into a heap slab, one bulk copy
 * per input row. Each cols row is then a few long {@code System.arraycopy}s from the slab: no
 * per-element index math, no bound checks. col2im is the reverse: scatter-add the runs into a
 * zeroed slab, then add the slab's interior rows into dx (both through {@link Im2colOps}).
 *
 * <p><b>Widened rows.</b> With stride 1 along the last dim (and N ≥ 2) every output row is
 * widened to the slab row width W = O_last + dilation·(K_last − 1): the block's columns are
 * (output row, 0..W-1), and the W − O_last extra columns per row are junk the caller feeds zeros ({@link #expand}). Then each cols row of a dim-0 slice is
 * ONE contiguous slab range, instead of one short copy per output row (16 floats for a 16³
 * volume), at the price of W/O_last more GEMM columns. Otherwise (N = 1, or a strided last
 * dim) the columns are the exact output positions ({@link #widened()} false).
 *
 * <p>Workspace: {@code cols} (about {@link #DEFAULT_BUDGET_FLOATS}·W/O_last floats; at least
 * {@link #MIN_COLUMNS} positions while that stays under {@link #MAX_FLOATS}, at least one output
 * row) plus one channel's slab (the dim-0 rows a block touches × the padded extent of
 * the other dims), both taken from {@link DenseConvBuffers} and given back by {@link #close()}.
 * Not thread-safe: one instance per call.
 */
final class Im2col implements AutoCloseable {
    /** Default size of the column buffer, in floats (2 MiB): GEMMs of ~500-1000 columns run near peak. */
    static final int DEFAULT_BUDGET_FLOATS = 1 << 19;
    /** Columns a block gets even when C/groups·∏K is large, unless that passes {@link #MAX_FLOATS}. */
    private static final int MIN_COLUMNS = 512;
    /** Hard bound on the column buffer, in floats (8 MiB). */
    private static final int MAX_FLOATS = 1 << 21;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

    private final ConvGeometry g;
    private final int n;
    private final int last;
    private final Im2colOps ops = Im2colOps.get();
    private final boolean widened;
    /** Output row length O_last and, when widened, the column count per output row W. */
    private final int outRow;
    private final int rowWidth;
    /** Maximum output positions per block (a multiple of O_last when widened). */
    final int blockPositions;
    private final int blocks;
    private final int positionsPerDim0;
    /** Slab strides (row-major over the padded extents); stride 0 spans all dims ≥ 1. */
    private final int[] slabStrides;
    private final int[] slabExtent;
    /** Per kernel tap kf: slab offset Σ k_j·d_j·slabStride_j. */
    private final int[] tapOffsets;
    private final int lastStride;
    /** Zeroed floats after the slab that widened junk columns may read. */
    private final int slack;

    private final float[] cols;
    private final int maxColumns;
    private final MemorySegment colsSegment;
    private float[] slab = new float[0];

    // ---- state of the current block
    private int blockStart;
    private int blockLength;
    private int columns;
    private int slabLength;
    private final int[] runDst;
    private final int[] runSrc;
    private final int[] runLen;
    private int runCount;
    private int[] rowSlab = new int[16];
    private int[] rowInput = new int[16];
    private int[] rowLen = new int[16];
    private int rowCount;

    /**
     * @param maxBlockPositions upper bound on output positions per block (≥ 1; rounded up to
     *                          one output row when widened); use
     *                          {@link #defaultBlockPositions(ConvGeometry)} outside tests
     */
    Im2col(ConvGeometry g, int maxBlockPositions) {
        this.g = g;
        this.n = g.n;
        this.last = n - 1;
        int positions = (int) g.outSpatial;
        this.positionsPerDim0 = positions / g.out[0];
        this.slabExtent = new int[n];
        for (int j = 0; j < n; j++) slabExtent[j] = (g.out[j] - 1) * g.stride[j] + (g.kernel[j] - 1) * g.dilation[j] + 1;
        this.outRow = g.out[last];
        this.lastStride = g.stride[last];
        this.widened = n >= 2 && lastStride == 1 && slabExtent[last] > outRow;
        this.rowWidth = widened ? slabExtent[last] : outRow;
        this.slack = widened ? rowWidth : 0;
        this.blockPositions = roundBlock(Math.max(1, Math.min(maxBlockPositions, positions)), positions);
        this.blocks = (positions + blockPositions - 1) / blockPositions;
        this.slabStrides = new int[n];
        int st = 1;
        for (int j = last; j >= 0; j--) {
            slabStrides[j] = st;
            st = Math.multiplyExact(st, slabExtent[j]);
        }
        this.tapOffsets = new int[g.kernelSize];
        int[] k = new int[n];
        for (int kf = 0; kf < g.kernelSize; kf++) {
            unflatten(kf, g.kernel, k);
            int off = 0;
            for (int j = 0; j < n; j++) off += k[j] * g.dilation[j] * slabStrides[j];
            tapOffsets[kf] = off;
        }
        this.maxColumns = widened ? blockPositions / outRow * rowWidth : blockPositions;
        this.cols = DenseConvBuffers.take((long) g.ck * maxColumns);
        this.colsSegment = MemorySegment.ofArray(cols);
        this.runDst = new int[blockPositions];
        this.runSrc = new int[blockPositions];
        this.runLen = new int[blockPositions];
    }

    /**
     * Positions per block: the column buffer holds about {@link #DEFAULT_BUDGET_FLOATS} floats,
     * but a block has at least {@link #MIN_COLUMNS} positions while it stays under {@link #MAX_FLOATS}.
     */
    static int defaultBlockPositions(ConvGeometry g) {
        int byBudget = DEFAULT_BUDGET_FLOATS / g.ck;
        int byMinimum = Math.min(MIN_COLUMNS, MAX_FLOATS / g.ck);
        return Math.max(1, Math.max(byBudget, byMinimum));
    }

    /**
     * Rounds a block to whole dim-0 slices or whole output rows when it spans several (always
     * whole rows, at least one, when widened).
     */
    private int roundBlock(int np, int positions) {
        if (widened && np < outRow) return outRow;
        if (np >= positions || n == 1) return np;
        if (np >= positionsPerDim0) return np - np % positionsPerDim0;
        return np >= outRow ? np - np % outRow : np;
    }

    /** Number of blocks covering all output positions. */
    int blockCount() { return blocks; }

    /** First output position (flat over O_0..O_{N-1}) of the current block. */
    int blockStart() { return blockStart; }

    /** Output positions in the current block. */
    int blockLength() { return blockLength; }

    /** Columns of the current block's cols matrix (its row stride): blockLength, or rows·W when widened. */
    int columns() { return columns; }

    /** True when the columns are widened output rows (see the class comment). */
    boolean widened() { return widened; }

    /** Largest {@link #columns()} of any block. */
    int maxColumns() { return maxColumns; }

    /** Gives the workspaces back to {@link DenseConvBuffers}; the instance is unusable afterwards. */
    @Override
    public void close() {
        DenseConvBuffers.give(cols, slab);
        slab = null;
    }

    /** The column buffer (heap-backed segment, any thread may read it). */
    MemorySegment colsSegment() { return colsSegment; }

    /**
     * Makes block {@code index} current: computes its output runs and the input rows its slab
     * needs, and zeroes the slab.
     */
    void setBlock(int index) {
        int positions = (int) g.outSpatial;
        blockStart = index * blockPositions;
        blockLength = Math.min(blockPositions, positions - blockStart);
        columns = widened ? blockLength / outRow * rowWidth : blockLength;
        int firstDim0 = blockStart / positionsPerDim0;
        int lastDim0 = (blockStart + blockLength - 1) / positionsPerDim0;
        int lo0 = firstDim0 * g.stride[0];
        int rows0 = lastDim0 * g.stride[0] + (g.kernel[0] - 1) * g.dilation[0] + 1 - lo0;
        slabLength = Math.multiplyExact(rows0, slabStrides[0]);
        if (slab.length < slabLength + slack) {
            DenseConvBuffers.give(slab);
            slab = DenseConvBuffers.take(slabLength + slack);
        }
        Arrays.fill(slab, 0, slabLength + slack, 0f);
        planRuns(lo0);
        planRows(lo0, rows0);
    }

    /**
     * Runs of the block: output positions along the last dim (whole widened rows when widened),
     * with their slab offset for tap 0 and their column; runs that continue each other in both
     * the slab and the columns are merged.
     */
    private void planRuns(int lo0) {
        int[] o = new int[n];
        unflatten(blockStart, g.out, o);
        int end = blockStart + blockLength;
        runCount = 0;
        int column = 0;
        for (int p = blockStart; p < end; ) {
            int len = Math.min(outRow - o[last], end - p);
            int src = -lo0 * slabStrides[0];
            for (int j = 0; j < n; j++) src += o[j] * g.stride[j] * slabStrides[j];
            int width = widened ? rowWidth : len;
            int prev = runCount - 1;
            if (prev >= 0 && runSrc[prev] + runLen[prev] == src && runDst[prev] + runLen[prev] == column && lastStride == 1) {
                runLen[prev] += width;
            } else {
                runDst[runCount] = column;
                runSrc[runCount] = src;
                runLen[runCount] = width;
                runCount++;
            }
            column += width;
            p += len;
            o[last] += len;
            for (int j = last; j > 0 && o[j] == g.out[j]; j--) {
                o[j] = 0;
                o[j - 1]++;
            }
        }
    }

    /** Input rows (along the last dim) that land inside the slab, clipped to the input. */
    private void planRows(int lo0, int rows0) {
        int[] inStrides = new int[n];
        int st = 1;
        for (int j = last; j >= 0; j--) {
            inStrides[j] = st;
            st *= g.in[j];
        }
        int outer = 1;
        int[] extent = slabExtent.clone();
        extent[0] = rows0;
        for (int j = 0; j < last; j++) outer *= extent[j];
        int origin = n == 1 ? lo0 : 0;
        int pad = g.padBefore[last];
        int qStart = Math.max(0, pad - origin);
        int qEnd = Math.min(extent[last], pad - origin + g.in[last]);
        rowCount = 0;
        if (qStart >= qEnd) return;
        int[] q = new int[n];
        for (int r = 0; r < outer; r++) {
            int inputOff = 0;
            int slabOff = 0;
            boolean inside = true;
            for (int j = 0; j < last && inside; j++) {
                int i = (j == 0 ? lo0 : 0) + q[j] - g.padBefore[j];
                inside = i >= 0 && i < g.in[j];
                inputOff += i * inStrides[j];
                slabOff += q[j] * slabStrides[j];
            }
            if (inside) {
                if (rowCount == rowLen.length) growRows();
                rowSlab[rowCount] = slabOff + qStart;
                rowInput[rowCount] = inputOff + origin + qStart - pad;
                rowLen[rowCount] = qEnd - qStart;
                rowCount++;
            }
            for (int j = last - 1; j >= 0; j--) {
                if (++q[j] < extent[j]) break;
                q[j] = 0;
            }
        }
    }

    private void growRows() {
        int cap = rowLen.length * 2;
        rowSlab = Arrays.copyOf(rowSlab, cap);
        rowInput = Arrays.copyOf(rowInput, cap);
        rowLen = Arrays.copyOf(rowLen, cap);
    }

    /**
     * Fills the column buffer for the current block from the channel group starting at element
     * {@code groupOffset} of {@code x} (contiguous (C/groups, D..) channels).
     */
    void gather(MemorySegment x, long groupOffset) {
        int nb = columns;
        for (int c = 0; c < g.cg; c++) {
            long channel = groupOffset + c * g.inSpatial;
            for (int r = 0; r < rowCount; r++) {
                MemorySegment.copy(x, F32, (channel + rowInput[r]) << 2, slab, rowSlab[r], rowLen[r]);
            }
            for (int kf = 0; kf < g.kernelSize; kf++) {
                int tap = tapOffsets[kf];
                int rowBase = (c * g.kernelSize + kf) * nb;
                if (lastStride == 1) {
                    for (int i = 0; i < runCount; i++) {
                        System.arraycopy(slab, tap + runSrc[i], cols, rowBase + runDst[i], runLen[i]);
                    }
                } else {
                    for (int i = 0; i < runCount; i++) {
                        copyStrided(slab, tap + runSrc[i], lastStride, cols, rowBase + runDst[i], runLen[i]);
                    }
                }
            }
        }
    }

    /**
     * Adds the column buffer of the current block into the channel group starting at element
     * {@code groupOffset} of {@code dx} (col2im; taps in the padding are dropped).
     */
    void scatterAdd(MemorySegment dx, long groupOffset) {
        int nb = columns;
        for (int c = 0; c < g.cg; c++) {
            Arrays.fill(slab, 0, slabLength + slack, 0f);
            for (int kf = 0; kf < g.kernelSize; kf++) {
                int tap = tapOffsets[kf];
                int rowBase = (c * g.kernelSize + kf) * nb;
                if (lastStride == 1) {
                    for (int i = 0; i < runCount; i++) {
                        ops.add(cols, rowBase + runDst[i], slab, tap + runSrc[i], runLen[i]);
                    }
                } else {
                    for (int i = 0; i < runCount; i++) {
                        addStrided(cols, rowBase + runDst[i], slab, tap + runSrc[i], lastStride, runLen[i]);
                    }
                }
            }
            long channel = groupOffset + c * g.inSpatial;
            for (int r = 0; r < rowCount; r++) {
                ops.addTo(slab, rowSlab[r], dx, channel + rowInput[r], rowLen[r]);
            }
        }
    }

    /**
     * Output-shaped values → widened block: for each of {@code channels} channels, the block's
     * rows of {@code gy} (at element {@code gyOffset} + channel·∏O + position) are copied into the
     * valid columns of {@code ext} (row stride {@link #columns()}); the junk columns are set to 0.
     */
    void expand(MemorySegment gy, long gyOffset, int channels, float[] ext) {
        int rows = blockLength / outRow;
        for (int t = 0; t < channels; t++) {
            long src = gyOffset + t * g.outSpatial + blockStart;
            int to = t * columns;
            for (int r = 0; r < rows; r++) {
                MemorySegment.copy(gy, F32, (src + (long) r * outRow) << 2, ext, to + r * rowWidth, outRow);
                Arrays.fill(ext, to + r * rowWidth + outRow, to + (r + 1) * rowWidth, 0f);
            }
        }
    }

    private static void copyStrided(float[] src, int from, int step, float[] dst, int to, int len) {
        for (int e = 0; e < len; e++) dst[to + e] = src[from + e * step];
    }

    private static void addStrided(float[] src, int from, float[] dst, int to, int step, int len) {
        for (int e = 0; e < len; e++) dst[to + e * step] += src[from + e];
    }

    static void unflatten(int flat, int[] dims, int[] idx) {
        for (int j = dims.length - 1; j >= 0; j--) {
            idx[j] = flat % dims[j];
            flat /= dims[j];
        }
    }
}
