package dev.tenfold.conv;

import dev.tenfold.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.ref.SoftReference;

/**
 * The fused factorized CP forward: all four stages of one output band run on one worker over a
 * cache-resident window, so the rank-R intermediates never leave the worker's cache and the
 * stages need no barriers between them.
 *
 * <p>A job is (batch item b, band of output rows along mode 0). The slab of one rank r is viewed
 * as rows along mode 0 of P = ∏_{n≥1} D_n input (Q = ∏_{n≥1} O_n output) columns. A job walks its
 * band in steps of G output rows (G·Q ≤ the column block). Per step: (1) the input rows the step
 * needs that are not yet in the window are computed — Z = U_Cᵀ·X on their columns (staged
 * column blocks, {@link PointwiseConv#mixInColumns}), then the depthwise passes of modes 1..N−1
 * per rank (on all those rows at once) — and appended to the window (R × rows × Q, rows that
 * later steps no longer need are dropped by moving the rest to the front); (2) the mode-0
 * depthwise pass, one shifted sum per rank over the step's G·Q columns; (3) Y = (U_T·diag λ)·H +
 * bias on those columns ({@link PointwiseConv#mixOutColumns}).
 *
 * <p>The mode-0 pass runs last instead of first (the passes commute; only the rounding differs).
 * Every output element is computed by the same arithmetic whatever the band cut, so results do
 * not depend on the thread count.
 */
final class CpConvFused {
    private final int batch;
    private final int channels;
    private final int rank;
    private final int outChannels;
    private final int inSize;
    private final int outSize;
    private final int d0;
    private final int o0;
    private final int k0;
    private final int s0;
    private final int p0;
    private final int dil0;
    /** Input (P) and output (Q) columns of one mode-0 row. */
    private final int inRow;
    private final int outRow;
    private final int block;
    /** Output rows per step (G), input rows per Z sub-band, window capacity in rows. */
    private final int step;
    private final int subRows;
    private final int cap;
    private final int wc;
    private final int[] weightOffsets;
    private final ConvSpec spec;
    private final int[] inDims;
    private final DepthwiseConv1d.Pass[][] inner;
    private final int chainMax;
    /** Per inner mode: true when its pass runs as one periodic shifted sum (stride 1, same length, short period). */
    private final boolean[] periodic;
    private final int tail;
    /**
     * Per-rank strides of the window and of the H buffer: their rows padded off a multiple of
     * 1 KiB ({@link PointwiseConv#stagedStride}), so the 1×1 tiles' rows do not share L1 sets.
     */
    private final int winStride;
    private final int hStride;

    CpConvFused(ConvSpec spec, int[] inDims, int batch, int rank, int maxBlock) {
        int n = inDims.length;
        int[] out = spec.outputSpatial(inDims);
        int[] k = spec.kernel();
        this.spec = spec;
        this.inDims = inDims.clone();
        this.batch = batch;
        this.channels = spec.inChannels();
        this.rank = rank;
        this.outChannels = spec.outChannels();
        this.d0 = inDims[0];
        this.o0 = out[0];
        this.k0 = k[0];
        this.s0 = spec.stride()[0];
        this.p0 = spec.padBefore()[0];
        this.dil0 = spec.dilation()[0];
        long p = rowSize(inDims);
        long q = rowSize(out);
        this.weightOffsets = new int[n];
        int w = 0;
        for (int i = 0; i < n; i++) {
            weightOffsets[i] = w;
            w += k[i];
        }
        this.wc = w;
        this.block = maxBlock;
        this.step = rowsPerBlock(o0, q, maxBlock);
        this.subRows = rowsPerBlock(d0, p, maxBlock);
        this.cap = Math.min(d0, (step - 1) * s0 + (k0 - 1) * dil0 + 1);
        long win = (long) rank * cap * q;
        long zb = (long) rank * subRows * p;
        if (win + 32L * rank > Integer.MAX_VALUE - 16 || zb + 32L * rank > Integer.MAX_VALUE - 16 || (long) rank * (step * q + 32) > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("CP conv: a window of R·rows·columns = " + rank + "·" + cap + "·" + q
                    + " floats exceeds a heap buffer for input spatial sizes " + java.util.Arrays.toString(inDims));
        }
        this.inRow = (int) p;
        this.outRow = (int) q;
        this.inSize = Math.multiplyExact(d0, inRow);
        this.winStride = PointwiseConv.stagedStride(cap * outRow);
        this.hStride = PointwiseConv.stagedStride(step * outRow);
        this.outSize = Math.multiplyExact(o0, outRow);
        this.inner = new DepthwiseConv1d.Pass[subRows + 1][];
        int max = 0;
        for (int g = 1; g <= subRows; g++) {
            inner[g] = innerPasses(g);
            for (DepthwiseConv1d.Pass ps : inner[g]) max = Math.max(max, Math.max(ps.inSize(), ps.outSize()));
        }
        this.chainMax = max;
        this.tail = DepthwiseConv1d.get().kernels().patternTail();
        this.periodic = new boolean[n];
        for (int m = 1; m < n; m++) {
            DepthwiseConv1d.Pass ps = inner[1][m - 1];
            periodic[m] = ps.stride() == 1 && ps.outLen() == ps.inLen() && (long) ps.inLen() * ps.inner() <= MAX_PERIOD;
        }
    }

    /** Floats of one mode-0 row of a slab with these spatial sizes: ∏_{n≥1} dims[n] (1 for N = 1). */
    static long rowSize(int[] dims) {
        long s = 1;
        for (int i = 1; i < dims.length; i++) s *= dims[i];
        return s;
    }

    /** Longest period (len·inner floats) of an inner pass run as one periodic shifted sum. */
    private static final int MAX_PERIOD = 4096;

    /**
     * The tap patterns of inner mode m for every rank: {@code pat[r][t·(period + tail) + j]} = weight
     * t of rank r where the tap stays inside the mode at column j mod period, else 0.
     */
    private float[][] patterns(int m, float[] taps) {
        DepthwiseConv1d.Pass ps = inner[1][m - 1];
        int period = ps.inLen() * ps.inner();
        int stride = period + tail;
        int len = ps.inLen();
        int in = ps.inner();
        float[][] pat = new float[rank][ps.k() * stride];
        for (int r = 0; r < rank; r++) {
            float[] p = pat[r];
            for (int t = 0; t < ps.k(); t++) {
                int shift = t * ps.dilation() - ps.pad();
                float w = taps[r * wc + weightOffsets[m] + t];
                int base = t * stride;
                // Rows i of the mode whose tap i + shift stays inside [0, len) get the weight.
                int from = Math.min(len, Math.max(0, -shift));
                int to = Math.max(from, Math.min(len, len - shift));
                java.util.Arrays.fill(p, base + from * in, base + to * in, w);
                for (int j = period; j < stride; j += period) {
                    System.arraycopy(p, base, p, base + j, Math.min(period, stride - j));
                }
            }
        }
        return pat;
    }

    /**
     * Rows of {@code cols} columns per block of at most {@code maxBlock} columns (at least 1, at
     * most {@code rows}); a count giving a multiple of 64 columns (whole vector tiles in the 1×1
     * kernels) is preferred when one at least half as large exists.
     */
    static int rowsPerBlock(int rows, long cols, int maxBlock) {
        int most = (int) Math.max(1, Math.min(rows, maxBlock / cols));
        for (int g = most; 2 * g >= most; g--) {
            if (g * cols % 64 == 0) return g;
        }
        return most;
    }

    /** The depthwise passes of modes 1..N−1 on g consecutive mode-0 rows of one rank. */
    private DepthwiseConv1d.Pass[] innerPasses(int g) {
        int n = inDims.length;
        int[] out = spec.outputSpatial(inDims);
        int[] cur = inDims.clone();
        cur[0] = g;
        DepthwiseConv1d.Pass[] ps = new DepthwiseConv1d.Pass[n - 1];
        for (int m = 1; m < n; m++) {
            int outer = 1;
            for (int i = 0; i < m; i++) outer *= cur[i];
            int in = 1;
            for (int i = m + 1; i < n; i++) in *= cur[i];
            ps[m - 1] = new DepthwiseConv1d.Pass(outer, cur[m], out[m], in, spec.kernel()[m], spec.stride()[m],
                    spec.padBefore()[m], spec.dilation()[m]);
            cur[m] = out[m];
        }
        return ps;
    }

    /** The tap patterns of the last call: (geometry signature, taps) → patterns; never modified once published. */
    private record Patterns(int[] signature, float[] taps, float[][][] pats) { }

    private static volatile Patterns lastPatterns;

    /** The patterns of every periodic inner mode, reused from the previous call when its geometry and taps are the same. */
    private float[][][] cachedPatterns(float[] taps) {
        int[] sig = new int[3 + 7 * periodic.length];
        sig[0] = rank;
        sig[1] = tail;
        sig[2] = wc;
        for (int mm = 1; mm < periodic.length; mm++) {
            if (!periodic[mm]) continue;
            DepthwiseConv1d.Pass ps = inner[1][mm - 1];
            int at = 3 + 7 * mm;
            sig[at] = 1;
            sig[at + 1] = ps.inLen();
            sig[at + 2] = ps.inner();
            sig[at + 3] = ps.k();
            sig[at + 4] = ps.dilation();
            sig[at + 5] = ps.pad();
            sig[at + 6] = weightOffsets[mm];
        }
        Patterns last = lastPatterns;
        if (last != null && java.util.Arrays.equals(last.signature(), sig) && java.util.Arrays.equals(last.taps(), taps)) {
            return last.pats();
        }
        float[][][] pats = new float[periodic.length][][];
        for (int mm = 1; mm < periodic.length; mm++) if (periodic[mm]) pats[mm] = patterns(mm, taps);
        lastPatterns = new Patterns(sig, taps.clone(), pats);
        return pats;
    }

    /** Per-worker buffers, kept per thread between calls (grown when a call needs more). */
    private static final class Work {
        float[] window = new float[0];
        float[] z = new float[0];
        float[] h = new float[0];
        float[] ping = new float[0];
        float[] pong = new float[0];
        final DepthwiseScratch scratch = new DepthwiseScratch();
        /** Input rows [lo, hi) of mode 0 held in the window, row lo first. */
        int lo;
        int hi;
    }

    private static final ThreadLocal<SoftReference<Work>> WORK = new ThreadLocal<>();

    private Work work() {
        SoftReference<Work> ref = WORK.get();
        Work wk = ref == null ? null : ref.get();
        if (wk == null) {
            wk = new Work();
            WORK.set(new SoftReference<>(wk));
        }
        wk.window = grow(wk.window, rank * winStride);
        wk.z = grow(wk.z, rank * PointwiseConv.stagedStride(subRows * inRow));
        wk.h = grow(wk.h, rank * hStride);
        wk.ping = grow(wk.ping, chainMax);
        wk.pong = grow(wk.pong, chainMax);
        return wk;
    }

    private static float[] grow(float[] a, int n) {
        return a.length >= n ? a : new float[n];
    }

    /** y = forward(x) (x and y contiguous); ucT = U_Cᵀ (R × C), m = U_T·diag λ (T × R), taps as {@link CpConvWeights#spatialColumns}. */
    void forward(Tensor x, float[] ucT, float[] m, float[] taps, float[] bias, Tensor y) {
        forward(x, ucT, m, taps, bias, y, null);
    }

    /**
     * The same, also writing Z = U_Cᵀ·X ((B, R, D…), contiguous) into {@code z} when not null:
     * each band copies the Z rows it computes (a halo row computed by two bands gets the same
     * bits twice), then the input rows that no output reads along mode 0 (no band computes them)
     * are computed on their own, so every element of z is written with the bits the
     * stage-by-stage backward would compute.
     */
    void forward(Tensor x, float[] ucT, float[] m, float[] taps, float[] bias, Tensor y, Tensor z) {
        int threads = DepthwiseParallel.threads();
        // Bands per item: enough jobs to split evenly over the workers, as few as possible
        // (each band boundary recomputes the (K_0 − 1)·d_0 halo rows).
        int steps = (o0 + step - 1) / step;
        int bands = batch >= 4 * threads ? 1 : Math.max(1, Math.min(steps, threads / gcd(batch, threads)));
        float[][][] pats = cachedPatterns(taps);
        int jobs = batch * bands;
        int per = (o0 + bands - 1) / bands;
        DepthwiseParallel.forEach(jobs, () -> {
            Work wk = work();
            return j -> {
                int b = j / bands;
                int oa = (j % bands) * per;
                int ob = Math.min(o0, oa + per);
                if (oa < ob) band(x, b, oa, ob, ucT, m, taps, pats, bias, y, z, wk);
            };
        });
        if (z != null) unreadRows(x, ucT, z);
    }

    /** Input rows along mode 0 that no output reads: o·s0 − p0 + t·dil0 for no o &lt; O_0, t &lt; K_0. */
    private boolean[] unread() {
        boolean[] skip = new boolean[d0];
        java.util.Arrays.fill(skip, true);
        for (int o = 0; o < o0; o++) {
            for (int t = 0; t < k0; t++) {
                int row = o * s0 - p0 + t * dil0;
                if (row >= 0 && row < d0) skip[row] = false;
            }
        }
        return skip;
    }

    /** Z on the input rows no band computes, written into z (on the calling thread: such rows are rare). */
    private void unreadRows(Tensor x, float[] ucT, Tensor z) {
        boolean[] skip = unread();
        float[] buf = null;
        int zs = PointwiseConv.stagedStride(inRow);
        for (int row = 0; row < d0; row++) {
            if (!skip[row]) continue;
            if (buf == null) buf = new float[rank * zs];
            for (int b = 0; b < batch; b++) {
                long xOff = x.offset() + (long) b * channels * inSize;
                for (int c0 = 0; c0 < inRow; c0 += block) {
                    int nc = Math.min(block, inRow - c0);
                    PointwiseConv.mixInColumns(ucT, rank, channels, x.segment(), xOff, inSize, row * inRow + c0, nc, buf, c0, zs);
                }
                keep(buf, 0, zs, z, zOffset(z, b), row, 1);
            }
        }
    }

    private long zOffset(Tensor z, int b) {
        return z.offset() + (long) b * rank * inSize;
    }

    /** Copies Z of input rows [row, row + g) of every rank (src row r at srcOff + r·srcStride) into z at item offset zOff. */
    private void keep(float[] src, int srcOff, int srcStride, Tensor z, long zOff, int row, int g) {
        for (int r = 0; r < rank; r++) {
            MemorySegment.copy(src, srcOff + r * srcStride, z.segment(), PointwiseConv.LE_FLOAT,
                    (zOff + (long) r * inSize + (long) row * inRow) * Float.BYTES, g * inRow);
        }
    }


    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** Output rows [oa, ob) of item b. */
    private void band(Tensor x, int b, int oa, int ob, float[] ucT, float[] m, float[] taps, float[][][] pats,
                      float[] bias, Tensor y, Tensor z, Work wk) {
        long xOff = x.offset() + (long) b * channels * inSize;
        long yOff = y.offset() + (long) b * outChannels * outSize;
        wk.lo = 0;
        wk.hi = 0;
        for (int o = oa; o < ob; o += step) {
            int go = Math.min(step, ob - o);
            int lo = Math.max(0, o * s0 - p0);
            int hi = Math.min(d0, (o + go - 1) * s0 + (k0 - 1) * dil0 - p0 + 1);
            if (hi < lo) hi = lo;
            slide(wk, lo);
            for (int row = wk.hi; row < hi; ) {
                int g = Math.min(subRows, hi - row);
                appendRows(x, xOff, row, g, ucT, taps, pats, wk, z, z == null ? 0 : zOffset(z, b));
                row += g;
                wk.hi = row;
            }
            modeZero(o, go, taps, wk);
            int cols = go * outRow;
            for (int c0 = 0; c0 < cols; c0 += block) {
                int nc = Math.min(block, cols - c0);
                PointwiseConv.mixOutColumns(m, outChannels, rank, wk.h, c0, hStride, bias, y.segment(), yOff,
                        outSize, o * outRow + c0, nc);
            }
        }
    }

    /** Drops the window rows before {@code lo} (moving the kept ones to the front). */
    private void slide(Work wk, int lo) {
        if (wk.hi <= lo || wk.lo > lo) {
            wk.lo = lo;
            wk.hi = lo;
            return;
        }
        int drop = lo - wk.lo;
        if (drop == 0) return;
        int keep = (wk.hi - lo) * outRow;
        int rs = winStride;
        for (int r = 0; r < rank; r++) System.arraycopy(wk.window, r * rs + drop * outRow, wk.window, r * rs, keep);
        wk.lo = lo;
    }

    /** Appends input rows [row, row + g) to the window: Z = U_Cᵀ·X, then the passes of modes 1..N−1. */
    private void appendRows(Tensor x, long xOff, int row, int g, float[] ucT, float[] taps, float[][][] pats,
                            Work wk, Tensor zOut, long zOff) {
        int rs = winStride;
        int at = (row - wk.lo) * outRow;
        DepthwiseConv1d.Pass[] ps = inner[g];
        // Without inner modes (N = 1, P = Q = 1) Z goes straight into the window.
        float[] z = ps.length == 0 ? wk.window : wk.z;
        int zBase = ps.length == 0 ? at : 0;
        int zs = ps.length == 0 ? rs : PointwiseConv.stagedStride(g * inRow);
        int cols = g * inRow;
        for (int c0 = 0; c0 < cols; c0 += block) {
            int nc = Math.min(block, cols - c0);
            PointwiseConv.mixInColumns(ucT, rank, channels, x.segment(), xOff, inSize, row * inRow + c0, nc, z,
                    zBase + c0, zs);
        }
        if (zOut != null) keep(z, zBase, zs, zOut, zOff, row, g);
        if (ps.length == 0) return;
        DepthwiseConv1d dw = DepthwiseConv1d.get();
        int last = ps.length - 1;
        for (int r = 0; r < rank; r++) {
            float[] src = z;
            int srcOff = r * zs;
            for (int i = 0; i <= last; i++) {
                float[] dst = i == last ? wk.window : (i % 2 == 0 ? wk.ping : wk.pong);
                int dstOff = i == last ? r * rs + at : 0;
                if (periodic[i + 1]) {
                    periodicPass(ps[i], src, srcOff, pats[i + 1][r], dst, dstOff, wk.scratch);
                } else {
                    dw.forward(src, srcOff, taps, r * wc + weightOffsets[i + 1], ps[i], dst, dstOff, wk.scratch);
                }
                src = dst;
                srcOff = dstOff;
            }
        }
    }

    /** A stride-1, same-length pass as one shifted sum over the whole slab, weights from the tap patterns. */
    private void periodicPass(DepthwiseConv1d.Pass ps, float[] src, int srcOff, float[] pat, float[] dst, int dstOff,
                              DepthwiseScratch sc) {
        int period = ps.inLen() * ps.inner();
        int total = ps.outer() * period;
        sc.terms(ps.k());
        for (int t = 0; t < ps.k(); t++) {
            int shift = (t * ps.dilation() - ps.pad()) * ps.inner();
            sc.off[t] = srcOff + shift;
            sc.lo[t] = -shift;
            sc.hi[t] = total - shift;
        }
        DepthwiseConv1d.get().kernels().combinePeriodic(dst, dstOff, total, src, sc.off, sc.lo, sc.hi, pat,
                period + tail, period, ps.k());
    }

    /** h (R × G·Q) = the mode-0 pass for output rows [o, o + go) from the window. */
    private void modeZero(int o, int go, float[] taps, Work wk) {
        DepthwiseKernels kern = DepthwiseConv1d.get().kernels();
        DepthwiseScratch sc = wk.scratch;
        sc.terms(k0);
        int rs = winStride;
        int hs = hStride;
        for (int r = 0; r < rank; r++) {
            int wOff = r * wc;
            if (s0 == 1) {
                int t = 0;
                for (int k = 0; k < k0; k++) {
                    int first = o + k * dil0 - p0; // input row of output row o for tap k
                    int from = Math.max(0, -first);
                    int to = Math.min(go, d0 - first);
                    if (to <= from) continue;
                    sc.off[t] = r * rs + (first - wk.lo) * outRow;
                    sc.lo[t] = from * outRow;
                    sc.hi[t] = to * outRow;
                    sc.w[t] = taps[wOff + k];
                    t++;
                }
                kern.combine(wk.h, r * hs, go * outRow, wk.window, sc.off, sc.lo, sc.hi, sc.w, t);
            } else {
                for (int j = 0; j < go; j++) {
                    int t = 0;
                    for (int k = 0; k < k0; k++) {
                        int i = (o + j) * s0 + k * dil0 - p0;
                        if (i < 0 || i >= d0) continue;
                        sc.off[t] = r * rs + (i - wk.lo) * outRow;
                        sc.lo[t] = 0;
                        sc.hi[t] = outRow;
                        sc.w[t] = taps[wOff + k];
                        t++;
                    }
                    kern.combine(wk.h, r * hs + j * outRow, outRow, wk.window, sc.off, sc.lo, sc.hi, sc.w, t);
                }
            }
        }
    }
}
