package dev.tenfold.conv;

/**
 * The separable depthwise stage of a CP convolution on one (batch, rank-r) slab: one 1-D
 * depthwise pass per spatial mode, modes 0..N-1 in order, each with its own stride, padding
 * and dilation. The whole chain runs on one slab while it is cache-resident, through two small
 * ping-pong buffers, instead of materialising a (B, R, …) tensor per mode.
 *
 * <p>Slab (D_0..D_{N-1}) → (O_0..O_{N-1}). Pass n sees (O_0..O_{n-1}, D_n, D_{n+1}..D_{N-1})
 * viewed as (outer, len, inner) and changes D_n to O_n. The {@link #inner} chain runs modes
 * 1..N−1 only, on a slab of some rows along mode 0 (rows, D_1..D_{N-1}) → (rows, O_1..O_{N-1}).
 */
final class DepthwiseChain {
    private final DepthwiseConv1d.Pass[] passes;
    /** The mode of passes[0] (0, or 1 for an {@link #inner} chain). */
    private final int first;
    /** Offsets of every mode's weights (all N modes, whichever run). */
    private final int[] weightOffsets;
    private final int weightCount;
    private final int inSize;
    private final int outSize;
    private final int maxSize;
    private final int storeSize;

    /** Geometry from the spec for an input with spatial sizes {@code inDims}. */
    DepthwiseChain(ConvSpec spec, int[] inDims) {
        this(spec, inDims, spec.outputSpatial(inDims), 0);
    }

    /**
     * The passes of modes 1..N−1 on {@code rows} consecutive mode-0 rows of a slab with spatial
     * sizes {@code inDims} (mode 0 is not convolved; weights and weight gradients keep the
     * full-chain layout). With N = 1 the chain has no pass.
     */
    static DepthwiseChain inner(ConvSpec spec, int[] inDims, int rows) {
        int[] out = spec.outputSpatial(inDims);
        int[] dims = inDims.clone();
        dims[0] = rows;
        out[0] = rows;
        return new DepthwiseChain(spec, dims, out, 1);
    }

    private DepthwiseChain(ConvSpec spec, int[] inDims, int[] out, int first) {
        int n = inDims.length;
        int[] k = spec.kernel();
        int[] s = spec.stride();
        int[] p = spec.padBefore();
        int[] d = spec.dilation();
        this.first = first;
        passes = new DepthwiseConv1d.Pass[n - first];
        weightOffsets = new int[n];
        int[] cur = inDims.clone();
        int w = 0;
        int max = size(cur);
        int store = 0;
        for (int m = 0; m < n; m++) {
            weightOffsets[m] = w;
            w += k[m];
            if (m < first) continue;
            int outer = 1;
            for (int i = 0; i < m; i++) outer *= cur[i];
            int inner = 1;
            for (int i = m + 1; i < n; i++) inner *= cur[i];
            passes[m - first] = new DepthwiseConv1d.Pass(outer, cur[m], out[m], inner, k[m], s[m], p[m], d[m]);
            cur[m] = out[m];
            max = Math.max(max, size(cur));
            if (m < n - 1) store += size(cur);
        }
        weightCount = w;
        inSize = size(inDims);
        outSize = size(out);
        maxSize = max;
        storeSize = store;
    }

    private static int size(int[] dims) {
        long s = 1;
        for (int v : dims) s *= v;
        if (s > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("slab of spatial size " + s + " is too large");
        return (int) s;
    }

    /** Passes run (N, or N − 1 for an {@link #inner} chain). */
    int modes() { return passes.length; }

    /** Floats of one input slab (∏D). */
    int inSize() { return inSize; }

    /** Floats of one output slab (∏O). */
    int outSize() { return outSize; }

    /** Σ_n K_n: length of the concatenated per-mode weights of one slab. */
    int weightCount() { return weightCount; }

    /** Offset of mode n's K_n weights inside the concatenated weights. */
    int weightOffset(int n) { return weightOffsets[n]; }

    /** Scratch of one worker. */
    Work newWork() {
        return new Work(maxSize, storeSize);
    }

    /** Per-worker buffers. */
    static final class Work {
        final DepthwiseScratch scratch = new DepthwiseScratch();
        final float[] ping;
        final float[] pong;
        final float[] store;

        Work(int max, int store) {
            this.ping = new float[max];
            this.pong = new float[max];
            this.store = new float[store];
        }
    }

    /**
     * out slab = chain(in slab); {@code w} holds Σ K_n weights (mode n at {@link #weightOffset}).
     * A chain without passes copies the slab.
     */
    void forward(DepthwiseConv1d dw, float[] in, int inOff, float[] w, int wOff, float[] out, int outOff, Work work) {
        float[] src = in;
        int srcOff = inOff;
        int last = passes.length - 1;
        if (last < 0) System.arraycopy(in, inOff, out, outOff, inSize);
        for (int m = 0; m <= last; m++) {
            float[] dst = m == last ? out : (m % 2 == 0 ? work.ping : work.pong);
            int dstOff = m == last ? outOff : 0;
            dw.forward(src, srcOff, w, wOff + weightOffsets[first + m], passes[m], dst, dstOff, work.scratch);
            src = dst;
            srcOff = dstOff;
        }
    }

    /**
     * Forward and backward of one slab in one go. Writes the output slab to {@code out} (needed by
     * the caller's 1×1 weight gradient), dL/din to {@code gin} given dL/dout in {@code g}, and
     * adds the per-mode weight gradients to {@code gw[gwOff ..]} (layout as {@code w}); with
     * {@code out} null the last forward pass is skipped (a caller that has the output already). A
     * chain without passes copies the slab to out (when given) and g to gin.
     */
    void forwardBackward(DepthwiseConv1d dw, float[] in, int inOff, float[] w, int wOff,
                         float[] out, int outOff, float[] g, int gOff, float[] gin, int ginOff,
                         double[] gw, int gwOff, Work work) {
        int last = passes.length - 1;
        if (last < 0) {
            if (out != null) System.arraycopy(in, inOff, out, outOff, inSize);
            System.arraycopy(g, gOff, gin, ginOff, inSize);
            return;
        }
        int[] storeOff = new int[passes.length + 1];
        float[] src = in;
        int srcOff = inOff;
        int st = 0;
        storeOff[0] = inOff;
        for (int m = 0; m <= last; m++) {
            if (m == last && out == null) break; // the backward never reads the chain's output
            float[] dst = m == last ? out : work.store;
            int dstOff = m == last ? outOff : st;
            dw.forward(src, srcOff, w, wOff + weightOffsets[first + m], passes[m], dst, dstOff, work.scratch);
            storeOff[m + 1] = dstOff;
            st += m == last ? 0 : passes[m].outSize();
            src = dst;
            srcOff = dstOff;
        }
        float[] gs = g;
        int gsOff = gOff;
        for (int m = last; m >= 0; m--) {
            float[] z = m == 0 ? in : work.store;
            dw.backwardWeight(gs, gsOff, z, storeOff[m], passes[m], gw, gwOff + weightOffsets[first + m], work.scratch);
            float[] dst = m == 0 ? gin : ((last - m) % 2 == 0 ? work.ping : work.pong);
            int dstOff = m == 0 ? ginOff : 0;
            dw.backwardInput(gs, gsOff, w, wOff + weightOffsets[first + m], passes[m], dst, dstOff, work.scratch);
            gs = dst;
            gsOff = dstOff;
        }
    }
}
