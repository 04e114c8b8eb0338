package dev.tenfold.conv;

import dev.tenfold.tensor.Shape;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.lang.foreign.MemorySegment;

/**
 * Tucker convolution (channel modes factorized): kernel {@code W = G ×_0 U_T ×_1 U_C} of
 * {@link TuckerConvWeights}. Factorized form: Z_b = U_Cᵀ·X_b (1×1 C→R_C, GEMM), H = dense conv of
 * Z with the core as an (R_T, R_C, K…) kernel ({@link DenseConv}, same stride / padding /
 * dilation), Y_b = U_T·H_b (1×1 R_T→T, GEMM) + bias. Layouts as {@link ConvSpec}.
 * Intermediates live in a temporary scope closed before returning.
 */
public final class TuckerConv {
    private TuckerConv() { }

    /**
     * y (B, T, O…) in x's scope, by {@link ConvForm#FACTORIZED} or {@link ConvForm#RECONSTRUCTED}.
     *
     * @throws IllegalArgumentException for {@link ConvForm#MOBILENET} (CP only), or when x or the
     *                                  weights do not fit the spec
     */
    public static Tensor forward(ConvSpec spec, TuckerConvWeights w, Tensor x, ConvForm form) {
        checkForm(spec, w, form);
        Tensor y = x.scope().zeros(spec.outputShape(x.shape()));
        forward(spec, w, x, form, y);
        return y;
    }

    /**
     * The same into a preallocated contiguous {@code y} of shape {@code spec.outputShape(x.shape())}
     * (every element overwritten): a training loop reuses y instead of allocating a tensor in
     * x's scope on every call.
     *
     * @throws IllegalArgumentException as {@link #forward(ConvSpec, TuckerConvWeights, Tensor, ConvForm)},
     *                                  or when y has the wrong shape, is not contiguous or overlaps x
     */
    public static void forward(ConvSpec spec, TuckerConvWeights w, Tensor x, ConvForm form, Tensor y) {
        checkForm(spec, w, form);
        ConvOperands.checkOutput(spec, x, y);
        Shape yShape = y.shape();
        try (TensorScope tmp = TensorScope.open()) {
            if (form == ConvForm.RECONSTRUCTED) {
                DenseConv.forward(spec, x, w.reconstruct(tmp), w.bias(), y);
                return;
            }
            Tensor xc = x.contiguousIn(tmp);
            Tensor z = projectIn(tmp, spec, w, xc);
            Tensor h = DenseConv.forward(coreSpec(spec, w), z, w.core(), null).contiguous();
            int b = x.dim(0);
            int t = spec.outChannels();
            long so = yShape.size() / ((long) b * t);
            float beta = 0f;
            if (w.bias() != null) {
                PointwiseConv.fillBias(y.segment(), y.offset(), b, t, so, w.bias().toArray());
                beta = 1f;
            }
            long[] us = w.uT().strides();
            PointwiseConv.forward(b, t, w.rankT(), so, w.uT().segment(), w.uT().offset(), us[0], us[1],
                    h.segment(), h.offset(), beta, y.segment(), y.offset());
        }
    }

    private static void checkForm(ConvSpec spec, TuckerConvWeights w, ConvForm form) {
        w.validate(spec);
        if (form == ConvForm.MOBILENET) {
            throw new IllegalArgumentException("form MOBILENET exists for CP convs only; Tucker supports FACTORIZED and RECONSTRUCTED");
        }
    }

    /**
     * Gradients w.r.t. x, core, U_T, U_C and bias given dL/dy, through the factorized path (the
     * core stage through {@link DenseConv#backwardInput} / {@link DenseConv#backwardWeight}).
     * New tensors in gradY's scope.
     *
     * @throws IllegalArgumentException when shapes do not fit the spec or gradY is not (B, T, O…)
     */
    public static TuckerConvGradients backward(ConvSpec spec, TuckerConvWeights w, Tensor x, Tensor gradY) {
        return backward(spec, w, x, gradY, gradY.scope());
    }

    /**
     * The same with every result a new tensor in {@code into} (e.g. a per-step scope of a
     * training loop that frees the gradients once applied, while x and gradY live on).
     *
     * @throws IllegalArgumentException as {@link #backward(ConvSpec, TuckerConvWeights, Tensor, Tensor)},
     *                                  or when {@code into} is null
     * @throws IllegalStateException    when {@code into} is closed
     */
    public static TuckerConvGradients backward(ConvSpec spec, TuckerConvWeights w, Tensor x, Tensor gradY, TensorScope into) {
        if (into == null) throw new IllegalArgumentException("into: the scope for the gradients must not be null");
        if (!into.isOpen()) throw new IllegalStateException("into: the scope for the gradients is closed");
        w.validate(spec);
        Shape yShape = spec.outputShape(x.shape());
        if (!gradY.shape().equals(yShape)) {
            throw new IllegalArgumentException("gradY of shape " + gradY.shape() + " must be the output shape "
                    + yShape + " for x of shape " + x.shape());
        }
        TensorScope out = into;
        int b = x.dim(0);
        int t = spec.outChannels();
        int c = spec.inChannels();
        int rt = w.rankT();
        int rc = w.rankC();
        long so = yShape.size() / ((long) b * t);
        long si = x.size() / ((long) b * c);
        try (TensorScope tmp = TensorScope.open()) {
            Tensor xc = x.contiguousIn(tmp);
            Tensor gy = gradY.contiguousIn(tmp);
            ConvSpec cs = coreSpec(spec, w);
            Tensor z = projectIn(tmp, spec, w, xc);
            Tensor h = DenseConv.forward(cs, z, w.core(), null).contiguous();

            Tensor dut = out.zeros(t, rt);
            PointwiseConv.sumOuter(b, t, rt, so, gy.segment(), gy.offset(), h.segment(), h.offset(),
                    dut.segment(), dut.offset(), rt, 1, false);
            int[] hd = yShape.dims();
            hd[1] = rt;
            Tensor gh = tmp.zeros(Shape.of(hd));
            long[] us = w.uT().strides();
            PointwiseConv.forward(b, rt, t, so, w.uT().segment(), w.uT().offset(), us[1], us[0],
                    gy.segment(), gy.offset(), 0f, gh.segment(), gh.offset());

            Tensor dcore = DenseConv.backwardWeight(cs, z, gh).copyTo(out);
            Tensor gz = DenseConv.backwardInput(cs, gh, w.core(), z.shape()).contiguous();

            Tensor duc = out.zeros(c, rc);
            PointwiseConv.sumOuter(b, c, rc, si, xc.segment(), xc.offset(), gz.segment(), gz.offset(),
                    duc.segment(), duc.offset(), rc, 1, false);
            Tensor gx = out.zeros(x.shape());
            long[] ucs = w.uC().strides();
            PointwiseConv.forward(b, c, rc, si, w.uC().segment(), w.uC().offset(), ucs[0], ucs[1],
                    gz.segment(), gz.offset(), 0f, gx.segment(), gx.offset());
            Tensor db = w.bias() == null ? null
                    : out.fromArray(PointwiseConv.biasGradient(gy.segment(), gy.offset(), b, t, so), t);
            return new TuckerConvGradients(gx, dcore, dut, duc, db);
        }
    }

    /** Z (B, R_C, D…) = U_Cᵀ·X_b in {@code scope}. */
    private static Tensor projectIn(TensorScope scope, ConvSpec spec, TuckerConvWeights w, Tensor xc) {
        int[] zd = xc.dims();
        zd[1] = w.rankC();
        Tensor z = scope.zeros(Shape.of(zd));
        long si = xc.size() / ((long) zd[0] * spec.inChannels());
        long[] s = w.uC().strides();
        PointwiseConv.forward(zd[0], w.rankC(), spec.inChannels(), si, w.uC().segment(), w.uC().offset(), s[1], s[0],
                xc.segment(), xc.offset(), 0f, z.segment(), z.offset());
        return z;
    }

    /** The spec of the core conv: R_C → R_T channels, the layer's geometry, no bias. */
    static ConvSpec coreSpec(ConvSpec spec, TuckerConvWeights w) {
        return Transduction.specOf(w.rankC(), w.rankT(), spec.kernel(), spec.stride(), spec.padBefore(),
                spec.padAfter(), spec.dilation(), false);
    }
}
