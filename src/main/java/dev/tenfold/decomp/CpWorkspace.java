package dev.tenfold.decomp;

import dev.tenfold.linalg.LeadingSingularVectors;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Working state of a CP fit (ALS or HALS): float32 factor tensors that the MTTKRPs read, their
 * float-rounded heap copies in double, the Gram matrices UₙᵀUₙ and the weights λ. All tensors
 * live in the fit's scratch scope.
 */
final class CpWorkspace {
    final int[] dims;
    final int order;
    final int rank;
    final List<Tensor> factorTensors = new ArrayList<>();
    final double[][] factors;
    final double[][] grams;
    double[] lambda;
    private final Tensor lambdaTensor;
    private final SweepMttkrp tree;

    CpWorkspace(Tensor x, int rank, TensorScope scratch) {
        this.dims = x.dims();
        this.order = dims.length;
        this.rank = rank;
        this.factors = new double[order][];
        this.grams = new double[order][];
        for (int d : dims) factorTensors.add(scratch.zeros(d, rank));
        this.lambdaTensor = scratch.zeros(rank);
        this.lambda = new double[rank];
        java.util.Arrays.fill(lambda, 1);
        this.tree = new SweepMttkrp(x, rank, scratch);
    }

    /**
     * Lets the passes over mode 0 read a copy of X with mode 0 moved last
     * ({@link SweepMttkrp#useModeLayouts}: when I_0 ≥ {@link SweepMttkrp#copyMinRows}, size floats
     * in {@code scratch}) when X is too big to be read in place by the panel passes
     * ({@link SkinnyProducts#inPlaceMaxBytes}) and the copy with the fit's {@code estimate} takes
     * at most half the memory budget (the copy is optional, so it leaves the other half free);
     * otherwise the passes read X as before. Only for an X whose values stay fixed during the fit
     * (no mask).
     */
    void useModeLayoutsWithin(MemoryBudget estimate, long budget, TensorScope scratch) {
        long size = FactorMath.product(dims, 0, order);
        long extra = SweepMttkrp.layoutFloats(dims) * Float.BYTES;
        if (extra > 0 && size * Float.BYTES > SkinnyProducts.inPlaceMaxBytes && estimate.total() + extra <= budget / 2) {
            tree.useModeLayouts(scratch);
        }
    }

    /** Floats the workspace allocates (factor tensors, λ, the sweep partials). */
    static long floats(int[] dims, int rank) {
        long f = rank + SweepMttkrp.floats(dims, rank);
        for (int d : dims) f += (long) d * rank;
        return f;
    }

    /** Heap doubles per copy of all factors. */
    static long factorDoubles(int[] dims, int rank) {
        long f = 0;
        for (int d : dims) f += (long) d * rank;
        return f;
    }

    /** Sets factor n (row-major I_n × R; rounded to float in place), its Gram, and invalidates partials. */
    void setFactor(int n, double[] values) {
        FactorMath.roundToFloat(values);
        factors[n] = values;
        grams[n] = FactorMath.gram(values, dims[n], rank);
        FactorMath.store(values, factorTensors.get(n));
        tree.invalidate(n);
    }

    /** The MTTKRP of mode n with the current factors (I_n × R, row-major). */
    double[] mttkrp(int n) {
        return tree.mttkrp(n, factorTensors);
    }

    /** X's values changed: the partial contractions are stale. */
    void dataChanged() {
        tree.invalidateAll();
    }

    /** Writes the current model X̂ into {@code dst} (contiguous, shape of X). */
    void reconstructInto(Tensor dst) {
        tree.reconstructInto(factorTensors, lambda, dst);
    }

    /** ‖X̂‖² from the Gram matrices. */
    double modelNorm2() {
        return FactorMath.quadratic(FactorMath.hadamardExcept(grams, -1, rank), lambda);
    }

    /** Relative error from the MTTKRP of the last mode, computed with the current factors. */
    double relError(double normX2, double[] lastMttkrp) {
        int last = order - 1;
        double inner = FactorMath.weightedColumnDot(lastMttkrp, factors[last], lambda, dims[last]);
        return FactorMath.relativeError(normX2, modelNorm2(), inner);
    }

    /** The current model as a CP tensor over the working memory (valid until the next update). */
    CpTensor view() {
        FactorMath.store(lambda, lambdaTensor);
        return new CpTensor(lambdaTensor, factorTensors);
    }

    /** A copy of the current model in {@code target}. */
    CpTensor copyTo(TensorScope target) {
        return CpTensor.of(target, lambda, factors, dims);
    }

    /** Heap copies of all factors. */
    double[][] snapshot() {
        double[][] s = new double[order][];
        for (int n = 0; n < order; n++) s[n] = factors[n].clone();
        return s;
    }

    // ------------------------------------------------------------------ initialisation

    /**
     * Initial factors and weights (heap, row-major). SVD: leading left singular vectors of each
     * unfolding of {@code x}; U_0 scaled by the singular values; missing columns (I_n &lt; R)
     * seeded standard normal, or uniform [0, 1) when {@code nonNegative} (which also takes
     * absolute values). RANDOM: uniform [0, 1) as {@link CpTensor#random}. A given tensor is copied.
     */
    static double[][] initialFactors(Tensor x, int rank, CpOptions.Init init, CpTensor given, long seed,
                                     LeadingSingularVectors.Options svd, boolean nonNegative, double[] lambdaOut) {
        int[] dims = x.dims();
        double[][] us = new double[dims.length][];
        java.util.Arrays.fill(lambdaOut, 1);
        if (given != null) {
            double[] w = FactorMath.toDoubles(given.weights());
            System.arraycopy(w, 0, lambdaOut, 0, rank);
            for (int n = 0; n < dims.length; n++) us[n] = FactorMath.toDoubles(given.factor(n));
            return us;
        }
        for (int n = 0; n < dims.length; n++) {
            if (init == CpOptions.Init.RANDOM) {
                try (TensorScope tmp = TensorScope.open()) {
                    us[n] = FactorMath.toDoubles(tmp.uniform(seed + n, 0f, 1f, dims[n], rank));
                }
                continue;
            }
            LeadingSingularVectors.Result svdResult = LeadingSingularVectors.ofUnfolding(x, n, rank, svd);
            int k = svdResult.vectors().cols();
            double[] v = svdResult.vectors().data();
            double[] u = new double[dims[n] * rank];
            SplittableRandom rng = new SplittableRandom(seed + n);
            for (int i = 0; i < dims[n]; i++) {
                for (int c = 0; c < rank; c++) {
                    double val;
                    if (c < k) {
                        val = v[i * k + c] * (n == 0 ? svdResult.singularValues()[c] : 1);
                    } else {
                        val = nonNegative ? rng.nextDouble() : gaussian(rng);
                    }
                    u[i * rank + c] = nonNegative ? Math.abs(val) : val;
                }
            }
            us[n] = u;
        }
        return us;
    }

    private static double gaussian(SplittableRandom rng) {
        double u1 = rng.nextDouble(), u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
