package dev.tenfold.decomp;

import dev.tenfold.linalg.DenseMatrix;
import dev.tenfold.linalg.LeadingSingularVectors;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;

/**
 * Higher-order SVD (De Lathauwer et al.): Tucker factors from leading left singular vectors of
 * the mode-n unfoldings, computed by {@link LeadingSingularVectors} straight from the tensor
 * (never an I_n × ∏I_k SVD); the core is X ×_0 U_0ᵀ … ×_{N−1} U_{N−1}ᵀ through GEMM-based mode
 * products. Factors have orthonormal columns (largest-magnitude entry of each column positive),
 * so ‖X − X̂‖² = ‖X‖² − ‖G‖².
 * <ul>
 *   <li>{@link #truncated}: every U_n from the unfolding of X itself.</li>
 *   <li>{@link #sequential} (ST-HOSVD, Vannieuwenhoven et al.): modes in order 0 … N−1, U_n
 *       from the unfolding of the tensor already projected on U_0 … U_{n−1} — cheaper, and
 *       usually as accurate.</li>
 * </ul>
 * Results are allocated in X's scope; temporaries are freed before return.
 *
 * <p><b>Memory estimate</b> (checked against the options' budget before anything is allocated):
 * float32 intermediates of the projections, at most 2·size(X)·max_n(R_n/I_n) + the core + the
 * factors (+ size(X) when X is not contiguous), plus the LeadingSingularVectors workspace in
 * heap doubles (I_n² + I_n·w for the Gram method).
 */
public final class Hosvd {
    private Hosvd() { }

    /** Truncated HOSVD with default options. */
    public static TuckerTensor truncated(Tensor x, int... ranks) {
        return truncated(x, TuckerOptions.builder(ranks).build());
    }

    /** Truncated HOSVD with the ranks, {@code initSvdOptions} and memory budget of {@code o}. */
    public static TuckerTensor truncated(Tensor x, TuckerOptions o) {
        return run("Hosvd.truncated", x, o, false);
    }

    /** Sequentially truncated HOSVD with default options. */
    public static TuckerTensor sequential(Tensor x, int... ranks) {
        return sequential(x, TuckerOptions.builder(ranks).build());
    }

    /** Sequentially truncated HOSVD (modes in order 0 … N−1) with the ranks, {@code initSvdOptions} and budget of {@code o}. */
    public static TuckerTensor sequential(Tensor x, TuckerOptions o) {
        return run("Hosvd.sequential", x, o, true);
    }

    private static TuckerTensor run(String op, Tensor x, TuckerOptions o, boolean sequential) {
        if (o == null) throw new IllegalArgumentException(op + ": options must not be null");
        Checks.tensor(op, x);
        o.checkRanks(op, x.shape());
        estimate(op, x, o.ranks(), o.initSvdOptions()).check(o.budget(), "use smaller ranks");
        Checks.finiteSquaredNorm(op, "x", x);
        int[] ranks = o.ranks();
        try (TensorScope tmp = TensorScope.open()) {
            double[][] us = new double[x.rank()][];
            Tensor core = sequential ? sequentialInto(x, ranks, o.initSvdOptions(), us, tmp) : truncatedInto(x, ranks, o.initSvdOptions(), us, tmp);
            return toTucker(x.scope(), core, us, x.dims(), ranks);
        }
    }

    /** Truncated HOSVD: factors into {@code us} (heap, row-major), the core as a tensor in {@code tmp}. */
    static Tensor truncatedInto(Tensor x, int[] ranks, LeadingSingularVectors.Options svd, double[][] us, TensorScope tmp) {
        List<Tensor> ts = new ArrayList<>();
        for (int n = 0; n < x.rank(); n++) {
            us[n] = leading(x, n, ranks[n], svd);
            ts.add(tensor(tmp, us[n], x.dim(n), ranks[n]));
        }
        return Projections.projectAll(x, ts, Projections.allBut(x.rank(), -1));
    }

    /** ST-HOSVD: factors into {@code us}, the core as a tensor in {@code tmp}. */
    static Tensor sequentialInto(Tensor x, int[] ranks, LeadingSingularVectors.Options svd, double[][] us, TensorScope tmp) {
        Tensor y = x;
        for (int n = 0; n < x.rank(); n++) {
            us[n] = leading(y, n, ranks[n], svd);
            y = Projections.project(y, tensor(tmp, us[n], x.dim(n), ranks[n]), n);
        }
        return y;
    }

    /** Leading r left singular vectors of unfold(y, n), row-major (I_n × r). */
    static double[] leading(Tensor y, int n, int r, LeadingSingularVectors.Options svd) {
        if (ShortSideGram.serves(y.dim(n), y.size() / y.dim(n), svd)) {
            double[] u = ShortSideGram.leading(y, n, r);
            if (u != null) return u;
        }
        DenseMatrix v = LeadingSingularVectors.ofUnfolding(y, n, r, svd).vectors();
        return v.data();
    }

    static Tensor tensor(TensorScope scope, double[] values, int rows, int cols) {
        Tensor t = scope.zeros(rows, cols);
        FactorMath.store(values, t);
        return t;
    }

    static TuckerTensor toTucker(TensorScope target, Tensor core, double[][] us, int[] dims, int[] ranks) {
        List<Tensor> fs = new ArrayList<>();
        for (int n = 0; n < dims.length; n++) fs.add(tensor(target, us[n], dims[n], ranks[n]));
        return new TuckerTensor(core.copyTo(target), fs);
    }

    /** The memory estimate (see the class comment). */
    static MemoryBudget estimate(String op, Tensor x, int[] ranks, LeadingSingularVectors.Options svd) {
        int[] dims = x.dims();
        long size = x.size();
        MemoryBudget b = MemoryBudget.estimate(op + " (shape " + x.shape() + ", ranks " + java.util.Arrays.toString(ranks) + ")");
        if (!x.isContiguous()) b.floats("contiguous copy of x", size);
        double shrink = 0;
        long core = 1, factors = 0, svdWorst = 0;
        for (int n = 0; n < dims.length; n++) {
            shrink = Math.max(shrink, (double) ranks[n] / dims[n]);
            core *= ranks[n];
            factors += (long) dims[n] * ranks[n];
            svdWorst = Math.max(svdWorst, MemoryBudget.svdDoubles(dims[n], size / dims[n], ranks[n], svd));
        }
        b.floats("projection intermediates", (long) Math.ceil(2 * size * shrink));
        b.floats("core and factors (x2)", 2 * (core + factors));
        b.doubles("singular-vector workspace", svdWorst);
        return b;
    }
}
