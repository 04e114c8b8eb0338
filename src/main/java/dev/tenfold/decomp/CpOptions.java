package dev.tenfold.decomp;

import dev.tenfold.linalg.LeadingSingularVectors;
import dev.tenfold.tensor.Tensor;

/**
 * Options of {@link CpAls} (TensorLy {@code parafac} / Tensor Toolbox {@code cp_als} options).
 * Build with {@link #builder(int)}; every setter validates its argument at once.
 *
 * <p>Defaults: init {@link Init#SVD}, seed 0, tol 1e-6 (on the change of the relative error
 * between two iterations; float32 data cannot resolve much less), maxIter 100, no factor
 * normalization during the iterations, l2 = 0, no line search, no fixed modes, no mask, no
 * listener, memory budget {@link MemoryBudget#defaultBytes()}.
 */
public final class CpOptions {
    /** How the factors start. */
    public enum Init {
        /**
         * Leading left singular vectors of each mode-n unfolding (through
         * {@link LeadingSingularVectors}, never an I_n × ∏I_k SVD); U_0 scaled by the singular
         * values (as TensorLy); when I_n &lt; R the missing columns are seeded standard normal.
         */
        SVD,
        /** Uniform [0, 1) factors from the seed, the same as {@link CpTensor#random}. */
        RANDOM
    }

    private final int rank;
    private final Init init;
    private final CpTensor initial;
    private final long seed;
    private final double tol;
    private final int maxIter;
    private final boolean normalizeFactors;
    private final double l2;
    private final boolean lineSearch;
    private final int[] fixedModes;
    private final Tensor mask;
    private final IterationListener<CpTensor> listener;
    private final long memoryBudgetBytes;
    private final LeadingSingularVectors.Options svdOptions;

    private CpOptions(Builder b) {
        rank = b.rank;
        init = b.init;
        initial = b.initial;
        seed = b.seed;
        tol = b.tol;
        maxIter = b.maxIter;
        normalizeFactors = b.normalizeFactors;
        l2 = b.l2;
        lineSearch = b.lineSearch;
        fixedModes = b.fixedModes.clone();
        mask = b.mask;
        listener = b.listener;
        memoryBudgetBytes = b.memoryBudgetBytes;
        svdOptions = b.svdOptions;
    }

    /** A builder for rank R ≥ 1 (throws {@link IllegalArgumentException} otherwise). */
    public static Builder builder(int rank) {
        return new Builder(rank);
    }

    /** Number of components R. */
    public int rank() { return rank; }
    /** Init method (ignored when {@link #initial()} is set). */
    public Init init() { return init; }
    /** The given initial CP tensor, or null. */
    public CpTensor initial() { return initial; }
    /** Seed for random initialisation and padding. */
    public long seed() { return seed; }
    /** Stop when |err_{k−1} − err_k| &lt; tol. */
    public double tol() { return tol; }
    /** Maximum number of iterations (sweeps). */
    public int maxIter() { return maxIter; }
    /** Keep unit-norm factor columns with the norms in the weights during the iterations. */
    public boolean normalizeFactors() { return normalizeFactors; }
    /** Ridge added to every normal-equation matrix: (G + l2·I). */
    public double l2() { return l2; }
    /** Bro's line search (extrapolation, accepted only when it lowers the error). */
    public boolean lineSearch() { return lineSearch; }
    /** Modes whose factors stay at their initial values (a copy). */
    public int[] fixedModes() { return fixedModes.clone(); }
    /** Missing-data mask (1 observed, 0 missing; shape of X), or null. */
    public Tensor mask() { return mask; }
    /** Progress callback, or null. */
    public IterationListener<CpTensor> listener() { return listener; }
    /** Memory budget in bytes (0: {@link MemoryBudget#defaultBytes()} at fit time). */
    public long memoryBudgetBytes() { return memoryBudgetBytes; }
    /** Options of the SVD initialisation. */
    public LeadingSingularVectors.Options svdOptions() { return svdOptions; }

    long budget() {
        return memoryBudgetBytes > 0 ? memoryBudgetBytes : MemoryBudget.defaultBytes();
    }

    /** Mutable builder of {@link CpOptions}. */
    public static final class Builder {
        private final int rank;
        private Init init = Init.SVD;
        private CpTensor initial;
        private long seed;
        private double tol = 1e-6;
        private int maxIter = 100;
        private boolean normalizeFactors;
        private double l2;
        private boolean lineSearch;
        private int[] fixedModes = new int[0];
        private Tensor mask;
        private IterationListener<CpTensor> listener;
        private long memoryBudgetBytes;
        private LeadingSingularVectors.Options svdOptions = LeadingSingularVectors.Options.defaults();

        private Builder(int rank) {
            this.rank = Checks.positive("rank", rank);
        }

        /** Init method. */
        public Builder init(Init i) {
            if (i == null) throw new IllegalArgumentException("init must not be null");
            init = i;
            initial = null;
            return this;
        }

        /** Start from this CP tensor (shape of X, rank R); it is read, not modified. */
        public Builder init(CpTensor start) {
            if (start == null) throw new IllegalArgumentException("init must not be null");
            if (start.rank() != rank) {
                throw new IllegalArgumentException("init: CP tensor " + start.shape() + " has rank " + start.rank() + ", options have rank " + rank);
            }
            initial = start;
            return this;
        }

        /** Seed for random initialisation. */
        public Builder seed(long s) { seed = s; return this; }

        /** Tolerance ≥ 0 on the change of the relative error (0: run maxIter iterations). */
        public Builder tol(double t) { tol = Checks.nonNegativeFinite("tol", t); return this; }

        /** Maximum iterations ≥ 1. */
        public Builder maxIter(int n) { maxIter = Checks.positive("maxIter", n); return this; }

        /** See {@link CpOptions#normalizeFactors()}. */
        public Builder normalizeFactors(boolean b) { normalizeFactors = b; return this; }

        /** Ridge ≥ 0. */
        public Builder l2(double v) { l2 = Checks.nonNegativeFinite("l2", v); return this; }

        /** See {@link CpOptions#lineSearch()}. */
        public Builder lineSearch(boolean b) { lineSearch = b; return this; }

        /** Modes not updated (checked against X at fit time). */
        public Builder fixedModes(int... modes) {
            if (modes == null) throw new IllegalArgumentException("fixedModes must not be null");
            fixedModes = modes.clone();
            return this;
        }

        /**
         * Missing-data mask (same shape as X, 1 = observed, 0 = missing; X may hold NaN where the
         * mask is 0), or null for none.
         */
        public Builder mask(Tensor m) { mask = m; return this; }

        /** Progress callback, or null. */
        public Builder listener(IterationListener<CpTensor> l) { listener = l; return this; }

        /** Memory budget in bytes (≥ 1). */
        public Builder memoryBudgetBytes(long bytes) {
            if (bytes < 1) throw new IllegalArgumentException("memoryBudgetBytes must be >= 1, got " + bytes);
            memoryBudgetBytes = bytes;
            return this;
        }

        /** Options of the SVD initialisation. */
        public Builder svdOptions(LeadingSingularVectors.Options o) {
            if (o == null) throw new IllegalArgumentException("svdOptions must not be null");
            svdOptions = o;
            return this;
        }

        /** The options. */
        public CpOptions build() { return new CpOptions(this); }
    }
}
