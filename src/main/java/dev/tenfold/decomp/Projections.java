package dev.tenfold.decomp;

import dev.tenfold.contract.Contraction;
import dev.tenfold.contract.ModeProduct;
import dev.tenfold.tensor.Tensor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Tucker projections Y ×_k U_kᵀ whose results are allocated in the scope of the factor U_k
 * (the caller's per-iteration scope), never in the scope of the input tensor X.
 */
final class Projections {
    private Projections() { }

    /**
     * Y ×_mode Uᵀ with U (I_mode × r): dimension {@code mode} becomes r. The result lives in U's
     * scope. When Y is in another scope (the user's X) the product is a
     * {@link Contraction#tensordot} with U first (one GEMM, the result viewed back in mode
     * order, a strided view); otherwise a {@link ModeProduct} (batched GEMM on strided views).
     */
    static Tensor project(Tensor y, Tensor u, int mode) {
        if (y.scope() == u.scope()) return ModeProduct.modeProduct(y, u, mode, true);
        Tensor t = Contraction.tensordot(u, y, new int[] {0}, new int[] {mode}); // (r, other modes)
        int[] perm = new int[y.rank()];
        for (int j = 0; j < perm.length; j++) perm[j] = j < mode ? j + 1 : (j == mode ? 0 : j);
        return t.permute(perm);
    }

    /** Applies {@link #project} for every mode in {@code modes}, the most shrinking first. */
    static Tensor projectAll(Tensor y, List<Tensor> us, List<Integer> modes) {
        List<Integer> order = new ArrayList<>(modes);
        order.sort(Comparator.comparingDouble(k -> (double) us.get(k).dim(1) / us.get(k).dim(0)));
        Tensor cur = y;
        for (int k : order) cur = project(cur, us.get(k), k);
        return cur;
    }

    /** Modes 0..n−1 except {@code skip}. */
    static List<Integer> allBut(int n, int skip) {
        List<Integer> m = new ArrayList<>();
        for (int k = 0; k < n; k++) if (k != skip) m.add(k);
        return m;
    }
}
