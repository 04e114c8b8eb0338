package dev.tenfold.contract;

/** How {@link Einsum#plan} orders the pairwise contractions of a multi-operand einsum. */
public enum PathStrategy {
    /** {@link #OPTIMAL} for at most {@value PathPlanner#OPTIMAL_LIMIT} operands, {@link #GREEDY} beyond. */
    AUTO,
    /**
     * Minimum total FLOPs over every contraction tree (dynamic programming over operand
     * subsets, O(3^n)); allowed up to {@value PathPlanner#OPTIMAL_MAX} operands.
     */
    OPTIMAL,
    /**
     * Repeatedly contracts the pair (sharing an index, when any does) whose result shrinks the
     * data most, ties broken by FLOPs; the left-to-right path is returned instead when it is
     * cheaper, so GREEDY never costs more than {@link #LEFT_TO_RIGHT}.
     */
    GREEDY,
    /** ((op0 · op1) · op2) · …: the order as written, for reference. */
    LEFT_TO_RIGHT
}
