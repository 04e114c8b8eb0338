package dev.tenfold.conv;

import dev.tenfold.tensor.Shape;
import dev.tenfold.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Transduction: grows an N-D factorized conv into an (N+1)-D one by appending a new spatial mode
 * as the LAST spatial dim (input (B, C, D_0..D_{N-1}, D_new)). The new mode's factor is a centred
 * delta at index K_new/2 (integer division), so on a clip of identical frames along the new dim
 * with stride 1, dilation 1 and padding K_new/2, every output frame o with
 * 0 ≤ o + K_new/2 − padNew &lt; frames equals the N-D layer applied to one frame (for odd K_new:
 * all output frames). The returned weights share the old factor tensors; the new tensors are
 * allocated in the scope of λ (CP) or of the core (Tucker).
 */
public final class Transduction {
    private Transduction() { }

    /** An (N+1)-D CP conv layer: its spec and weights. */
    public record CpLayer(ConvSpec spec, CpConvWeights weights) { }

    /** An (N+1)-D Tucker conv layer: its spec and weights. */
    public record TuckerLayer(ConvSpec spec, TuckerConvWeights weights) { }

    /**
     * The CP layer with one more spatial mode of kernel size kNew, stride, symmetric padding and
     * dilation as given; U_Knew (kNew × R) has every column equal to the unit vector e_{kNew/2}.
     *
     * @throws IllegalArgumentException when the weights do not fit the spec, a new-mode argument is
     *                                  out of range, or the padding cannot be expressed (see {@link #specOf})
     */
    public static CpLayer cp(ConvSpec spec, CpConvWeights weights, int kNew, int strideNew, int padNew, int dilationNew) {
        weights.validate(spec);
        ConvSpec s2 = extend(spec, kNew, strideNew, padNew, dilationNew);
        int r = weights.rank();
        Tensor delta = weights.lambda().scope().zeros(kNew, r);
        for (int rr = 0; rr < r; rr++) delta.set(1f, kNew / 2, rr);
        List<Tensor> uk = new ArrayList<>(weights.uK());
        uk.add(delta);
        return new CpLayer(s2, new CpConvWeights(weights.lambda(), weights.uT(), weights.uC(), uk, weights.bias()));
    }

    /**
     * The Tucker layer with one more spatial mode: the core gains a last mode of size kNew holding
     * the old core at index kNew/2 and zeros elsewhere.
     *
     * @throws IllegalArgumentException as {@link #cp}
     */
    public static TuckerLayer tucker(ConvSpec spec, TuckerConvWeights weights, int kNew, int strideNew, int padNew,
                                     int dilationNew) {
        weights.validate(spec);
        ConvSpec s2 = extend(spec, kNew, strideNew, padNew, dilationNew);
        Tensor old = weights.core();
        int[] d = Arrays.copyOf(old.dims(), old.rank() + 1);
        d[old.rank()] = kNew;
        Tensor core = old.scope().zeros(Shape.of(d));
        core.select(old.rank(), kNew / 2).copyFrom(old);
        return new TuckerLayer(s2, new TuckerConvWeights(core, weights.uT(), weights.uC(), weights.bias()));
    }

    private static ConvSpec extend(ConvSpec spec, int kNew, int strideNew, int padNew, int dilationNew) {
        if (kNew < 1 || strideNew < 1 || padNew < 0 || dilationNew < 1) {
            throw new IllegalArgumentException("new mode: kernel " + kNew + ", stride " + strideNew + ", padding " + padNew
                    + ", dilation " + dilationNew + " must be >= 1, >= 1, >= 0, >= 1");
        }
        return specOf(spec.inChannels(), spec.outChannels(), append(spec.kernel(), kNew), append(spec.stride(), strideNew),
                append(spec.padBefore(), padNew), append(spec.padAfter(), padNew), append(spec.dilation(), dilationNew),
                spec.hasBias());
    }

    private static int[] append(int[] a, int v) {
        int[] r = Arrays.copyOf(a, a.length + 1);
        r[a.length] = v;
        return r;
    }

    /**
     * A {@link ConvSpec} (groups 1) from per-dim geometry. ConvSpec expresses symmetric padding, or
     * PyTorch's 'same' (stride 1, {@code d·(K−1)/2} before, the rest after); other asymmetric
     * paddings are rejected.
     *
     * @throws IllegalArgumentException when the padding is asymmetric and not 'same'
     */
    static ConvSpec specOf(int c, int t, int[] k, int[] stride, int[] padBefore, int[] padAfter, int[] dilation,
                           boolean bias) {
        ConvSpec.Builder b = ConvSpec.builder(c, t, k).stride(stride).dilation(dilation).bias(bias);
        if (Arrays.equals(padBefore, padAfter)) return b.padding(padBefore).build();
        for (int i = 0; i < k.length; i++) {
            int total = dilation[i] * (k[i] - 1);
            if (stride[i] != 1 || padBefore[i] != total / 2 || padAfter[i] != total - total / 2) {
                throw new IllegalArgumentException("padding " + Arrays.toString(padBefore) + " before / "
                        + Arrays.toString(padAfter) + " after is asymmetric and not 'same' (stride "
                        + Arrays.toString(stride) + ", kernel " + Arrays.toString(k) + ", dilation "
                        + Arrays.toString(dilation) + "); ConvSpec cannot express it");
            }
        }
        return b.paddingSame().build();
    }
}
