package dev.tenfold.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tenfold.tensor.Shape;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PathPlannerProperties {

    /** A matrix chain "ab,bc,cd,…" (optionally closed into a trace, with extra batch/outer indices). */
    record Chain(String expr, Shape[] shapes) { }

    static Chain randomChain(Random rng, int n, int minSize, int maxSize) {
        String letters = "abcdefghijklmnopqrstuvwxyz";
        int[] size = new int[n + 1];
        for (int i = 0; i <= n; i++) size[i] = minSize + rng.nextInt(maxSize - minSize + 1);
        StringBuilder sb = new StringBuilder();
        Shape[] shapes = new Shape[n];
        for (int i = 0; i < n; i++) {
            if (i > 0) sb.append(',');
            sb.append(letters.charAt(i)).append(letters.charAt(i + 1));
            shapes[i] = Shape.of(size[i], size[i + 1]);
        }
        sb.append("->").append(letters.charAt(0)).append(letters.charAt(n));
        return new Chain(sb.toString(), shapes);
    }

    @Test
    void optimalIsNoWorseThanGreedyWhichIsNoWorseThanLeftToRight() {
        qt().withExamples(150).forAll(integers().between(2, 7), longs().all()).checkAssert((n, seed) -> {
            Random rng = new Random(seed);
            Chain c = randomChain(rng, n, 1, 60);
            double opt = Einsum.plan(c.expr(), PathStrategy.OPTIMAL, c.shapes()).optimizedFlops();
            double greedy = Einsum.plan(c.expr(), PathStrategy.GREEDY, c.shapes()).optimizedFlops();
            double ltr = Einsum.plan(c.expr(), PathStrategy.LEFT_TO_RIGHT, c.shapes()).optimizedFlops();
            assertTrue(opt <= greedy && greedy <= ltr, c.expr() + ": optimal " + opt + ", greedy " + greedy + ", left-to-right " + ltr);
        });
    }

    @Test
    void optimisedPathsBeatTheNaiveLoopNestOnChains() {
        qt().withExamples(100).forAll(integers().between(3, 8), longs().all()).checkAssert((n, seed) -> {
            Random rng = new Random(seed);
            Chain c = randomChain(rng, n, 2, 40);
            for (PathStrategy s : PathStrategy.values()) {
                ContractionPath p = Einsum.plan(c.expr(), s, c.shapes());
                assertTrue(p.optimizedFlops() <= p.naiveFlops(), s + " " + c.expr() + "\n" + p.report());
                assertEquals(n - 1, p.steps().size());
            }
        });
    }

    @Test
    void optimalMatchesBruteForceOverAllPairSequences() {
        qt().withExamples(60).forAll(integers().between(2, 5), longs().all()).checkAssert((n, seed) -> {
            Random rng = new Random(seed);
            // random hypergraph: each operand takes 1..3 of 5 letters
            String pool = "abcde";
            int[] size = new int[128];
            for (char ch : pool.toCharArray()) size[ch] = 1 + rng.nextInt(9);
            StringBuilder sb = new StringBuilder();
            Shape[] shapes = new Shape[n];
            String all = "";
            for (int t = 0; t < n; t++) {
                String term = "";
                int r = 1 + rng.nextInt(3);
                for (int i = 0; i < r; i++) {
                    char ch = pool.charAt(rng.nextInt(5));
                    if (term.indexOf(ch) < 0) term += ch;
                }
                int[] dims = term.chars().map(x -> size[x]).toArray();
                shapes[t] = Shape.of(dims);
                sb.append(t == 0 ? "" : ",").append(term);
                all += term;
            }
            String out = "";
            for (char ch : pool.toCharArray()) if (all.indexOf(ch) >= 0 && rng.nextInt(3) == 0) out += ch;
            String expr = sb + "->" + out;
            ContractionPath opt = Einsum.plan(expr, PathStrategy.OPTIMAL, shapes);
            PathPlanner planner = plannerFor(expr, shapes);
            double brute = bruteForce(planner, n, new java.util.ArrayList<>());
            assertEquals(brute, opt.optimizedFlops(), 1e-9 * brute, expr);
        });
    }

    static PathPlanner plannerFor(String expr, Shape[] shapes) {
        EinsumSpec spec = EinsumSpec.parse(expr, shapes.length).bind(shapes);
        long[] masks = new long[shapes.length];
        for (int t = 0; t < masks.length; t++) masks[t] = EinsumSpec.mask(spec.terms[t]);
        return new PathPlanner(masks, EinsumSpec.mask(spec.output), spec.sizes);
    }

    /** Minimum cost over every sequence of pair choices (every contraction tree). */
    static double bruteForce(PathPlanner planner, int remaining, List<int[]> prefix) {
        if (remaining == 1) return planner.cost(prefix);
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < remaining; i++) {
            for (int j = i + 1; j < remaining; j++) {
                prefix.add(new int[] {i, j});
                best = Math.min(best, bruteForce(planner, remaining - 1, prefix));
                prefix.remove(prefix.size() - 1);
            }
        }
        return best;
    }

    @Test
    void autoUsesOptimalUpToSixOperandsAndGreedyBeyond() {
        Random rng = new Random(3);
        assertEquals(PathStrategy.OPTIMAL, Einsum.plan(randomChain(rng, 6, 2, 9).expr(), randomChain(rng, 6, 2, 9).shapes()).strategy());
        Chain big = randomChain(rng, 9, 2, 9);
        assertEquals(PathStrategy.GREEDY, Einsum.plan(big.expr(), big.shapes()).strategy());
    }

    @Test
    void reportListsStepsShapesAndFlops() {
        Shape[] shapes = {Shape.of(10, 100), Shape.of(100, 5), Shape.of(5, 50)};
        ContractionPath p = Einsum.plan("ij,jk,kl->il", shapes);
        // (ij·jk) first: 2·10·100·5 = 10000, then (ik·kl): 2·10·5·50 = 5000; naive 10·100·5·50·(2+1)
        assertEquals(15000, p.optimizedFlops(), 1e-9);
        assertEquals(750000, p.naiveFlops(), 1e-9);
        assertEquals(List.of("ij,jk->ik", "kl,ik->il"), p.steps().stream().map(ContractionPath.Step::contraction).toList());
        assertEquals(Shape.of(10, 5), p.steps().get(0).resultShape());
        assertEquals(500, p.largestIntermediate());
        String report = p.report();
        for (String s : new String[] {"ij,jk,kl->il", "1.500e+04", "7.500e+05", "50.000", "ij,jk->ik", "(10, 5)", "kl,ik->il",
            "(10, 50)", "optimal", "(0, 1)"}) {
            assertTrue(report.contains(s), "report lacks " + s + ":\n" + report);
        }
    }

    @Test
    void chosenPathOrderIsExecutedAndFasterPathsGiveTheSameResult() {
        try (TensorScope scope = TensorScope.open()) {
            Random rng = new Random(8);
            Tensor a = Oracles.random(scope, rng, 2, 30), b = Oracles.random(scope, rng, 30, 30), c = Oracles.random(scope, rng, 30, 2);
            ContractionPath opt = Einsum.plan("ij,jk,kl->il", a.shape(), b.shape(), c.shape());
            ContractionPath ltr = Einsum.plan("ij,jk,kl->il", PathStrategy.LEFT_TO_RIGHT, a.shape(), b.shape(), c.shape());
            assertTrue(opt.optimizedFlops() <= ltr.optimizedFlops());
            Oracles.assertClose(Einsum.einsum(ltr, a, b, c), Einsum.einsum(opt, a, b, c), 1e-5, "paths agree");
        }
    }
}
