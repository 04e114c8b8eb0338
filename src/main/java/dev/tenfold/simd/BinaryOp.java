package dev.tenfold.simd;

/** Element-wise binary operations understood by {@link FloatKernels}; IEEE float semantics. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, MAX, MIN;

    /** The reference scalar semantics. */
    public float apply(float a, float b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
        };
    }
}
