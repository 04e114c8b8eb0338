package dev.tenfold.conv;

import dev.tenfold.tensor.Shape;
import dev.tenfold.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A {@link ConvSpec} bound to one input shape (B, C, D_0..D_{N-1}): every derived size the
 * dense kernels need, plus the argument checks shared by {@link DenseConv} and
 * {@link DenseConvNaive}. All checks throw {@link IllegalArgumentException} naming the argument
 * and the shapes.
 */
final class ConvGeometry {
    final ConvSpec spec;
    /** Spatial dims N. */
    final int n;
    final int batch;
    final int inChannels;
    final int outChannels;
    final int groups;
    /** Input channels per group C/groups. */
    final int cg;
    /** Output channels per group T/groups. */
    final int tg;
    final int[] in;
    final int[] out;
    final int[] kernel;
    final int[] stride;
    final int[] dilation;
    final int[] padBefore;
    final int[] padAfter;
    /** ∏D_j, ∏O_j, ∏K_j. */
    final long inSpatial;
    final long outSpatial;
    final int kernelSize;
    /** Rows of the column matrix per group: C/groups · ∏K (the GEMM depth of the forward pass). */
    final int ck;
    final Shape inputShape;
    final Shape outputShape;

    private ConvGeometry(ConvSpec spec, Shape input) {
        this(spec, checkedInput(spec, input), spec.outputShape(input), spec.inChannels(), spec.outChannels(),
                spec.kernel(), spec.stride(), spec.dilation(), spec.padBefore(), spec.padAfter());
    }

    private static Shape checkedInput(ConvSpec spec, Shape input) {
        if (spec == null) throw new IllegalArgumentException("spec must not be null");
        if (input == null) throw new IllegalArgumentException("input shape must not be null");
        return input;
    }

    /** Raw constructor: every size given ({@code spec} is kept for messages and groups). */
    private ConvGeometry(ConvSpec spec, Shape input, Shape output, int inChannels, int outChannels, int[] kernel,
                         int[] stride, int[] dilation, int[] padBefore, int[] padAfter) {
        this.spec = spec;
        this.outputShape = output;
        this.inputShape = input;
        this.n = kernel.length;
        this.batch = input.dim(0);
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.groups = spec.groups();
        this.cg = inChannels / groups;
        this.tg = outChannels / groups;
        this.kernel = kernel;
        this.stride = stride;
        this.dilation = dilation;
        this.padBefore = padBefore;
        this.padAfter = padAfter;
        this.in = new int[n];
        this.out = new int[n];
        long is = 1;
        long os = 1;
        int ks = 1;
        for (int j = 0; j < n; j++) {
            in[j] = input.dim(2 + j);
            out[j] = output.dim(2 + j);
            is *= in[j];
            os *= out[j];
            ks *= kernel[j];
        }
        this.inSpatial = is;
        this.outSpatial = os;
        this.kernelSize = ks;
        long rows = (long) cg * ks;
        if (rows > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("spec " + spec + ": C/groups·∏K = " + rows + " is too large");
        }
        this.ck = (int) rows;
        if (is * Math.max(inChannels, outChannels) > Integer.MAX_VALUE || os * Math.max(inChannels, outChannels) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("input " + input + " / output " + output
                    + ": one batch item must hold fewer than 2^31 elements");
        }
    }

    /**
     * True when dL/dx is itself a stride-1 convolution of dL/dy ({@link #inputGradientAsForward}):
     * stride 1 in every dim and no padding beyond the kernel's reach (pad ≤ dilation·(K−1)).
     */
    boolean inputGradientIsForwardConv() {
        for (int j = 0; j < n; j++) {
            int reach = dilation[j] * (kernel[j] - 1);
            if (stride[j] != 1 || padBefore[j] > reach || padAfter[j] > reach) return false;
        }
        return true;
    }

    /**
     * For {@link #inputGradientIsForwardConv()}: dL/dx (B, C, D..) = the forward convolution of
     * dL/dy (B, T, O..) with the kernel w'[c, t, k] = w[t, c, K−1−k] (per group; channels swapped,
     * every spatial dim flipped), stride 1, the same dilation, and padding dilation·(K−1) − pad
     * (before and after swapped roles: before' = reach − before, after' = reach − after).
     */
    ConvGeometry inputGradientAsForward() {
        int[] pb = new int[n];
        int[] pa = new int[n];
        for (int j = 0; j < n; j++) {
            int reach = dilation[j] * (kernel[j] - 1);
            pb[j] = reach - padBefore[j];
            pa[j] = reach - padAfter[j];
        }
        int[] ones = new int[n];
        java.util.Arrays.fill(ones, 1);
        return new ConvGeometry(spec, outputShape, inputShape, outChannels, inChannels, kernel, ones, dilation, pb, pa);
    }

    /** Geometry of {@code spec} on an input of shape {@code input}. */
    static ConvGeometry of(ConvSpec spec, Shape input) {
        return new ConvGeometry(spec, input);
    }

    /** Geometry for the input tensor {@code x} (checked: rank, channels, output size). */
    static ConvGeometry forInput(ConvSpec spec, Tensor x) {
        requireTensor("input x", x);
        return new ConvGeometry(spec, x.shape());
    }

    static void requireTensor(String what, Tensor t) {
        if (t == null) throw new IllegalArgumentException(what + " must not be null");
    }

    /** Elements of the dense kernel: T·(C/groups)·∏K. */
    long weightSize() {
        return (long) outChannels * ck;
    }

    /** True for 1×…×1 kernels with stride 1 and no padding: the conv is a plain GEMM on the input. */
    boolean isPointwise() {
        for (int j = 0; j < n; j++) {
            if (kernel[j] != 1 || stride[j] != 1 || padBefore[j] != 0 || padAfter[j] != 0) return false;
        }
        return true;
    }

    /** Checks that w has shape {@link ConvSpec#weightShape()}. */
    void checkWeight(Tensor w) {
        requireTensor("weight w", w);
        if (!w.shape().equals(spec.weightShape())) {
            throw new IllegalArgumentException("weight w of shape " + w.shape() + " does not match the kernel shape "
                    + spec.weightShape() + " (T, C/groups, K...) of " + spec);
        }
    }

    /** Checks that b is null for a bias-free spec and has shape (T) otherwise. */
    void checkBias(Tensor b) {
        if (spec.hasBias()) {
            if (b == null) throw new IllegalArgumentException("bias b is null but " + spec + " has a bias of shape (" + outChannels + ")");
            if (b.rank() != 1 || b.dim(0) != outChannels) {
                throw new IllegalArgumentException("bias b of shape " + b.shape() + " must have shape (" + outChannels
                        + ") for " + spec);
            }
        } else if (b != null) {
            throw new IllegalArgumentException("bias b of shape " + b.shape() + " given but " + spec
                    + " has no bias (build it with bias(true))");
        }
    }

    /** Checks that {@code t} has exactly the output shape (B, T, O...). */
    void checkOutputShaped(String what, Tensor t) {
        requireTensor(what, t);
        if (!t.shape().equals(outputShape)) {
            throw new IllegalArgumentException(what + " of shape " + t.shape() + " must have the output shape " + outputShape
                    + " of " + spec + " on input " + inputShape);
        }
    }

    /** Checks that gradY is a (B, T, O_0..O_{N-1}) tensor of this spec (for dL/db). */
    static void checkGradYForBias(ConvSpec spec, Tensor gradY) {
        if (spec == null) throw new IllegalArgumentException("spec must not be null");
        requireTensor("gradY", gradY);
        int n = spec.spatialDims();
        if (gradY.rank() != 2 + n || gradY.dim(1) != spec.outChannels()) {
            throw new IllegalArgumentException("gradY of shape " + gradY.shape() + " must have shape (B, "
                    + spec.outChannels() + ", " + n + " spatial dims) for " + spec);
        }
    }

    /** Writes {@code values} (row-major) into {@code t}, whatever its strides. */
    static void writeAll(Tensor t, float[] values) {
        MemorySegment seg = t.segment();
        walk(t, (i, off) -> seg.setAtIndex(ValueLayout.JAVA_FLOAT, off, values[i]));
    }

    /** All elements of {@code t} in row-major order in a new heap array (any strides). */
    static float[] readAll(Tensor t) {
        if (t.isContiguous()) return t.toArray();
        if (t.size() > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("tensor of shape " + t.shape() + " is too large");
        float[] out = new float[(int) t.size()];
        MemorySegment seg = t.segment();
        walk(t, (i, off) -> out[i] = seg.getAtIndex(ValueLayout.JAVA_FLOAT, off));
        return out;
    }

    private interface ElementVisitor {
        void visit(int flatIndex, long elementOffset);
    }

    /** Visits every element of {@code t} in row-major order with its element offset. */
    private static void walk(Tensor t, ElementVisitor v) {
        int[] dims = t.dims();
        long[] st = t.strides();
        int[] idx = new int[dims.length];
        long off = t.offset();
        int size = (int) t.size();
        for (int i = 0; i < size; i++) {
            v.visit(i, off);
            for (int a = dims.length - 1; a >= 0; a--) {
                if (++idx[a] < dims[a]) {
                    off += st[a];
                    break;
                }
                off -= st[a] * (dims[a] - 1);
                idx[a] = 0;
            }
        }
    }
}
