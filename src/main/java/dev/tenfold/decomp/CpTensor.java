package dev.tenfold.decomp;

import dev.tenfold.io.Npz;
import dev.tenfold.linalg.Gemm;
import dev.tenfold.tensor.Shape;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CP (Kruskal) tensor X̂ = Σ_r λ_r · U_0[:, r] ∘ U_1[:, r] ∘ … ∘ U_{N−1}[:, r]: weights λ of
 * shape (R) and N ≥ 2 factor matrices U_n of shape (I_n × R), all float32 tensors. The object
 * holds the given tensors themselves (no copy); methods that produce tensors allocate them in
 * the scope of {@link #weights()}. Identities ({@link #norm()}, {@link #inner(Tensor)}) are
 * computed from R×R Gram matrices and one MTTKRP, never from the dense reconstruction.
 *
 * <p>Files: {@link #save}/{@link #load} use an {@code .npz} archive with arrays {@code weights}
 * and {@code factor_0} … {@code factor_{N−1}} (TensorLy's {@code (weights, factors)} layout, so
 * {@code numpy.load} reads it directly).
 */
public final class CpTensor {
    private final Tensor weights;
    private final List<Tensor> factors;

    /**
     * Wraps λ (R) and the factors (I_n × R).
     *
     * @throws IllegalArgumentException when weights is not 1-D, there are fewer than 2 factors, a
     *         factor is not 2-D or its column count differs from R
     */
    public CpTensor(Tensor weights, List<Tensor> factors) {
        if (weights == null || factors == null) throw new IllegalArgumentException("CpTensor: weights and factors must not be null");
        if (weights.rank() != 1) throw new IllegalArgumentException("CpTensor: weights must be 1-D (R), got shape " + weights.shape());
        if (factors.size() < 2) {
            throw new IllegalArgumentException("CpTensor: needs at least 2 factors (an N-way tensor with N >= 2), got " + factors.size());
        }
        int r = weights.dim(0);
        for (int n = 0; n < factors.size(); n++) {
            Tensor u = factors.get(n);
            if (u == null || u.rank() != 2 || u.dim(1) != r) {
                throw new IllegalArgumentException("CpTensor: factor " + n + " must be (I_" + n + " × " + r
                        + ") to match weights of shape " + weights.shape() + ", got " + (u == null ? "null" : u.shape()));
            }
        }
        this.weights = weights;
        this.factors = List.copyOf(factors);
    }

    /** A CP tensor with all weights 1, allocated in the scope of the first factor. */
    public static CpTensor withUnitWeights(List<Tensor> factors) {
        if (factors == null || factors.isEmpty() || factors.get(0) == null || factors.get(0).rank() != 2) {
            throw new IllegalArgumentException("CpTensor.withUnitWeights: needs 2-D factors (I_n × R)");
        }
        return new CpTensor(factors.get(0).scope().ones(factors.get(0).dim(1)), factors);
    }

    /**
     * A random CP tensor in {@code scope}: weights 1, factor n uniform in [0, 1) from seed
     * {@code seed + n} (TensorLy's {@code random_cp} distribution).
     */
    public static CpTensor random(TensorScope scope, long seed, int rank, int... dims) {
        Checks.positive("rank", rank);
        if (dims == null || dims.length < 2) throw new IllegalArgumentException("CpTensor.random: needs at least 2 dims, got " + Arrays.toString(dims));
        List<Tensor> us = new ArrayList<>();
        for (int n = 0; n < dims.length; n++) us.add(scope.uniform(seed + n, 0f, 1f, dims[n], rank));
        return new CpTensor(scope.ones(rank), us);
    }

    /** Builds a CP tensor in {@code scope} from heap values (row-major factors). */
    static CpTensor of(TensorScope scope, double[] lambda, double[][] factors, int[] dims) {
        int r = lambda.length;
        Tensor w = scope.zeros(r);
        FactorMath.store(lambda, w);
        List<Tensor> us = new ArrayList<>();
        for (int n = 0; n < dims.length; n++) {
            Tensor u = scope.zeros(dims[n], r);
            FactorMath.store(factors[n], u);
            us.add(u);
        }
        return new CpTensor(w, us);
    }

    /** The rank R (number of components). */
    public int rank() { return weights.dim(0); }

    /** The order N (number of modes). */
    public int order() { return factors.size(); }

    /** The shape (I_0, …, I_{N−1}) of the represented tensor. */
    public Shape shape() { return Shape.of(dims()); }

    /** The dimensions I_n. */
    public int[] dims() {
        int[] d = new int[factors.size()];
        for (int n = 0; n < d.length; n++) d[n] = factors.get(n).dim(0);
        return d;
    }

    /** The weights λ (R), the held tensor itself. */
    public Tensor weights() { return weights; }

    /** Factor U_n (I_n × R), the held tensor itself. */
    public Tensor factor(int n) {
        if (n < 0 || n >= factors.size()) throw new IllegalArgumentException("factor: mode " + n + " is out of range for a " + order() + "-way CP tensor");
        return factors.get(n);
    }

    /** All factors (unmodifiable list). */
    public List<Tensor> factors() { return Collections.unmodifiableList(factors); }

    /**
     * The dense tensor (I_0, …, I_{N−1}) in the scope of {@link #weights()}: with the modes split
     * into two groups (A = ∏ left dims, B = ∏ right dims) it is one GEMM
     * (KR_left·diag(λ)) (A × R) · KR_rightᵀ (R × B). Temporary memory: R·(A + B) floats.
     */
    public Tensor toTensor() {
        int[] dims = dims();
        int h = SweepMttkrp.split(dims);
        int a = (int) FactorMath.product(dims, 0, h), b = (int) FactorMath.product(dims, h, dims.length);
        Tensor out = weights.scope().zeros(dims);
        try (TensorScope tmp = TensorScope.open()) {
            List<Tensor> us = contiguous(factors, tmp);
            Tensor kl = tmp.zeros(a, rank()), kr = tmp.zeros(b, rank());
            FactorMath.khatriRaoInto(us.subList(0, h), kl);
            FactorMath.khatriRaoInto(us.subList(h, us.size()), kr);
            kl.mulInPlace(weights);
            Gemm.sgemm(1f, kl, kr.t(), 0f, out.view(a, b));
        }
        return out;
    }

    /** ‖X̂‖_F = √(λᵀ (∗_n U_nᵀU_n) λ), from the Gram matrices in double. */
    public double norm() {
        int r = rank();
        double[][] grams = new double[order()][];
        for (int n = 0; n < order(); n++) grams[n] = FactorMath.gram(FactorMath.toDoubles(factors.get(n)), factors.get(n).dim(0), r);
        return Math.sqrt(Math.max(0, FactorMath.quadratic(FactorMath.hadamardExcept(grams, -1, r), FactorMath.toDoubles(weights))));
    }

    /**
     * ⟨X, X̂⟩ = Σ_r λ_r Σ_i M[i, r]·U_{N−1}[i, r] with M the MTTKRP of X for the last mode
     * (one pass over X; X is copied first only when it is not contiguous).
     *
     * @throws IllegalArgumentException when x's shape differs from {@link #shape()}
     */
    public double inner(Tensor x) {
        Checks.sameShape("x", x, shape(), "CpTensor.inner");
        int last = order() - 1;
        try (TensorScope tmp = TensorScope.open()) {
            Tensor xc = x.isContiguous() ? x : x.copyTo(tmp);
            List<Tensor> us = contiguous(factors, tmp);
            double[] m = new SweepMttkrp(xc, rank(), tmp).mttkrp(last, us);
            return FactorMath.weightedColumnDot(m, FactorMath.toDoubles(us.get(last)), FactorMath.toDoubles(weights), dims()[last]);
        }
    }

    /**
     * A new CP tensor (same scope) whose factor columns have unit norm, the norms multiplied into
     * the weights. A zero column stays zero and its weight becomes 0.
     */
    public CpTensor normalize() {
        double[] lambda = FactorMath.toDoubles(weights);
        double[][] us = normalizedFactors(lambda);
        return of(weights.scope(), lambda, us, dims());
    }

    /** Heap copies of the factors with unit columns; the norms are multiplied into {@code lambda}. */
    private double[][] normalizedFactors(double[] lambda) {
        int r = rank();
        int[] dims = dims();
        double[][] us = new double[order()][];
        for (int n = 0; n < order(); n++) {
            us[n] = FactorMath.toDoubles(factors.get(n));
            double[] norms = FactorMath.columnNorms(us[n], dims[n], r);
            double[] inv = new double[r];
            for (int c = 0; c < r; c++) {
                lambda[c] *= norms[c];
                inv[c] = norms[c] == 0 ? 0 : 1 / norms[c];
            }
            FactorMath.scaleColumns(us[n], dims[n], inv);
        }
        return us;
    }

    /**
     * A new, canonically arranged CP tensor (same scope), as Tensor Toolbox's {@code arrange}:
     * normalized ({@link #normalize()}), a negative weight made positive by flipping the last
     * factor's column, components sorted by weight descending (stable), and in U_0 … U_{N−2} the
     * largest-magnitude entry of every column made positive, the sign flips absorbed in U_{N−1}.
     * The represented tensor does not change.
     */
    public CpTensor arrange() {
        int r = rank(), order = order();
        int[] dims = dims();
        double[] lambda = FactorMath.toDoubles(weights);
        double[][] us = normalizedFactors(lambda);
        for (int c = 0; c < r; c++) {
            if (lambda[c] < 0) {
                lambda[c] = -lambda[c];
                flipColumn(us[order - 1], dims[order - 1], r, c);
            }
        }
        Integer[] perm = new Integer[r];
        for (int c = 0; c < r; c++) perm[c] = c;
        Arrays.sort(perm, (p, q) -> Double.compare(lambda[q], lambda[p]));
        double[] sortedLambda = new double[r];
        for (int c = 0; c < r; c++) sortedLambda[c] = lambda[perm[c]];
        double[][] sorted = new double[order][];
        for (int n = 0; n < order; n++) {
            sorted[n] = new double[dims[n] * r];
            for (int i = 0; i < dims[n]; i++) {
                for (int c = 0; c < r; c++) sorted[n][i * r + c] = us[n][i * r + perm[c]];
            }
        }
        for (int n = 0; n < order - 1; n++) {
            for (int c = 0; c < r; c++) {
                double big = 0;
                for (int i = 0; i < dims[n]; i++) {
                    double v = sorted[n][i * r + c];
                    if (Math.abs(v) > Math.abs(big)) big = v;
                }
                if (big < 0) {
                    flipColumn(sorted[n], dims[n], r, c);
                    flipColumn(sorted[order - 1], dims[order - 1], r, c);
                }
            }
        }
        return of(weights.scope(), sortedLambda, sorted, dims);
    }

    private static void flipColumn(double[] u, int rows, int r, int c) {
        for (int i = 0; i < rows; i++) u[i * r + c] = -u[i * r + c];
    }

    /** Writes {@code weights}, {@code factor_0} … to the {@code .npz} file {@code file}. */
    public void save(Path file) throws IOException {
        Map<String, Tensor> arrays = new LinkedHashMap<>();
        arrays.put("weights", weights);
        for (int n = 0; n < order(); n++) arrays.put("factor_" + n, factors.get(n));
        Npz.write(arrays, file);
    }

    /**
     * Reads a CP tensor written by {@link #save} (or by numpy with the same names) into
     * {@code scope}.
     *
     * @throws IllegalArgumentException when {@code weights} or {@code factor_0}, {@code factor_1}
     *         are missing or the shapes do not fit together
     */
    public static CpTensor load(TensorScope scope, Path file) throws IOException {
        Map<String, Tensor> arrays = Npz.read(scope, file);
        Tensor w = arrays.get("weights");
        if (w == null) throw new IllegalArgumentException("CpTensor.load: " + file + " has no 'weights' array (found " + arrays.keySet() + ")");
        List<Tensor> us = new ArrayList<>();
        for (int n = 0; arrays.containsKey("factor_" + n); n++) us.add(arrays.get("factor_" + n));
        if (us.size() < 2) throw new IllegalArgumentException("CpTensor.load: " + file + " needs factor_0 and factor_1 (found " + arrays.keySet() + ")");
        return new CpTensor(w, us);
    }

    static List<Tensor> contiguous(List<Tensor> ts, TensorScope tmp) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : ts) out.add(t.isContiguous() ? t : t.copyTo(tmp));
        return out;
    }

    @Override
    public String toString() {
        return "CpTensor" + shape() + " rank " + rank();
    }
}
