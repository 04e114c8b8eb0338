package dev.tenfold.contract;

import dev.tenfold.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The order in which {@link Einsum} contracts a multi-operand expression, with its cost model
 * (numpy.einsum_path conventions: see {@link #naiveFlops()} and {@link Step#flops()}).
 * Steps follow numpy's path convention: each contracts positions {@code first < second} of the
 * current operand list, removes them and appends the result at the end. Immutable; reusable
 * with {@link Einsum#einsum(ContractionPath, dev.tenfold.tensor.Tensor...)} for operands of the
 * same shapes.
 */
public final class ContractionPath {
    /**
     * One pairwise contraction.
     *
     * @param first       position of the first operand in the current list
     * @param second      position of the second operand (&gt; first)
     * @param contraction the step as an einsum, e.g. {@code "ij,jk->ik"} (repeated indices of
     *                    the original operands already reduced to diagonals)
     * @param resultShape shape of the intermediate (or final) result, labels in the order shown
     * @param flops       ∏ sizes of every index of both inputs × 2 if an index is summed, else 1
     */
    public record Step(int first, int second, String contraction, Shape resultShape, double flops) { }

    private final EinsumSpec spec;
    private final List<Shape> shapes;
    private final PathStrategy strategy;
    private final List<int[]> pairs;
    private final List<Step> steps;
    private final double naive;
    private final double optimized;
    private final long largest;
    private final int naiveScaling;
    private final int optimizedScaling;

    ContractionPath(EinsumSpec spec, Shape[] shapes, PathStrategy strategy, List<int[]> pairs, PathPlanner planner) {
        this.spec = spec;
        this.shapes = List.of(shapes);
        this.strategy = strategy;
        this.pairs = pairs.stream().map(int[]::clone).toList();
        double[] costs = planner.stepCosts(pairs);
        long[] results = planner.results(pairs);
        List<int[]> cur = new ArrayList<>();
        for (int t = 0; t < spec.terms.length; t++) cur.add(spec.distinct(t));
        List<Step> st = new ArrayList<>();
        double total = 0;
        long big = 0;
        int scaling = 0;
        for (int k = 0; k < pairs.size(); k++) {
            int i = pairs.get(k)[0], j = pairs.get(k)[1];
            int[] x = cur.get(i), y = cur.get(j);
            int[] r = k == pairs.size() - 1 ? spec.output : ordered(x, y, results[k]);
            int[] dims = new int[r.length];
            for (int q = 0; q < r.length; q++) dims[q] = spec.sizes[r[q]];
            Shape rs = Shape.of(dims);
            st.add(new Step(i, j, EinsumSpec.letters(x) + "," + EinsumSpec.letters(y) + "->" + EinsumSpec.letters(r), rs,
                    costs[k]));
            total += costs[k];
            big = Math.max(big, rs.size());
            scaling = Math.max(scaling, Long.bitCount(EinsumSpec.mask(x) | EinsumSpec.mask(y)));
            cur.remove(j);
            cur.remove(i);
            cur.add(r);
        }
        long all = 0;
        for (int t = 0; t < spec.terms.length; t++) all |= EinsumSpec.mask(spec.terms[t]);
        this.steps = Collections.unmodifiableList(st);
        this.naive = planner.naiveCost();
        this.optimized = pairs.isEmpty() ? naive : total;
        this.largest = big;
        this.naiveScaling = Long.bitCount(all);
        this.optimizedScaling = pairs.isEmpty() ? naiveScaling : scaling;
    }

    private static int[] ordered(int[] x, int[] y, long keep) {
        int[] out = new int[Long.bitCount(keep)];
        int n = 0;
        long seen = 0;
        for (int[] src : new int[][] {x, y}) {
            for (int l : src) {
                long bit = 1L << l;
                if ((keep & bit) != 0 && (seen & bit) == 0) {
                    out[n++] = l;
                    seen |= bit;
                }
            }
        }
        return out;
    }

    EinsumSpec spec() { return spec; }

    /** The normalised expression with explicit output, e.g. {@code "ij,jk,kl->il"}. */
    public String expression() { return spec.text; }

    /** The operand shapes this path was planned for. */
    public List<Shape> operandShapes() { return shapes; }

    /** The strategy that produced the path (never AUTO). */
    public PathStrategy strategy() { return strategy; }

    /** The pairwise steps in execution order (empty for a single operand). */
    public List<Step> steps() { return steps; }

    /** The path in numpy's form: pairs of positions, e.g. {@code [[0, 1], [0, 1]]}. */
    public List<int[]> pairs() { return pairs.stream().map(int[]::clone).toList(); }

    /** FLOPs of one loop nest over every index: ∏ all sizes × (max(1, n-1) + 1 if anything is summed). */
    public double naiveFlops() { return naive; }

    /** Σ of the steps' FLOPs (the naive count for a single operand). */
    public double optimizedFlops() { return optimized; }

    /** Elements of the largest intermediate or result (0 when there are no steps). */
    public long largestIntermediate() { return largest; }

    /** A table like numpy.einsum_path's: totals, then one row per pairwise step. */
    public String report() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "  Complete contraction:  %s%n", spec.text));
        sb.append(String.format(Locale.ROOT, "        Operand shapes:  %s%n", shapesText()));
        sb.append(String.format(Locale.ROOT, "              Strategy:  %s%n", strategy.name().toLowerCase(Locale.ROOT)));
        sb.append(String.format(Locale.ROOT, "         Naive scaling:  %d%n", naiveScaling));
        sb.append(String.format(Locale.ROOT, "     Optimized scaling:  %d%n", optimizedScaling));
        sb.append(String.format(Locale.ROOT, "      Naive FLOP count:  %.3e%n", naive));
        sb.append(String.format(Locale.ROOT, "  Optimized FLOP count:  %.3e%n", optimized));
        sb.append(String.format(Locale.ROOT, "   Theoretical speedup:  %.3f%n", naive / optimized));
        sb.append(String.format(Locale.ROOT, "  Largest intermediate:  %.3e elements%n", (double) largest));
        String line = "-".repeat(86);
        sb.append(line).append('\n');
        sb.append(String.format(Locale.ROOT, "%5s  %-8s %7s  %-10s  %-26s %s%n", "step", "pair", "scaling", "FLOPs",
                "contraction", "result shape"));
        sb.append(line).append('\n');
        for (int k = 0; k < steps.size(); k++) {
            Step s = steps.get(k);
            int scaling = (int) s.contraction().chars().filter(Character::isLetter).distinct().count();
            sb.append(String.format(Locale.ROOT, "%5d  %-8s %7d  %-10.3e  %-26s %s%n", k + 1,
                    "(" + s.first() + ", " + s.second() + ")", scaling, s.flops(), s.contraction(), s.resultShape()));
        }
        return sb.toString();
    }

    private String shapesText() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shapes.size(); i++) sb.append(i == 0 ? "" : ", ").append(shapes.get(i));
        return sb.toString();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ContractionPath[").append(spec.text).append(", ").append(strategy);
        for (int[] p : pairs) sb.append(", ").append(Arrays.toString(p));
        return sb.append(", flops=").append(String.format(Locale.ROOT, "%.3e", optimized)).append(']').toString();
    }
}
