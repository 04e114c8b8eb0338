package dev.tenfold.decomp;

import dev.tenfold.linalg.Gemm;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.List;

/**
 * MTTKRPs for CP-ALS sweeps from partials that outlive the sweep (a multi-sweep dimension tree,
 * as in Ma and Solomonik, IPDPS 2021).
 *
 * <p>The partial P_k (R, I_0 … I_{k−1}, I_{k+1} … I_{N−1}) is X contracted with U_k[:, r] over
 * mode k, component index first — one pass over X (2·size·R flops), read in place by
 * {@link SkinnyProducts}: X as (I_0 × rest) for k = 0, (rest × I_{N−1}) for the last mode, and
 * (A × I_k × C) for a middle mode ({@link SkinnyProducts#middleModeRankFirst}). It stays valid
 * until U_k changes. The MTTKRP of a mode n ≠ k is P_k contracted over the other modes by a chain
 * of batched matrix-vector products (batch index r): trailing modes last first
 * ({@link SkinnyKernels#rowDots}), then leading ones ({@link SkinnyKernels#combineRows}) —
 * fixed-order sums, parallel over r, so bitwise the same whatever the thread count.
 *
 * <p>When the MTTKRP of mode n finds no valid partial, or P_n itself (it goes stale at n's own
 * update), it makes P_{n−1}: in an ALS sweep (modes in order 0 … N−1) U_{n−1} has just been
 * updated and is the last to change again, so that partial serves the next N − 1 updates, and a
 * sweep reads X N/(N − 1) times — 1.5 for 3-way, 2 for a matrix — where a two-group tree reads
 * it twice. Results equal {@code dev.tenfold.contract.Mttkrp} up to float rounding. With
 * {@link #useModeLayouts} the passes over a long mode 0 read a copy of X with that mode last.
 *
 * <p>Memory (floats, allocated once in the caller's scope), see {@link #floats(int[], int)}:
 * R·max_k size/I_k for the partial and two chain buffers of R·size/(I_a·I_b) (the two smallest
 * dimensions; none for a matrix).
 */
final class SweepMttkrp {
    private final Tensor x;
    private final int[] dims;
    private final int order;
    private final int rank;
    private final Tensor partialBuffer, bufA, bufB;
    /** Where {@link #useModeLayouts} makes X^(0); null when the passes read X itself. */
    private TensorScope copyScope;
    /** X^(0) once made. */
    private Tensor copy0;
    /** The mode the held partial contracts, −1 when none is valid. */
    private int held = -1;
    private Tensor partial;

    /** X must be contiguous; buffers are allocated in {@code scope}. */
    SweepMttkrp(Tensor x, int rank, TensorScope scope) {
        this.x = x;
        this.dims = x.dims();
        this.order = dims.length;
        this.rank = rank;
        long p = partialFloats(dims, rank), chain = chainFloats(dims, rank);
        if (p > Integer.MAX_VALUE || chain > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("CP sweep partials of x of shape " + x.shape() + " at rank " + rank + " need " + p
                    + " floats (R·size/I_k), more than " + Integer.MAX_VALUE + " in one buffer: use a smaller rank");
        }
        this.partialBuffer = scope.zeros((int) p);
        this.bufA = scope.zeros((int) Math.max(1, chain));
        this.bufB = scope.zeros((int) Math.max(1, chain));
    }

    /**
     * The split h of the modes into groups {0 … h−1} and {h … N−1} that makes ∏ of the first
     * plus ∏ of the second smallest (ties: the smaller h): the Khatri-Rao halves of a
     * reconstruction ({@link #reconstructInto}, {@code CpTensor.toTensor}).
     */
    static int split(int[] dims) {
        int best = 1;
        long bestCost = Long.MAX_VALUE;
        for (int h = 1; h < dims.length; h++) {
            long cost = FactorMath.product(dims, 0, h) + FactorMath.product(dims, h, dims.length);
            if (cost < bestCost) {
                bestCost = cost;
                best = h;
            }
        }
        return best;
    }

    /** Floats this object allocates for X of {@code dims} and the given rank. */
    static long floats(int[] dims, int rank) {
        return partialFloats(dims, rank) + 2 * Math.max(1, chainFloats(dims, rank));
    }

    /** R·max_k size/I_k: every partial fits. */
    private static long partialFloats(int[] dims, int rank) {
        long size = FactorMath.product(dims, 0, dims.length), rest = 0;
        for (int d : dims) rest = Math.max(rest, size / d);
        return rest * rank;
    }

    /** R·size/(I_a·I_b) for the two smallest dimensions: the first (largest) chain step of any MTTKRP; 0 for a matrix. */
    private static long chainFloats(int[] dims, int rank) {
        if (dims.length < 3) return 0;
        int[] sorted = dims.clone();
        java.util.Arrays.sort(sorted);
        return FactorMath.product(dims, 0, dims.length) / ((long) sorted[0] * sorted[1]) * rank;
    }

    /** Factor {@code mode} changed: a partial that contracts it is stale. */
    void invalidate(int mode) {
        if (mode == held) held = -1;
    }

    /**
     * From now on each pass over mode 0, when I_0 ≥ {@link #copyMinRows} (and N ≥ 2), reads X^(0),
     * X with mode 0 moved last ({@link ModeLayouts}), made in {@code scope} right before the first
     * such pass: a last-mode pass over a contiguous copy instead of the panel pass that copies
     * blocks of rows ∏_{k&gt;0} I_k floats apart into panels first (a 200³ X at rank 20 on two
     * threads: 1.29× faster per pass, medians of 20 alternating rounds; the copy takes ~5 ms, about
     * one pass). Costs {@link #layoutFloats} floats; the partials are the same bits. For an X whose
     * values stay fixed over many passes; {@link #invalidateAll} drops the copy.
     */
    void useModeLayouts(TensorScope scope) {
        copyScope = scope;
    }

    /**
     * A mode 0 shorter than this keeps its panel passes. Whole CP-ALS fits with copies against
     * without (one JVM, medians of 12–16 pairs) ran 0.75× for 50⁴ at rank 10 and 0.76× for
     * 100 × 100 × 1000 at rank 20 with copies for modes 0 and 1 (short rows for the last-mode
     * tiles), and 0.87× for 60 × 400 × 400 with a copy for mode 1 alone; 200³ ran 1.04–1.13×
     * with both copies and 1.04× with mode 0's alone, and 4000 × 2000 1.43–1.45×. Tests lower it.
     */
    static final int COPY_MIN_ROWS = 192;
    static volatile int copyMinRows = COPY_MIN_ROWS;

    /**
     * Whether the passes over mode k read a copy of X once {@link #useModeLayouts} is on: mode 0
     * alone, of at least {@link #copyMinRows} indices (see {@link #COPY_MIN_ROWS}).
     */
    static boolean copied(int[] dims, int k) {
        return k == 0 && dims.length >= 2 && dims[0] >= copyMinRows;
    }

    /** Floats of the copy {@link #useModeLayouts} makes: X's size when mode 0 is {@link #copied}, else 0. */
    static long layoutFloats(int[] dims) {
        return copied(dims, 0) ? FactorMath.product(dims, 0, dims.length) : 0;
    }

    /** X's values changed (e.g. missing-data imputation): the partial is stale, and the copies of X are dropped. */
    void invalidateAll() {
        held = -1;
        copyScope = null;
        copy0 = null;
    }

    /**
     * MTTKRP of {@code mode} as a row-major (I_mode × R) double array, for contiguous factors
     * (I_k × R); the factor of {@code mode} itself is not read.
     */
    double[] mttkrp(int mode, List<Tensor> factors) {
        if (held < 0 || held == mode) makePartial((mode + order - 1) % order, factors);
        return chain(mode, factors);
    }

    /** P_k by one pass over X, into the partial buffer. */
    private void makePartial(int k, List<Tensor> factors) {
        int last = order - 1;
        int rest = (int) (x.size() / dims[k]);
        partial = partialBuffer.narrow(0, 0, rank * rest).view(rank, rest);
        if (copyScope != null && copied(dims, k)) {
            if (copy0 == null) copy0 = ModeLayouts.modeLast(x, 0, copyScope);
            SkinnyProducts.rowsTimesFactor(copy0.view(rest, dims[0]), factors.get(0), partial);
        } else if (k == 0) {
            SkinnyProducts.factorTimesRows(x.view(dims[0], rest), factors.get(0), partial);
        } else if (k == last) {
            SkinnyProducts.rowsTimesFactor(x.view(rest, dims[last]), factors.get(last), partial);
        } else {
            int a = (int) FactorMath.product(dims, 0, k), c = (int) FactorMath.product(dims, k + 1, order);
            SkinnyProducts.middleModeRankFirst(x.view(a, dims[k], c), factors.get(k), partial);
        }
        held = k;
    }

    /**
     * The held partial contracted with U_m[:, r] over every mode m other than {@code keep} (and
     * the held one): trailing modes last first, then leading ones, in float — but the last step
     * accumulates in double, straight into the row-major (I_keep × R) result. For a matrix the
     * partial is the result.
     */
    private double[] chain(int keep, List<Tensor> factors) {
        int[] present = new int[order - 1];
        int pos = -1;
        for (int m = 0, j = 0; m < order; m++) {
            if (m == held) continue;
            if (m == keep) pos = j;
            present[j++] = m;
        }
        if (present.length == 1) return transposeToDoubles(partial, dims[keep]);
        double[] result = new double[dims[keep] * rank];
        Tensor cur = partial;
        boolean useA = true;
        int lo = 0, hi = present.length - 1;
        while (true) {
            boolean last = hi - lo == 1;
            if (hi > pos) { // (R, P, d) · u_r → (R, P)
                int d = dims[present[hi]];
                int p = (int) productOf(present, lo, hi);
                Tensor u = factors.get(present[hi]);
                if (last) {
                    rowDotsToDoubles(cur, p, d, u, result);
                    return result;
                }
                Tensor out = buffer(useA, p);
                rowDots(cur, (long) p * d, d, p, d, u, out);
                cur = out;
                hi--;
            } else { // u_rᵀ · (R, d, Q) → (R, Q)
                int d = dims[present[lo]];
                int q = (int) productOf(present, lo + 1, hi + 1);
                Tensor u = factors.get(present[lo]);
                if (last) {
                    combineRowsToDoubles(cur, d, q, u, result);
                    return result;
                }
                Tensor out = buffer(useA, q);
                combineRows(cur, d, q, u, out);
                cur = out;
                lo++;
            }
            useA = !useA;
        }
    }

    /** ∏ dims[modes[i]] for i in [from, to). */
    private long productOf(int[] modes, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) p *= dims[modes[i]];
        return p;
    }

    private Tensor buffer(boolean useA, int cols) {
        return (useA ? bufA : bufB).narrow(0, 0, rank * cols);
    }

    /** out (R × p) [r, q] = Σ_{c&lt;d} src[r·strideR + q·strideP + c]·U[c, r] (U is d × R), parallel over r. */
    private void rowDots(Tensor src, long strideR, long strideP, int p, int d, Tensor u, Tensor out) {
        perComponent((long) p * d, u, (kern, ut, r) -> kern.rowDots(src.segment(), src.offset(), strideR, strideP, 0, p, d, ut, d,
                out.segment(), out.offset(), p, 1, r, r + 1));
    }

    /** out (R × q) [r, j] = Σ_{i&lt;d} U[i, r]·src[r·d·q + i·q + j] (U is d × R), parallel over r. */
    private void combineRows(Tensor src, int d, int q, Tensor u, Tensor out) {
        perComponent((long) q * d, u, (kern, ut, r) -> kern.combineRows(src.segment(), src.offset(), (long) d * q, d, q, ut, d,
                out.segment(), out.offset(), r, r + 1));
    }

    /** result (p × R, row-major doubles) [q, r] = Σ_{c&lt;d} src[r·p·d + q·d + c]·U[c, r], parallel over r. */
    private void rowDotsToDoubles(Tensor src, int p, int d, Tensor u, double[] result) {
        perComponent((long) p * d, u, (kern, ut, r) -> kern.rowDotsToDoubles(src.segment(), src.offset(), (long) p * d, p, d, ut, d,
                result, rank, r, r + 1));
    }

    /** result (q × R, row-major doubles) [j, r] = Σ_{i&lt;d} U[i, r]·src[r·d·q + i·q + j], parallel over r. */
    private void combineRowsToDoubles(Tensor src, int d, int q, Tensor u, double[] result) {
        perComponent((long) q * d, u, (kern, ut, r) -> kern.combineRowsToDoubles(src.segment(), src.offset(), (long) d * q, d, q, ut, d,
                result, rank, r, r + 1));
    }

    /** One chain step's work for component r, with the kernels chosen for the step and Uᵀ (R × d). */
    private interface ComponentStep {
        void run(SkinnyKernels kern, float[] ut, int r);
    }

    /**
     * Chain steps of at least this many multiply-adds run the vector kernels, below it the plain
     * loops (a few microseconds of work). The steps run every sweep (100³ rank 10: 10⁵ FMAs
     * each); with the passes' threshold (2^19) they stayed scalar. Against that, in one JVM
     * (bench/ab, 40 pairs), CP-ALS 100³ rank 10 ran 1.14× and 200³ rank 20 1.06× faster. A cold
     * JVM pays for it: the first 20-iteration fit of 100³ took 2.2–3.2 s instead of 1.9–2.5 s
     * (three fresh JVMs each), while the vector chain kernels were still being compiled.
     */
    static final long CHAIN_VECTOR_FMAS = 1 << 13;

    /** Runs {@code step} for every component r (one task each), {@code perComponent} multiply-adds apiece. */
    private void perComponent(long perComponent, Tensor u, ComponentStep step) {
        float[] ut = transposed(u);
        long fmas = rank * perComponent;
        SkinnyKernels kern = fmas < CHAIN_VECTOR_FMAS ? SkinnyKernels.SCALAR : SkinnyKernels.get();
        SkinnyProducts.runTasks(rank, threads(fmas), () -> r -> step.run(kern, ut, (int) r));
    }

    /**
     * Threads for a chain step of {@code fmas} multiply-adds: one below 2^16, else up to one per
     * component (100³, rank 10: steps of 10⁵ FMAs; with the then scalar steps, two threads took
     * CP-ALS iterations 11–12% less time). Every component is one task, so the bits do not depend
     * on the count.
     */
    private int threads(long fmas) {
        return fmas < (1 << 16) ? 1 : Math.min(Gemm.threads(), rank);
    }

    /** Uᵀ (R × d) of a contiguous (d × R) factor, on the heap. */
    private static float[] transposed(Tensor u) {
        int d = u.dim(0), r = u.dim(1);
        float[] f = u.toArray(), t = new float[f.length];
        for (int i = 0; i < d; i++) {
            for (int c = 0; c < r; c++) t[c * d + i] = f[i * r + c];
        }
        return t;
    }

    private double[] transposeToDoubles(Tensor t, int rows) {
        float[] f = t.toArray(); // (R × rows)
        double[] out = new double[rows * rank];
        for (int c = 0; c < rank; c++) {
            for (int i = 0; i < rows; i++) out[i * rank + c] = f[c * rows + i];
        }
        return out;
    }

    /**
     * Writes the CP reconstruction X̂ = Σ_r λ_r U_0[:, r] ∘ … ∘ U_{N−1}[:, r] into the contiguous
     * {@code dst} (shape of X): one GEMM (KR_left·diag(λ)) (A × R) · KR_rightᵀ (R × B), the two
     * Khatri-Rao products in a temporary scope (R·(A + B) floats) for the modes split in two
     * groups ({@link #split}). Marks the partial stale.
     */
    void reconstructInto(List<Tensor> factors, double[] lambda, Tensor dst) {
        int split = split(dims), a = (int) FactorMath.product(dims, 0, split), b = (int) FactorMath.product(dims, split, order);
        try (TensorScope tmp = TensorScope.open()) {
            Tensor kl = tmp.zeros(a, rank), kr = tmp.zeros(b, rank);
            FactorMath.khatriRaoInto(factors.subList(0, split), kl);
            FactorMath.khatriRaoInto(factors.subList(split, order), kr);
            Tensor w = tmp.zeros(rank);
            FactorMath.store(lambda, w);
            kl.mulInPlace(w);
            Gemm.sgemm(1f, kl, kr.t(), 0f, dst.view(a, b));
        }
        invalidateAll();
    }
}
