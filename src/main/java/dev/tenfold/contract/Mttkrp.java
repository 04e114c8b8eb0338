package dev.tenfold.contract;

import dev.tenfold.linalg.Gemm;
import dev.tenfold.tensor.Tensor;
import java.util.List;

/**
 * Matricised tensor times Khatri-Rao product:
 * {@code MTTKRP(X, {U_k}, n) = unfold(X, n) · khatri_rao(U_k for k ≠ n)}, shape (I_n × R), for an
 * N-way X (N ≥ 2) and factors U_k of shape (I_k × R). The factor at index n is ignored.
 *
 * <p>The full Khatri-Rao product (∏_{k≠n} I_k × R) is never formed. X is seen as (A, I_n, B),
 * A = ∏_{k<n} I_k, B = ∏_{k>n} I_k; the larger of the two sides ("big", size P_big) is
 * contracted first with its partial Khatri-Rao product by one GEMM, giving
 * T (R × I_n·P_small); then the small side is contracted column by column — for each r a
 * weighted sum over P_small rows of T with weights KR_small[:, r] — as one batched GEMM whose
 * batch index is r. When the small side has no modes (n = 0 or n = N-1) the first GEMM writes
 * the result directly.
 *
 * <p><b>Memory bound</b> (floats of temporary memory, freed before return):
 * {@code R·I_n·P_small} for T (0 when n = 0 or n = N-1) + {@code P_small·R} for the small partial
 * Khatri-Rao product + {@code min(P_big·R, budget)} for the big one, which is streamed through a
 * block of at most {@code budget} floats when it is larger (a single factor is used in place),
 * + one contiguous copy of X only when X's strides do not allow the (A·I_n, B) / (A, I_n·B)
 * matrix view. P_small = min(A, B) ≤ √(size(X)/I_n).
 */
public final class Mttkrp {
    /** Default cap, in floats (16 MiB), on the materialised block of the big partial Khatri-Rao product. */
    public static final long DEFAULT_KHATRI_RAO_BUDGET = 1L << 22;

    private Mttkrp() { }

    /** MTTKRP with the default {@link #DEFAULT_KHATRI_RAO_BUDGET}; result (I_n × R) in X's scope. */
    public static Tensor compute(Tensor x, List<Tensor> factors, int mode) {
        return compute(x, factors, mode, DEFAULT_KHATRI_RAO_BUDGET);
    }

    /**
     * MTTKRP streaming the big partial Khatri-Rao product in blocks of at most
     * {@code khatriRaoBudget} floats (at least one row is always used).
     *
     * @throws IllegalArgumentException when X has rank &lt; 2, the factor count is not N, or a
     *         factor is not (I_k × R) with a common R
     */
    public static Tensor compute(Tensor x, List<Tensor> factors, int mode, long khatriRaoBudget) {
        int n = validate(x, factors, mode);
        if (khatriRaoBudget < 1) throw new IllegalArgumentException("khatriRaoBudget must be >= 1, got " + khatriRaoBudget);
        int rankN = x.rank();
        int[] dims = x.dims();
        int r = rankOf(factors, n);
        int a = Layouts.product(dims, Layouts.range(0, n));
        int b = Layouts.product(dims, Layouts.range(n + 1, rankN));
        int in = dims[n];
        // The big side is contracted first; it is never empty (N >= 2 keeps a factor on some side).
        boolean bigRight = n < rankN - 1 && (n == 0 || b >= a);
        Tensor m = x.scope().zeros(in, r);
        try (Scratch scratch = new Scratch()) {
            List<Tensor> left = contiguousFactors(factors.subList(0, n), scratch);
            List<Tensor> right = contiguousFactors(factors.subList(n + 1, rankN), scratch);
            List<Tensor> big = bigRight ? right : left;
            List<Tensor> small = bigRight ? left : right;
            int pBig = bigRight ? b : a;
            int pSmall = bigRight ? a : b;
            // X as a matrix whose one dimension is the big side: (A·I_n × B) or (A × I_n·B).
            Tensor x2 = bigRight
                    ? Layouts.asMatrix(x, Layouts.range(0, n + 1), Layouts.range(n + 1, rankN), scratch)
                    : Layouts.asMatrix(x, Layouts.range(0, n), Layouts.range(n, rankN), scratch);
            // T (R × rest), rest = A·I_n (index (a, i)) or I_n·B (index (i, b)); M itself when no small side.
            Tensor t = small.isEmpty() ? m.t() : scratch.zeros(r, in * pSmall);
            contractBigSide(x2, bigRight, big, pBig, r, khatriRaoBudget, t, scratch);
            if (!small.isEmpty()) {
                Tensor krSmall = small.size() == 1 ? small.get(0) : KhatriRao.build(small, scratch.scope());
                Tensor mt = m.t(); // (R × I_n), strides (1, R)
                if (bigRight) { // M[i, r] = Σ_a KR_small[a, r] · T[r, a, i]
                    Gemm.sgemmBatched(1f, krSmall.t().unsqueeze(1), t.view(r, pSmall, in), 0f, mt.unsqueeze(1));
                } else { // M[i, r] = Σ_b T[r, i, b] · KR_small[b, r]
                    Gemm.sgemmBatched(1f, t.view(r, in, pSmall), krSmall.t().unsqueeze(2), 0f, mt.unsqueeze(2));
                }
            }
        }
        return m;
    }

    /** T = Σ over blocks of the big side's Khatri-Rao rows: KR_blockᵀ · X_block (oriented by side). */
    private static void contractBigSide(Tensor x2, boolean bigRight, List<Tensor> big, int pBig, int r,
                                        long budget, Tensor t, Scratch scratch) {
        if (big.size() == 1 || (long) pBig * r <= budget) {
            Tensor kr = big.size() == 1 ? big.get(0) : KhatriRao.build(big, scratch.scope());
            gemmBlock(x2, bigRight, kr, 0, pBig, 0f, t);
            return;
        }
        int rowsPerBlock = (int) Math.max(1, Math.min(pBig, budget / r));
        Tensor block = scratch.zeros(rowsPerBlock, r);
        for (int from = 0; from < pBig; from += rowsPerBlock) {
            int len = Math.min(rowsPerBlock, pBig - from);
            Tensor kr = block.narrow(0, 0, len);
            KhatriRao.rows(big, from, len, kr);
            gemmBlock(x2, bigRight, kr, from, len, from == 0 ? 0f : 1f, t);
        }
    }

    /** t = krᵀ · (rows/cols [from, from+len) of x2 on the big side) + beta·t. */
    private static void gemmBlock(Tensor x2, boolean bigRight, Tensor kr, int from, int len, float beta, Tensor t) {
        if (bigRight) { // x2 (A·I_n × B): columns are the big side
            Gemm.sgemm(1f, kr.t(), x2.narrow(1, from, len).t(), beta, t);
        } else { // x2 (A × I_n·B): rows are the big side
            Gemm.sgemm(1f, kr.t(), x2.narrow(0, from, len), beta, t);
        }
    }

    private static List<Tensor> contiguousFactors(List<Tensor> us, Scratch scratch) {
        return us.stream().map(u -> u.isContiguous() ? u : scratch.copyOf(u)).toList();
    }

    private static int rankOf(List<Tensor> factors, int skip) {
        return factors.get(skip == 0 ? 1 : 0).dim(1);
    }

    /** Checks X and the factors; returns the normalised mode. */
    static int validate(Tensor x, List<Tensor> factors, int mode) {
        if (x == null || factors == null) throw new IllegalArgumentException("mttkrp: x and factors must not be null");
        if (x.rank() < 2) throw new IllegalArgumentException("mttkrp: x must have rank >= 2, got shape " + x.shape());
        if (factors.size() != x.rank()) {
            throw new IllegalArgumentException("mttkrp: " + factors.size() + " factors given for x of shape " + x.shape()
                    + " (rank " + x.rank() + ")");
        }
        int n = x.shape().normalizeAxis(mode, "mode");
        KhatriRao.select(factors, n, "mttkrp");
        for (int k = 0; k < x.rank(); k++) {
            if (k != n && factors.get(k).dim(0) != x.dim(k)) {
                throw new IllegalArgumentException("mttkrp: factor " + k + " of shape " + factors.get(k).shape()
                        + " needs " + x.dim(k) + " rows to match mode " + k + " of x of shape " + x.shape());
            }
        }
        return n;
    }

    /**
     * Reference implementation (the naive twin): explicit loops over every element of X, double
     * accumulation. O(size(X)·N·R); for tests and small inputs.
     */
    public static Tensor computeNaive(Tensor x, List<Tensor> factors, int mode) {
        int n = validate(x, factors, mode);
        int rankN = x.rank();
        int[] dims = x.dims();
        int r = rankOf(factors, n);
        float[] xv = x.toArray();
        float[][] u = new float[rankN][];
        for (int k = 0; k < rankN; k++) if (k != n) u[k] = factors.get(k).toArray();
        double[] acc = new double[dims[n] * r];
        int[] idx = new int[rankN];
        for (int flat = 0; flat < xv.length; flat++) {
            for (int c = 0; c < r; c++) {
                double w = xv[flat];
                for (int k = 0; k < rankN; k++) if (k != n) w *= u[k][idx[k] * r + c];
                acc[idx[n] * r + c] += w;
            }
            for (int k = rankN - 1; k >= 0; k--) {
                if (++idx[k] < dims[k]) break;
                idx[k] = 0;
            }
        }
        float[] out = new float[acc.length];
        for (int i = 0; i < out.length; i++) out[i] = (float) acc[i];
        return x.scope().fromArray(out, dims[n], r);
    }
}
