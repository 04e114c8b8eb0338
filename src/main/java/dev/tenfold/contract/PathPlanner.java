package dev.tenfold.contract;

import java.util.ArrayList;
import java.util.List;

/**
 * Contraction-order search over operands described by label masks. Costs follow
 * numpy.einsum_path: a pairwise step costs ∏(sizes of all labels of both inputs) × (2 if some
 * label is summed away, else 1); the naive cost is one loop nest over every label,
 * ∏(all sizes) × (max(1, n-1) + (1 if any label is summed)).
 *
 * <p>Paths use numpy's convention: each step names two positions (i &lt; j) in the current
 * operand list, removes them and appends their result at the end.
 */
final class PathPlanner {
    static final int OPTIMAL_LIMIT = 6;
    static final int OPTIMAL_MAX = 14;

    private final long[] masks;
    private final long output;
    private final double[] sizes;

    PathPlanner(long[] masks, long output, int[] labelSizes) {
        this.masks = masks.clone();
        this.output = output;
        this.sizes = new double[64];
        for (int l = 0; l < labelSizes.length; l++) sizes[l] = labelSizes[l];
    }

    double size(long mask) {
        double s = 1;
        for (long m = mask; m != 0; m &= m - 1) s *= sizes[Long.numberOfTrailingZeros(m)];
        return s;
    }

    double pairCost(long x, long y, long result) {
        long union = x | y;
        return size(union) * (union != result ? 2 : 1);
    }

    double naiveCost() {
        long all = 0;
        for (long m : masks) all |= m;
        return size(all) * (Math.max(1, masks.length - 1) + (all != output ? 1 : 0));
    }

    /** The path for {@code strategy} (AUTO resolved by operand count). */
    List<int[]> plan(PathStrategy strategy) {
        int n = masks.length;
        PathStrategy s = resolve(strategy, n);
        return switch (s) {
            case OPTIMAL -> optimal();
            case GREEDY -> {
                List<int[]> g = greedy();
                List<int[]> l = leftToRight();
                yield cost(l) < cost(g) ? l : g;
            }
            default -> leftToRight();
        };
    }

    static PathStrategy resolve(PathStrategy strategy, int n) {
        if (strategy == null) throw new IllegalArgumentException("einsum: strategy must not be null");
        if (strategy == PathStrategy.AUTO) return n <= OPTIMAL_LIMIT ? PathStrategy.OPTIMAL : PathStrategy.GREEDY;
        if (strategy == PathStrategy.OPTIMAL && n > OPTIMAL_MAX) {
            throw new IllegalArgumentException("einsum: OPTIMAL path search supports at most " + OPTIMAL_MAX
                    + " operands, got " + n + "; use GREEDY");
        }
        return strategy;
    }

    /** Result masks of the steps of {@code path} (simulated) — index k is step k's result. */
    long[] results(List<int[]> path) {
        List<Long> cur = new ArrayList<>();
        for (long m : masks) cur.add(m);
        long[] out = new long[path.size()];
        for (int k = 0; k < path.size(); k++) {
            int i = path.get(k)[0], j = path.get(k)[1];
            long x = cur.get(i), y = cur.get(j);
            cur.remove(j);
            cur.remove(i);
            long keep = output;
            for (long m : cur) keep |= m;
            out[k] = (x | y) & keep;
            cur.add(out[k]);
        }
        return out;
    }

    /** FLOPs of each step of {@code path}. */
    double[] stepCosts(List<int[]> path) {
        List<Long> cur = new ArrayList<>();
        for (long m : masks) cur.add(m);
        long[] res = results(path);
        double[] out = new double[path.size()];
        for (int k = 0; k < path.size(); k++) {
            int i = path.get(k)[0], j = path.get(k)[1];
            long x = cur.get(i), y = cur.get(j);
            out[k] = pairCost(x, y, res[k]);
            cur.remove(j);
            cur.remove(i);
            cur.add(res[k]);
        }
        return out;
    }

    double cost(List<int[]> path) {
        double c = 0;
        for (double s : stepCosts(path)) c += s;
        return c;
    }

    List<int[]> leftToRight() {
        List<int[]> path = new ArrayList<>();
        for (int k = 1; k < masks.length; k++) {
            // the running result sits at the end; the next original operand is now at position 0
            path.add(k == 1 ? new int[] {0, 1} : new int[] {0, masks.length - k});
        }
        return path;
    }

    List<int[]> greedy() {
        List<Long> cur = new ArrayList<>();
        for (long m : masks) cur.add(m);
        List<int[]> path = new ArrayList<>();
        while (cur.size() > 1) {
            boolean anyShared = false;
            for (int i = 0; i < cur.size() && !anyShared; i++) {
                for (int j = i + 1; j < cur.size(); j++) {
                    if ((cur.get(i) & cur.get(j)) != 0) {
                        anyShared = true;
                        break;
                    }
                }
            }
            int bi = -1, bj = -1;
            double bestGain = 0, bestCost = 0;
            for (int i = 0; i < cur.size(); i++) {
                for (int j = i + 1; j < cur.size(); j++) {
                    long x = cur.get(i), y = cur.get(j);
                    if (anyShared && (x & y) == 0) continue;
                    long keep = output;
                    for (int q = 0; q < cur.size(); q++) if (q != i && q != j) keep |= cur.get(q);
                    long res = (x | y) & keep;
                    double gain = size(res) - size(x) - size(y);
                    double c = pairCost(x, y, res);
                    if (bi < 0 || gain < bestGain || (gain == bestGain && c < bestCost)) {
                        bi = i;
                        bj = j;
                        bestGain = gain;
                        bestCost = c;
                    }
                }
            }
            long x = cur.get(bi), y = cur.get(bj);
            cur.remove(bj);
            cur.remove(bi);
            long keep = output;
            for (long m : cur) keep |= m;
            cur.add((x | y) & keep);
            path.add(new int[] {bi, bj});
        }
        return path;
    }

    /** Exhaustive search over contraction trees by dynamic programming over operand subsets. */
    List<int[]> optimal() {
        int n = masks.length;
        if (n < 2) return new ArrayList<>();
        int full = (1 << n) - 1;
        long[] labels = new long[full + 1];
        for (int s = 1; s <= full; s++) {
            int low = Integer.numberOfTrailingZeros(s);
            labels[s] = labels[s & (s - 1)] | masks[low];
        }
        long[] node = new long[full + 1]; // mask of the tensor a subset contracts to
        double[] best = new double[full + 1];
        int[] split = new int[full + 1];
        for (int s = 1; s <= full; s++) {
            if (Integer.bitCount(s) == 1) {
                node[s] = masks[Integer.numberOfTrailingZeros(s)];
                continue;
            }
            node[s] = labels[s] & (output | labels[full & ~s]);
            int low = s & -s;
            best[s] = Double.POSITIVE_INFINITY;
            for (int s1 = (s - 1) & s; s1 > 0; s1 = (s1 - 1) & s) {
                if ((s1 & low) == 0) continue;
                int s2 = s & ~s1;
                double c = best[s1] + best[s2] + pairCost(node[s1], node[s2], node[s]);
                if (c < best[s]) {
                    best[s] = c;
                    split[s] = s1;
                }
            }
        }
        List<Integer> cur = new ArrayList<>();
        for (int i = 0; i < n; i++) cur.add(1 << i);
        List<int[]> path = new ArrayList<>();
        emit(full, split, cur, path);
        return path;
    }

    private static void emit(int s, int[] split, List<Integer> cur, List<int[]> path) {
        if (Integer.bitCount(s) == 1) return;
        int s1 = split[s], s2 = s & ~s1;
        emit(s1, split, cur, path);
        emit(s2, split, cur, path);
        int i = cur.indexOf(s1), j = cur.indexOf(s2);
        int lo = Math.min(i, j), hi = Math.max(i, j);
        cur.remove(hi);
        cur.remove(lo);
        cur.add(s);
        path.add(new int[] {lo, hi});
    }
}
