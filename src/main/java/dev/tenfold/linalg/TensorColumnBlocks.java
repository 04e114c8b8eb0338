package dev.tenfold.linalg;

import dev.tenfold.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@link ColumnBlockSource} over a float32 tensor of rank ≥ 2 seen as a matrix: rows are axis 0,
 * columns enumerate the remaining axes in row-major order (so a view
 * {@code x.permute(n, others…)} reads as the mode-n unfolding). Any strides; nothing is copied
 * except the requested block. Runs along the last axis with stride 1 are bulk-copied; when
 * instead the rows are contiguous (row stride 1, e.g. a transposed view or the unfolding along
 * the last mode), each column is bulk-copied. {@link #read} keeps no state between calls, so
 * threads may read disjoint blocks at once (the parallel Gram of {@link LeadingSingularVectors}).
 */
final class TensorColumnBlocks implements ColumnBlockSource {
    private final MemorySegment segment;
    private final long offset;
    private final long rowStride;
    private final int rows;
    private final long cols;
    private final int[] dims;     // trailing dims (axes 1..)
    private final long[] strides; // trailing strides

    TensorColumnBlocks(Tensor x) {
        this.segment = x.segment();
        this.offset = x.offset();
        long[] st = x.strides();
        int[] d = x.dims();
        this.rowStride = st[0];
        this.rows = d[0];
        // trailing axes without size-1 axes, merged where contiguous across: longer runs, same order
        int[] td = new int[d.length - 1];
        long[] ts = new long[d.length - 1];
        int m = 0;
        long c = 1;
        for (int t = 1; t < d.length; t++) {
            c *= d[t];
            if (d[t] == 1) continue;
            if (m > 0 && ts[m - 1] == st[t] * d[t] && (long) td[m - 1] * d[t] <= Integer.MAX_VALUE) {
                td[m - 1] *= d[t];
                ts[m - 1] = st[t];
            } else {
                td[m] = d[t];
                ts[m++] = st[t];
            }
        }
        if (m == 0) {
            td[0] = 1;
            ts[0] = 1;
            m = 1;
        }
        this.dims = java.util.Arrays.copyOf(td, m);
        this.strides = java.util.Arrays.copyOf(ts, m);
        this.cols = c;
    }

    int rows() { return rows; }

    long cols() { return cols; }

    /** True: {@link #read} keeps no state between calls. */
    @Override
    public boolean concurrentReads() {
        return true;
    }

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
        if (step == 1) { // rows of the block are runs of contiguous floats
            float[] scratch = new float[width];
            for (int i = 0; i < rows; i++) {
                long base = offset + i * rowStride;
                int o = i * width;
                for (int r = 0; r < runs; r++) {
                    int len = runLen[r];
                    MemorySegment.copy(segment, ValueLayout.JAVA_FLOAT, (base + runStart[r]) * Float.BYTES, scratch, 0, len);
                    for (int k = 0; k < len; k++) dst[o + k] = scratch[k];
                    o += len;
                }
            }
        } else if (rowStride == 1 && rows > 1) { // columns are contiguous (e.g. a transposed view)
            float[] scratch = new float[rows];
            int c = 0;
            for (int r = 0; r < runs; r++) {
                for (int k = 0; k < runLen[r]; k++, c++) {
                    long col = offset + runStart[r] + k * step;
                    MemorySegment.copy(segment, ValueLayout.JAVA_FLOAT, col * Float.BYTES, scratch, 0, rows);
                    for (int i = 0; i < rows; i++) dst[i * width + c] = scratch[i];
                }
            }
        } else {
            for (int i = 0; i < rows; i++) {
                long base = offset + i * rowStride;
                int o = i * width;
                for (int r = 0; r < runs; r++) {
                    long p = base + runStart[r];
                    for (int k = 0; k < runLen[r]; k++) dst[o + k] = segment.getAtIndex(ValueLayout.JAVA_FLOAT, p + k * step);
                    o += runLen[r];
                }
            }
        }
    }
}
