package dev.tenfold.linalg;

/** Plain-loop {@link DoubleKernels}: the naive twin of the Vector API kernels. */
final class ScalarDoubleKernels implements DoubleKernels {
    static final ScalarDoubleKernels INSTANCE = new ScalarDoubleKernels();

    private ScalarDoubleKernels() { }

    @Override public String name() { return "scalar"; }

    @Override
    public double dot(double[] a, int ao, double[] b, int bo, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += a[ao + i] * b[bo + i];
        return s;
    }

    @Override
    public void axpy(double alpha, double[] x, int xo, double[] y, int yo, int n) {
        for (int i = 0; i < n; i++) y[yo + i] += alpha * x[xo + i];
    }

    @Override
    public void rotate(double[] x, int xo, double[] y, int yo, int n, double c, double s) {
        for (int i = 0; i < n; i++) {
            double xi = x[xo + i];
            double yi = y[yo + i];
            x[xo + i] = c * xi - s * yi;
            y[yo + i] = s * xi + c * yi;
        }
    }

    @Override
    public void multiplyTransposedAdd(int m, int n, int k, double[] a, int ao, int lda, double[] b, int bo, int ldb,
                                      double[] c, int co, int ldc, boolean lowerOnly) {
        for (int i = 0; i < m; i++) {
            int jEnd = lowerOnly ? Math.min(n, i + 1) : n;
            for (int j = 0; j < jEnd; j++) {
                c[co + i * ldc + j] += dot(a, ao + i * lda, b, bo + j * ldb, k);
            }
        }
    }

    @Override
    public void transposedMultiplyAdd(int m, int n, int k, double[] a, int ao, int lda, double[] b, int bo, int ldb,
                                      double[] c, int co, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += a[ao + p * lda + i] * b[bo + p * ldb + j];
                c[co + i * ldc + j] += s;
            }
        }
    }
}
