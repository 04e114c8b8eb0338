package dev.tenfold.contract;

import dev.tenfold.linalg.Gemm;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Mode-n products Y = X ×_n U: {@code Y[i_0, …, j, …, i_{N-1}] = Σ_i U[j, i] · X[i_0, …, i, …, i_{N-1}]}
 * with U of shape (J × I_n), so dimension n of the result is J (equivalently
 * {@code unfold(Y, n) = U · unfold(X, n)}). With {@code transposed} the matrix is given as
 * (I_n × J) and Uᵀ is applied (the Tucker projection X ×_n U_nᵀ).
 *
 * <p>Implementation: X is seen as a 3-D tensor (A, I_n, B) with A = ∏ dims before n and
 * B = ∏ dims after n — a strided view, no unfolding is materialised (a contiguous copy is made
 * only when X's strides do not allow the view). Then one GEMM when A = 1 or B = 1, else a
 * batched GEMM whose individual products are the larger of (J × I_n)·(I_n × B) per a and
 * (A × I_n)·(I_n × J) per b. Results are new contiguous tensors in X's scope.
 */
public final class ModeProduct {
    private ModeProduct() { }

    /** X ×_n U with U of shape (J × I_n); the result has dimension n replaced by J. */
    public static Tensor modeProduct(Tensor x, Tensor u, int mode) {
        return modeProduct(x, u, mode, false);
    }

    /**
     * X ×_n U, or X ×_n Uᵀ when {@code transposed} (then U has shape (I_n × J)).
     *
     * @throws IllegalArgumentException when U is not 2-D or its matching dimension is not I_n
     */
    public static Tensor modeProduct(Tensor x, Tensor u, int mode, boolean transposed) {
        try (Scratch scratch = new Scratch()) {
            return apply(x, u, mode, transposed, x.scope(), scratch);
        }
    }

    /**
     * Applies U_k (or U_kᵀ when {@code transposed}) along every mode k ≠ {@code skipMode}
     * ({@code skipMode = -1}: all modes). {@code us.get(k)} is the matrix for mode k; the entry
     * at {@code skipMode} is ignored and may be null. The products commute; they are applied
     * in increasing order of the ratio (new size / old size) of their mode, so the tensor shrinks
     * as early as possible and later products are cheaper. Intermediates are freed before return.
     */
    public static Tensor multiModeProduct(Tensor x, List<Tensor> us, int skipMode, boolean transposed) {
        if (x == null || us == null) throw new IllegalArgumentException("multiModeProduct: x and us must not be null");
        int rank = x.rank();
        if (us.size() != rank) {
            throw new IllegalArgumentException("multiModeProduct: us has " + us.size() + " matrices but x of shape "
                    + x.shape() + " has " + rank + " modes");
        }
        if (skipMode < -1 || skipMode >= rank) {
            throw new IllegalArgumentException("multiModeProduct: skipMode " + skipMode + " must be -1 or in [0, "
                    + rank + ") for x of shape " + x.shape());
        }
        List<Integer> modes = new ArrayList<>();
        for (int k = 0; k < rank; k++) {
            if (k == skipMode) continue;
            checkMatrix(x, us.get(k), k, transposed);
            modes.add(k);
        }
        modes.sort(Comparator.comparingDouble(k -> (double) outDim(us.get(k), transposed) / x.dim(k)));
        if (modes.isEmpty()) return x.copy();
        try (Scratch scratch = new Scratch()) {
            Tensor cur = x;
            for (int i = 0; i < modes.size(); i++) {
                int k = modes.get(i);
                TensorScope target = i == modes.size() - 1 ? x.scope() : scratch.scope();
                cur = apply(cur, us.get(k), k, transposed, target, scratch);
            }
            return cur;
        }
    }

    private static int outDim(Tensor u, boolean transposed) {
        return transposed ? u.dim(1) : u.dim(0);
    }

    private static void checkMatrix(Tensor x, Tensor u, int mode, boolean transposed) {
        if (u == null) throw new IllegalArgumentException("modeProduct: matrix for mode " + mode + " must not be null");
        int in = transposed ? 1 : 0;
        if (u.rank() != 2 || u.dim(1 - in) != x.dim(mode)) {
            throw new IllegalArgumentException("modeProduct: matrix of shape " + u.shape() + " cannot multiply mode "
                    + mode + " (size " + x.dim(mode) + ") of tensor " + x.shape() + "; expected shape "
                    + (transposed ? "(" + x.dim(mode) + ", J) with transposed=true" : "(J, " + x.dim(mode) + ")"));
        }
    }

    /** The product into a new contiguous tensor of {@code target}. */
    static Tensor apply(Tensor x, Tensor u, int mode, boolean transposed, TensorScope target, Scratch scratch) {
        if (x == null) throw new IllegalArgumentException("modeProduct: x must not be null");
        int n = x.shape().normalizeAxis(mode, "mode");
        checkMatrix(x, u, n, transposed);
        Tensor uj = transposed ? u.t() : u; // (J × I_n), any strides
        int[] dims = x.dims();
        int in = dims[n];
        int j = uj.dim(0);
        int a = Layouts.product(dims, Layouts.range(0, n));
        int b = Layouts.product(dims, Layouts.range(n + 1, dims.length));
        Tensor x3 = Layouts.asRank3(x, Layouts.range(0, n), new int[] {n}, Layouts.range(n + 1, dims.length), scratch);
        dims[n] = j;
        Tensor y = target.zeros(dims);
        Tensor y3 = y.view(a, j, b);
        if (a == 1) { // Y (J × B) = U · X (I_n × B)
            Gemm.sgemm(1f, uj, x3.select(0, 0), 0f, y3.select(0, 0));
        } else if (b == 1) { // Y (A × J) = X (A × I_n) · Uᵀ
            Gemm.sgemm(1f, x3.select(2, 0), uj.t(), 0f, y3.select(2, 0));
        } else if (b >= a) { // per a: (J × I_n)·(I_n × B)
            Gemm.sgemmBatched(1f, uj.unsqueeze(0), x3, 0f, y3);
        } else { // per b: (A × I_n)·(I_n × J)
            Gemm.sgemmBatched(1f, x3.permute(2, 0, 1), uj.t().unsqueeze(0), 0f, y3.permute(2, 0, 1));
        }
        return y;
    }
}
