package dev.tenfold.conv;

import dev.tenfold.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * The fused factorized CP backward, for specs with stride 1 along mode 0: every stage of a few
 * mode-0 rows runs on one worker, over sliding windows of the rank-R intermediates, so its heap
 * scratch is a few rows per worker instead of R × the whole item four times (the stage-by-stage
 * twin in {@link CpConv}), and x and gradY are read once per band.
 *
 * <p>The function differentiated is the fused forward's ({@link CpConvFused}): Z = U_Cᵀ·X; per
 * rank the passes of modes 1..N−1 on each mode-0 row, A = inner(Z); the mode-0 pass H = mode0(A);
 * Y = M·H + bias with M = U_T·diag λ. Its gradient given gY:
 * <pre>
 *   gH = Mᵀ·gY        dM = Σ gY·Hᵀ        dbias = Σ gY        dw_0 = Σ_o gH[o]·A[o + k·d_0 − p_0]
 *   gA = mode0ᵀ(gH)   gZ, dw_1..N−1 = inner backward of (Z, gA)
 *   dU_C = Σ X·gZᵀ    dX = U_C·gZ
 * </pre>
 * A job is (batch item, band of output rows along mode 0); it walks its band in steps of a few
 * output rows [o_a, o_b). A step owns those output rows (the sums dM, dbias and dw_0 over them)
 * and the input rows [i_a, i_b) that the output cut induces (gZ, dX, dU_C and dw_1.. over them;
 * the input rows of all steps partition mode 0). The rows of Z, A and gH a step reads are kept
 * in windows ({@code Window}): each step computes only the rows the previous one did not, so
 * only a band boundary computes (K_0 − 1)·d_0 rows twice. The 1×1 products run by column blocks
 * of at most {@code maxBlock} columns (staged, packed, register-tiled: {@link PointwiseConv}).
 *
 * <p>It saves memory, not time: on a Zen 3 (2 cores, AVX2) it ran the CP conv3d 32³ (R = 16)
 * forward+backward 5–10% slower than the stage-by-stage twin, and a 96³ item (R = 32) about 10%
 * slower, but the twin ran out of a 256 MB heap there and this one did not.
 * So {@link CpConv#fusedBackward} takes it only for large items. The band cut depends on the
 * geometry only, each job's partial sums are kept apart and added in job order (in double), so
 * results do not depend on the thread count.
 */
final class CpConvFusedBackward {
    /** Output columns (mode-0 rows × Q) a step aims for. */
    static final int STEP_COLUMNS = 2048;

    private final ConvSpec spec;
    private final int[] inDims;
    private final int channels;
    private final int rank;
    private final int outChannels;
    private final int batch;
    private final int d0;
    private final int o0;
    private final int k0;
    private final int p0;
    private final int dil0;
    private final int inRow;
    private final int outRow;
    private final int inSize;
    private final int outSize;
    private final int block;
    private final int bandRows;
    private final int bands;
    private final int stepRows;
    private final int wc;
    private final boolean hasInner;
    /** Window capacities in rows (Z, A, gH) and the largest owned-input-row count of a step. */
    private final int zCap;
    private final int aCap;
    private final int gCap;
    private final int maxI;

    /** True when the fused backward applies: stride 1 along mode 0. */
    static boolean applies(ConvSpec spec) {
        return spec.stride()[0] == 1;
    }

    /**
     * The backward of a layer on inputs (batch, C, inDims…) with 1×1 column blocks of at most
     * {@code maxBlock} columns and steps of about {@code stepColumns} output columns.
     */
    CpConvFusedBackward(ConvSpec spec, int[] inDims, int batch, int rank, int maxBlock, int stepColumns) {
        if (!applies(spec)) throw new IllegalArgumentException("fused CP backward needs stride 1 along mode 0, spec " + spec);
        int n = inDims.length;
        int[] out = spec.outputSpatial(inDims);
        this.spec = spec;
        this.inDims = inDims.clone();
        this.channels = spec.inChannels();
        this.rank = rank;
        this.outChannels = spec.outChannels();
        this.batch = batch;
        this.d0 = inDims[0];
        this.o0 = out[0];
        this.k0 = spec.kernel()[0];
        this.p0 = spec.padBefore()[0];
        this.dil0 = spec.dilation()[0];
        long p = CpConvFused.rowSize(inDims);
        long q = CpConvFused.rowSize(out);
        if (p * d0 > Integer.MAX_VALUE - 16 || q * o0 > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("CP conv: spatial sizes " + java.util.Arrays.toString(inDims) + " exceed a heap buffer");
        }
        this.inRow = (int) p;
        this.outRow = (int) q;
        this.inSize = d0 * inRow;
        this.outSize = o0 * outRow;
        this.block = maxBlock;
        this.wc = sum(spec.kernel());
        this.hasInner = n > 1;
        // Bands per item: at least 4 jobs in all when mode 0 allows (a band boundary recomputes
        // (K_0 − 1)·d_0 rows of Z, A and gH); the cut depends on the geometry only.
        int perItem = Math.min(o0, ceilDiv(4, batch));
        this.bandRows = ceilDiv(o0, perItem);
        this.bands = ceilDiv(o0, bandRows);
        this.stepRows = Math.max(1, Math.min(bandRows, stepColumns / Math.max(1, outRow)));
        int z = 1;
        int a = 1;
        int g = 1;
        int i = 1;
        for (int j = 0; j < bands; j++) {
            int end = Math.min(o0, (j + 1) * bandRows);
            for (int oa = j * bandRows; oa < end; oa += stepRows) {
                Ranges rg = ranges(oa, Math.min(end, oa + stepRows));
                z = Math.max(z, rg.zHi - rg.zLo);
                a = Math.max(a, rg.aHi - rg.aLo);
                g = Math.max(g, rg.gHi - rg.gLo);
                i = Math.max(i, rg.ib - rg.ia);
            }
        }
        // Twice the rows a step needs: the kept rows move to the front only when a window fills.
        this.zCap = 2 * z;
        this.aCap = 2 * a;
        this.gCap = 2 * g;
        this.maxI = i;
        for (long floats : new long[] {(long) zCap * inRow, (long) aCap * outRow, (long) gCap * outRow, (long) i * inRow}) {
            if ((long) rank * PointwiseConv.stagedStride((int) Math.min(Integer.MAX_VALUE - 64, floats)) > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("CP conv: a band buffer of R·rows·columns = " + rank + "·" + floats
                        + " floats exceeds a heap buffer for input spatial sizes " + java.util.Arrays.toString(inDims));
            }
        }
    }

    /** Jobs of a call: batch items × bands (the rows of the tap-gradient array {@link #run} returns). */
    int jobs() {
        return batch * bands;
    }

    /** For each input row of mode 0, the number of steps that own it (the partition has 1 everywhere). */
    int[] inputRowOwners() {
        int[] owners = new int[d0];
        for (int j = 0; j < bands; j++) {
            int end = Math.min(o0, (j + 1) * bandRows);
            for (int oa = j * bandRows; oa < end; oa += stepRows) {
                Ranges rg = ranges(oa, Math.min(end, oa + stepRows));
                for (int r = rg.ia; r < rg.ib; r++) owners[r]++;
            }
        }
        return owners;
    }

    /**
     * The rows output rows [oa, ob) own and read: input rows [ia, ib) (the owned ones: the
     * partition of mode 0 that the output rows' partition induces), A rows [aLo, aHi) (read by H
     * over the output rows), gH rows [gLo, gHi) (read by gA over the owned input rows, and the
     * output rows), Z rows [zLo, zHi) (A's rows and the owned input rows).
     */
    private record Ranges(int oa, int ob, int ia, int ib, int aLo, int aHi, int gLo, int gHi, int zLo, int zHi) { }

    private Ranges ranges(int oa, int ob) {
        int ia = oa == 0 ? 0 : clamp(oa - p0, d0);
        int ib = ob == o0 ? d0 : clamp(ob - p0, d0);
        int span = (k0 - 1) * dil0;
        int aLo = clamp(oa - p0, d0);
        int aHi = clamp(ob + span - p0, d0);
        int gLo = oa;
        int gHi = ob;
        if (ib > ia) {
            gLo = Math.min(gLo, clamp(ia + p0 - span, o0));
            gHi = Math.max(gHi, clamp(ib + p0, o0));
        }
        int zLo;
        int zHi;
        if (aHi <= aLo) {
            zLo = ia;
            zHi = Math.max(ia, ib);
        } else if (ib <= ia) {
            zLo = aLo;
            zHi = aHi;
        } else {
            zLo = Math.min(aLo, ia);
            zHi = Math.max(aHi, ib);
        }
        return new Ranges(oa, ob, ia, ib, aLo, aHi, gLo, gHi, zLo, zHi);
    }

    /**
     * Rows [lo, hi) of a per-rank (R × rows × rowLen) intermediate, row {@code row} at
     * {@code r·stride + (row − base)·rowLen}. Rows are appended as the steps advance; when the next
     * rows would not fit, the kept ones move to the front.
     */
    private static final class Window {
        final float[] buf;
        final int stride;
        final int rowLen;
        final int capRows;
        int base;
        int lo;
        int hi;

        Window(int rank, int capRows, int rowLen) {
            this.rowLen = rowLen;
            this.capRows = capRows;
            this.stride = PointwiseConv.stagedStride(Math.max(1, capRows * rowLen));
            this.buf = new float[rank * stride];
        }

        int at(int row) {
            return (row - base) * rowLen;
        }

        /** Moves the window to [newLo, newHi) and returns the first row the caller must compute (rows up to newHi). */
        int advance(int newLo, int newHi, int rank) {
            if (newLo < lo || newLo >= hi) {
                base = newLo;
                lo = newLo;
                hi = newLo;
            } else {
                lo = newLo;
            }
            if (newHi - base > capRows && lo > base) {
                int keep = (hi - lo) * rowLen;
                for (int r = 0; r < rank; r++) System.arraycopy(buf, r * stride + (lo - base) * rowLen, buf, r * stride, keep);
                base = lo;
            }
            int from = hi;
            hi = Math.max(hi, newHi);
            return from;
        }
    }

    /** Per-worker buffers (contents unspecified between uses) and inner chains by row count. */
    private final class Work {
        final Window z = new Window(rank, zCap, inRow);
        final Window a = hasInner ? new Window(rank, aCap, outRow) : null;
        final Window gh = new Window(rank, gCap, outRow);
        final int hStride = PointwiseConv.stagedStride(stepRows * outRow);
        final float[] h = new float[rank * hStride];
        final int gaStride = PointwiseConv.stagedStride(maxI * outRow);
        final float[] ga = new float[rank * gaStride];
        final int gzStride = PointwiseConv.stagedStride(maxI * inRow);
        final float[] gz = hasInner ? new float[rank * gzStride] : null;
        final float[] part = new float[Math.max(channels, outChannels) * rank];
        final float[] rowSums = new float[outChannels];
        final DepthwiseScratch scratch = new DepthwiseScratch();
        final DepthwiseChain[] chains = hasInner ? new DepthwiseChain[Math.max(aCap, maxI) + 1] : null;
        final DepthwiseChain.Work chain = hasInner ? chain(Math.max(aCap, maxI)).newWork() : null;

        DepthwiseChain chain(int rows) {
            if (chains[rows] == null) chains[rows] = DepthwiseChain.inner(spec, inDims, rows);
            return chains[rows];
        }
    }

    /**
     * The backward of x (B, C, D…) and gy (B, T, O…), both contiguous, into gx (contiguous, every
     * element overwritten) and the sums dm (T × R), duc (C × R) and db (T, or null without bias),
     * which are added to. Returns the tap gradients per job: {@link #jobs()} rows of R × Σ K_n.
     * uc is U_C (C × R), ucT its transpose, mT = (U_T·diag λ)ᵀ (R × T), taps as
     * {@link CpConvWeights#spatialColumns}.
     */
    double[] run(Tensor x, Tensor gy, float[] uc, float[] ucT, float[] mT, float[] taps, boolean hasBias, Tensor gx,
                 double[] dm, double[] duc, double[] db) {
        int jobs = jobs();
        double[] gw = new double[jobs * rank * wc];
        double[][] dmJob = new double[jobs][];
        double[][] ducJob = new double[jobs][];
        double[][] dbJob = new double[jobs][];
        DepthwiseParallel.forEach(jobs, () -> {
            Work wk = new Work();
            return j -> {
                dmJob[j] = new double[outChannels * rank];
                ducJob[j] = new double[channels * rank];
                dbJob[j] = hasBias ? new double[outChannels] : null;
                Job job = new Job(x, gy, gx, j / bands, uc, ucT, mT, taps, gw, j * rank * wc, dmJob[j], ducJob[j], dbJob[j], wk);
                int end = Math.min(o0, (j % bands + 1) * bandRows);
                wk.z.advance(-1, -1, rank);
                if (wk.a != null) wk.a.advance(-1, -1, rank);
                wk.gh.advance(-1, -1, rank);
                for (int oa = (j % bands) * bandRows; oa < end; oa += stepRows) step(job, ranges(oa, Math.min(end, oa + stepRows)));
            };
        });
        for (int j = 0; j < jobs; j++) {
            add(dm, dmJob[j]);
            add(duc, ducJob[j]);
            if (hasBias) add(db, dbJob[j]);
        }
        return gw;
    }

    /** One job's operands: item b's offsets, the weights and where its sums go. */
    private record Job(Tensor x, Tensor gy, Tensor gx, int b, float[] uc, float[] ucT, float[] mT, float[] taps,
                       double[] gw, int gwOff, double[] dm, double[] duc, double[] db, Work wk) { }

    private static void add(double[] acc, double[] part) {
        for (int i = 0; i < acc.length; i++) acc[i] += part[i];
    }

    /** One step of a job: output rows [oa, ob) and their owned input rows, every stage in the order of the class comment. */
    private void step(Job jb, Ranges rg) {
        Work wk = jb.wk;
        long xOff = jb.x.offset() + (long) jb.b * channels * inSize;
        long yOff = jb.gy.offset() + (long) jb.b * outChannels * outSize;
        DepthwiseConv1d dw = DepthwiseConv1d.get();
        Window z = wk.z;
        int from = z.advance(rg.zLo, rg.zHi, rank);
        if (rg.zHi > from) {
            mix(jb.ucT, channels, jb.x.segment(), xOff, inSize, from * inRow, (rg.zHi - from) * inRow, z.buf, z.at(from), z.stride);
        }
        Window gh = wk.gh;
        from = gh.advance(rg.gLo, rg.gHi, rank);
        if (rg.gHi > from) {
            mix(jb.mT, outChannels, jb.gy.segment(), yOff, outSize, from * outRow, (rg.gHi - from) * outRow, gh.buf, gh.at(from),
                    gh.stride);
        }

        // A = inner(Z) on rows [aLo, aHi); H = mode0(A) on the output rows; dw_0.
        int hRows = rg.ob - rg.oa;
        if (rg.aHi > rg.aLo) {
            Window a = z;
            if (wk.a != null) {
                a = wk.a;
                from = a.advance(rg.aLo, rg.aHi, rank);
                if (rg.aHi > from) {
                    DepthwiseChain ch = wk.chain(rg.aHi - from);
                    for (int r = 0; r < rank; r++) {
                        ch.forward(dw, z.buf, r * z.stride + z.at(from), jb.taps, r * wc, a.buf, r * a.stride + a.at(from), wk.chain);
                    }
                }
            }
            DepthwiseConv1d.Pass p = new DepthwiseConv1d.Pass(1, rg.aHi - rg.aLo, hRows, outRow, k0, 1, p0 + rg.aLo - rg.oa, dil0);
            for (int r = 0; r < rank; r++) {
                int ar = r * a.stride + a.at(rg.aLo);
                dw.forward(a.buf, ar, jb.taps, r * wc, p, wk.h, r * wk.hStride, wk.scratch);
                dw.backwardWeight(gh.buf, r * gh.stride + gh.at(rg.oa), a.buf, ar, p, jb.gw, jb.gwOff + r * wc, wk.scratch);
            }
        } else { // every tap of these output rows reads padding
            for (int r = 0; r < rank; r++) java.util.Arrays.fill(wk.h, r * wk.hStride, r * wk.hStride + hRows * outRow, 0f);
        }

        // dM = Σ gY·Hᵀ and dbias over the output columns.
        int cols = hRows * outRow;
        for (int c0 = 0; c0 < cols; c0 += block) {
            int nc = Math.min(block, cols - c0);
            PointwiseConv.gradientColumns(jb.gy.segment(), yOff, outChannels, outSize, rg.oa * outRow + c0, nc, wk.h, c0,
                    wk.hStride, rank, wk.part, 0, jb.db == null ? null : wk.rowSums, 0, null, null, 0);
            addFloats(jb.dm, wk.part);
            if (jb.db != null) addFloats(jb.db, wk.rowSums);
        }

        // gA = mode0ᵀ(gH) and gZ (inner backward, dw_1..) on the owned input rows; dU_C, dX.
        int iRows = rg.ib - rg.ia;
        if (iRows <= 0) return;
        DepthwiseConv1d.Pass p = new DepthwiseConv1d.Pass(1, iRows, rg.gHi - rg.gLo, outRow, k0, 1, p0 + rg.ia - rg.gLo, dil0);
        for (int r = 0; r < rank; r++) {
            dw.backwardInput(gh.buf, r * gh.stride + gh.at(rg.gLo), jb.taps, r * wc, p, wk.ga, r * wk.gaStride, wk.scratch);
        }
        float[] gz = wk.ga;
        int gzs = wk.gaStride;
        if (hasInner) {
            DepthwiseChain ch = wk.chain(iRows);
            for (int r = 0; r < rank; r++) {
                ch.forwardBackward(dw, z.buf, r * z.stride + z.at(rg.ia), jb.taps, r * wc, null, 0, wk.ga, r * wk.gaStride,
                        wk.gz, r * wk.gzStride, jb.gw, jb.gwOff + r * wc, wk.chain);
            }
            gz = wk.gz;
            gzs = wk.gzStride;
        }
        long gxOff = jb.gx.offset() + (long) jb.b * channels * inSize;
        cols = iRows * inRow;
        for (int c0 = 0; c0 < cols; c0 += block) {
            int nc = Math.min(block, cols - c0);
            PointwiseConv.gradientColumns(jb.x.segment(), xOff, channels, inSize, rg.ia * inRow + c0, nc, gz, c0, gzs, rank,
                    wk.part, 0, null, 0, jb.uc, jb.gx.segment(), gxOff);
            addFloats(jb.duc, wk.part);
        }
    }

    /** out (R rows from outOff, row stride {@code stride}) = A·src[:, col0 .. col0 + cols) by column blocks; A is R × k. */
    private void mix(float[] a, int k, MemorySegment src, long off, int size, int col0, int cols, float[] out, int outOff,
                     int stride) {
        for (int c0 = 0; c0 < cols; c0 += block) {
            int nc = Math.min(block, cols - c0);
            PointwiseConv.mixInColumns(a, rank, k, src, off, size, col0 + c0, nc, out, outOff + c0, stride);
        }
    }

    private static void addFloats(double[] acc, float[] part) {
        for (int i = 0; i < acc.length; i++) acc[i] += part[i];
    }

    private static int clamp(int v, int hi) {
        return Math.max(0, Math.min(hi, v));
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static int sum(int[] a) {
        int s = 0;
        for (int v : a) s += v;
        return s;
    }
}
