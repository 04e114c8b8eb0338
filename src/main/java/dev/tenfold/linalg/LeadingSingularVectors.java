package dev.tenfold.linalg;

import dev.tenfold.tensor.SplitMix64;
import dev.tenfold.tensor.Tensor;

/**
 * Leading left singular vectors of a short-fat matrix X (I×J, J ≫ I) — e.g. a mode-n unfolding
 * (I_n × ∏ other dims) for HOSVD/HOOI — without forming anything that grows with J: the
 * largest objects are I×I (Gram), I×l (range basis, l = r + oversampling) and one streamed
 * column block of I×w doubles (w chosen so the block is about 1 MiB, 64 ≤ w ≤ 4096).
 *
 * <p>Two methods ({@link Method}):
 * <ul>
 *   <li>{@link Method#GRAM}: G = X·Xᵀ accumulated in double over column blocks, then
 *       {@link SymmetricEigen}; vectors are exact up to the conditioning of G (σᵢ² / σ₁²
 *       below ~1e-13 are noise). A large Gram with I ≤ 1024 from a source that allows
 *       {@link ColumnBlockSource#concurrentReads concurrent reads} (a tensor's does) is accumulated as
 *       {@link #GRAM_PARTS} partial Grams over column ranges on the compute pool, then summed in
 *       range order ({@link #gramPartials} Grams and blocks at once; the same bits for any
 *       thread count).</li>
 *   <li>{@link Method#RANDOMIZED}: a randomized range finder (Halko–Martinsson–Tropp):
 *       Y = X·Ω with a uniform(−1, 1) test matrix Ω (J×l, generated on the fly per column from
 *       the seed, never stored), then {@code powerIterations} rounds of Y = X·(Xᵀ·Q) with a
 *       Householder re-orthonormalisation between rounds, and finally the eigen decomposition of
 *       the small Gram Qᵀ·X·Xᵀ·Q (l×l). Deterministic for a seed. Approximate: accurate when the
 *       spectrum decays past rank r (more oversampling / power iterations help otherwise).</li>
 * </ul>
 * {@link Method#AUTO} takes GRAM when I ≤ {@link Options#gramMaxRows()} or l ≥ I, else RANDOMIZED.
 *
 * <p>Output: an I×k matrix with orthonormal columns, k = min(r, I) — when r &gt; I only I vectors
 * exist and I are returned (the caller pads if it needs r) — sorted by decreasing singular value;
 * each column's entry of largest magnitude is positive.
 */
public final class LeadingSingularVectors {

    /** Which algorithm to run. */
    public enum Method {
        /** GRAM for small I, RANDOMIZED otherwise (see the class comment). */
        AUTO,
        /** Eigen decomposition of X·Xᵀ. */
        GRAM,
        /** Randomized range finder with power iterations. */
        RANDOMIZED
    }

    /**
     * Tuning of {@link LeadingSingularVectors}.
     *
     * @param method          the algorithm ({@link Method#AUTO} by default)
     * @param oversampling    extra range-finder columns p ≥ 0 (l = r + p); default 10
     * @param powerIterations power iterations q ≥ 0; default 2
     * @param seed            seed of the random test matrix; default 0x5EED
     * @param gramMaxRows     AUTO uses GRAM up to this many rows; default 512
     */
    public record Options(Method method, int oversampling, int powerIterations, long seed, int gramMaxRows) {
        /** Validates the fields. */
        public Options {
            if (method == null) throw new IllegalArgumentException("Options: method must not be null");
            if (oversampling < 0) throw new IllegalArgumentException("Options: oversampling must be >= 0, got " + oversampling);
            if (powerIterations < 0) {
                throw new IllegalArgumentException("Options: powerIterations must be >= 0, got " + powerIterations);
            }
            if (gramMaxRows < 1) throw new IllegalArgumentException("Options: gramMaxRows must be >= 1, got " + gramMaxRows);
        }

        /** AUTO, oversampling 10, 2 power iterations, seed 0x5EED, GRAM up to 512 rows. */
        public static Options defaults() {
            return new Options(Method.AUTO, 10, 2, 0x5EEDL, 512);
        }

        /** A copy with another method. */
        public Options withMethod(Method m) { return new Options(m, oversampling, powerIterations, seed, gramMaxRows); }

        /** A copy with another oversampling. */
        public Options withOversampling(int p) { return new Options(method, p, powerIterations, seed, gramMaxRows); }

        /** A copy with another number of power iterations. */
        public Options withPowerIterations(int q) { return new Options(method, oversampling, q, seed, gramMaxRows); }

        /** A copy with another seed. */
        public Options withSeed(long s) { return new Options(method, oversampling, powerIterations, s, gramMaxRows); }

        /** A copy with another GRAM row limit for AUTO. */
        public Options withGramMaxRows(int rows) { return new Options(method, oversampling, powerIterations, seed, rows); }
    }

    /**
     * The leading singular subspace.
     *
     * @param vectors        I×k, orthonormal columns, k = min(r, I), by decreasing singular value
     * @param singularValues k estimates of σ₁ ≥ … ≥ σ_k of X (exact up to rounding for GRAM,
     *                       lower-bound estimates for RANDOMIZED)
     * @param method         the method that ran (never AUTO)
     */
    public record Result(DenseMatrix vectors, double[] singularValues, Method method) { }

    /** Target size of one streamed column block, in doubles (1 MiB). */
    private static final int BLOCK_DOUBLES = 1 << 17;

    private LeadingSingularVectors() { }

    /** {@link #of(Tensor, int, Options)} with {@link Options#defaults()}. */
    public static Result of(Tensor x, int r) {
        return of(x, r, Options.defaults());
    }

    /**
     * Leading r left singular vectors of the 2-D float tensor {@code x} (I×J, any strides).
     *
     * @throws IllegalArgumentException when x is not 2-D, r &lt; 1, or x holds NaN/infinite values
     */
    public static Result of(Tensor x, int r, Options options) {
        if (x == null) throw new IllegalArgumentException("x must not be null");
        if (x.rank() != 2) {
            throw new IllegalArgumentException("LeadingSingularVectors.of: x must be 2-D (I, J), got shape " + x.shape()
                    + "; use ofUnfolding for a mode-n unfolding");
        }
        TensorColumnBlocks src = new TensorColumnBlocks(x);
        return of(src.rows(), src.cols(), src, r, options);
    }

    /**
     * Leading r left singular vectors of the mode-{@code mode} unfolding of {@code x} (TensorLy
     * convention: I_mode × ∏ other dims in row-major order), read in place without materialising
     * the unfolding. The column order does not change left singular vectors; it is stated for
     * completeness.
     *
     * @throws IllegalArgumentException when x has rank &lt; 2, mode is out of range, r &lt; 1, or x
     *                                  holds NaN/infinite values
     */
    public static Result ofUnfolding(Tensor x, int mode, int r, Options options) {
        if (x == null) throw new IllegalArgumentException("x must not be null");
        if (x.rank() < 2) throw new IllegalArgumentException("ofUnfolding: x must have rank >= 2, got shape " + x.shape());
        int n = x.shape().normalizeAxis(mode, "mode");
        int[] perm = new int[x.rank()];
        perm[0] = n;
        for (int i = 0, j = 1; i < x.rank(); i++) if (i != n) perm[j++] = i;
        TensorColumnBlocks src = new TensorColumnBlocks(x.permute(perm));
        return of(src.rows(), src.cols(), src, r, options);
    }

    /**
     * Leading r left singular vectors of the rows×cols matrix streamed by {@code source}.
     *
     * @throws IllegalArgumentException when rows, cols or r is &lt; 1, an argument is null, or the
     *                                  source yields NaN/infinite values
     */
    public static Result of(int rows, long cols, ColumnBlockSource source, int r, Options options) {
        return of(rows, cols, source, r, options, 0);
    }

    /** As {@link #of(int, long, ColumnBlockSource, int, Options)} with a forced block width (0 = auto; tests). */
    static Result of(int rows, long cols, ColumnBlockSource source, int r, Options options, int blockWidth) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("LeadingSingularVectors: matrix shape (" + rows + ", " + cols
                    + ") must have rows >= 1 and cols >= 1");
        }
        if (r < 1) throw new IllegalArgumentException("LeadingSingularVectors: r must be >= 1, got " + r);
        if (source == null) throw new IllegalArgumentException("source must not be null");
        if (options == null) throw new IllegalArgumentException("options must not be null");
        int k = Math.min(r, rows);
        int l = (int) Math.min((long) rows, (long) k + options.oversampling());
        Method m = options.method();
        if (m == Method.AUTO) m = rows <= options.gramMaxRows() || l >= rows ? Method.GRAM : Method.RANDOMIZED;
        Blocks blocks = new Blocks(rows, cols, source, blockWidth);
        return m == Method.GRAM ? gram(blocks, k) : randomized(blocks, k, l, options);
    }

    // ------------------------------------------------------------------ Gram method

    /**
     * Column ranges whose Gram products a large Gram accumulates separately, then sums in range
     * order ({@link #parallelGram}): a fixed count, so the result does not depend on the threads.
     */
    public static final int GRAM_PARTS = 4;
    /** Grams of at least this many multiply-adds (I²·J/2) from a tensor are split over the compute pool. */
    static final double PARALLEL_GRAM_FMAS = 1 << 24;
    /** Rows up to which a Gram is split ({@link #GRAM_PARTS} partial I × I Grams: 32 MiB at 1024). */
    static final int PARALLEL_GRAM_MAX_ROWS = 1024;

    /**
     * The I × I Grams and the column blocks the GRAM method holds at once for I = {@code rows}:
     * {@link #GRAM_PARTS} when it may split the Gram, else 1 (memory estimates).
     */
    public static int gramPartials(int rows) {
        return rows <= PARALLEL_GRAM_MAX_ROWS ? GRAM_PARTS : 1;
    }

    private static Result gram(Blocks x, int k) {
        int n = x.rows;
        DoubleKernels kern = DoubleKernels.forWork((double) n * n * x.cols);
        long blocks = (x.cols + x.width - 1) / x.width;
        double[] g;
        if (x.concurrent() && gramPartials(n) > 1 && blocks >= GRAM_PARTS && 0.5 * n * n * x.cols >= PARALLEL_GRAM_FMAS) {
            g = parallelGram(x, kern, blocks);
        } else {
            g = new double[n * n];
            for (long c0 = 0; c0 < x.cols; c0 += x.width) {
                int w = x.read(c0);
                kern.multiplyTransposedAdd(n, n, w, x.block, 0, w, x.block, 0, w, g, 0, n, true);
            }
        }
        mirrorLower(g, n);
        requireFinite(g, x);
        SymmetricEigen eig = SymmetricEigen.ofSymmetric(g, n);
        return result(eig, null, n, k, Method.GRAM);
    }

    /**
     * The lower triangle of X·Xᵀ as {@link #GRAM_PARTS} partial Grams over contiguous ranges of
     * the column blocks, each accumulated in block order by one worker of the compute pool
     * ({@link Gemm#parallel}) with a block buffer of its own, then summed in range order. (JFR put
     * ~90 ms on one thread into each 200 × 40000 unfolding of a 200³ HOSVD.)
     */
    private static double[] parallelGram(Blocks x, DoubleKernels kern, long blocks) {
        int n = x.rows;
        double[][] parts = new double[GRAM_PARTS][];
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        Gemm.parallel(Math.min(Gemm.threads(), GRAM_PARTS), id -> {
            double[] block = null;
            for (int p; (p = next.getAndIncrement()) < GRAM_PARTS; ) {
                if (block == null) block = new double[x.block.length];
                double[] g = new double[n * n];
                for (long b = blocks * p / GRAM_PARTS, end = blocks * (p + 1) / GRAM_PARTS; b < end; b++) {
                    int w = x.readInto(b * x.width, block);
                    kern.multiplyTransposedAdd(n, n, w, block, 0, w, block, 0, w, g, 0, n, true);
                }
                parts[p] = g;
            }
        });
        double[] g = parts[0];
        for (int p = 1; p < GRAM_PARTS; p++) kern.axpy(1, parts[p], 0, g, 0, g.length); // 1·x + y: the plain sum's bits
        return g;
    }

    // ------------------------------------------------------------------ randomized range finder

    private static Result randomized(Blocks x, int k, int l, Options o) {
        int n = x.rows;
        DoubleKernels kern = DoubleKernels.forWork(4.0 * (o.powerIterations() + 1) * n * x.cols * l);
        double[] y = new double[n * l];
        double[] omegaT = new double[l * x.width]; // Ωᵀ for one block, l×w
        for (long c0 = 0; c0 < x.cols; c0 += x.width) {
            int w = x.read(c0);
            fillTestMatrix(omegaT, c0, w, l, o.seed());
            kern.multiplyTransposedAdd(n, l, w, x.block, 0, w, omegaT, 0, w, y, 0, l, false);
        }
        requireFinite(y, x);
        double[] q = orthonormalize(y, n, l);
        double[] zt = new double[l * x.width]; // (Xᵀ·Q)ᵀ for one block, l×w
        for (int it = 0; it < o.powerIterations(); it++) {
            java.util.Arrays.fill(y, 0);
            for (long c0 = 0; c0 < x.cols; c0 += x.width) {
                int w = x.read(c0);
                java.util.Arrays.fill(zt, 0, l * w, 0);
                kern.transposedMultiplyAdd(l, w, n, q, 0, l, x.block, 0, w, zt, 0, w);
                kern.multiplyTransposedAdd(n, l, w, x.block, 0, w, zt, 0, w, y, 0, l, false);
            }
            q = orthonormalize(y, n, l);
        }
        double[] t = new double[l * l]; // Qᵀ·X·Xᵀ·Q
        for (long c0 = 0; c0 < x.cols; c0 += x.width) {
            int w = x.read(c0);
            java.util.Arrays.fill(zt, 0, l * w, 0);
            kern.transposedMultiplyAdd(l, w, n, q, 0, l, x.block, 0, w, zt, 0, w);
            kern.multiplyTransposedAdd(l, l, w, zt, 0, w, zt, 0, w, t, 0, l, true);
        }
        mirrorLower(t, l);
        SymmetricEigen eig = SymmetricEigen.ofSymmetric(t, l);
        return result(eig, DenseMatrix.wrap(n, l, q), n, k, Method.RANDOMIZED);
    }

    /**
     * Ωᵀ entries for the block's columns: entry (c, j) for global column j is the c-th draw of a
     * SplitMix64 stream whose counter starts at j·l, so values do not depend on the block width.
     */
    private static void fillTestMatrix(double[] omegaT, long c0, int w, int l, long seed) {
        for (int j = 0; j < w; j++) {
            SplitMix64 rng = new SplitMix64(seed + (c0 + j) * l * 0x9E3779B97F4A7C15L);
            for (int c = 0; c < l; c++) omegaT[c * w + j] = 2 * rng.nextDouble() - 1;
        }
    }

    /** Orthonormal basis (n×l, Householder Q) of the columns of y (n×l). */
    private static double[] orthonormalize(double[] y, int n, int l) {
        return QR.factor(DenseMatrix.wrap(n, l, y.clone())).qShared().data();
    }

    // ------------------------------------------------------------------ shared

    /** Top-k eigenpairs → result; vectors are basis·W when a basis (n×l) is given, else W itself. */
    private static Result result(SymmetricEigen eig, DenseMatrix basis, int n, int k, Method method) {
        double[] lambda = eig.valuesShared();
        double[] sigma = new double[k];
        for (int j = 0; j < k; j++) sigma[j] = Math.sqrt(Math.max(lambda[j], 0));
        int dim = eig.size();
        double[] rows = new double[k * n]; // row j = vector j
        if (basis == null) {
            System.arraycopy(eig.vectorRowsShared(), 0, rows, 0, k * n);
        } else {
            DenseMatrix wk = DenseMatrix.wrap(k, dim, java.util.Arrays.copyOf(eig.vectorRowsShared(), k * dim));
            // (basis · Wkᵀ)ᵀ = Wk · basisᵀ, rows are the vectors
            System.arraycopy(wk.multiplyTransposed(basis).data(), 0, rows, 0, k * n);
            for (int j = 0; j < k; j++) Numerics.makeLargestPositive(rows, j, n);
        }
        return new Result(DenseMatrix.wrap(n, k, Numerics.transpose(rows, k, n)), sigma, method);
    }

    private static void mirrorLower(double[] a, int n) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) a[j * n + i] = a[i * n + j];
        }
    }

    /** The accumulated products are finite unless x holds NaN/∞ (or overflows double). */
    private static void requireFinite(double[] a, Blocks x) {
        for (double v : a) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("LeadingSingularVectors: x of shape (" + x.rows + ", " + x.cols
                        + ") contains NaN or infinite values");
            }
        }
    }

    /** Column-block reader with its reusable I×w buffer. */
    private static final class Blocks {
        final int rows;
        final long cols;
        final int width;
        final double[] block;
        private final ColumnBlockSource source;

        Blocks(int rows, long cols, ColumnBlockSource source, int forcedWidth) {
            this.rows = rows;
            this.cols = cols;
            this.source = source;
            int w = forcedWidth > 0 ? forcedWidth : Math.max(64, Math.min(4096, (BLOCK_DOUBLES / rows) & ~7));
            this.width = (int) Math.min(w, cols);
            this.block = new double[Math.multiplyExact(rows, width)];
        }

        /** Reads the block starting at column c0 into {@link #block}; returns its width. */
        int read(long c0) {
            return readInto(c0, block);
        }

        /** Reads the block starting at column c0 into {@code dst} (≥ rows·width); returns its width. */
        int readInto(long c0, double[] dst) {
            int w = (int) Math.min(width, cols - c0);
            source.read(c0, w, dst);
            return w;
        }

        /** Whether threads may read disjoint blocks at once ({@link ColumnBlockSource#concurrentReads}). */
        boolean concurrent() {
            return source.concurrentReads();
        }
    }
}
