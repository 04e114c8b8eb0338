package dev.tenfold.linalg;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenfold.tensor.SplitMix64;

/** Independent oracles and generators for the solver tests: plain loops, no library kernels. */
final class LinalgTestSupport {
    private LinalgTestSupport() { }

    /** m×n with standard normal entries. */
    static DenseMatrix gaussian(SplitMix64 rng, int m, int n) {
        double[] d = new double[m * n];
        for (int i = 0; i < d.length; i++) d[i] = rng.nextGaussian();
        return DenseMatrix.wrap(m, n, d);
    }

    /** Naive product a·b in plain loops. */
    static DenseMatrix mul(DenseMatrix a, DenseMatrix b) {
        if (a.cols() != b.rows()) throw new AssertionError("oracle mul: " + a.shape() + " x " + b.shape());
        DenseMatrix c = DenseMatrix.zeros(a.rows(), b.cols());
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < b.cols(); j++) {
                double s = 0;
                for (int p = 0; p < a.cols(); p++) s += a.get(i, p) * b.get(p, j);
                c.set(i, j, s);
            }
        }
        return c;
    }

    /** Naive transpose. */
    static DenseMatrix t(DenseMatrix a) {
        DenseMatrix c = DenseMatrix.zeros(a.cols(), a.rows());
        for (int i = 0; i < a.rows(); i++) for (int j = 0; j < a.cols(); j++) c.set(j, i, a.get(i, j));
        return c;
    }

    /** a with column j multiplied by s[j]. */
    static DenseMatrix scaleColumns(DenseMatrix a, double[] s) {
        DenseMatrix c = a.copy();
        for (int i = 0; i < a.rows(); i++) for (int j = 0; j < a.cols(); j++) c.set(i, j, a.get(i, j) * s[j]);
        return c;
    }

    /** Frobenius norm, plain loop. */
    static double fro(DenseMatrix a) {
        double s = 0;
        for (double v : a.data()) s += v * v;
        return Math.sqrt(s);
    }

    /** max |aᵢⱼ − bᵢⱼ|. */
    static double maxDiff(DenseMatrix a, DenseMatrix b) {
        if (a.rows() != b.rows() || a.cols() != b.cols()) throw new AssertionError(a.shape() + " vs " + b.shape());
        double m = 0;
        for (int i = 0; i < a.data().length; i++) m = Math.max(m, Math.abs(a.data()[i] - b.data()[i]));
        return m;
    }

    /** max |QᵀQ − I| over the columns of q. */
    static double orthogonalityError(DenseMatrix q) {
        DenseMatrix g = mul(t(q), q);
        double m = 0;
        for (int i = 0; i < g.rows(); i++) {
            for (int j = 0; j < g.cols(); j++) m = Math.max(m, Math.abs(g.get(i, j) - (i == j ? 1 : 0)));
        }
        return m;
    }

    /**
     * A random n×n orthogonal matrix as a product of n Householder reflections I − 2vvᵀ/(vᵀv)
     * (built without the library's QR).
     */
    static DenseMatrix randomOrthogonal(SplitMix64 rng, int n) {
        DenseMatrix q = DenseMatrix.identity(n);
        for (int r = 0; r < n; r++) {
            double[] v = new double[n];
            double vv = 0;
            for (int i = 0; i < n; i++) {
                v[i] = rng.nextGaussian();
                vv += v[i] * v[i];
            }
            DenseMatrix h = DenseMatrix.identity(n);
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) h.set(i, j, h.get(i, j) - 2 * v[i] * v[j] / vv);
            q = mul(q, h);
        }
        return q;
    }

    /** Random m×k matrix with orthonormal columns (first k columns of a random orthogonal). */
    static DenseMatrix randomOrthonormalColumns(SplitMix64 rng, int m, int k) {
        return randomOrthogonal(rng, m).columns(0, k);
    }

    /** U·diag(s)·Vᵀ for U m×k, V n×k. */
    static DenseMatrix compose(DenseMatrix u, double[] s, DenseMatrix v) {
        return mul(scaleColumns(u, s), t(v));
    }

    /** Asserts |a − b|_max ≤ tol · max(1, scale). */
    static void assertClose(DenseMatrix expected, DenseMatrix actual, double tol, String what) {
        double d = maxDiff(expected, actual);
        double scale = Math.max(1, expected.maxAbs());
        assertTrue(d <= tol * scale, what + ": max difference " + d + " > " + tol + " * " + scale);
    }

    /** Flips columns of {@code actual} to best match {@code expected} (singular vectors up to sign). */
    static DenseMatrix alignSigns(DenseMatrix expected, DenseMatrix actual) {
        DenseMatrix c = actual.copy();
        for (int j = 0; j < c.cols(); j++) {
            double dot = 0;
            for (int i = 0; i < c.rows(); i++) dot += expected.get(i, j) * actual.get(i, j);
            if (dot < 0) for (int i = 0; i < c.rows(); i++) c.set(i, j, -c.get(i, j));
        }
        return c;
    }

    /** Spectrum with a decaying but well-separated profile: s_i = 10 · 0.7^i (+ distinct). */
    static double[] decaying(int k) {
        double[] s = new double[k];
        for (int i = 0; i < k; i++) s[i] = 10 * Math.pow(0.7, i);
        return s;
    }
}
