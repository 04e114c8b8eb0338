package dev.tenfold.decomp;

import dev.tenfold.linalg.LeadingSingularVectors;

/**
 * Options of {@link CpHals} (non-negative CP; TensorLy {@code non_negative_parafac_hals}).
 * Build with {@link #builder(int)}; setters validate at once. The shared settings are those of
 * {@link CpOptions} (same validation, same defaults); HALS adds the column sweeps per update.
 *
 * <p>Defaults: init {@link CpOptions.Init#SVD} (absolute values of the leading singular vectors,
 * missing columns uniform [0, 1)), seed 0, tol 1e-6, maxIter 100, 1 HALS sweep over the columns
 * per mode update, memory budget {@link MemoryBudget#defaultBytes()}, no listener.
 */
public final class NtfOptions {
    private final CpOptions cp;
    private final int innerSweeps;

    private NtfOptions(Builder b) {
        cp = b.cp.build();
        innerSweeps = b.innerSweeps;
    }

    /** A builder for rank R ≥ 1. */
    public static Builder builder(int rank) {
        return new Builder(rank);
    }

    /** Number of components R. */
    public int rank() { return cp.rank(); }
    /** Init method (ignored when {@link #initial()} is set). */
    public CpOptions.Init init() { return cp.init(); }
    /** Given non-negative initial CP tensor, or null. */
    public CpTensor initial() { return cp.initial(); }
    /** Seed for random init and padding. */
    public long seed() { return cp.seed(); }
    /** Stop when |err_{k−1} − err_k| &lt; tol. */
    public double tol() { return cp.tol(); }
    /** Maximum iterations. */
    public int maxIter() { return cp.maxIter(); }
    /** HALS sweeps over the R columns per mode update. */
    public int innerSweeps() { return innerSweeps; }
    /** Progress callback, or null. */
    public IterationListener<CpTensor> listener() { return cp.listener(); }
    /** Memory budget in bytes (0: default). */
    public long memoryBudgetBytes() { return cp.memoryBudgetBytes(); }
    /** Options of the SVD init. */
    public LeadingSingularVectors.Options svdOptions() { return cp.svdOptions(); }

    /** The equivalent CP-ALS options for the shared init and memory estimate. */
    CpOptions asCpOptions() {
        return cp;
    }

    /** Mutable builder of {@link NtfOptions}: the shared settings go to a {@link CpOptions.Builder}. */
    public static final class Builder {
        private final CpOptions.Builder cp;
        private int innerSweeps = 1;

        private Builder(int rank) {
            cp = CpOptions.builder(rank);
        }

        /** Init method. */
        public Builder init(CpOptions.Init i) { cp.init(i); return this; }

        /** Start from this CP tensor (negative entries are clipped to 0). */
        public Builder init(CpTensor start) { cp.init(start); return this; }

        /** Seed. */
        public Builder seed(long s) { cp.seed(s); return this; }

        /** Tolerance ≥ 0. */
        public Builder tol(double t) { cp.tol(t); return this; }

        /** Maximum iterations ≥ 1. */
        public Builder maxIter(int n) { cp.maxIter(n); return this; }

        /** HALS column sweeps per mode update ≥ 1. */
        public Builder innerSweeps(int n) { innerSweeps = Checks.positive("innerSweeps", n); return this; }

        /** Progress callback, or null. */
        public Builder listener(IterationListener<CpTensor> l) { cp.listener(l); return this; }

        /** Memory budget in bytes (≥ 1). */
        public Builder memoryBudgetBytes(long bytes) { cp.memoryBudgetBytes(bytes); return this; }

        /** Options of the SVD init. */
        public Builder svdOptions(LeadingSingularVectors.Options o) { cp.svdOptions(o); return this; }

        /** The options. */
        public NtfOptions build() { return new NtfOptions(this); }
    }
}
