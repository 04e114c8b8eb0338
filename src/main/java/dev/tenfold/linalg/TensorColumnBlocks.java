package dev.tenfold.linalg;

import dev.tenfold.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@link ColumnBlockSource} over a float32 tensor of rank ≥ 2 seen as a matrix: rows are axis 0,
 * columns enumerate the remaining axes in row-major order (so a view
 * {@code x.permute(n, others…)} reads as the mode-n unfolding). Any strides; nothing is copied
 * except the requested block. Runs along the last axis with stride 1 are bulk-copied.
 */
final class TensorColumnBlocks implements ColumnBlockSource {
    private final MemorySegment segment;
    private final long offset;
    private final long rowStride;
    private final int rows;
    private final long cols;
    private final int[] dims;     // trailing dims (axes 1..)
    private final long[] strides; // trailing strides
    private float[] scratch = new float[0];

    TensorColumnBlocks(Tensor x) {
        this.segment = x.segment();
        this.offset = x.offset();
        long[] st = x.strides();
        int[] d = x.dims();
        this.rowStride = st[0];
        this.rows = d[0];
        this.dims = java.util.Arrays.copyOfRange(d, 1, d.length);
        this.strides = java.util.Arrays.copyOfRange(st, 1, st.length);
        long c = 1;
        for (int v : dims) c *= v;
        this.cols = c;
    }

    int rows() { return rows; }

    long cols() { return cols; }

    @Override
    public void read(long col0, int width, double[] dst) {
        // The column → element-offset map is the same for every row: build its runs once.
        int last = dims.length - 1;
        int[] idx = new int[dims.length];
        long rem = col0;
        for (int t = last; t >= 0; t--) {
            idx[t] = (int) (rem % dims[t]);
            rem /= dims[t];
        }
        int maxRuns = width / dims[last] + 2;
        long[] runStart = new long[maxRuns];
        int[] runLen = new int[maxRuns];
        int runs = 0;
        for (int c = 0; c < width; ) {
            long pos = 0;
            for (int t = 0; t <= last; t++) pos += idx[t] * strides[t];
            int len = Math.min(dims[last] - idx[last], width - c);
            runStart[runs] = pos;
            runLen[runs++] = len;
            c += len;
            idx[last] += len;
            for (int t = last; t > 0 && idx[t] == dims[t]; t--) {
                idx[t] = 0;
                idx[t - 1]++;
            }
        }
        long step = strides[last];
        if (step == 1 && scratch.length < width) scratch = new float[width];
        for (int i = 0; i < rows; i++) {
            long base = offset + i * rowStride;
            int o = i * width;
            for (int r = 0; r < runs; r++) {
                long p = base + runStart[r];
                int len = runLen[r];
                if (step == 1) {
                    MemorySegment.copy(segment, ValueLayout.JAVA_FLOAT, p * Float.BYTES, scratch, 0, len);
                    for (int k = 0; k < len; k++) dst[o + k] = scratch[k];
                } else {
                    for (int k = 0; k < len; k++) dst[o + k] = segment.getAtIndex(ValueLayout.JAVA_FLOAT, p + k * step);
                }
                o += len;
            }
        }
    }
}
