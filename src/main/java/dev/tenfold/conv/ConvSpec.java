package dev.tenfold.conv;

import dev.tenfold.tensor.Shape;
import java.util.Arrays;

/**
 * Geometry of an N-D convolution (N ≥ 1 spatial dims), in PyTorch's conventions:
 * activations (B, C, D_0..D_{N-1}), dense kernel (T, C/groups, K_0..K_{N-1}), bias (T).
 * Per spatial dim: stride, dilation and padding before/after (symmetric numbers, or 'same',
 * which PyTorch allows only with stride 1 and which pads {@code total/2} before and the rest
 * after). Output size per dim: {@code (D + padBefore + padAfter - dilation·(K-1) - 1) / stride + 1}.
 * Immutable; build with {@link #builder(int, int, int...)}.
 */
public final class ConvSpec {
    private final int inChannels;
    private final int outChannels;
    private final int[] kernel;
    private final int[] stride;
    private final int[] dilation;
    private final int[] padBefore;
    private final int[] padAfter;
    private final int groups;
    private final boolean bias;

    private ConvSpec(Builder b) {
        int n = b.kernel.length;
        this.inChannels = b.inChannels;
        this.outChannels = b.outChannels;
        this.kernel = b.kernel.clone();
        this.stride = perDim("stride", b.stride, n, 1);
        this.dilation = perDim("dilation", b.dilation, n, 1);
        this.groups = b.groups;
        this.bias = b.bias;
        if (b.same) {
            for (int s : stride) {
                if (s != 1) throw new IllegalArgumentException("padding 'same' needs stride 1 in every dim, got stride "
                        + Arrays.toString(stride));
            }
            padBefore = new int[n];
            padAfter = new int[n];
            for (int i = 0; i < n; i++) {
                int total = dilation[i] * (kernel[i] - 1);
                padBefore[i] = total / 2;
                padAfter[i] = total - padBefore[i];
            }
        } else {
            padBefore = perDim("padding", b.padding, n, 0);
            padAfter = padBefore.clone();
        }
        validate();
    }

    private static int[] perDim(String what, int[] v, int n, int dflt) {
        if (v == null) {
            int[] r = new int[n];
            Arrays.fill(r, dflt);
            return r;
        }
        if (v.length == 1 && n > 1) {
            int[] r = new int[n];
            Arrays.fill(r, v[0]);
            return r;
        }
        if (v.length != n) {
            throw new IllegalArgumentException(what + " " + Arrays.toString(v) + " has " + v.length
                    + " entries; the kernel " + "has " + n + " spatial dims (give 1 or " + n + ")");
        }
        return v.clone();
    }

    private void validate() {
        if (kernel.length < 1) throw new IllegalArgumentException("kernel: need at least one spatial dim");
        if (inChannels < 1 || outChannels < 1) {
            throw new IllegalArgumentException("channels: inChannels=" + inChannels + " and outChannels=" + outChannels
                    + " must be >= 1");
        }
        if (groups < 1 || inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("groups=" + groups + " must be >= 1 and divide inChannels=" + inChannels
                    + " and outChannels=" + outChannels);
        }
        for (int i = 0; i < kernel.length; i++) {
            if (kernel[i] < 1) throw new IllegalArgumentException("kernel " + Arrays.toString(kernel) + ": dim " + i + " must be >= 1");
            if (stride[i] < 1) throw new IllegalArgumentException("stride " + Arrays.toString(stride) + ": dim " + i + " must be >= 1");
            if (dilation[i] < 1) throw new IllegalArgumentException("dilation " + Arrays.toString(dilation) + ": dim " + i + " must be >= 1");
            if (padBefore[i] < 0) throw new IllegalArgumentException("padding " + Arrays.toString(padBefore) + ": dim " + i + " must be >= 0");
        }
    }

    /** Starts a spec for {@code inChannels → outChannels} with kernel sizes K_0..K_{N-1}. */
    public static Builder builder(int inChannels, int outChannels, int... kernel) {
        return new Builder(inChannels, outChannels, kernel);
    }

    /** Number of spatial dims N. */
    public int spatialDims() { return kernel.length; }
    /** Input channels C. */
    public int inChannels() { return inChannels; }
    /** Output channels T. */
    public int outChannels() { return outChannels; }
    /** Kernel sizes K_i (copy). */
    public int[] kernel() { return kernel.clone(); }
    /** Strides (copy). */
    public int[] stride() { return stride.clone(); }
    /** Dilations (copy). */
    public int[] dilation() { return dilation.clone(); }
    /** Padding before each spatial dim (copy). */
    public int[] padBefore() { return padBefore.clone(); }
    /** Padding after each spatial dim (copy). */
    public int[] padAfter() { return padAfter.clone(); }
    /** Channel groups (1 = dense, C = depthwise when T = C·m). */
    public int groups() { return groups; }
    /** Whether the layer has a bias of shape (T). */
    public boolean hasBias() { return bias; }

    /** Dense kernel shape (T, C/groups, K_0..K_{N-1}). */
    public Shape weightShape() {
        int[] d = new int[2 + kernel.length];
        d[0] = outChannels;
        d[1] = inChannels / groups;
        System.arraycopy(kernel, 0, d, 2, kernel.length);
        return Shape.of(d);
    }

    /**
     * Output spatial sizes for the given input spatial sizes.
     *
     * @throws IllegalArgumentException when the count of dims differs or an output size would be ≤ 0
     */
    public int[] outputSpatial(int... inputSpatial) {
        if (inputSpatial.length != kernel.length) {
            throw new IllegalArgumentException("input spatial size " + Arrays.toString(inputSpatial) + " has "
                    + inputSpatial.length + " dims; the spec has " + kernel.length);
        }
        int[] out = new int[kernel.length];
        for (int i = 0; i < kernel.length; i++) {
            long span = (long) inputSpatial[i] + padBefore[i] + padAfter[i] - (long) dilation[i] * (kernel[i] - 1) - 1;
            if (span < 0) {
                throw new IllegalArgumentException("output size <= 0 in spatial dim " + i + ": input " + Arrays.toString(inputSpatial)
                        + ", kernel " + Arrays.toString(kernel) + ", padding " + Arrays.toString(padBefore) + "/"
                        + Arrays.toString(padAfter) + ", dilation " + Arrays.toString(dilation));
            }
            out[i] = (int) (span / stride[i] + 1);
        }
        return out;
    }

    /**
     * Output shape (B, T, O_0..O_{N-1}) for an input of shape (B, C, D_0..D_{N-1}).
     *
     * @throws IllegalArgumentException when the input rank or channel count does not match
     */
    public Shape outputShape(Shape input) {
        if (input.rank() != 2 + kernel.length) {
            throw new IllegalArgumentException("input of shape " + input + " must have rank " + (2 + kernel.length)
                    + " (B, C, " + kernel.length + " spatial dims)");
        }
        if (input.dim(1) != inChannels) {
            throw new IllegalArgumentException("input of shape " + input + " has " + input.dim(1)
                    + " channels; the kernel " + weightShape() + " expects " + inChannels);
        }
        int[] sp = new int[kernel.length];
        for (int i = 0; i < sp.length; i++) sp[i] = input.dim(2 + i);
        int[] o = outputSpatial(sp);
        int[] d = new int[2 + o.length];
        d[0] = input.dim(0);
        d[1] = outChannels;
        System.arraycopy(o, 0, d, 2, o.length);
        return Shape.of(d);
    }

    /** Multiply-adds ×2 of the dense convolution on {@code input}: 2·B·T·∏O·(C/groups)·∏K. */
    public double denseFlops(Shape input) {
        Shape out = outputShape(input);
        double f = 2.0 * out.size() * (inChannels / groups);
        for (int k : kernel) f *= k;
        return f;
    }

    /** Parameters of the dense layer: T·(C/groups)·∏K (+ T with bias). */
    public long denseParams() {
        return weightShape().size() + (bias ? outChannels : 0);
    }

    @Override
    public String toString() {
        return "ConvSpec[C=" + inChannels + " -> T=" + outChannels + ", kernel=" + Arrays.toString(kernel)
                + ", stride=" + Arrays.toString(stride) + ", padding=" + Arrays.toString(padBefore)
                + (Arrays.equals(padBefore, padAfter) ? "" : "/" + Arrays.toString(padAfter))
                + ", dilation=" + Arrays.toString(dilation) + ", groups=" + groups + ", bias=" + bias + "]";
    }

    /** Builder of {@link ConvSpec}; per-dim settings take 1 value (all dims) or N values. */
    public static final class Builder {
        private final int inChannels;
        private final int outChannels;
        private final int[] kernel;
        private int[] stride;
        private int[] dilation;
        private int[] padding;
        private boolean same;
        private int groups = 1;
        private boolean bias;

        private Builder(int inChannels, int outChannels, int[] kernel) {
            if (kernel == null || kernel.length == 0) {
                throw new IllegalArgumentException("kernel: give the kernel size of every spatial dim (N >= 1)");
            }
            this.inChannels = inChannels;
            this.outChannels = outChannels;
            this.kernel = kernel.clone();
        }

        /** Strides per dim (default 1). */
        public Builder stride(int... s) { this.stride = s.clone(); return this; }
        /** Dilations per dim (default 1). */
        public Builder dilation(int... d) { this.dilation = d.clone(); return this; }
        /** Symmetric zero padding per dim (default 0). */
        public Builder padding(int... p) { this.padding = p.clone(); this.same = false; return this; }
        /** PyTorch's padding='same' (stride 1 only). */
        public Builder paddingSame() { this.same = true; return this; }
        /** Channel groups (default 1). */
        public Builder groups(int g) { this.groups = g; return this; }
        /** Whether the layer has a bias (default false). */
        public Builder bias(boolean b) { this.bias = b; return this; }
        /** Validates and builds. */
        public ConvSpec build() { return new ConvSpec(this); }
    }
}
