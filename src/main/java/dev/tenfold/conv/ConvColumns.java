package dev.tenfold.conv;

import dev.tenfold.linalg.StreamedGemm;
import java.lang.foreign.MemorySegment;

/**
 * The im2col matrix of one channel group of a dense convolution, streamed into
 * {@link StreamedGemm} panels, and the sink that writes the product into the output: the forward
 * conv as ONE implicit GEMM per group, {@code y_g (T/groups × B·∏O) = w_g (T/groups ×
 * C/groups·∏K) · cols}, with no column buffer at all.
 *
 * <p>Columns are (batch item, output position) in row-major order; row {@code c·∏K + tap} is input
 * channel c of the group seen through kernel tap {@code tap} (the weight's own row order). For a
 * strip of columns the instance first cuts the columns into <em>segments</em> (runs along one
 * output row: same item and outer coordinates), then, per tap, works out where each segment
 * reads the input: the first valid element, how many leading and trailing entries fall in the
 * padding (zeros), the step along the last dim. Each packed row is then a handful of vector
 * copies ({@link Im2colOps#packStrip}) from the input tensor, whatever N, stride, padding or
 * dilation. The segment table is computed once per strip and reused for every channel and k block.
 *
 * <p>One instance per thread (it keeps the table); the input and output must be native
 * (off-heap) contiguous memory, the output must not overlap the input.
 */
final class ConvColumns implements StreamedGemm.Stream {

    private final ConvGeometry g;
    private final Im2colOps ops = Im2colOps.get();
    private final MemorySegment x;
    private final long xGroup;
    private final long xItem;
    private final OutputTiles out;
    private final int last;
    private final long positions;
    private final int[] inStrides;
    /** Kernel coordinates of tap t along dim j: tapCoord[t·n + j]. */
    private final int[] tapCoord;

    // ---- segment table of the current strip
    private long stripCol0 = -1;
    private int stripWidth;
    private final StripTable table;
    private final long[] segItem;
    private final int[] segOuter; // segOuter[s·n + j] = output coordinate j of segment s (j < n)

    /**
     * @param x        native input, element {@code xOff} is (item 0, channel 0, position 0)
     * @param group    channel group
     * @param y        native output (B, T, O..) at element {@code yOff}
     * @param bias     bias per output channel (all T), or null
     */
    ConvColumns(ConvGeometry g, MemorySegment x, long xOff, int group, MemorySegment y, long yOff, float[] bias) {
        this.g = g;
        int n = g.n;
        this.last = n - 1;
        this.x = x;
        this.xItem = (long) g.inChannels * g.inSpatial;
        this.xGroup = xOff + (long) group * g.cg * g.inSpatial;
        this.positions = g.outSpatial;
        this.out = new OutputTiles(g, y, yOff, group, bias);
        this.inStrides = new int[n];
        int st = 1;
        for (int j = last; j >= 0; j--) {
            inStrides[j] = st;
            st *= g.in[j];
        }
        this.tapCoord = new int[g.kernelSize * n];
        int[] k = new int[n];
        for (int t = 0; t < g.kernelSize; t++) {
            Im2col.unflatten(t, g.kernel, k);
            System.arraycopy(k, 0, tapCoord, t * n, n);
        }
        int maxSegments = StreamedGemm.maxStripWidth();
        this.table = new StripTable(g.kernelSize, maxSegments, g.stride[last]);
        this.segItem = new long[maxSegments];
        this.segOuter = new int[maxSegments * n];
    }

    @Override
    public void packColumns(long col0, int width, int k0, int kc, float[] dst, int off, int pitch) {
        if (col0 != stripCol0 || width != stripWidth) planStrip(col0, width);
        ops.packStrip(x, table, xGroup, g.inSpatial, k0, kc, dst, off, pitch);
    }

    @Override
    public void storeTile(int row0, int rows, long col0, int width, float[] tile, int off, int pitch) {
        out.store(row0, rows, col0, width, tile, off, pitch);
    }

    /** Cuts the strip into output-row segments and fills the (tap, segment) read table. */
    private void planStrip(long col0, int width) {
        stripCol0 = col0;
        stripWidth = width;
        int n = g.n;
        long item = col0 / positions;
        long pos = col0 - item * positions;
        int[] o = new int[n];
        long rem = pos;
        for (int j = last; j >= 0; j--) {
            o[j] = (int) (rem % g.out[j]);
            rem /= g.out[j];
        }
        int segments = 0;
        for (int d = 0; d < width; ) {
            int len = Math.min(g.out[last] - o[last], width - d);
            int s = segments++;
            table.dst[s] = d;
            table.len[s] = len;
            segItem[s] = item;
            System.arraycopy(o, 0, segOuter, s * n, n);
            d += len;
            o[last] += len;
            for (int j = last; j > 0 && o[j] == g.out[j]; j--) {
                o[j] = 0;
                o[j - 1]++;
            }
            if (o[0] == g.out[0]) {
                o[0] = 0;
                item++;
            }
        }
        table.segments = segments;
        for (int t = 0; t < g.kernelSize; t++) {
            for (int s = 0; s < segments; s++) planEntry(t, s);
        }
    }

    /** Where segment s reads the input through tap t (see the class comment). */
    private void planEntry(int t, int s) {
        int n = g.n;
        int e = t * table.maxSegments + s;
        long src = segItem[s] * xItem;
        boolean inside = true;
        for (int j = 0; j < last; j++) {
            int i = segOuter[s * n + j] * g.stride[j] + tapCoord[t * n + j] * g.dilation[j] - g.padBefore[j];
            inside &= i >= 0 && i < g.in[j];
            src += (long) i * inStrides[j];
        }
        int len = table.len[s];
        int step = g.stride[last];
        int x0 = segOuter[s * n + last] * step + tapCoord[t * n + last] * g.dilation[last] - g.padBefore[last];
        // entries e with 0 <= x0 + e·step < D_last are inside the input
        int lead = x0 >= 0 ? 0 : Math.min(len, ceilDiv(-x0, step));
        int end = g.in[last] - x0 <= 0 ? 0 : Math.min(len, ceilDiv(g.in[last] - x0, step));
        int valid = inside ? Math.max(0, end - lead) : 0;
        table.lead[e] = valid == 0 ? 0 : lead;
        table.valid[e] = valid;
        table.src[e] = valid == 0 ? 0 : src + x0 + (long) lead * step;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
