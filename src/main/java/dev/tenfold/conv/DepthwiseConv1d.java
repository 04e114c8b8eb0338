package dev.tenfold.conv;

/**
 * A 1-D depthwise (single-channel) convolution along one mode of a row-major slab viewed as
 * (outer, len, inner): {@code out[a, o, j] = Σ_k w[k]·in[a, o·s + k·d − p, j]} with zero padding
 * ({@code p} = padding before; the output length fixes the padding after). Forward, gradient
 * w.r.t. the input (the transposed convolution) and gradient w.r.t. the K weights.
 *
 * <p>Every pass reduces to {@link DepthwiseKernels#combine} / {@link DepthwiseKernels#dot}:
 * <ul>
 *   <li>stride 1: one shifted sum over the whole (len·inner) block per outer index — tap k is
 *       the block shifted by (k·d − p)·inner, so rows along other modes and the contiguous last
 *       mode share one vectorised loop;</li>
 *   <li>stride s &gt; 1, inner &gt; 1: whole rows are combined (row-axpys, vectorised over inner);</li>
 *   <li>stride s &gt; 1 along the contiguous mode (inner = 1): each row is split into its s phases
 *       ({@code in[j·s + q]}, a scalar de-interleave), after which every tap is a contiguous shifted
 *       read of one phase — no gathers in the vector loop. The input gradient does the reverse.</li>
 * </ul>
 */
final class DepthwiseConv1d {
    /**
     * Geometry of one pass: slab (outer, inLen, inner) → (outer, outLen, inner), kernel size k,
     * stride, padding before, dilation.
     */
    record Pass(int outer, int inLen, int outLen, int inner, int k, int stride, int pad, int dilation) {
        Pass {
            if (outer < 1 || inLen < 1 || outLen < 1 || inner < 1 || k < 1 || stride < 1 || dilation < 1) {
                throw new IllegalArgumentException("depthwise pass: bad geometry outer=" + outer + ", inLen=" + inLen
                        + ", outLen=" + outLen + ", inner=" + inner + ", k=" + k + ", stride=" + stride
                        + ", dilation=" + dilation);
            }
        }

        int inSize() { return outer * inLen * inner; }

        int outSize() { return outer * outLen * inner; }
    }

    private static final DepthwiseConv1d DEFAULT = new DepthwiseConv1d(DepthwiseKernels.get());

    private final DepthwiseKernels kernels;

    DepthwiseConv1d(DepthwiseKernels kernels) {
        this.kernels = kernels;
    }

    /** The instance on this JVM's best kernels. */
    static DepthwiseConv1d get() {
        return DEFAULT;
    }

    DepthwiseKernels kernels() {
        return kernels;
    }

    /** out (p.outSize() floats at outOff) = conv(in, w[wOff .. wOff+k)). */
    void forward(float[] in, int inOff, float[] w, int wOff, Pass p, float[] out, int outOff, DepthwiseScratch sc) {
        if (flatRows(p)) {
            forwardFlatRows(in, inOff, w, wOff, p, out, outOff, sc);
            return;
        }
        int inBlock = p.inLen * p.inner;
        int outBlock = p.outLen * p.inner;
        sc.terms(p.k);
        for (int a = 0; a < p.outer; a++) {
            int ib = inOff + a * inBlock;
            int ob = outOff + a * outBlock;
            if (p.stride == 1) {
                for (int k = 0; k < p.k; k++) {
                    int shift = (k * p.dilation - p.pad) * p.inner;
                    setTerm(sc, k, ib + shift, -shift, inBlock - shift, w[wOff + k]);
                }
                kernels.combine(out, ob, outBlock, in, sc.off, sc.lo, sc.hi, sc.w, p.k);
            } else if (p.inner > 1) {
                for (int o = 0; o < p.outLen; o++) {
                    int t = 0;
                    for (int k = 0; k < p.k; k++) {
                        int i = o * p.stride + k * p.dilation - p.pad;
                        if (i >= 0 && i < p.inLen) setTerm(sc, t++, ib + i * p.inner, 0, p.inner, w[wOff + k]);
                    }
                    kernels.combine(out, ob + o * p.inner, p.inner, in, sc.off, sc.lo, sc.hi, sc.w, t);
                }
            } else {
                int phaseLen = ceilDiv(p.inLen, p.stride);
                float[] ph = deinterleave(in, ib, p.inLen, p.stride, sc);
                for (int k = 0; k < p.k; k++) {
                    int shift = k * p.dilation - p.pad;
                    int q = Math.floorMod(shift, p.stride);
                    int m = Math.floorDiv(shift, p.stride);
                    int len = ceilDiv(p.inLen - q, p.stride);
                    setTerm(sc, k, q * phaseLen + m, -m, len - m, w[wOff + k]);
                }
                kernels.combine(out, ob, p.outLen, ph, sc.off, sc.lo, sc.hi, sc.w, p.k);
            }
        }
    }

    /** gin (p.inSize() floats at ginOff) = dL/din given g = dL/dout (p.outSize() floats at gOff). */
    void backwardInput(float[] g, int gOff, float[] w, int wOff, Pass p, float[] gin, int ginOff, DepthwiseScratch sc) {
        if (flatRows(p)) {
            backwardInputFlatRows(g, gOff, w, wOff, p, gin, ginOff, sc);
            return;
        }
        int inBlock = p.inLen * p.inner;
        int outBlock = p.outLen * p.inner;
        sc.terms(p.k);
        for (int a = 0; a < p.outer; a++) {
            int gb = gOff + a * outBlock;
            int ib = ginOff + a * inBlock;
            if (p.stride == 1) {
                for (int k = 0; k < p.k; k++) {
                    int shift = (p.pad - k * p.dilation) * p.inner;
                    setTerm(sc, k, gb + shift, -shift, outBlock - shift, w[wOff + k]);
                }
                kernels.combine(gin, ib, inBlock, g, sc.off, sc.lo, sc.hi, sc.w, p.k);
            } else if (p.inner > 1) {
                for (int i = 0; i < p.inLen; i++) {
                    int t = 0;
                    for (int k = 0; k < p.k; k++) {
                        int num = i - k * p.dilation + p.pad;
                        if (Math.floorMod(num, p.stride) != 0) continue;
                        int o = num / p.stride;
                        if (o >= 0 && o < p.outLen) setTerm(sc, t++, gb + o * p.inner, 0, p.inner, w[wOff + k]);
                    }
                    kernels.combine(gin, ib + i * p.inner, p.inner, g, sc.off, sc.lo, sc.hi, sc.w, t);
                }
            } else {
                int phaseLen = ceilDiv(p.inLen, p.stride);
                float[] ph = sc.phase(p.stride * phaseLen);
                for (int q = 0; q < p.stride; q++) {
                    int len = ceilDiv(p.inLen - q, p.stride);
                    if (len <= 0) continue;
                    int t = 0;
                    for (int k = 0; k < p.k; k++) {
                        int num = q - k * p.dilation + p.pad;
                        if (Math.floorMod(num, p.stride) != 0) continue;
                        int m = Math.floorDiv(num, p.stride);
                        setTerm(sc, t++, gb + m, -m, p.outLen - m, w[wOff + k]);
                    }
                    kernels.combine(ph, q * phaseLen, len, g, sc.off, sc.lo, sc.hi, sc.w, t);
                }
                interleave(ph, phaseLen, gin, ib, p.inLen, p.stride);
            }
        }
    }

    /** gw[gwOff + k] += Σ g[a, o, j]·in[a, o·s + k·d − p, j] (dL/dw given g = dL/dout). */
    void backwardWeight(float[] g, int gOff, float[] in, int inOff, Pass p, double[] gw, int gwOff, DepthwiseScratch sc) {
        if (flatRows(p)) {
            backwardWeightFlatRows(g, gOff, in, inOff, p, gw, gwOff, sc);
            return;
        }
        int inBlock = p.inLen * p.inner;
        int outBlock = p.outLen * p.inner;
        for (int a = 0; a < p.outer; a++) {
            int gb = gOff + a * outBlock;
            int ib = inOff + a * inBlock;
            if (p.stride == 1) {
                strideOneTaps(g, gb, in, ib, p, outBlock, inBlock, gw, gwOff, sc);
            } else if (p.inner > 1) {
                for (int o = 0; o < p.outLen; o++) {
                    for (int k = 0; k < p.k; k++) {
                        int i = o * p.stride + k * p.dilation - p.pad;
                        if (i >= 0 && i < p.inLen) {
                            gw[gwOff + k] += kernels.dot(g, gb + o * p.inner, in, ib + i * p.inner, p.inner);
                        }
                    }
                }
            } else {
                int phaseLen = ceilDiv(p.inLen, p.stride);
                float[] ph = deinterleave(in, ib, p.inLen, p.stride, sc);
                for (int k = 0; k < p.k; k++) {
                    int shift = k * p.dilation - p.pad;
                    int q = Math.floorMod(shift, p.stride);
                    int m = Math.floorDiv(shift, p.stride);
                    int len = ceilDiv(p.inLen - q, p.stride);
                    int from = Math.max(0, -m);
                    int to = Math.min(p.outLen, len - m);
                    if (to > from) gw[gwOff + k] += kernels.dot(g, gb + from, ph, q * phaseLen + from + m, to - from);
                }
            }
        }
    }

    /**
     * The tap gradients of one stride-1 block: gw[k] += Σ_x g[x]·in[x + shift_k] over the x where
     * both exist. Three taps go through one pass over g ({@link DepthwiseKernels#dot3}) on the
     * columns all three share, plus single dots on the few columns only some of them reach;
     * other tap counts take one dot per tap.
     */
    private void strideOneTaps(float[] g, int gb, float[] in, int ib, Pass p, int outBlock, int inBlock, double[] gw,
                               int gwOff, DepthwiseScratch sc) {
        int step = p.dilation * p.inner;
        int shift0 = -p.pad * p.inner;
        int lo = 0, hi = outBlock; // the columns every tap reaches
        for (int k = 0; k < p.k; k++) {
            int shift = shift0 + k * step;
            lo = Math.max(lo, -shift);
            hi = Math.min(hi, inBlock - shift);
        }
        boolean three = p.k == 3 && hi - lo >= 64;
        if (three) {
            float[] sums = sc.taps3;
            kernels.dot3(g, gb + lo, in, ib + lo + shift0, step, hi - lo, sums, 0);
            for (int k = 0; k < 3; k++) gw[gwOff + k] += sums[k];
        }
        for (int k = 0; k < p.k; k++) {
            int shift = shift0 + k * step;
            int from = Math.max(0, -shift);
            int to = Math.min(outBlock, inBlock - shift);
            if (!three) {
                if (to > from) gw[gwOff + k] += kernels.dot(g, gb + from, in, ib + from + shift, to - from);
                continue;
            }
            if (lo > from) gw[gwOff + k] += kernels.dot(g, gb + from, in, ib + from + shift, lo - from);
            if (to > hi) gw[gwOff + k] += kernels.dot(g, gb + hi, in, ib + hi + shift, to - hi);
        }
    }

    /**
     * Many rows along the contiguous mode with stride 1 and output length = input length: the
     * whole slab is one flat shifted sum (rows concatenated) whose tap weights follow a periodic
     * pattern over the columns — 0 where the tap would read across a row border, so the padding
     * comes out right without per-row calls or scalar border fix-ups.
     */
    private static boolean flatRows(Pass p) {
        return p.stride == 1 && p.inner == 1 && p.outer > 1 && p.outLen == p.inLen;
    }

    /** pattern[base + m] = weight if column (m mod len) + shift stays in [0, len), else 0. */
    private static void fillPattern(float[] pattern, int base, int count, int len, int shift, float weight) {
        for (int m = 0, col = 0; m < count; m++) {
            int i = col + shift;
            pattern[base + m] = i >= 0 && i < len ? weight : 0f;
            if (++col == len) col = 0;
        }
    }

    private void forwardFlatRows(float[] in, int inOff, float[] w, int wOff, Pass p, float[] out, int outOff,
                                 DepthwiseScratch sc) {
        flatRowsCombine(in, inOff, w, wOff, p, out, outOff, sc, false);
    }

    private void backwardInputFlatRows(float[] g, int gOff, float[] w, int wOff, Pass p, float[] gin, int ginOff,
                                       DepthwiseScratch sc) {
        flatRowsCombine(g, gOff, w, wOff, p, gin, ginOff, sc, true);
    }

    /** Forward (tap k reads column j + k·d − pad) or transposed (tap k reads column i − k·d + pad). */
    private void flatRowsCombine(float[] src, int srcOff, float[] w, int wOff, Pass p, float[] dst, int dstOff,
                                 DepthwiseScratch sc, boolean transposed) {
        int len = p.inLen;
        int total = p.outer * len;
        int stride = len + kernels.patternTail();
        float[] pattern = sc.pattern(p.k * stride);
        sc.terms(p.k);
        for (int k = 0; k < p.k; k++) {
            int shift = transposed ? p.pad - k * p.dilation : k * p.dilation - p.pad;
            fillPattern(pattern, k * stride, stride, len, shift, w[wOff + k]);
            setTerm(sc, k, srcOff + shift, -shift, total - shift, 0f);
        }
        kernels.combinePeriodic(dst, dstOff, total, src, sc.off, sc.lo, sc.hi, pattern, stride, len, p.k);
    }

    private void backwardWeightFlatRows(float[] g, int gOff, float[] in, int inOff, Pass p, double[] gw, int gwOff,
                                        DepthwiseScratch sc) {
        int len = p.inLen;
        int total = p.outer * len;
        int stride = len + kernels.patternTail();
        float[] mask = sc.pattern(stride);
        for (int k = 0; k < p.k; k++) {
            int shift = k * p.dilation - p.pad;
            int from = Math.max(0, -shift);
            int to = Math.min(total, total - shift);
            if (to <= from) continue;
            fillPattern(mask, 0, stride, len, shift, 1f);
            gw[gwOff + k] += kernels.dotPeriodic(g, gOff + from, in, inOff + from + shift, to - from, mask, 0, len,
                    from % len);
        }
    }

    private static void setTerm(DepthwiseScratch sc, int t, int off, int lo, int hi, float w) {
        sc.off[t] = off;
        sc.lo[t] = lo;
        sc.hi[t] = hi;
        sc.w[t] = w;
    }

    static int ceilDiv(int a, int b) {
        return a <= 0 ? 0 : (a + b - 1) / b;
    }

    /** Splits row in[off .. off+len) into s phases: ph[q·P + j] = in[off + j·s + q], P = ceil(len/s). */
    static float[] deinterleave(float[] in, int off, int len, int s, DepthwiseScratch sc) {
        int phaseLen = ceilDiv(len, s);
        float[] ph = sc.phase(s * phaseLen);
        for (int q = 0; q < s; q++) {
            int base = q * phaseLen;
            for (int j = 0, i = q; i < len; j++, i += s) ph[base + j] = in[off + i];
        }
        return ph;
    }

    /** Inverse of {@link #deinterleave}: out[off + j·s + q] = ph[q·P + j]. */
    private static void interleave(float[] ph, int phaseLen, float[] out, int off, int len, int s) {
        for (int q = 0; q < s; q++) {
            int base = q * phaseLen;
            for (int j = 0, i = q; i < len; j++, i += s) out[off + i] = ph[base + j];
        }
    }
}
