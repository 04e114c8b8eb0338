package dev.tenfold.conv;

import dev.tenfold.tensor.Shape;
import dev.tenfold.tensor.Tensor;

/**
 * The oracle of {@link DenseConv}: the same five operations as plain loops over every kernel
 * tap, accumulating in double and rounding once to float. Same layouts and conventions as
 * {@link DenseConv} (PyTorch's: x (B, C, D..), w (T, C/groups, K..), b (T), y (B, T, O..)),
 * any N ≥ 1, groups, stride, padding (before/after may differ), dilation. Slow by design: use
 * it in tests and to check the fast path, not in models.
 */
public final class DenseConvNaive {
    private DenseConvNaive() { }

    /**
     * y = conv(x, w) + b as a new tensor of {@code spec.outputShape(x.shape())} in x's scope.
     *
     * @param b bias (T), or null when the spec has no bias
     * @throws IllegalArgumentException when a shape does not match the spec
     */
    public static Tensor forward(ConvSpec spec, Tensor x, Tensor w, Tensor b) {
        ConvGeometry g = ConvGeometry.forInput(spec, x);
        g.checkWeight(w);
        g.checkBias(b);
        return x.scope().fromArray(forwardValues(g, x, w, b), g.outputShape.dims());
    }

    /** Same as {@link #forward(ConvSpec, Tensor, Tensor, Tensor)} into {@code y} (any strides). */
    public static void forward(ConvSpec spec, Tensor x, Tensor w, Tensor b, Tensor y) {
        ConvGeometry g = ConvGeometry.forInput(spec, x);
        g.checkWeight(w);
        g.checkBias(b);
        g.checkOutputShaped("output y", y);
        ConvGeometry.writeAll(y, forwardValues(g, x, w, b));
    }

    /** dL/dx (shape {@code inputShape}) from dL/dy (B, T, O..), as a new tensor in gradY's scope. */
    public static Tensor backwardInput(ConvSpec spec, Tensor gradY, Tensor w, Shape inputShape) {
        ConvGeometry g = ConvGeometry.of(spec, inputShape);
        g.checkOutputShaped("gradY", gradY);
        g.checkWeight(w);
        float[] gy = ConvGeometry.readAll(gradY);
        float[] wv = ConvGeometry.readAll(w);
        double[] dx = new double[(int) inputShape.size()];
        visitTaps(g, (xi, wi, yi) -> dx[xi] += (double) gy[yi] * wv[wi]);
        return gradY.scope().fromArray(toFloat(dx), inputShape.dims());
    }

    /** dL/dw (spec.weightShape()) from x and dL/dy, as a new tensor in gradY's scope. */
    public static Tensor backwardWeight(ConvSpec spec, Tensor x, Tensor gradY) {
        ConvGeometry g = ConvGeometry.forInput(spec, x);
        g.checkOutputShaped("gradY", gradY);
        float[] gy = ConvGeometry.readAll(gradY);
        float[] xv = ConvGeometry.readAll(x);
        double[] dw = new double[(int) spec.weightShape().size()];
        visitTaps(g, (xi, wi, yi) -> dw[wi] += (double) gy[yi] * xv[xi]);
        return gradY.scope().fromArray(toFloat(dw), spec.weightShape().dims());
    }

    /** dL/db (T): dL/dy summed over the batch and all spatial positions, new tensor in gradY's scope. */
    public static Tensor backwardBias(ConvSpec spec, Tensor gradY) {
        ConvGeometry.checkGradYForBias(spec, gradY);
        float[] gy = ConvGeometry.readAll(gradY);
        int t = spec.outChannels();
        int batch = gradY.dim(0);
        int positions = (int) (gradY.size() / ((long) batch * t));
        double[] db = new double[t];
        for (int bi = 0; bi < batch; bi++) {
            for (int ti = 0; ti < t; ti++) {
                int base = (bi * t + ti) * positions;
                for (int p = 0; p < positions; p++) db[ti] += gy[base + p];
            }
        }
        return gradY.scope().fromArray(toFloat(db), t);
    }

    private static float[] forwardValues(ConvGeometry g, Tensor x, Tensor w, Tensor b) {
        float[] xv = ConvGeometry.readAll(x);
        float[] wv = ConvGeometry.readAll(w);
        double[] y = new double[(int) g.outputShape.size()];
        if (b != null) {
            float[] bv = ConvGeometry.readAll(b);
            int positions = (int) g.outSpatial;
            for (int i = 0; i < y.length; i++) y[i] = bv[(i / positions) % g.outChannels];
        }
        visitTaps(g, (xi, wi, yi) -> y[yi] += (double) xv[xi] * wv[wi]);
        return toFloat(y);
    }

    /** One multiply of the convolution: flat indices into x, w and y (all row-major). */
    private interface Tap {
        void at(int xIndex, int wIndex, int yIndex);
    }

    /**
     * Calls {@code tap} for every (b, t, output position, c, kernel offset) whose input position
     * lies inside the input (taps that land in the zero padding are skipped).
     */
    private static void visitTaps(ConvGeometry g, Tap tap) {
        int n = g.n;
        int positions = (int) g.outSpatial;
        int inSpatial = (int) g.inSpatial;
        int[] inputPos = new int[positions * g.kernelSize];
        int[] o = new int[n];
        int[] k = new int[n];
        for (int p = 0; p < positions; p++) {
            unflatten(p, g.out, o);
            for (int kf = 0; kf < g.kernelSize; kf++) {
                unflatten(kf, g.kernel, k);
                int flat = 0;
                for (int j = 0; j < n; j++) {
                    int i = o[j] * g.stride[j] - g.padBefore[j] + k[j] * g.dilation[j];
                    if (i < 0 || i >= g.in[j]) {
                        flat = -1;
                        break;
                    }
                    flat = flat * g.in[j] + i;
                }
                inputPos[p * g.kernelSize + kf] = flat;
            }
        }
        for (int b = 0; b < g.batch; b++) {
            for (int t = 0; t < g.outChannels; t++) {
                int group = t / g.tg;
                for (int p = 0; p < positions; p++) {
                    int yIndex = (b * g.outChannels + t) * positions + p;
                    for (int c = 0; c < g.cg; c++) {
                        int xBase = (b * g.inChannels + group * g.cg + c) * inSpatial;
                        int wBase = (t * g.cg + c) * g.kernelSize;
                        for (int kf = 0; kf < g.kernelSize; kf++) {
                            int i = inputPos[p * g.kernelSize + kf];
                            if (i >= 0) tap.at(xBase + i, wBase + kf, yIndex);
                        }
                    }
                }
            }
        }
    }

    private static void unflatten(int flat, int[] dims, int[] idx) {
        for (int j = dims.length - 1; j >= 0; j--) {
            idx[j] = flat % dims[j];
            flat /= dims[j];
        }
    }

    private static float[] toFloat(double[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (float) v[i];
        return out;
    }
}
