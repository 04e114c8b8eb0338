package dev.tenfold.contract;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How one pairwise contraction is laid onto GEMM calls: C[batch, M, N] = Σ_K A[batch, M, K] ·
 * B[batch, K, N], each group a list of labels that must act as one strided dimension.
 *
 * <p>Choices searched (cheapest by {@link #cost}): the label order inside each group (from the
 * operands' and the output's strides); free labels of one operand moved into the batch group
 * with the other operand broadcast over them (stride 0) — how X ×_n U on a middle mode becomes a
 * batched GEMM without copying X; leading batch labels iterated outside the GEMM when the batch
 * group does not merge; and, when nothing else works, one contiguous copy of an operand or a
 * staging buffer for the output. Cost, in element-equivalents: elements copied + 3000 per GEMM
 * call + 1000 per batch item (small GEMMs are inefficient).
 */
final class PairLayout {
    /** Cost of one GEMM call, in elements copied. Tests set it (and {@link #itemCost}) to 0 to force view layouts. */
    static volatile double callCost = 3000;
    /** Cost of one batch item, in elements copied. */
    static volatile double itemCost = 1000;

    final Term a;
    final Term b;
    final int[] batch;
    final int[] m;
    final int[] n;
    final int[] k;
    final boolean copyA;
    final boolean copyB;
    final boolean stageC;
    /** Number of leading batch labels iterated outside the GEMM. */
    final int loopLabels;
    final double cost;

    private PairLayout(Term a, Term b, int[][] groups, boolean[] copies, int loopLabels, double cost) {
        this.a = a;
        this.b = b;
        this.batch = groups[0];
        this.m = groups[1];
        this.n = groups[2];
        this.k = groups[3];
        this.copyA = copies[0];
        this.copyB = copies[1];
        this.stageC = copies[2];
        this.loopLabels = loopLabels;
        this.cost = cost;
    }

    /**
     * The cheapest layout. {@code out} is the preallocated output (labels in its required order)
     * or null when the result may be laid out freely.
     */
    static PairLayout choose(Term a, Term b, int[] realBatch, int[] contr, int[] freeA, int[] freeB, Term out) {
        PairLayout best = null;
        int[] fa = a.byStride(freeA), fb = b.byStride(freeB);
        // pseudo-batch options: none, the outermost p free labels of A, or of B
        for (int side = 0; side < 3; side++) {
            int max = side == 0 ? 0 : side == 1 ? fa.length : fb.length;
            for (int p = side == 0 ? 0 : 1; p <= max; p++) {
                int[] pa = side == 1 ? Arrays.copyOf(fa, p) : new int[0];
                int[] pb = side == 2 ? Arrays.copyOf(fb, p) : new int[0];
                Term a2 = a.broadcastOver(pb, b.dimsOf(pb));
                Term b2 = b.broadcastOver(pa, a.dimsOf(pa));
                int[] batch = Layouts.concat(pa, pb, realBatch);
                int[] m = PairContraction.select(freeA, ~EinsumSpec.mask(pa));
                int[] n = PairContraction.select(freeB, ~EinsumSpec.mask(pb));
                PairLayout c = bestOrders(a2, b2, batch, m, n, contr, out, pa.length + pb.length > 0);
                if (c != null && (best == null || c.cost < best.cost)) best = c;
            }
        }
        return best;
    }

    private static PairLayout bestOrders(Term a, Term b, int[] batch, int[] m, int[] n, int[] k, Term out, boolean broadcast) {
        PairLayout best = null;
        for (int[] bo : orders(batch, a, b, out)) {
            for (int[] ko : orders(k, a, b, null)) {
                for (int[] mo : orders(m, a, null, out)) {
                    for (int[] no : orders(n, b, null, out)) {
                        PairLayout c = evaluate(a, b, new int[][] {bo, mo, no, ko}, out, broadcast);
                        if (c != null && (best == null || c.cost < best.cost)) best = c;
                    }
                }
            }
        }
        return best;
    }

    private static PairLayout evaluate(Term a, Term b, int[][] g, Term out, boolean broadcast) {
        int[] bo = g[0], mo = g[1], no = g[2], ko = g[3];
        boolean copyA = !(a.mergeable(mo) && a.mergeable(ko));
        boolean copyB = !(b.mergeable(ko) && b.mergeable(no));
        // never copy an operand that carries broadcast (stride-0) axes: it would be expanded
        if (broadcast && ((copyA && hasBroadcast(a)) || (copyB && hasBroadcast(b)))) return null;
        boolean stageC = out != null && !(out.mergeable(mo) && out.mergeable(no));
        int loop = 0;
        while (loop < bo.length) {
            int[] inner = Arrays.copyOfRange(bo, loop, bo.length);
            if ((copyA || a.mergeable(inner)) && (copyB || b.mergeable(inner))
                    && (out == null || stageC || out.mergeable(inner))) {
                break;
            }
            loop++;
        }
        double loops = 1, items = 1;
        for (int q = 0; q < bo.length; q++) {
            int d = a.has(bo[q]) ? a.dim(bo[q]) : b.dim(bo[q]);
            items *= d;
            if (q < loop) loops *= d;
        }
        double cost = (copyA ? a.t.size() : 0) + (copyB ? b.t.size() : 0)
                + (stageC ? out.t.size() : 0) + callCost * loops + itemCost * items;
        return new PairLayout(a, b, g, new boolean[] {copyA, copyB, stageC}, loop, cost);
    }

    private static boolean hasBroadcast(Term x) {
        for (int q = 0; q < x.dims.length; q++) if (x.strides[q] == 0 && x.dims[q] > 1) return true;
        return false;
    }

    /** Orders worth trying for one group: by each given term's strides (duplicates dropped). */
    private static List<int[]> orders(int[] group, Term x, Term y, Term z) {
        List<int[]> c = new ArrayList<>();
        for (Term t : new Term[] {x, y, z}) {
            if (t == null) continue;
            int[] o = t.byStride(group);
            boolean dup = false;
            for (int[] e : c) dup |= Arrays.equals(e, o);
            if (!dup) c.add(o);
        }
        return c;
    }
}
