package dev.tenfold.decomp;

import dev.tenfold.contract.Contraction;
import dev.tenfold.contract.ModeProduct;
import dev.tenfold.tensor.Tensor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Tucker projections Y ×_k U_kᵀ whose results are allocated in the scope of the factor U_k
 * (the caller's per-iteration scope), never in the scope of the input tensor X. A projection
 * of a contiguous X on its first or last mode (the passes over X) goes through
 * {@link SkinnyProducts}, which reads X in place.
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
        int last = y.rank() - 1, r = u.dim(1);
        if (y.isContiguous() && (mode == 0 || mode == last)) { // a pass over X: read in place
            int[] dims = y.dims();
            int rest = (int) (y.size() / dims[mode]);
            Tensor out = u.scope().zeros(r, rest);
            if (mode == 0) {
                SkinnyProducts.factorTimesRows(y.view(dims[0], rest), u, out);
            } else {
                SkinnyProducts.rowsTimesFactor(y.view(rest, dims[last]), u, out);
            }
            dims[mode] = r;
            if (mode == 0) return out.view(dims);
            int[] first = new int[dims.length]; // (r, I_0 … I_{N−2}) viewed in mode order
            first[0] = r;
            System.arraycopy(dims, 0, first, 1, last);
            return out.view(first).permute(lastToEnd(dims.length));
        }
        Tensor t = Contraction.tensordot(u, y, new int[] {0}, new int[] {mode}); // (r, other modes)
        int[] perm = new int[y.rank()];
        for (int j = 0; j < perm.length; j++) perm[j] = j < mode ? j + 1 : (j == mode ? 0 : j);
        return t.permute(perm);
    }

    private static int[] lastToEnd(int n) {
        int[] p = new int[n];
        for (int j = 0; j < n - 1; j++) p[j] = j + 1;
        p[n - 1] = 0;
        return p;
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
