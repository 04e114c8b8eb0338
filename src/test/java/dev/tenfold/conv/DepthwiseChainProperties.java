package dev.tenfold.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The depthwise chain of one slab on both kernel sets equals a single-channel dense conv with
 * the separable kernel ⊗_n w_n (the double oracle {@link ConvFormOracle}): the forward, the input
 * gradient and the tap gradients (the dense weight gradient pulled back through the outer
 * product), on the random geometries of {@link ConvFormCases} (odd sizes, size-1 dims, strides,
 * dilations, asymmetric padding), at non-zero offsets.
 */
class DepthwiseChainProperties {
    private static final DepthwiseConv1d[] IMPLS = {
        new DepthwiseConv1d(DepthwiseKernels.get()), new DepthwiseConv1d(DepthwiseKernels.scalar())};

    private static void check(String failure, String what) {
        assertNull(failure, () -> what + ": " + failure);
    }

    @Test
    void chainEqualsTheDenseOracle() {
        qt().withExamples(200).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            ConvFormCases c = ConvFormCases.random(rnd, false);
            ConvFormOracle.Geo g0 = c.geo();
            ConvFormOracle.Geo g = new ConvFormOracle.Geo(1, 1, 1, g0.d(), g0.k(), g0.s(), g0.p(), g0.dil(), g0.o());
            int[] k = c.spec().kernel();
            int wc = Arrays.stream(k).sum();
            int wOff = rnd.nextInt(3);
            float[] w = DepthwiseConv1dProperties.random(rnd, wOff + wc);
            double[][] uk = new double[k.length][];
            for (int n = 0, off = wOff; n < k.length; off += k[n], n++) {
                uk[n] = ConvFormOracle.toDouble(Arrays.copyOfRange(w, off, off + k[n]));
            }
            ConvFormOracle.Cp cp = new ConvFormOracle.Cp(1, new double[] {1}, new double[] {1}, new double[] {1}, uk);
            double[] kernel = cp.reconstruct(g);
            int inSize = ConvFormOracle.prod(g.d());
            int outSize = ConvFormOracle.prod(g.o());
            int inOff = rnd.nextInt(4);
            int gOff = rnd.nextInt(4);
            float[] in = DepthwiseConv1dProperties.random(rnd, inOff + inSize);
            float[] gy = DepthwiseConv1dProperties.random(rnd, gOff + outSize);
            double[] x = ConvFormOracle.toDouble(Arrays.copyOfRange(in, inOff, in.length));
            double[] gyd = ConvFormOracle.toDouble(Arrays.copyOfRange(gy, gOff, gy.length));
            double[] yRef = ConvFormOracle.forward(g, x, kernel, null);
            double[] ginRef = ConvFormOracle.backwardInput(g, gyd, kernel);
            double[][] pulled = cp.pullBack(g, ConvFormOracle.backwardWeight(g, x, gyd));
            DepthwiseChain chain = new DepthwiseChain(c.spec(), c.inDims());
            for (DepthwiseConv1d dw : IMPLS) {
                String what = dw.kernels().name() + " " + c;
                DepthwiseChain.Work work = chain.newWork();
                float[] y = new float[1 + outSize];
                chain.forward(dw, in, inOff, w, wOff, y, 1, work);
                check(ConvFormCases.compare(yRef, Arrays.copyOfRange(y, 1, y.length), 1e-5), "forward " + what);
                float[] y2 = new float[outSize];
                float[] gin = new float[2 + inSize];
                double[] gw = new double[1 + wc];
                chain.forwardBackward(dw, in, inOff, w, wOff, y2, 0, gy, gOff, gin, 2, gw, 1, work);
                check(ConvFormCases.compare(yRef, y2, 1e-5), "forwardBackward output " + what);
                check(ConvFormCases.compare(ginRef, Arrays.copyOfRange(gin, 2, gin.length), 1e-5), "input gradient " + what);
                assertEquals(0, gw[0], "tap gradients must go to gw[gwOff ..] only, " + what);
                for (int n = 0, off = 1; n < k.length; off += k[n], n++) {
                    float[] got = new float[k[n]];
                    for (int j = 0; j < k[n]; j++) got[j] = (float) gw[off + j];
                    check(ConvFormCases.compare(pulled[3 + n], got, 1e-5), "tap gradient of mode " + n + " " + what);
                }
            }
        });
    }
}
