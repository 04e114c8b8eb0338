package dev.tenfold.simd;

/**
 * Element-wise unary operations understood by {@link FloatKernels#unary}.
 * {@link #SCALE} multiplies by parameter {@code p0}; {@link #CLAMP} clamps to {@code [p0, p1]};
 * the others ignore the parameters. Semantics follow {@link Math} on float (NaN propagates).
 */
public enum UnaryOp {
    NEG, ABS, RELU, EXP, LOG, SQRT, SCALE, CLAMP;

    /** The reference scalar semantics (the naive twin of every vector kernel). */
    public float apply(float x, float p0, float p1) {
        return switch (this) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case RELU -> x > 0f ? x : (Float.isNaN(x) ? x : 0f);
            case EXP -> (float) Math.exp(x);
            case LOG -> (float) Math.log(x);
            case SQRT -> (float) Math.sqrt(x);
            case SCALE -> x * p0;
            case CLAMP -> Float.isNaN(x) ? x : Math.min(Math.max(x, p0), p1);
        };
    }
}
