package dev.tenfold.decomp;

import dev.tenfold.linalg.LeadingSingularVectors;
import dev.tenfold.tensor.Shape;

/**
 * Options of {@link Hooi} and {@link Hosvd} (TensorLy {@code tucker} / Tensor Toolbox
 * {@code tucker_als}). Build with {@link #builder(int...)}; setters validate at once.
 *
 * <p>Defaults: init {@link Init#HOSVD}, tol 1e-6 on the change of the relative error, maxIter
 * 100, seed 0, memory budget {@link MemoryBudget#defaultBytes()}, no listener. Singular vectors
 * come from {@link LeadingSingularVectors}: for the HOSVD (init and {@link Hosvd}) with its default
 * options (exact Gram method up to 512 rows). Inside the HOOI iterations each factor is refined by
 * subspace iteration warm-started from its previous value (one or two products with the small
 * projected unfolding, then a Rayleigh–Ritz rotation) when it converges with a certified
 * spectral gap; otherwise {@link #svdOptions()} decide (by default the exact Gram method of the
 * shorter side up to 512 rows or 1024 columns, the randomized range finder beyond — see
 * {@code ShortSideGram}). Pass {@code svdOptions(defaults().withMethod(GRAM))} for the exact
 * Gram method at every step, or {@code withMethod(RANDOMIZED)} for the range finder whenever the
 * warm refinement does not converge (the default before: approximate on flat spectra).
 */
public final class TuckerOptions {
    /** How HOOI starts. */
    public enum Init {
        /** Truncated HOSVD: leading singular vectors of every unfolding of X. */
        HOSVD,
        /** Sequentially truncated HOSVD (mode 0 first, each unfolding of the projected tensor). */
        ST_HOSVD,
        /** Orthonormalized seeded uniform random factors. */
        RANDOM
    }

    private final int[] ranks;
    private final Init init;
    private final TuckerTensor initial;
    private final double tol;
    private final int maxIter;
    private final long seed;
    private final LeadingSingularVectors.Options svdOptions;
    private final LeadingSingularVectors.Options initSvdOptions;
    private final IterationListener<TuckerTensor> listener;
    private final long memoryBudgetBytes;

    private TuckerOptions(Builder b) {
        ranks = b.ranks.clone();
        init = b.init;
        initial = b.initial;
        tol = b.tol;
        maxIter = b.maxIter;
        seed = b.seed;
        svdOptions = b.svdOptions;
        initSvdOptions = b.initSvdOptions;
        listener = b.listener;
        memoryBudgetBytes = b.memoryBudgetBytes;
    }

    /** A builder for multilinear ranks (R_0, …, R_{N−1}), each ≥ 1. */
    public static Builder builder(int... ranks) {
        return new Builder(ranks);
    }

    /** The multilinear ranks (a copy). */
    public int[] ranks() { return ranks.clone(); }
    /** Init method (ignored when {@link #initial()} is set). */
    public Init init() { return init; }
    /** Given initial Tucker tensor (its factors are used), or null. */
    public TuckerTensor initial() { return initial; }
    /** Stop when |err_{k−1} − err_k| &lt; tol. */
    public double tol() { return tol; }
    /** Maximum HOOI iterations. */
    public int maxIter() { return maxIter; }
    /** Seed for random init. */
    public long seed() { return seed; }
    /** Options of the leading singular vectors inside the HOOI iterations. */
    public LeadingSingularVectors.Options svdOptions() { return svdOptions; }
    /** Options of the leading singular vectors of the HOSVD (init, {@link Hosvd}). */
    public LeadingSingularVectors.Options initSvdOptions() { return initSvdOptions; }
    /** Progress callback, or null. */
    public IterationListener<TuckerTensor> listener() { return listener; }
    /** Memory budget in bytes (0: {@link MemoryBudget#defaultBytes()}). */
    public long memoryBudgetBytes() { return memoryBudgetBytes; }

    long budget() {
        return memoryBudgetBytes > 0 ? memoryBudgetBytes : MemoryBudget.defaultBytes();
    }

    /** Checks the ranks against X's shape: one per mode, 1 ≤ R_n ≤ I_n. */
    void checkRanks(String op, Shape shape) {
        if (ranks.length != shape.rank()) {
            throw new IllegalArgumentException(op + ": ranks " + java.util.Arrays.toString(ranks) + " has " + ranks.length
                    + " entries but x of shape " + shape + " has " + shape.rank() + " modes");
        }
        for (int n = 0; n < ranks.length; n++) {
            if (ranks[n] > shape.dim(n)) {
                throw new IllegalArgumentException(op + ": ranks " + java.util.Arrays.toString(ranks) + " asks for " + ranks[n]
                        + " components in mode " + n + " but x of shape " + shape + " has only " + shape.dim(n));
            }
        }
        if (initial != null && (!initial.shape().equals(shape) || !java.util.Arrays.equals(initial.ranks(), ranks))) {
            throw new IllegalArgumentException(op + ": initial Tucker tensor " + initial.shape() + " with ranks "
                    + java.util.Arrays.toString(initial.ranks()) + " does not match x of shape " + shape + " and ranks "
                    + java.util.Arrays.toString(ranks));
        }
    }

    /** Mutable builder of {@link TuckerOptions}. */
    public static final class Builder {
        private final int[] ranks;
        private Init init = Init.HOSVD;
        private TuckerTensor initial;
        private double tol = 1e-6;
        private int maxIter = 100;
        private long seed;
        private LeadingSingularVectors.Options svdOptions = LeadingSingularVectors.Options.defaults();
        private LeadingSingularVectors.Options initSvdOptions = LeadingSingularVectors.Options.defaults();
        private IterationListener<TuckerTensor> listener;
        private long memoryBudgetBytes;

        private Builder(int[] ranks) {
            if (ranks == null || ranks.length == 0) throw new IllegalArgumentException("ranks must name one rank per mode, got none");
            for (int n = 0; n < ranks.length; n++) {
                if (ranks[n] < 1) {
                    throw new IllegalArgumentException("ranks " + java.util.Arrays.toString(ranks) + ": rank of mode " + n
                            + " must be >= 1, got " + ranks[n]);
                }
            }
            this.ranks = ranks.clone();
        }

        /** Init method. */
        public Builder init(Init i) {
            if (i == null) throw new IllegalArgumentException("init must not be null");
            init = i;
            initial = null;
            return this;
        }

        /** Start from this Tucker tensor's factors (they should be orthonormal). */
        public Builder init(TuckerTensor start) {
            if (start == null) throw new IllegalArgumentException("init must not be null");
            initial = start;
            return this;
        }

        /** Tolerance ≥ 0 (0: run maxIter iterations). */
        public Builder tol(double t) { tol = Checks.nonNegativeFinite("tol", t); return this; }

        /** Maximum iterations ≥ 1. */
        public Builder maxIter(int n) { maxIter = Checks.positive("maxIter", n); return this; }

        /** Seed for random init. */
        public Builder seed(long s) { seed = s; return this; }

        /** Options of the leading singular vectors inside the HOOI iterations. */
        public Builder svdOptions(LeadingSingularVectors.Options o) {
            if (o == null) throw new IllegalArgumentException("svdOptions must not be null");
            svdOptions = o;
            return this;
        }

        /** Options of the leading singular vectors of the HOSVD (init and {@link Hosvd}). */
        public Builder initSvdOptions(LeadingSingularVectors.Options o) {
            if (o == null) throw new IllegalArgumentException("initSvdOptions must not be null");
            initSvdOptions = o;
            return this;
        }

        /** Progress callback, or null. */
        public Builder listener(IterationListener<TuckerTensor> l) { listener = l; return this; }

        /** Memory budget in bytes (≥ 1). */
        public Builder memoryBudgetBytes(long bytes) {
            if (bytes < 1) throw new IllegalArgumentException("memoryBudgetBytes must be >= 1, got " + bytes);
            memoryBudgetBytes = bytes;
            return this;
        }

        /** The options. */
        public TuckerOptions build() { return new TuckerOptions(this); }
    }
}
