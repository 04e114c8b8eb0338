package dev.tenfold.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EinsumProperties {

    /** A random expression over a small alphabet with sizes, plus matching random operands. */
    record Case(String expr, String explicit, Tensor[] operands) { }

    static Case randomCase(TensorScope scope, Random rng, int operandCount, boolean allowRepeats) {
        String pool = "abcdeXY".substring(0, 3 + rng.nextInt(5));
        int[] size = new int[128];
        long loop = 1;
        for (char c : pool.toCharArray()) {
            size[c] = 1 + rng.nextInt(4);
        }
        String[] terms = new String[operandCount];
        int[] count = new int[128];
        for (int t = 0; t < operandCount; t++) {
            int rank = rng.nextInt(4) + (rng.nextInt(6) == 0 ? 0 : 1);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < rank; i++) {
                char c = pool.charAt(rng.nextInt(pool.length()));
                if (!allowRepeats && sb.indexOf(String.valueOf(c)) >= 0) continue;
                sb.append(c);
                count[c]++;
            }
            terms[t] = sb.toString();
        }
        StringBuilder used = new StringBuilder();
        for (char c : pool.toCharArray()) if (count[c] > 0) {
            used.append(c);
            loop *= size[c];
        }
        String lhs = String.join(",", terms);
        boolean implicit = rng.nextInt(4) == 0;
        String out;
        if (implicit) {
            StringBuilder o = new StringBuilder();
            for (char c = 'A'; c <= 'z'; c++) if (count[c] == 1) o.append(c);
            out = o.toString();
        } else {
            StringBuilder o = new StringBuilder();
            int[] perm = Oracles.shuffled(rng, used.length());
            for (int p : perm) if (rng.nextBoolean()) o.append(used.charAt(p));
            out = o.toString();
        }
        Tensor[] ops = new Tensor[operandCount];
        for (int t = 0; t < operandCount; t++) {
            int[] dims = new int[terms[t].length()];
            for (int i = 0; i < dims.length; i++) dims[i] = size[terms[t].charAt(i)];
            ops[t] = Oracles.anyLayout(scope, rng, dims);
        }
        assertTrue(loop <= 20000);
        return new Case(implicit ? lhs : lhs + "->" + out, lhs + "->" + out, ops);
    }

    @Test
    void randomExpressionsMatchTheLoopOracle() {
        qt().withExamples(300).forAll(integers().between(1, 3), longs().all()).checkAssert((n, seed) -> {
            Random rng = new Random(seed);
            try (TensorScope scope = TensorScope.open()) {
                Case c = randomCase(scope, rng, n, true);
                Tensor got = Einsum.einsum(c.expr(), c.operands());
                assertTrue(got.isContiguous());
                assertEquals(scope, got.scope());
                Oracles.assertClose(Oracles.einsum(c.explicit(), c.operands()), got, c.expr());
            }
        });
    }

    @Test
    void resultDoesNotDependOnThePath() {
        qt().withExamples(80).forAll(integers().between(3, 5), longs().all()).checkAssert((n, seed) -> {
            Random rng = new Random(seed);
            try (TensorScope scope = TensorScope.open()) {
                Case c = randomCase(scope, rng, n, rng.nextBoolean());
                Oracles.Expected want = Oracles.einsum(c.explicit(), c.operands());
                for (PathStrategy s : PathStrategy.values()) {
                    Oracles.assertClose(want, Einsum.einsum(c.expr(), s, c.operands()), c.expr() + " via " + s);
                }
                // an arbitrary valid path (random pairs) too
                Oracles.assertClose(want, Einsum.einsum(c.expr(), c.operands()), c.expr());
            }
        });
    }

    @Test
    void tracesDiagonalsAndSums() {
        try (TensorScope scope = TensorScope.open()) {
            Random rng = new Random(1);
            Tensor sq = Oracles.strided(scope, rng, true, 4, 4);
            Tensor cube = Oracles.random(scope, rng, 3, 3, 3);
            Tensor iij = Oracles.strided(scope, rng, false, 3, 3, 5);
            String[][] cases = {{"ii->", "sq"}, {"ii", "sq"}, {"ii->i", "sq"}, {"ij->ji", "sq"}, {"ij->", "sq"},
                {"ij->j", "sq"}, {"iii->i", "cube"}, {"iii->", "cube"}, {"iij->j", "iij"}, {"iji->ij", "cube"},
                {"iij->ji", "iij"}, {"ijk->kji", "iij"}};
            for (String[] cse : cases) {
                Tensor x = switch (cse[1]) { case "sq" -> sq; case "cube" -> cube; default -> iij; };
                String explicit = cse[0].contains("->") ? cse[0] : cse[0] + "->";
                Oracles.assertClose(Oracles.einsum(explicit, x), Einsum.einsum(cse[0], x), cse[0]);
            }
            double trace = 0;
            for (int i = 0; i < 4; i++) trace += sq.get(i, i);
            assertEquals(trace, Einsum.einsum("ii->", sq).item(), 1e-5);
        }
    }

    @Test
    void pairwiseFormsWithBatchAndStridedOperands() {
        String[] exprs = {"bij,bjk->bik", "bij,bkj->bik", "bji,bjk->kbi", "ij,jk", "ij,jk->ki", "ij,kj->ik", "i,i->", "i,j->ij",
            "i,j->ji", "ijk,jkl->il", "ijk,ljk->li", "bij,bj->bi", "abc,bcd->dba", "ab,ab->ab", "ab,ba->", "aij,aj->i",
            "ijkl,jl->ik", "ij,j->i", ",ij->ij", "i,->i"};
        qt().withExamples(20).forAll(longs().all()).checkAssert(seed -> {
            Random rng = new Random(seed);
            try (TensorScope scope = TensorScope.open()) {
                for (String e : exprs) {
                    String[] io = e.split("->", -1);
                    String[] terms = io[0].split(",", -1);
                    int[] size = new int[128];
                    for (char c = 'a'; c <= 'z'; c++) size[c] = 1 + rng.nextInt(5);
                    List<Tensor> ops = new ArrayList<>();
                    for (String t : terms) {
                        int[] dims = new int[t.length()];
                        for (int i = 0; i < dims.length; i++) dims[i] = size[t.charAt(i)];
                        ops.add(Oracles.anyLayout(scope, rng, dims));
                    }
                    Tensor[] arr = ops.toArray(Tensor[]::new);
                    String explicit = io.length == 2 ? e : e + "->" + implicitOutput(io[0]);
                    Oracles.assertClose(Oracles.einsum(explicit, arr), Einsum.einsum(e, arr), e);
                }
            }
        });
    }

    static String implicitOutput(String lhs) {
        StringBuilder o = new StringBuilder();
        for (char c = 'A'; c <= 'z'; c++) {
            final char ch = c;
            if (Character.isLetter(c) && lhs.chars().filter(x -> x == ch).count() == 1) o.append(c);
        }
        return o.toString();
    }

    @Test
    void plannedPathIsReusableAndTemporariesAreFreed() {
        try (TensorScope scope = TensorScope.open()) {
            Random rng = new Random(4);
            Tensor a = Oracles.strided(scope, rng, true, 5, 6), b = Oracles.random(scope, rng, 6, 7);
            Tensor c = Oracles.strided(scope, rng, true, 7, 3), d = Oracles.random(scope, rng, 3, 2);
            ContractionPath path = Einsum.plan("ij,jk,kl,lm->im", a.shape(), b.shape(), c.shape(), d.shape());
            long held = TensorScope.liveBytes();
            Tensor r = Einsum.einsum(path, a, b, c, d);
            assertEquals(held + r.size() * 4, TensorScope.liveBytes(), "only the result stays allocated");
            Oracles.assertClose(Oracles.einsum("ij,jk,kl,lm->im", a, b, c, d), r, "chain");
        }
    }
}
