package dev.tenfold.conv;

/**
 * A full N-D depthwise convolution of one slab with a separable kernel given by its N 1-D
 * factors: {@code W[k_0..k_{N-1}] = ∏_n w_n[k_n]} (the MobileNet-style form of a CP conv: the
 * outer-product kernel applied in one pass). Each output row (along the last, contiguous mode)
 * is one {@link DepthwiseKernels#combine} over every valid (input row, last-mode tap) pair, so
 * the vector loop runs along the contiguous axis; a last-mode stride s &gt; 1 is handled by
 * splitting the input rows into their s phases first.
 */
final class DepthwiseNd {
    private final int n;
    private final int[] inDims;
    private final int[] outDims;
    private final int[] k;
    private final int[] s;
    private final int[] p;
    private final int[] d;
    private final int[] weightOffsets;
    private final int rows;
    private final int outRows;
    private final int taps;

    DepthwiseNd(ConvSpec spec, int[] inDims) {
        this.n = inDims.length;
        this.inDims = inDims.clone();
        this.outDims = spec.outputSpatial(inDims);
        this.k = spec.kernel();
        this.s = spec.stride();
        this.p = spec.padBefore();
        this.d = spec.dilation();
        this.weightOffsets = new int[n];
        int w = 0;
        int r = 1;
        int or = 1;
        int t = 1;
        for (int m = 0; m < n; m++) {
            weightOffsets[m] = w;
            w += k[m];
            t *= k[m];
            if (m < n - 1) {
                r *= inDims[m];
                or *= outDims[m];
            }
        }
        this.rows = r;
        this.outRows = or;
        this.taps = t;
    }

    /**
     * out slab (∏O) = N-D depthwise conv of the in slab (∏D) with kernel ⊗_n w[wOff + offset_n ..]
     * (the same concatenated per-mode weight layout as {@link DepthwiseChain}).
     */
    void forward(DepthwiseConv1d dw, float[] in, int inOff, float[] w, int wOff, float[] out, int outOff,
                 DepthwiseScratch sc) {
        DepthwiseKernels kern = dw.kernels();
        int last = n - 1;
        int inLen = inDims[last];
        int outLen = outDims[last];
        int sl = s[last];
        int phaseLen = DepthwiseConv1d.ceilDiv(inLen, sl);
        int rowStride = sl == 1 ? inLen : sl * phaseLen;
        float[] src = in;
        int srcBase = inOff;
        if (sl > 1) {
            src = new float[rows * rowStride];
            for (int row = 0; row < rows; row++) {
                float[] ph = DepthwiseConv1d.deinterleave(in, inOff + row * inLen, inLen, sl, sc);
                System.arraycopy(ph, 0, src, row * rowStride, rowStride);
            }
            srcBase = 0;
        }
        sc.terms(taps);
        int[] o = new int[Math.max(1, last)];
        int[] kk = new int[Math.max(1, last)];
        for (int orow = 0; orow < outRows; orow++) {
            unravel(orow, outDims, last, o);
            int t = 0;
            int outerTaps = taps / k[last];
            for (int ki = 0; ki < outerTaps; ki++) {
                unravel(ki, k, last, kk);
                int irow = 0;
                float wp = 1f;
                boolean valid = true;
                for (int m = 0; m < last && valid; m++) {
                    int i = o[m] * s[m] + kk[m] * d[m] - p[m];
                    valid = i >= 0 && i < inDims[m];
                    irow = irow * inDims[m] + i;
                    wp *= w[wOff + weightOffsets[m] + kk[m]];
                }
                if (!valid) continue;
                int rowBase = srcBase + irow * rowStride;
                for (int kl = 0; kl < k[last]; kl++) {
                    int shift = kl * d[last] - p[last];
                    int q = Math.floorMod(shift, sl);
                    int mm = Math.floorDiv(shift, sl);
                    int len = DepthwiseConv1d.ceilDiv(inLen - q, sl);
                    sc.off[t] = rowBase + q * phaseLen + mm;
                    sc.lo[t] = -mm;
                    sc.hi[t] = len - mm;
                    sc.w[t] = wp * w[wOff + weightOffsets[last] + kl];
                    t++;
                }
            }
            kern.combine(out, outOff + orow * outLen, outLen, src, sc.off, sc.lo, sc.hi, sc.w, t);
        }
    }

    /** Row-major multi-index of {@code flat} over the first {@code count} dims. */
    private static void unravel(int flat, int[] dims, int count, int[] idx) {
        for (int m = count - 1; m >= 0; m--) {
            idx[m] = flat % dims[m];
            flat /= dims[m];
        }
    }
}
