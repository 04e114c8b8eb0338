package dev.tenfold.decomp;

import dev.tenfold.linalg.LeadingSingularVectors;

/**
 * Options of {@link CpHals} (non-negative CP; TensorLy {@code non_negative_parafac_hals}).
 * Build with {@link #builder(int)}; setters validate at once.
 *
 * <p>Defaults: init {@link CpOptions.Init#SVD} (absolute values of the leading singular vectors,
 * missing columns uniform [0, 1)), seed 0, tol 1e-6, maxIter 100, 1 HALS sweep over the columns
 * per mode update, memory budget {@link MemoryBudget#defaultBytes()}, no listener.
 */
public final class NtfOptions {
    private final int rank;
    private final CpOptions.Init init;
    private final CpTensor initial;
    private final long seed;
    private final double tol;
    private final int maxIter;
    private final int innerSweeps;
    private final IterationListener<CpTensor> listener;
    private final long memoryBudgetBytes;
    private final LeadingSingularVectors.Options svdOptions;

    private NtfOptions(Builder b) {
        rank = b.rank;
        init = b.init;
        initial = b.initial;
        seed = b.seed;
        tol = b.tol;
        maxIter = b.maxIter;
        innerSweeps = b.innerSweeps;
        listener = b.listener;
        memoryBudgetBytes = b.memoryBudgetBytes;
        svdOptions = b.svdOptions;
    }

    /** A builder for rank R ≥ 1. */
    public static Builder builder(int rank) {
        return new Builder(rank);
    }

    /** Number of components R. */
    public int rank() { return rank; }
    /** Init method (ignored when {@link #initial()} is set). */
    public CpOptions.Init init() { return init; }
    /** Given non-negative initial CP tensor, or null. */
    public CpTensor initial() { return initial; }
    /** Seed for random init and padding. */
    public long seed() { return seed; }
    /** Stop when |err_{k−1} − err_k| &lt; tol. */
    public double tol() { return tol; }
    /** Maximum iterations. */
    public int maxIter() { return maxIter; }
    /** HALS sweeps over the R columns per mode update. */
    public int innerSweeps() { return innerSweeps; }
    /** Progress callback, or null. */
    public IterationListener<CpTensor> listener() { return listener; }
    /** Memory budget in bytes (0: default). */
    public long memoryBudgetBytes() { return memoryBudgetBytes; }
    /** Options of the SVD init. */
    public LeadingSingularVectors.Options svdOptions() { return svdOptions; }

    /** The equivalent CP-ALS options for the shared init and memory estimate. */
    CpOptions asCpOptions() {
        CpOptions.Builder b = CpOptions.builder(rank).init(init).seed(seed).svdOptions(svdOptions);
        if (initial != null) b.init(initial);
        if (memoryBudgetBytes > 0) b.memoryBudgetBytes(memoryBudgetBytes);
        return b.build();
    }

    /** Mutable builder of {@link NtfOptions}. */
    public static final class Builder {
        private final int rank;
        private CpOptions.Init init = CpOptions.Init.SVD;
        private CpTensor initial;
        private long seed;
        private double tol = 1e-6;
        private int maxIter = 100;
        private int innerSweeps = 1;
        private IterationListener<CpTensor> listener;
        private long memoryBudgetBytes;
        private LeadingSingularVectors.Options svdOptions = LeadingSingularVectors.Options.defaults();

        private Builder(int rank) {
            this.rank = Checks.positive("rank", rank);
        }

        /** Init method. */
        public Builder init(CpOptions.Init i) {
            if (i == null) throw new IllegalArgumentException("init must not be null");
            init = i;
            initial = null;
            return this;
        }

        /** Start from this CP tensor (negative entries are clipped to 0). */
        public Builder init(CpTensor start) {
            if (start == null) throw new IllegalArgumentException("init must not be null");
            if (start.rank() != rank) {
                throw new IllegalArgumentException("init: CP tensor " + start.shape() + " has rank " + start.rank() + ", options have rank " + rank);
            }
            initial = start;
            return this;
        }

        /** Seed. */
        public Builder seed(long s) { seed = s; return this; }

        /** Tolerance ≥ 0. */
        public Builder tol(double t) { tol = Checks.nonNegativeFinite("tol", t); return this; }

        /** Maximum iterations ≥ 1. */
        public Builder maxIter(int n) { maxIter = Checks.positive("maxIter", n); return this; }

        /** HALS column sweeps per mode update ≥ 1. */
        public Builder innerSweeps(int n) { innerSweeps = Checks.positive("innerSweeps", n); return this; }

        /** Progress callback, or null. */
        public Builder listener(IterationListener<CpTensor> l) { listener = l; return this; }

        /** Memory budget in bytes (≥ 1). */
        public Builder memoryBudgetBytes(long bytes) {
            if (bytes < 1) throw new IllegalArgumentException("memoryBudgetBytes must be >= 1, got " + bytes);
            memoryBudgetBytes = bytes;
            return this;
        }

        /** Options of the SVD init. */
        public Builder svdOptions(LeadingSingularVectors.Options o) {
            if (o == null) throw new IllegalArgumentException("svdOptions must not be null");
            svdOptions = o;
            return this;
        }

        /** The options. */
        public NtfOptions build() { return new NtfOptions(this); }
    }
}
