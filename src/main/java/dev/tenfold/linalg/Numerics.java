package dev.tenfold.linalg;

/** Small scalar helpers shared by the solvers (package-private). */
final class Numerics {
    /** Unit roundoff of double, 2^-52. */
    static final double EPS = 0x1.0p-52;

    private Numerics() { }

    /** sqrt(a² + b²) without overflow or underflow; faster than {@link Math#hypot}. */
    static double hypot(double a, double b) {
        double x = Math.abs(a);
        double y = Math.abs(b);
        if (x < y) {
            double t = x;
            x = y;
            y = t;
        }
        if (x == 0 || Double.isInfinite(x)) return x;
        double r = y / x;
        return x * Math.sqrt(1 + r * r);
    }

    /** Euclidean norm of x[off .. off+n), rescaled when the plain sum of squares over/underflows. */
    static double norm2(double[] x, int off, int n) {
        double ss = DoubleKernels.get().dot(x, off, x, off, n);
        if (ss > 0x1.0p-960 && ss < 0x1.0p960) return Math.sqrt(ss);
        double scale = 0;
        for (int i = 0; i < n; i++) scale = Math.max(scale, Math.abs(x[off + i]));
        if (scale == 0 || Double.isInfinite(scale)) return scale;
        double s = 0;
        for (int i = 0; i < n; i++) {
            double v = x[off + i] / scale;
            s += v * v;
        }
        return scale * Math.sqrt(s);
    }

    /** Transposes the rows×cols row-major {@code a} into a new cols×rows row-major array. */
    static double[] transpose(double[] a, int rows, int cols) {
        double[] t = new double[a.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
        }
        return t;
    }

    /**
     * Makes the entry of largest magnitude of row {@code r} of {@code rows} (length n each)
     * positive by flipping its sign; returns true when it flipped. Ties go to the first entry.
     */
    static boolean makeLargestPositive(double[] rows, int r, int n) {
        int best = r * n;
        for (int i = r * n + 1; i < (r + 1) * n; i++) if (Math.abs(rows[i]) > Math.abs(rows[best])) best = i;
        if (rows[best] >= 0) return false;
        for (int i = r * n; i < (r + 1) * n; i++) rows[i] = -rows[i];
        return true;
    }
}
