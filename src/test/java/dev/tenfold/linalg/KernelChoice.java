package dev.tenfold.linalg;

import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Pins the kernels a solver test class runs on: the plain loops for every problem size, or the
 * Vector API kernels for every problem size when the class implements {@link VectorKernelRerunProperties.Forced}
 * (the {@code *VectorKernel*} reruns). Restores the threshold after the class.
 */
final class KernelChoice implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(KernelChoice.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        boolean vector = VectorKernelRerunProperties.Forced.class.isAssignableFrom(context.getRequiredTestClass());
        context.getStore(NS).put("previous", LinalgTestSupport.forceKernels(vector));
        // the pin must hold for the smallest and the largest problems alike
        DoubleKernels want = vector ? DoubleKernels.get() : DoubleKernels.scalar();
        for (double flops : new double[] {1, 1e18}) {
            assertSame(want, DoubleKernels.forWork(flops), context.getRequiredTestClass().getSimpleName() + ": " + flops
                    + " flops run " + DoubleKernels.forWork(flops).name() + ", not the pinned " + want.name());
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Double previous = context.getStore(NS).remove("previous", Double.class);
        if (previous != null) DoubleKernels.setVectorMinFlops(previous);
    }
}
