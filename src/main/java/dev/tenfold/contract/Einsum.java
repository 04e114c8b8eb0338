package dev.tenfold.contract;

import dev.tenfold.contract.PairContraction.Term;
import dev.tenfold.tensor.Shape;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;

/**
 * Einstein summation in numpy's notation: {@code einsum("bij,bjk->bik", a, b)}.
 *
 * <ul>
 *   <li>Indices are letters a-z, A-Z; whitespace is ignored; no ellipsis.</li>
 *   <li>Without "->" the output is every index that appears exactly once, sorted (ASCII:
 *       upper case first).</li>
 *   <li>An index repeated inside one operand takes its diagonal ({@code "ii->i"},
 *       {@code "iij->j"}); an index absent from the output is summed ({@code "ii->"} is the
 *       trace, {@code "ij->"} the total); an index in both inputs and the output of a pairwise
 *       step is a batch index (batched GEMM).</li>
 *   <li>Several operands are contracted pairwise in the order of a {@link ContractionPath}
 *       ({@link #plan}); each pair goes through GEMM (TTGT), with strided views instead of
 *       copies whenever the operands' strides allow.</li>
 * </ul>
 * The result is a new contiguous tensor in the first operand's scope; temporaries are freed
 * before return. Malformed expressions throw {@link IllegalArgumentException} naming the
 * offending index or operand and the shapes.
 */
public final class Einsum {
    private Einsum() { }

    /** Evaluates {@code expr} with the {@link PathStrategy#AUTO} path. */
    public static Tensor einsum(String expr, Tensor... operands) {
        return einsum(expr, PathStrategy.AUTO, operands);
    }

    /** Evaluates {@code expr} contracting in the order chosen by {@code strategy}. */
    public static Tensor einsum(String expr, PathStrategy strategy, Tensor... operands) {
        return einsum(plan(expr, strategy, shapesOf(operands)), operands);
    }

    /** Evaluates a planned expression; the operands must have the shapes it was planned for. */
    public static Tensor einsum(ContractionPath path, Tensor... operands) {
        if (path == null) throw new IllegalArgumentException("einsum: path must not be null");
        Shape[] shapes = shapesOf(operands);
        if (shapes.length != path.operandShapes().size()) {
            throw new IllegalArgumentException("einsum: path for \"" + path.expression() + "\" needs "
                    + path.operandShapes().size() + " operands, got " + shapes.length);
        }
        for (int i = 0; i < shapes.length; i++) {
            if (!shapes[i].equals(path.operandShapes().get(i))) {
                throw new IllegalArgumentException("einsum: operand " + i + " has shape " + shapes[i] + " but the path for \""
                        + path.expression() + "\" was planned for " + path.operandShapes().get(i));
            }
        }
        EinsumSpec spec = path.spec();
        TensorScope target = operands[0].scope();
        try (Scratch scratch = new Scratch()) {
            List<Term> items = new ArrayList<>();
            for (int t = 0; t < operands.length; t++) {
                items.add(PairContraction.diagonals(operands[t], spec.terms[t], scratch));
            }
            if (items.size() == 1) return PairContraction.finish(items.get(0), spec.output, target, scratch);
            long outMask = EinsumSpec.mask(spec.output);
            List<int[]> pairs = path.pairs();
            for (int k = 0; k < pairs.size(); k++) {
                int i = pairs.get(k)[0], j = pairs.get(k)[1];
                Term a = items.get(i), b = items.get(j);
                items.remove(j);
                items.remove(i);
                long keep = outMask;
                for (Term x : items) keep |= x.mask();
                boolean last = k == pairs.size() - 1;
                items.add(PairContraction.contract(a, b, keep, last ? spec.output : null,
                        last ? target : scratch.scope(), scratch));
            }
            return items.get(0).t();
        }
    }

    /** The {@link PathStrategy#AUTO} contraction path of {@code expr} for operands of these shapes. */
    public static ContractionPath plan(String expr, Shape... shapes) {
        return plan(expr, PathStrategy.AUTO, shapes);
    }

    /**
     * The contraction path of {@code expr} for operands of these shapes, chosen by
     * {@code strategy}, with its FLOP estimates ({@link ContractionPath#report()}).
     *
     * @throws IllegalArgumentException for a malformed expression or shapes that do not fit it
     */
    public static ContractionPath plan(String expr, PathStrategy strategy, Shape... shapes) {
        if (shapes == null) throw new IllegalArgumentException("einsum: shapes must not be null");
        EinsumSpec spec = EinsumSpec.parse(expr, shapes.length).bind(shapes);
        long[] masks = new long[shapes.length];
        for (int t = 0; t < masks.length; t++) masks[t] = EinsumSpec.mask(spec.terms[t]);
        PathPlanner planner = new PathPlanner(masks, EinsumSpec.mask(spec.output), spec.sizes);
        PathStrategy used = PathPlanner.resolve(strategy, shapes.length);
        return new ContractionPath(spec, shapes, used, planner.plan(used), planner);
    }

    private static Shape[] shapesOf(Tensor[] operands) {
        if (operands == null || operands.length == 0) throw new IllegalArgumentException("einsum: needs at least one operand");
        Shape[] s = new Shape[operands.length];
        for (int i = 0; i < s.length; i++) {
            if (operands[i] == null) throw new IllegalArgumentException("einsum: operand " + i + " must not be null");
            s[i] = operands[i].shape();
        }
        return s;
    }
}
