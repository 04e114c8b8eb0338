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
        return project(y, u, mode, null, null);
    }

    /**
     * {@link #project(Tensor, Tensor, int)} writing into the buffer {@code slot} of {@code ws}
     * (when given) instead of a new tensor, for a contiguous Y: the passes over X and the mode
     * products of the partials ({@link #modeProductInto}). Other layouts allocate as above.
     */
    static Tensor project(Tensor y, Tensor u, int mode, Workspace ws, String slot) {
        int last = y.rank() - 1, r = u.dim(1);
        boolean ours = y.scope() == u.scope() || (ws != null && y.scope() == ws.scope()); // a partial, not X
        boolean pass = !ours && y.isContiguous() && (mode == 0 || mode == last);
        if (!pass && ws != null && y.isContiguous()) {
            int[] dims = y.dims();
            dims[mode] = r;
            Tensor out = ws.take(slot, dims);
            modeProductInto(y, u, mode, out);
            return out;
        }
        if (ours) return ModeProduct.modeProduct(y, u, mode, true);
        if (pass) { // a pass over X: read in place
            int[] dims = y.dims();
            int rest = (int) (y.size() / dims[mode]);
            Tensor out = ws != null ? ws.take(slot, r, rest) : u.scope().zeros(r, rest);
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

    /**
     * out = Y ×_mode Uᵀ for a contiguous Y (… I_mode …) and U (I_mode × r), out contiguous with
     * dimension {@code mode} replaced by r: Y viewed as (A, I_mode, B) and out as (A, r, B) —
     * out[a] = Uᵀ·Y[a] by the panel kernel of {@link SkinnyProducts#middleMode} (Y read in place),
     * or, when B = 1, (A × I_mode)·U by {@link LastModeProducts} (also in place). Nothing but the
     * packed U is allocated.
     */
    static void modeProductInto(Tensor y, Tensor u, int mode, Tensor out) {
        int[] dims = y.dims();
        int in = dims[mode], r = u.dim(1);
        int a = (int) FactorMath.product(dims, 0, mode), b = (int) FactorMath.product(dims, mode + 1, dims.length);
        Tensor y3 = y.view(a, in, b), o3 = out.view(a, r, b);
        if (b == 1) { // (A × I_mode)·U, the reduction along Y's rows
            LastModeProducts.product(y.view(1, a, in), u, out.view(1, a, r));
        } else { // Uᵀ·Y[a] for every a: the panel kernel, reading Y in place
            SkinnyProducts.middleMode(y3, u, o3);
        }
    }

    private static int[] lastToEnd(int n) {
        int[] p = new int[n];
        for (int j = 0; j < n - 1; j++) p[j] = j + 1;
        p[n - 1] = 0;
        return p;
    }

    /** Applies {@link #project} for every mode in {@code modes}, the most shrinking first. */
    static Tensor projectAll(Tensor y, List<Tensor> us, List<Integer> modes) {
        return projectAll(y, us, modes, null, null);
    }

    /**
     * Like {@link #projectAll(Tensor, List, List)}; with a workspace, step i writes into slot
     * {@code slot + i}.
     */
    static Tensor projectAll(Tensor y, List<Tensor> us, List<Integer> modes, Workspace ws, String slot) {
        List<Integer> order = new ArrayList<>(modes);
        order.sort(Comparator.comparingDouble(k -> (double) us.get(k).dim(1) / us.get(k).dim(0)));
        Tensor cur = y;
        int i = 0;
        for (int k : order) cur = project(cur, us.get(k), k, ws, slot + (i++));
        return cur;
    }

    /** Modes 0..n−1 except {@code skip}. */
    static List<Integer> allBut(int n, int skip) {
        List<Integer> m = new ArrayList<>();
        for (int k = 0; k < n; k++) if (k != skip) m.add(k);
        return m;
    }
}
